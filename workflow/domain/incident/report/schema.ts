import * as z from 'zod';
import { RouteSchema, SeverityLabelSchema } from '../../../intake/types';
import { INCIDENT_STATUSES } from '../../../ledger/types';

/**
 * The incident report's JSON contract (docs/incident-report.md; JSON Schema in docs/incident-report.schema.json,
 * generated from this schema). Bump REPORT_SCHEMA_VERSION on any change a reader would notice.
 */
export const REPORT_SCHEMA_VERSION = 1;

const Iso = z.string().describe('ISO 8601 UTC time');
const Seconds = z.number().int().min(0);

/** A chain-of-custody field the ledger does not record (yet): why it is null. */
export const UnrecordedSchema = z.object({
  field: z.enum(['sha256', 's3VersionId', 'writerPrincipal', 'retention']),
  reason: z.string(),
});
export type Unrecorded = z.infer<typeof UnrecordedSchema>;

export const RetentionSchema = z.object({
  /** S3 Object Lock mode, or SNAPSHOT-LOCK for an EBS snapshot lock. */
  mode: z.enum(['GOVERNANCE', 'COMPLIANCE', 'SNAPSHOT-LOCK']),
  retainUntil: Iso,
});
export type Retention = z.infer<typeof RetentionSchema>;

export const ReportEvidenceSchema = z.object({
  /** The ledger's evidence id: s3://bucket/key, snap-…, or an SSM command id. */
  id: z.string(),
  kind: z.enum([
    'instance-metadata',
    'console-output',
    'screenshot',
    'volatile',
    'memory',
    'snapshot',
    'other',
  ]),
  location: z.enum(['s3', 'ebs-snapshot', 'other']),
  bucket: z.string().nullable(),
  key: z.string().nullable(),
  snapshotId: z.string().nullable(),
  sha256: z.string().nullable(),
  s3VersionId: z.string().nullable(),
  writerPrincipal: z.string().nullable(),
  /** When the ledger recorded the item (the writer's own time once writers record it). */
  recordedAt: Iso,
  retention: RetentionSchema.nullable(),
  /** One entry per null custody field, with the reason. Empty when the custody record is complete. */
  unrecorded: z.array(UnrecordedSchema),
});
export type ReportEvidence = z.infer<typeof ReportEvidenceSchema>;

export const ReportFindingSchema = z.object({
  /** 1 = the finding that opened the incident; then in the order they were attached. */
  order: z.number().int().min(1),
  how: z.enum(['opened', 'attached']),
  findingId: z.string().nullable(),
  dedupeKey: z.string().nullable(),
  type: z.string().nullable(),
  severity: z.string().nullable(),
  receivedAt: Iso,
});
export type ReportFinding = z.infer<typeof ReportFindingSchema>;

export const TIMELINE_KINDS = [
  'finding-received',
  'finding-attached',
  'finding-updated',
  'step-started',
  'step-ended',
  'step-failed',
  'decision',
  'refusal',
  'decision-not-counted',
  'escalation',
  'approval-expired',
  'notification',
  'compensation',
  'closed',
  'event',
] as const;
export const TimelineKindSchema = z.enum(TIMELINE_KINDS);
export type TimelineKind = z.infer<typeof TimelineKindSchema>;

export const TimelineEntrySchema = z.object({
  at: Iso,
  kind: TimelineKindSchema,
  /** 'workflow', 'intake', 'system', or 'slack:<user id>'. */
  actor: z.string(),
  /** The Slack user id when a person acted, else null. */
  slackUser: z.string().nullable(),
  /** The ledger's audit action or step name. */
  action: z.string(),
  /** ok / failed / skipped for steps, approve / reject for decisions, the refusal reason …; null when none. */
  outcome: z.string().nullable(),
  summary: z.string(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const ReportStepSchema = z.object({
  name: z.string(),
  status: z.enum(['ok', 'skipped', 'failed']),
  startedAt: Iso,
  endedAt: Iso,
  durationSeconds: z.number().min(0),
  summary: z.string(),
  ids: z.array(z.string()),
});
export type ReportStep = z.infer<typeof ReportStepSchema>;

export const ReportApprovalSchema = z.object({
  approvalId: z.string(),
  kind: z.enum(['primary', 'escalation']),
  requestedAt: Iso,
  expiresAt: Iso,
  decision: z.enum(['approve', 'reject']).nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: Iso.nullable(),
  escalatedTo: z.string().nullable(),
  expiredAt: Iso.nullable(),
});
export type ReportApproval = z.infer<typeof ReportApprovalSchema>;

export const RestoreSchema = z.object({
  status: z.enum(['ok', 'skipped', 'failed']),
  /** The differences left between the resource and its pre-state after the restore: must be empty. */
  differences: z.array(z.string()),
  summary: z.string(),
});
export type ReportRestore = z.infer<typeof RestoreSchema>;

export const MeasuresSchema = z.object({
  /** Finding received (detectedAt) → the first isolating call done (containedAt). */
  timeToContainSeconds: Seconds.nullable(),
  /** Approval requested (primary approval createdAt) → decided. */
  timeToDecisionSeconds: Seconds.nullable(),
  decision: z.enum(['approve', 'reject']).nullable(),
  /** The Slack user id who decided. */
  decidedBy: z.string().nullable(),
  escalated: z.boolean(),
  failedStep: z.string().nullable(),
});
export type ReportMeasures = z.infer<typeof MeasuresSchema>;

export const IncidentReportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  incident: z.object({
    incidentId: z.string(),
    status: z.enum(INCIDENT_STATUSES),
    /** true when the status is terminal (the report is the incident's record). */
    final: z.boolean(),
    route: RouteSchema,
    routeReason: z.string(),
    source: z.enum(['guardduty', 'securityhub', 'manual']),
    title: z.string(),
    type: z.string(),
    severity: z.object({ value: z.number(), label: SeverityLabelSchema }),
    accountId: z.string(),
    region: z.string(),
    resourceKind: z.enum(['ec2-instance', 'iam-access-key', 's3-bucket', 'other']),
    resourceKey: z.string(),
    executionArn: z.string().nullable(),
    detectedAt: Iso,
    containedAt: Iso.nullable(),
    decidedAt: Iso.nullable(),
    closedAt: Iso.nullable(),
    failure: z.object({ step: z.string(), error: z.string(), cause: z.string() }).nullable(),
  }),
  /** The ledger's count of findings on this incident (the opening one included). */
  findingCount: z.number().int().min(0),
  findings: z.array(ReportFindingSchema),
  timeline: z.array(TimelineEntrySchema),
  steps: z.array(ReportStepSchema),
  approvals: z.array(ReportApprovalSchema),
  evidence: z.array(ReportEvidenceSchema),
  changes: z.object({
    /** Each containment action, in the order it started (restore and close excluded). */
    actions: z.array(
      z.object({ step: z.string(), status: z.enum(['ok', 'skipped', 'failed']), summary: z.string() }),
    ),
    /** Null when nothing was restored. */
    restore: RestoreSchema.nullable(),
  }),
  measures: MeasuresSchema,
});
export type IncidentReport = z.infer<typeof IncidentReportSchema>;
