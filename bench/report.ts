/**
 * The incident report at the limit: 500 attached findings and 50 snapshots. Prints the time to build and
 * render it (JSON + Markdown) and the sizes, as one JSON line. `npx tsx bench/report.ts`
 */
import { performance } from 'node:perf_hooks';
import { largeLedger } from '../test/unit/workflow/domain/incident/report/ledgers';
import {
  buildIncidentReport,
  renderReportJson,
  renderReportMarkdown,
} from '../workflow/domain/incident/report';

const RUNS = 20;
const input = largeLedger(500, 50);
const times: number[] = [];
let json = '';
let markdown = '';
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  const report = buildIncidentReport(input);
  json = renderReportJson(report);
  markdown = renderReportMarkdown(report);
  times.push(performance.now() - t0);
}
const sorted = [...times].sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({
    case: '500 attached findings, 51 snapshots',
    runs: RUNS,
    firstRunMs: Math.round(times[0] ?? 0),
    medianMs: Math.round(sorted[Math.floor(RUNS / 2)] ?? 0),
    maxMs: Math.round(sorted.at(-1) ?? 0),
    jsonBytes: Buffer.byteLength(json),
    markdownBytes: Buffer.byteLength(markdown),
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1e6),
  })}\n`,
);
