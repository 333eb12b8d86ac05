import type { S3Client } from '@aws-sdk/client-s3';
import type { Ledger } from '../../../ledger/ledger';
import { TERMINAL_STATUSES } from '../../../ledger/types';
import type { Clock } from '../../../ports';
import { buildIncidentReport } from './build';
import { ReportNotFinalError } from './errors';
import { loadReportInput } from './load';
import type { IncidentReport } from './schema';
import { recordReportWritten, type StoredReport, storeIncidentReport } from './store';

export interface WriteReportDeps {
  ledger: Ledger;
  /** S3 in Airlock's own account (the evidence bucket). */
  s3: S3Client;
  clock: Clock;
  evidenceBucket: string;
  retentionDays: number;
  /** @default 'GOVERNANCE' */
  lockMode?: 'GOVERNANCE' | 'COMPLIANCE';
}

/** Reads the ledger and builds the report of a final incident (ReportNotFinalError otherwise). No write. */
export async function buildFinalReport(ledger: Ledger, incidentId: string): Promise<IncidentReport> {
  const input = await loadReportInput(ledger, incidentId);
  if (!TERMINAL_STATUSES.has(input.incident.status)) {
    throw new ReportNotFinalError(`incident ${incidentId} is ${input.incident.status}, not in a final state`);
  }
  return buildIncidentReport(input);
}

/**
 * The whole report path for one final incident: read the ledger, build the report, store it under Object Lock
 * (a new version only when the ledger changed) and record its hash (`report-written` audit event). Safe to rerun.
 * Fails with ReportNotFinalError for an incident that is not in a final state.
 */
export async function writeIncidentReport(
  deps: WriteReportDeps,
  incidentId: string,
): Promise<{ report: IncidentReport; stored: StoredReport }> {
  const report = await buildFinalReport(deps.ledger, incidentId);
  return { report, stored: await storeBuiltReport(deps, incidentId, report) };
}

/** Stores an already built report (storeIncidentReport) and records it (recordReportWritten). */
export async function storeBuiltReport(
  deps: WriteReportDeps,
  incidentId: string,
  report: IncidentReport,
): Promise<StoredReport> {
  const now = deps.clock.now();
  const stored = await storeIncidentReport(deps.s3, {
    bucket: deps.evidenceBucket,
    incidentId,
    report,
    retentionDays: deps.retentionDays,
    ...(deps.lockMode ? { lockMode: deps.lockMode } : {}),
    now,
  });
  await recordReportWritten(deps.ledger, incidentId, deps.evidenceBucket, stored, now);
  return stored;
}
