/**
 * The incident report at the issue's limit: 500 attached findings and 50 snapshots. Prints one JSON line with
 * (1) the time to build and render the report (JSON + Markdown), pure, in process; (2) the WriteReport task itself on
 * the offline stack (dynalite ledger, simulated evidence bucket with Object Lock): an approve drill, then 500
 * findings attached and 50 snapshots recorded, then WriteReport run `TASK_RUNS` times, each after one more ledger
 * change so that every run stores a new version (the full path: ledger read, build, render, two locked PUTs, the
 * report-written audit). Also the task's state output size against Step Functions' 256 KiB payload limit.
 * `npx tsx bench/report.ts`
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runDrill } from '../local/runtime/drill';
import { largeLedger } from '../test/unit/workflow/domain/incident/report/ledgers';
import { configureAwsRetry } from '../workflow/aws/call';
import {
  buildIncidentReport,
  renderReportJson,
  renderReportMarkdown,
} from '../workflow/domain/incident/report';
import { createLogger } from '../workflow/log';

const RUNS = 20;
const TASK_RUNS = 10;
const FINDINGS = 500;
const SNAPSHOTS = 50;
/** Step Functions' payload limit for a state's input or output (bytes). */
const PAYLOAD_LIMIT = 262_144;

const sortedMs = (times: number[]) => [...times].sort((a, b) => a - b);
const median = (times: number[]) => Math.round(sortedMs(times)[Math.floor(times.length / 2)] ?? 0);

function pure() {
  const input = largeLedger(FINDINGS, SNAPSHOTS);
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
  return {
    runs: RUNS,
    firstRunMs: Math.round(times[0] ?? 0),
    medianMs: median(times),
    maxMs: Math.round(sortedMs(times).at(-1) ?? 0),
    jsonBytes: Buffer.byteLength(json),
    markdownBytes: Buffer.byteLength(markdown),
  };
}

async function task() {
  configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0 });
  const event = JSON.parse(
    readFileSync(join(__dirname, '../local/workspace/samples/ec2-high-web1.json'), 'utf8'),
  ) as unknown;
  const drill = await runDrill({
    event,
    decision: 'approve',
    keepOpen: true,
    stack: { log: createLogger('bench-report', { level: 'silent' }) },
  });
  const { stack } = drill;
  try {
    const incidentId = drill.incidentId;
    if (!incidentId || drill.status !== 'RESOLVED') throw new Error(`drill ended ${drill.status}`);
    const at = () => stack.clock.now().toISOString();
    for (let i = 0; i < FINDINGS; i++) {
      await stack.ledger.appendAudit({
        incidentId,
        at: at(),
        actor: 'intake',
        action: 'finding-attached',
        detail: {
          findingId: `finding-${String(i).padStart(4, '0')}`,
          dedupeKey: `${stack.settings.homeAccountId}:us-east-1:finding-${i}`,
          type: 'Recon:EC2/Portscan',
          severity: 'MEDIUM',
        },
      });
    }
    const writer = stack.sim.model.callerRoleArn(stack.settings.homeAccountId);
    await stack.ledger.addEvidence(
      incidentId,
      Array.from({ length: SNAPSHOTS }, (_, i) => ({
        id: `snap-${(0xb000 + i).toString(16).padStart(17, '0')}`,
        kind: 'snapshot' as const,
        at: at(),
        writerPrincipal: writer,
        retention: { mode: 'SNAPSHOT-LOCK', retainUntil: '2027-03-01T00:00:00.000Z' },
      })),
    );
    const times: number[] = [];
    let output: unknown;
    for (let i = 0; i < TASK_RUNS; i++) {
      // One more ledger change, so that this run writes a new version (never the "already stored" shortcut).
      await stack.ledger.appendAudit({
        incidentId,
        at: at(),
        actor: 'system',
        action: 'bench-touch',
        detail: { run: i },
      });
      const t0 = performance.now();
      output = await stack.tasks.WriteReport({ incidentId, config: stack.settings.workflow });
      times.push(performance.now() - t0);
    }
    const written = output as { bytes: number; regenerated: boolean };
    return {
      runs: TASK_RUNS,
      firstRunMs: Math.round(times[0] ?? 0),
      medianMs: median(times),
      maxMs: Math.round(sortedMs(times).at(-1) ?? 0),
      reportJsonBytes: written.bytes,
      everyRunWroteANewVersion: written.regenerated,
      stateOutputBytes: Buffer.byteLength(JSON.stringify(output)),
      stateOutputLimitBytes: PAYLOAD_LIMIT,
    };
  } finally {
    await stack.close();
  }
}

async function main() {
  const buildAndRender = pure();
  const writeReportTask = await task();
  process.stdout.write(
    `${JSON.stringify({
      case: `${FINDINGS} attached findings, ${SNAPSHOTS} extra snapshots`,
      buildAndRender,
      writeReportTask,
      heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1e6),
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
