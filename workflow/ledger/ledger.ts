import type { IncidentRequest, RouteDecision } from '../intake/types';
import type {
  ApprovalRecord,
  AuditEvent,
  ClaimResult,
  DecideResult,
  Decision,
  EvidenceItem,
  IncidentRecord,
  IncidentStatus,
  IntakeResult,
  RejectedEvent,
  ReportShare,
  SettleHow,
  SettleResult,
  StepRecord,
} from './types';

/**
 * The incident ledger: one DynamoDB table (see docs/ARCHITECTURE.md for the key design).
 * Implemented by DynamoLedger (workflow/ledger/dynamo-ledger.ts); tested against dynalite.
 * Every write that must happen once is a conditional write.
 */
export interface Ledger {
  /**
   * Record a normalized request. Exactly one incident per finding dedupe key, and one open incident
   * per resource key: a repeat of the same finding is absorbed, a new finding for a resource with an
   * open incident is attached ("+1 finding" audit event). Safe under concurrent calls.
   */
  recordIntake(request: IncidentRequest, decision: RouteDecision): Promise<IntakeResult>;
  getIncident(incidentId: string): Promise<IncidentRecord | undefined>;
  /** The open incident for a resource key (e.g. an instance), if any. */
  findOpenIncidentByResource(resourceKey: string): Promise<IncidentRecord | undefined>;
  listOpenIncidents(): Promise<IncidentRecord[]>;
  /**
   * ESCALATED_UNRESOLVED incidents (terminal, still contained, nobody decided), oldest first.
   * Optional so test doubles may omit it; DynamoLedger implements it.
   */
  listUnresolvedIncidents?(): Promise<IncidentRecord[]>;
  /**
   * Incidents that reached a final status in (from, to] (by closedAt), oldest first: `/ir stats`. One query per
   * UTC day of the window. Optional (as above).
   */
  listClosedIncidents?(from: Date, to: Date): Promise<IncidentRecord[]>;
  /** The latest incident opened for a resource key, open or closed. Optional (as above). */
  findLatestIncidentByResource?(resourceKey: string): Promise<IncidentRecord | undefined>;
  /**
   * Sets the incident's owner (one conditional write on the owner it read, so concurrent claims each land in
   * order and none is lost); `previous` is the owner replaced. Optional (as above).
   */
  claimIncident?(incidentId: string, userId: string, now: Date): Promise<ClaimResult>;
  /**
   * Ends an ESCALATED_UNRESOLVED incident: one conditional write (status still ESCALATED_UNRESOLVED, not settled
   * yet), so exactly one resolve or release wins. `resolve` moves it to RESOLVED; `release` only records who
   * released it (the release execution restores it and closes it RESTORED). Optional (as above).
   */
  settleUnresolved?(incidentId: string, how: SettleHow, by: string, now: Date): Promise<SettleResult>;
  /** Moves status; terminal statuses release the resource lock and set closedAt. */
  setStatus(
    incidentId: string,
    status: IncidentStatus,
    extra?: Partial<IncidentRecord>,
  ): Promise<IncidentRecord>;
  /** Shallow-merges fields other than status (slack refs, executionArn, containedAt …). */
  update(
    incidentId: string,
    patch: Partial<Omit<IncidentRecord, 'incidentId' | 'status'>>,
  ): Promise<IncidentRecord>;
  /** Records the pre-containment state once; a second call returns the first recorded value unchanged. */
  recordPreState(incidentId: string, preState: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Adds evidence items; items whose id is already present are not added twice. */
  addEvidence(incidentId: string, items: EvidenceItem[]): Promise<void>;
  /** Appends a step; a step with the same name replaces the earlier record (a retry). */
  recordStep(incidentId: string, step: StepRecord): Promise<void>;
  /**
   * Records a report version shared in Slack, once per SHA-256 (false when already recorded). Beside the audit
   * trail, not in it (see ReportShare). Optional (as above).
   */
  recordReportShare?(share: ReportShare): Promise<boolean>;
  listReportShares?(incidentId: string): Promise<ReportShare[]>;
  /** Append-only audit trail. */
  appendAudit(event: AuditEvent): Promise<void>;
  listAudit(incidentId: string): Promise<AuditEvent[]>;
  /** Stores an approval (and its task token). Idempotent on approvalId. */
  createApproval(approval: ApprovalRecord): Promise<ApprovalRecord>;
  getApproval(approvalId: string): Promise<ApprovalRecord | undefined>;
  /** Adds a Slack message (channel, ts) that shows this approval's buttons. */
  addApprovalMessage(approvalId: string, ref: { channel: string; ts: string }): Promise<void>;
  /**
   * Conditional write: exactly one decision wins. `now` past expiresAt → 'expired'.
   * Never throws for a lost race; it returns who won.
   */
  decide(approvalId: string, decision: Decision, decidedBy: string, now: Date): Promise<DecideResult>;
  /**
   * Takes back a decision that won in the ledger but lost to the workflow's timer (its task token had expired):
   * the decision fields are removed and the approval is marked expired, only if `decidedBy` still holds it.
   * Optional so test doubles may omit it; DynamoLedger implements it. true when withdrawn.
   */
  withdrawDecision?(approvalId: string, decidedBy: string): Promise<boolean>;
  /** Marks an approval expired (the workflow timed it out) and names whom it escalated to. */
  expireApproval(approvalId: string, escalatedTo?: string): Promise<void>;
  /** Keeps a raw event that intake rejected, with the reason. Nothing is dropped. */
  recordRejectedEvent(event: RejectedEvent): Promise<void>;
  listRejectedEvents(): Promise<RejectedEvent[]>;
}
