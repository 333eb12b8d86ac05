import type { IncidentRequest, Route } from '../intake/types';

/** Lifecycle of an incident. Terminal statuses release the resource's open-incident lock. */
export const INCIDENT_STATUSES = [
  'OPEN', // recorded, execution starting
  'CONTAINING', // containment steps running
  'AWAITING_APPROVAL', // contained, waiting on a human
  'ESCALATED', // approval timed out, waiting on the SOC lead
  'RESOLVED', // approved: stays contained, finding resolved
  'RESTORED', // rejected: false positive, pre-state restored
  'ESCALATED_UNRESOLVED', // nobody answered, stays contained
  'NOTIFIED', // notify-only / review notice / ask-before-contain posted
  'IGNORED', // routed to ignore (recorded)
  'FAILED', // unrecoverable error, compensation ran
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export const TERMINAL_STATUSES: ReadonlySet<IncidentStatus> = new Set([
  'RESOLVED',
  'RESTORED',
  'ESCALATED_UNRESOLVED',
  'NOTIFIED',
  'IGNORED',
  'FAILED',
]);

export interface EvidenceItem {
  /** s3://bucket/key, snap-…, or an SSM command id */
  id: string;
  kind: 'instance-metadata' | 'console-output' | 'screenshot' | 'volatile' | 'memory' | 'snapshot' | 'other';
  sha256?: string;
  at: string;
}

export interface StepRecord {
  /** Step name, e.g. "isolate-network" */
  name: string;
  status: 'ok' | 'skipped' | 'failed';
  summary: string;
  startedAt: string;
  endedAt: string;
  ids?: string[];
  /** Links shown with the step (the ticket's key and URL): rendered as links, escaped. */
  links?: { text: string; url: string }[];
  /** Set by the Notify task once this step's reply is in the Slack thread (a retried step clears it by replacing the record). */
  notified?: boolean;
}

export interface IncidentRecord {
  incidentId: string;
  status: IncidentStatus;
  route: Route;
  routeReason: string;
  request: IncidentRequest;
  /** Number of findings attached (the first one included). */
  findingCount: number;
  executionArn?: string;
  /** The resource's state before any change, recorded once (never overwritten by a retry). */
  preState?: Record<string, unknown>;
  evidence: EvidenceItem[];
  steps: StepRecord[];
  slack?: { channel: string; ts: string; reviewChannel?: string; reviewTs?: string };
  /** The incident's ticket once its sink opened it (a Jira key and its browse URL; the ledger sink sets none). */
  ticket?: { id: string; url?: string; sink: string };
  approval?: {
    approvalId: string;
    state: 'pending' | 'approved' | 'rejected' | 'expired' | 'escalated';
    decidedBy?: string;
    decidedAt?: string;
  };
  failure?: { step: string; error: string; cause: string };
  /** The responder who claimed the incident (Claim button or `/ir claim`); reassigning is audited. */
  owner?: { userId: string; at: string };
  /**
   * How an ESCALATED_UNRESOLVED incident was ended from Slack: `resolve` (stays contained, RESOLVED at once) or
   * `release` (restored by a release execution, then RESTORED). Written once: exactly one of them wins.
   */
  settled?: { how: SettleHow; by: string; at: string };
  detectedAt: string;
  containedAt?: string;
  decidedAt?: string;
  closedAt?: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * A report version shared in the incident's Slack thread (files.uploadV2): one per report SHA-256. Kept beside
 * the audit trail, not in it: the report is built from the audit trail, so recording its own distribution there
 * would change the report and make every regeneration a new version.
 */
export interface ReportShare {
  incidentId: string;
  /** SHA-256 (hex) of the report's JSON rendering, as recorded in its `report-written` audit event. */
  sha256: string;
  version: number;
  /** The S3 key of the Markdown that was uploaded. */
  key: string;
  fileId: string;
  permalink: string | null;
  channel: string;
  threadTs: string;
  at: string;
}

export interface AuditEvent {
  incidentId: string;
  at: string;
  /** 'workflow', 'intake', 'slack:U123', 'system' */
  actor: string;
  action: string;
  detail?: Record<string, unknown>;
  inputDigest?: string;
  outputDigest?: string;
}

export type Decision = 'approve' | 'reject';

/** The ways out of ESCALATED_UNRESOLVED: resolve keeps it contained, release restores it (as Reject does). */
export type SettleHow = 'resolve' | 'release';

export type ClaimResult =
  | { outcome: 'claimed'; incident: IncidentRecord; previous?: string }
  | { outcome: 'already-owner'; incident: IncidentRecord }
  | { outcome: 'not-found' };

export type SettleResult =
  | { outcome: 'won'; incident: IncidentRecord }
  | { outcome: 'lost'; incident: IncidentRecord }
  | { outcome: 'not-found' };

export interface ApprovalRecord {
  approvalId: string;
  incidentId: string;
  /** Never leaves the ledger: Slack sees only approvalId. */
  taskToken: string;
  kind: 'primary' | 'escalation';
  requesterSlackUserId?: string;
  createdAt: string;
  expiresAt: string;
  decision?: Decision;
  decidedBy?: string;
  decidedAt?: string;
  escalatedTo?: string;
  /** Set by expireApproval when the workflow timed the approval out; a decision is no longer accepted. */
  expiredAt?: string;
  slack?: { channel: string; ts: string }[];
}

export type DecideResult =
  | { outcome: 'won'; approval: ApprovalRecord }
  | { outcome: 'already-decided'; approval: ApprovalRecord }
  | { outcome: 'expired'; approval: ApprovalRecord }
  | { outcome: 'not-found' };

export type IntakeResult =
  /** A new incident was opened for this finding. */
  | { outcome: 'opened'; incident: IncidentRecord }
  /** The same finding id arrived again (a GuardDuty update): absorbed. */
  | { outcome: 'repeat'; incident: IncidentRecord }
  /** A different finding for a resource that already has an open incident: attached (+1 finding). */
  | { outcome: 'attached'; incident: IncidentRecord };

export interface RejectedEvent {
  rejectedAt: string;
  reason: string;
  field: string;
  raw: unknown;
}
