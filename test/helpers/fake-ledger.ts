import { ResourceNotFoundError } from '../../workflow/errors';
import { incidentIdFor } from '../../workflow/intake/ids';
import type { IncidentRequest, RouteDecision } from '../../workflow/intake/types';
import type { Ledger } from '../../workflow/ledger/ledger';
import {
  type ApprovalRecord,
  type AuditEvent,
  type DecideResult,
  type Decision,
  type EvidenceItem,
  type IncidentRecord,
  type IncidentStatus,
  type IntakeResult,
  type RejectedEvent,
  type ReportShare,
  type StepRecord,
  TERMINAL_STATUSES,
} from '../../workflow/ledger/types';
import type { Clock } from '../../workflow/ports';

const copy = <T>(value: T): T => structuredClone(value);

/**
 * An in-memory Ledger with the DynamoLedger's semantics: conditional writes (one incident per finding, one open
 * incident per resource, exactly one decision per approval), copies on every read and write (no shared
 * references, as with a real table), and an optional latency so concurrent callers really interleave.
 */
export class FakeLedger implements Ledger {
  readonly incidents = new Map<string, IncidentRecord>();
  readonly findings = new Map<string, string>();
  readonly locks = new Map<string, string>();
  readonly approvals = new Map<string, ApprovalRecord>();
  readonly audit: AuditEvent[] = [];
  readonly rejected: RejectedEvent[] = [];
  readonly shares: ReportShare[] = [];
  /** Every method called, in order (for "exactly one decide" style assertions). */
  readonly calls: string[] = [];

  constructor(private readonly options: { clock?: Clock; latencyMs?: number } = {}) {}

  private now(): Date {
    return this.options.clock?.now() ?? new Date();
  }

  private async io(method: string): Promise<void> {
    this.calls.push(method);
    const ms = this.options.latencyMs ?? 0;
    await new Promise<void>((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
  }

  private mustGet(incidentId: string): IncidentRecord {
    const incident = this.incidents.get(incidentId);
    if (!incident) throw new ResourceNotFoundError(`incident ${incidentId} is not in the ledger`);
    return incident;
  }

  /** Test convenience: put an incident directly (as if intake had recorded it). */
  seedIncident(incident: IncidentRecord): void {
    this.incidents.set(incident.incidentId, copy(incident));
    this.findings.set(incident.request.dedupeKey, incident.incidentId);
    if (!TERMINAL_STATUSES.has(incident.status))
      this.locks.set(incident.request.resourceKey, incident.incidentId);
  }

  async recordIntake(request: IncidentRequest, decision: RouteDecision): Promise<IntakeResult> {
    await this.io('recordIntake');
    const nowIso = this.now().toISOString();
    const existing = this.findings.get(request.dedupeKey);
    if (existing) return { outcome: 'repeat', incident: copy(this.mustGet(existing)) };
    const lockedBy = this.locks.get(request.resourceKey);
    if (lockedBy) {
      const incident = this.mustGet(lockedBy);
      this.findings.set(request.dedupeKey, lockedBy);
      incident.findingCount += 1;
      incident.updatedAt = nowIso;
      this.audit.push({
        incidentId: lockedBy,
        at: nowIso,
        actor: 'intake',
        action: 'finding-attached',
        detail: { findingId: request.findingId, type: request.type },
      });
      return { outcome: 'attached', incident: copy(incident) };
    }
    const incidentId = incidentIdFor(request.dedupeKey);
    const status: IncidentStatus = decision.route === 'ignore' ? 'IGNORED' : 'OPEN';
    const incident: IncidentRecord = {
      incidentId,
      status,
      route: decision.route,
      routeReason: decision.reason,
      request: copy(request),
      findingCount: 1,
      evidence: [],
      steps: [],
      detectedAt: nowIso,
      createdAt: nowIso,
      updatedAt: nowIso,
      ...(status === 'IGNORED' ? { closedAt: nowIso } : {}),
    };
    this.incidents.set(incidentId, incident);
    this.findings.set(request.dedupeKey, incidentId);
    if (status !== 'IGNORED') this.locks.set(request.resourceKey, incidentId);
    this.audit.push({
      incidentId,
      at: nowIso,
      actor: 'intake',
      action: 'opened',
      detail: { route: decision.route },
    });
    return { outcome: 'opened', incident: copy(incident) };
  }

  async getIncident(incidentId: string): Promise<IncidentRecord | undefined> {
    await this.io('getIncident');
    const incident = this.incidents.get(incidentId);
    return incident ? copy(incident) : undefined;
  }

  async findOpenIncidentByResource(resourceKey: string): Promise<IncidentRecord | undefined> {
    await this.io('findOpenIncidentByResource');
    const id = this.locks.get(resourceKey);
    const incident = id ? this.incidents.get(id) : undefined;
    return incident ? copy(incident) : undefined;
  }

  async listOpenIncidents(): Promise<IncidentRecord[]> {
    await this.io('listOpenIncidents');
    return [...this.incidents.values()]
      .filter((i) => !TERMINAL_STATUSES.has(i.status))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map(copy);
  }

  async recordReportShare(share: ReportShare): Promise<boolean> {
    await this.io('recordReportShare');
    if (this.shares.some((s) => s.incidentId === share.incidentId && s.sha256 === share.sha256)) return false;
    this.shares.push(copy(share));
    return true;
  }

  async listReportShares(incidentId: string): Promise<ReportShare[]> {
    await this.io('listReportShares');
    return this.shares.filter((s) => s.incidentId === incidentId).map(copy);
  }

  /** Final incidents whose closedAt is in (from, to], oldest first (DynamoLedger: one gsi1 query per day). */
  async listClosedIncidents(from: Date, to: Date): Promise<IncidentRecord[]> {
    await this.io('listClosedIncidents');
    const lo = from.toISOString();
    const hi = to.toISOString();
    return [...this.incidents.values()]
      .filter((i) => TERMINAL_STATUSES.has(i.status) && i.closedAt !== undefined)
      .filter((i) => (i.closedAt as string) > lo && (i.closedAt as string) <= hi)
      .sort((a, b) => (a.closedAt as string).localeCompare(b.closedAt as string))
      .map(copy);
  }

  async setStatus(
    incidentId: string,
    status: IncidentStatus,
    extra: Partial<IncidentRecord> = {},
  ): Promise<IncidentRecord> {
    await this.io('setStatus');
    const incident = this.mustGet(incidentId);
    const nowIso = this.now().toISOString();
    Object.assign(incident, copy(extra), { incidentId, status, updatedAt: nowIso });
    if (TERMINAL_STATUSES.has(status)) {
      incident.closedAt ??= nowIso;
      if (this.locks.get(incident.request.resourceKey) === incidentId)
        this.locks.delete(incident.request.resourceKey);
    }
    return copy(incident);
  }

  async update(
    incidentId: string,
    patch: Partial<Omit<IncidentRecord, 'incidentId' | 'status'>>,
  ): Promise<IncidentRecord> {
    await this.io('update');
    const incident = this.mustGet(incidentId);
    const { incidentId: _id, status: _status, ...rest } = patch as Partial<IncidentRecord>;
    Object.assign(incident, copy(rest), { updatedAt: this.now().toISOString() });
    return copy(incident);
  }

  async recordPreState(
    incidentId: string,
    preState: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    await this.io('recordPreState');
    const incident = this.mustGet(incidentId);
    incident.preState ??= copy(preState);
    return copy(incident.preState);
  }

  async addEvidence(incidentId: string, items: EvidenceItem[]): Promise<void> {
    await this.io('addEvidence');
    const incident = this.mustGet(incidentId);
    for (const item of items) {
      if (!incident.evidence.some((e) => e.id === item.id)) incident.evidence.push(copy(item));
    }
  }

  async recordStep(incidentId: string, step: StepRecord): Promise<void> {
    await this.io('recordStep');
    const incident = this.mustGet(incidentId);
    const index = incident.steps.findIndex((s) => s.name === step.name);
    if (index >= 0) incident.steps[index] = copy(step);
    else incident.steps.push(copy(step));
  }

  async appendAudit(event: AuditEvent): Promise<void> {
    await this.io('appendAudit');
    this.audit.push(copy(event));
  }

  async listAudit(incidentId: string): Promise<AuditEvent[]> {
    await this.io('listAudit');
    return this.audit
      .map((event, seq) => ({ event, seq }))
      .filter(({ event }) => event.incidentId === incidentId)
      .sort((a, b) => a.event.at.localeCompare(b.event.at) || a.seq - b.seq)
      .map(({ event }) => copy(event));
  }

  /** Idempotent on approvalId; a retried task's new token (and expiresAt) replaces the old one while undecided. */
  async createApproval(approval: ApprovalRecord): Promise<ApprovalRecord> {
    await this.io('createApproval');
    const existing = this.approvals.get(approval.approvalId);
    if (!existing) {
      this.approvals.set(approval.approvalId, copy(approval));
      return copy(approval);
    }
    if (!existing.decision && existing.taskToken !== approval.taskToken) {
      existing.taskToken = approval.taskToken;
      existing.expiresAt = approval.expiresAt;
    }
    return copy(existing);
  }

  async getApproval(approvalId: string): Promise<ApprovalRecord | undefined> {
    await this.io('getApproval');
    const approval = this.approvals.get(approvalId);
    return approval ? copy(approval) : undefined;
  }

  async addApprovalMessage(approvalId: string, ref: { channel: string; ts: string }): Promise<void> {
    await this.io('addApprovalMessage');
    const approval = this.approvals.get(approvalId);
    if (!approval) throw new ResourceNotFoundError(`approval ${approvalId} is not in the ledger`);
    approval.slack ??= [];
    if (!approval.slack.some((r) => r.channel === ref.channel && r.ts === ref.ts))
      approval.slack.push({ ...ref });
  }

  async decide(approvalId: string, decision: Decision, decidedBy: string, now: Date): Promise<DecideResult> {
    await this.io('decide');
    // Check and set with no await in between: the conditional write
    // `attribute_not_exists(decision) AND expiresAt > :now AND attribute_not_exists(expiredAt)`.
    const approval = this.approvals.get(approvalId);
    if (!approval) return { outcome: 'not-found' };
    if (approval.decision) return { outcome: 'already-decided', approval: copy(approval) };
    if (approval.expiredAt || new Date(approval.expiresAt).getTime() <= now.getTime()) {
      return { outcome: 'expired', approval: copy(approval) };
    }
    approval.decision = decision;
    approval.decidedBy = decidedBy;
    approval.decidedAt = now.toISOString();
    return { outcome: 'won', approval: copy(approval) };
  }

  async expireApproval(approvalId: string, escalatedTo?: string): Promise<void> {
    await this.io('expireApproval');
    const approval = this.approvals.get(approvalId);
    if (!approval) throw new ResourceNotFoundError(`approval ${approvalId} is not in the ledger`);
    if (approval.decision) return;
    approval.expiredAt ??= this.now().toISOString();
    if (escalatedTo !== undefined) approval.escalatedTo = escalatedTo;
  }

  async recordRejectedEvent(event: RejectedEvent): Promise<void> {
    await this.io('recordRejectedEvent');
    this.rejected.push(copy(event));
  }

  async listRejectedEvents(): Promise<RejectedEvent[]> {
    await this.io('listRejectedEvents');
    return this.rejected.map(copy);
  }
}

/** A normalized EC2 request (GuardDuty-like), with overrides. */
export function makeRequest(overrides: Partial<IncidentRequest> = {}): IncidentRequest {
  const accountId = overrides.accountId ?? '123456789012';
  const region = overrides.region ?? 'us-east-1';
  const findingId = overrides.findingId ?? 'f6b6c1a0d2e34b7a9c1e2f3a4b5c6d7e';
  const instanceId = overrides.resource?.instanceId ?? 'i-0abc1234def567890';
  return {
    source: 'guardduty',
    findingId,
    type: 'Backdoor:EC2/C&CActivity.B!DNS',
    severity: { value: 8, label: 'HIGH' },
    title: `EC2 instance ${instanceId} is querying a domain name associated with a known Command & Control server.`,
    accountId,
    region,
    resource: {
      kind: 'ec2-instance',
      rawType: 'Instance',
      instanceId,
      networkInterfaces: [
        {
          networkInterfaceId: 'eni-0aaa1111bbbb2222c',
          vpcId: 'vpc-0123abcd',
          securityGroupIds: ['sg-0web', 'sg-0ssh'],
        },
      ],
    },
    resourceRole: 'TARGET',
    sample: false,
    archived: false,
    count: 1,
    firstSeen: '2026-11-22T08:00:00.000Z',
    lastSeen: '2026-11-22T08:00:00.000Z',
    dedupeKey: `${accountId}:${region}:${findingId}`,
    resourceKey: `${accountId}:${region}:ec2-instance:${instanceId}`,
    ...overrides,
  };
}

/** An incident record as the ledger would hold it, with overrides. */
export function makeIncident(overrides: Partial<IncidentRecord> = {}): IncidentRecord {
  const request = overrides.request ?? makeRequest();
  return {
    incidentId: incidentIdFor(request.dedupeKey),
    status: 'CONTAINING',
    route: 'contain-ec2',
    routeReason: 'HIGH severity (8.0) on a TARGET instance',
    request,
    findingCount: 1,
    evidence: [],
    steps: [],
    detectedAt: '2026-11-22T08:01:00.000Z',
    createdAt: '2026-11-22T08:01:00.000Z',
    updatedAt: '2026-11-22T08:01:00.000Z',
    ...overrides,
  };
}
