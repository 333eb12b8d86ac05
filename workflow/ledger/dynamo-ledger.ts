import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../errors';
import type { IncidentRequest, RouteDecision } from '../intake/types';
import { type Clock, systemClock } from '../ports';
import { ApprovalStore } from './approval-store';
import { appendAuditEvent, listAuditEvents, listReportShares, putReportShare } from './audit-store';
import { IncidentStore } from './incident-store';
import { IntakeRecorder } from './intake-recorder';
import type { Ledger } from './ledger';
import { mergeEvidence, mergeStep } from './lists';
import { listRejected, recordRejected } from './rejected-store';
import { TableIo } from './table-io';
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

export { tableDefinition } from './table';

export interface DynamoLedgerOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** @default systemClock */
  clock?: Clock;
}

/**
 * The ledger on one DynamoDB table (key design in docs/ARCHITECTURE.md). No transactions (dynalite lacks them):
 * every multi-item write is ordered so a crash + retry converges, and every write that must happen once is
 * conditional. DynamoDB throttling surfaces as ThrottledError, 5xx as TransientAwsError; a missing incident
 * as ResourceNotFoundError.
 */
export class DynamoLedger implements Ledger {
  private readonly io: TableIo;
  private readonly clock: Clock;
  private readonly incidents: IncidentStore;
  private readonly approvals: ApprovalStore;
  private readonly intake: IntakeRecorder;

  constructor(options: DynamoLedgerOptions) {
    this.io = new TableIo(options.doc, options.tableName);
    this.clock = options.clock ?? systemClock;
    this.incidents = new IncidentStore(this.io, this.clock);
    this.approvals = new ApprovalStore(this.io, this.clock);
    this.intake = new IntakeRecorder(this.io, this.clock, this.incidents);
  }

  recordIntake(request: IncidentRequest, decision: RouteDecision): Promise<IntakeResult> {
    return this.intake.record(request, decision);
  }

  getIncident(incidentId: string): Promise<IncidentRecord | undefined> {
    return this.incidents.get(incidentId);
  }

  findOpenIncidentByResource(resourceKey: string): Promise<IncidentRecord | undefined> {
    return this.incidents.findOpenByResource(resourceKey);
  }

  listOpenIncidents(): Promise<IncidentRecord[]> {
    return this.incidents.listOpen();
  }

  listUnresolvedIncidents(): Promise<IncidentRecord[]> {
    return this.incidents.listUnresolved();
  }

  recordReportShare(share: ReportShare): Promise<boolean> {
    return putReportShare(this.io, share);
  }

  listReportShares(incidentId: string): Promise<ReportShare[]> {
    return listReportShares(this.io, incidentId);
  }

  listClosedIncidents(from: Date, to: Date): Promise<IncidentRecord[]> {
    return this.incidents.listClosed(from, to);
  }

  findLatestIncidentByResource(resourceKey: string): Promise<IncidentRecord | undefined> {
    return this.incidents.findLatestByResource(resourceKey);
  }

  claimIncident(incidentId: string, userId: string, now: Date): Promise<ClaimResult> {
    return this.incidents.claim(incidentId, userId, now);
  }

  settleUnresolved(incidentId: string, how: SettleHow, by: string, now: Date): Promise<SettleResult> {
    return this.incidents.settle(incidentId, how, by, now);
  }

  setStatus(
    incidentId: string,
    status: IncidentStatus,
    extra?: Partial<IncidentRecord>,
  ): Promise<IncidentRecord> {
    return this.incidents.setStatus(incidentId, status, extra);
  }

  update(
    incidentId: string,
    patch: Partial<Omit<IncidentRecord, 'incidentId' | 'status'>>,
  ): Promise<IncidentRecord> {
    return this.incidents.update(incidentId, patch);
  }

  recordPreState(incidentId: string, preState: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.incidents.recordPreState(incidentId, preState);
  }

  async addEvidence(incidentId: string, items: EvidenceItem[]): Promise<void> {
    if (items.some((item) => !item.id))
      throw new ValidationError('evidence item without an id', 'evidence.id');
    const overflow = await this.incidents.mutate(incidentId, (current) => {
      const merged = mergeEvidence(current.evidence ?? [], items);
      if (merged.added.length === 0 && merged.overflow.length === 0) return undefined;
      return {
        fields: merged.added.length > 0 ? { evidence: merged.evidence } : {},
        result: merged.overflow,
      };
    });
    if (overflow && overflow.length > 0) {
      // Past the cap the manifest lives on in the audit trail (separate items): evidence is never dropped.
      await this.appendAudit({
        incidentId,
        at: this.clock.now().toISOString(),
        actor: 'system',
        action: 'evidence-overflow',
        detail: { items: overflow },
      });
    }
  }

  async recordStep(incidentId: string, step: StepRecord): Promise<void> {
    await this.incidents.mutate(incidentId, (current) => ({
      fields: { steps: mergeStep(current.steps ?? [], step) },
      result: undefined,
    }));
  }

  appendAudit(event: AuditEvent): Promise<void> {
    return appendAuditEvent(this.io, event);
  }

  listAudit(incidentId: string): Promise<AuditEvent[]> {
    return listAuditEvents(this.io, incidentId);
  }

  createApproval(approval: ApprovalRecord): Promise<ApprovalRecord> {
    return this.approvals.create(approval);
  }

  getApproval(approvalId: string): Promise<ApprovalRecord | undefined> {
    return this.approvals.get(approvalId);
  }

  addApprovalMessage(approvalId: string, ref: { channel: string; ts: string }): Promise<void> {
    return this.approvals.addMessage(approvalId, ref);
  }

  decide(approvalId: string, decision: Decision, decidedBy: string, now: Date): Promise<DecideResult> {
    return this.approvals.decide(approvalId, decision, decidedBy, now);
  }

  withdrawDecision(approvalId: string, decidedBy: string): Promise<boolean> {
    return this.approvals.withdraw(approvalId, decidedBy);
  }

  expireApproval(approvalId: string, escalatedTo?: string): Promise<void> {
    return this.approvals.expire(approvalId, escalatedTo);
  }

  recordRejectedEvent(event: RejectedEvent): Promise<void> {
    return recordRejected(this.io, event);
  }

  listRejectedEvents(): Promise<RejectedEvent[]> {
    return listRejected(this.io);
  }
}
