import { createMetricsLogger } from 'aws-embedded-metrics';
import * as z from 'zod';
import { WorkflowSettingsSchema } from '../config';
import { emitIncidentMetrics, incidentMeasures } from '../domain/incident/metrics';
import {
  buildFinalReport,
  type IncidentReport,
  METRICS_AUDIT_ACTION,
  REPORT_FAILED_AUDIT_ACTION,
  storeBuiltReport,
} from '../domain/incident/report';
import type { WorkflowTaskDeps } from './deps';
import { parseInput } from './input';
import { lambdaHandler } from './lambda';

/** The longest error cause kept in a `report-failed` audit event (the ledger item stays small). */
export const REPORT_FAILURE_CAUSE_MAX = 2_000;

export const WriteReportInputSchema = z.object({
  incidentId: z.string().min(1),
  config: WorkflowSettingsSchema,
  /**
   * Set by the ASL's ReportFailed state: WriteReport's error after its retries ran out (the Catch's `{Error,
   * Cause}`). This invocation then only audits the failure.
   */
  failure: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
  /** ReportFailed: `$$.Execution.Id`, so a retried audit step records the failure once per execution. */
  executionId: z.string().optional(),
});
export type WriteReportInput = z.infer<typeof WriteReportInputSchema>;

/** What the state machine keeps at `$.report`: small, never the report itself (that is in S3). */
export interface WriteReportOutput {
  /** The JSON rendering's key in the evidence bucket. */
  key: string;
  /** Its S3 version id (null on an unversioned bucket). */
  versionId: string | null;
  sha256: string;
  /** Size of the JSON rendering. */
  bytes: number;
  /** true when this wrote a new version after an earlier, different report of the incident. */
  regenerated: boolean;
}

export interface ReportFailureAudited {
  audited: boolean;
}

/**
 * Metrics once per incident, guarded by the ledger: the `metrics-emitted` audit event is written first (the intent),
 * then the EMF document, so a retry, a re-run or a regenerated report never counts the incident twice. A crash
 * between the two loses that incident's metrics rather than doubling them; the report and the ledger still hold its
 * figures (`/ir stats` reads the ledger).
 */
async function emitMetricsOnce(deps: WorkflowTaskDeps, report: IncidentReport): Promise<boolean> {
  const { incidentId, status } = report.incident;
  const audit = await deps.ledger.listAudit(incidentId);
  if (audit.some((e) => e.action === METRICS_AUDIT_ACTION)) return false;
  const measures = incidentMeasures(report);
  await deps.ledger.appendAudit({
    incidentId,
    at: deps.clock.now().toISOString(),
    actor: 'workflow',
    action: METRICS_AUDIT_ACTION,
    detail: { outcome: status, route: measures.route },
  });
  await emitIncidentMetrics(measures, deps.metrics ? deps.metrics() : createMetricsLogger());
  return true;
}

/** ReportFailed: one `report-failed` audit event per execution, with the error the workflow caught. */
async function auditFailure(deps: WorkflowTaskDeps, input: WriteReportInput): Promise<ReportFailureAudited> {
  const failure = input.failure;
  if (!failure) return { audited: false };
  const audit = await deps.ledger.listAudit(input.incidentId);
  const executionId = input.executionId ?? null;
  if (
    executionId &&
    audit.some((e) => e.action === REPORT_FAILED_AUDIT_ACTION && e.detail?.executionId === executionId)
  ) {
    return { audited: false };
  }
  await deps.ledger.appendAudit({
    incidentId: input.incidentId,
    at: deps.clock.now().toISOString(),
    actor: 'workflow',
    action: REPORT_FAILED_AUDIT_ACTION,
    detail: {
      error: failure.Error,
      cause: (failure.Cause ?? '').slice(0, REPORT_FAILURE_CAUSE_MAX),
      executionId,
      summary: `Incident report not written: ${failure.Error}`,
    },
  });
  deps.log.error({ incidentId: input.incidentId, error: failure.Error }, 'incident report not written');
  return { audited: true };
}

/**
 * After every close: the incident report (buildIncidentReport) stored in the evidence bucket under Object Lock,
 * its hash in the ledger (`report-written`), and the incident's close metrics emitted once. With `failure` (the
 * ReportFailed state) it only audits why the report could not be written. Writes in Airlock's own account only.
 */
export async function run(
  deps: WorkflowTaskDeps,
  input: unknown,
): Promise<WriteReportOutput | ReportFailureAudited> {
  const parsed = parseInput(WriteReportInputSchema, input);
  if (parsed.failure) return auditFailure(deps, parsed);
  const report = await buildFinalReport(deps.ledger, parsed.incidentId);
  await emitMetricsOnce(deps, report);
  const stored = await storeBuiltReport(
    {
      ledger: deps.ledger,
      s3: deps.evidenceS3,
      clock: deps.clock,
      evidenceBucket: parsed.config.evidenceBucket,
      retentionDays: parsed.config.reportRetentionDays,
      lockMode: parsed.config.reportLockMode,
    },
    parsed.incidentId,
    report,
  );
  return {
    key: stored.key,
    versionId: stored.versionId,
    sha256: stored.sha256,
    bytes: stored.bytes,
    regenerated: stored.created && stored.version > 1,
  };
}

export const handler = lambdaHandler(run);
