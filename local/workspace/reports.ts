import { GetObjectCommand } from '@aws-sdk/client-s3';
import { closedIncidentMeasures } from '../../bot/report/measures';
import { latestReportRecord, readVerifiedReport } from '../../bot/report/stored';
import {
  type IncidentMeasures,
  percentile,
  type SocStats,
  type StatsWindow,
  socStats,
} from '../../workflow/domain/incident/metrics';
import type { Ledger } from '../../workflow/ledger/ledger';
import type { WorkspaceStack } from './port';

/** A NotFound the API answers 404 with the field named. */
export class NoReportError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'NoReportError';
  }
}

export interface ReportView {
  incidentId: string;
  version: number;
  sha256: string;
  /** The stored Markdown, as text (the page renders it escaped, never as HTML). */
  markdown: string;
  /** Where the JSON rendering is served (the same object the hash was checked on). */
  jsonUrl: string;
  writtenAt: string;
}

/**
 * The incident's latest report, read from the drill's evidence bucket and checked like the bot checks it before
 * an upload (readVerifiedReport: the JSON against the ledger's SHA-256, the Markdown against its S3 checksum).
 */
export async function reportView(stack: WorkspaceStack, incidentId: string): Promise<ReportView> {
  const record = latestReportRecord(await stack.ledger.listAudit(incidentId));
  if (!record)
    throw new NoReportError(
      `no report for ${incidentId} yet: it is written when the incident closes`,
      'report',
    );
  if (record.kind === 'failed') {
    throw new NoReportError(`no report was written for ${incidentId}: ${record.reason}`, 'report');
  }
  if (!stack.reports) throw new NoReportError('this drill has no evidence bucket for reports', 'report');
  const verified = await readVerifiedReport(stack.reports.s3, record.written);
  if (!verified.ok) {
    throw new NoReportError(
      `the stored ${verified.key} does not match its recorded SHA-256 (expected ${verified.expected}, found ${verified.found})`,
      'report',
    );
  }
  return {
    incidentId,
    version: record.written.version,
    sha256: record.written.sha256,
    markdown: verified.markdown.toString('utf8'),
    jsonUrl: `/api/incidents/${encodeURIComponent(incidentId)}/report.json`,
    writtenAt: record.at,
  };
}

/** The latest report's JSON rendering, byte for byte as stored (the object its SHA-256 covers). */
export async function reportJson(stack: WorkspaceStack, incidentId: string): Promise<Buffer> {
  const record = latestReportRecord(await stack.ledger.listAudit(incidentId));
  if (record?.kind !== 'written' || !stack.reports) {
    throw new NoReportError(`no report for ${incidentId}`, 'report');
  }
  const { written } = record;
  const out = await stack.reports.s3.send(
    new GetObjectCommand({
      Bucket: written.bucket,
      Key: written.key,
      ...(written.versionId ? { VersionId: written.versionId } : {}),
    }),
  );
  return Buffer.from(out.Body ? await out.Body.transformToByteArray() : new Uint8Array());
}

export interface FileView {
  id: string;
  name: string;
  title: string;
  size: number;
  /** The file's bytes as UTF-8 text (the drill shares Markdown reports only). */
  text: string;
  channel: string;
  threadTs?: string;
}

/** A file shared in the fake Slack (files.completeUploadExternal), as the page opens it from a message. */
export function fileView(stack: WorkspaceStack, fileId: string): FileView {
  const file = stack.slack.file(fileId);
  if (!file?.bytes || !file.shared?.channel) throw new NoReportError(`no shared file ${fileId}`, 'fileId');
  return {
    id: file.id,
    name: file.name,
    title: file.title,
    size: file.size,
    text: file.bytes.toString('utf8'),
    channel: file.shared.channel,
    ...(file.shared.threadTs ? { threadTs: file.shared.threadTs } : {}),
  };
}

/** One UTC day of the Metrics view's series (null where nothing was measured that day). */
export interface MetricsDay {
  date: string;
  ttcP50: number | null;
  ttcP90: number | null;
  ttdP50: number | null;
  ttdP90: number | null;
  decisions: number;
  rejects: number;
  /** rejects ÷ decisions that day; null when nobody decided. */
  falsePositiveRate: number | null;
  escalations: number;
  failures: number;
}

export interface MetricsView {
  /** The window's figures: exactly what `/ir stats` answers (socStats). */
  stats: SocStats;
  /** The same figures day by day (socStats' perDay rows, with each day's percentiles and rates), for the charts. */
  days: MetricsDay[];
}

function sortedOf(values: (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null).sort((a, b) => a - b);
}

/** The Metrics view's figures: socStats over the drill's own closed incidents (as /ir stats), and per day. */
export async function metricsView(stack: WorkspaceStack, window: StatsWindow): Promise<MetricsView> {
  const now = stack.clock.now();
  const measures = await closedIncidentMeasures(stack.ledger as Ledger, window, now);
  const stats = socStats(measures, window, now);
  const inWindow = (m: IncidentMeasures) => {
    const t = Date.parse(m.closedAt);
    return t > Date.parse(stats.from) && t <= Date.parse(stats.to);
  };
  const byDay = new Map<string, IncidentMeasures[]>();
  for (const m of measures.filter(inWindow)) {
    const date = new Date(Date.parse(m.closedAt)).toISOString().slice(0, 10);
    byDay.set(date, [...(byDay.get(date) ?? []), m]);
  }
  const days = stats.perDay.map(({ date }) => {
    const ms = byDay.get(date) ?? [];
    const ttc = sortedOf(ms.map((m) => m.timeToContainSeconds));
    const ttd = sortedOf(ms.map((m) => m.timeToDecisionSeconds));
    const decisions = ms.filter((m) => m.decision !== null).length;
    const rejects = ms.filter((m) => m.decision === 'reject').length;
    return {
      date,
      ttcP50: percentile(ttc, 50),
      ttcP90: percentile(ttc, 90),
      ttdP50: percentile(ttd, 50),
      ttdP90: percentile(ttd, 90),
      decisions,
      rejects,
      falsePositiveRate: decisions > 0 ? rejects / decisions : null,
      escalations: ms.filter((m) => m.escalated).length,
      failures: ms.filter((m) => m.outcome === 'FAILED').length,
    };
  });
  return { stats, days };
}
