import { RoutingPolicySchema, WorkflowSettingsSchema } from '../../../../workflow/config';
import { incidentIdFor } from '../../../../workflow/intake/ids';
import type { IntakeDeps } from '../../../../workflow/intake/service';
import type { IncidentRequest, RouteDecision } from '../../../../workflow/intake/types';
import type { Ledger } from '../../../../workflow/ledger/ledger';
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
  type StepRecord,
  TERMINAL_STATUSES,
} from '../../../../workflow/ledger/types';
import { createLogger } from '../../../../workflow/log';
import type { Clock, Executions } from '../../../../workflow/ports';

/**
 * In-memory Ledger with the intake semantics of docs/ARCHITECTURE.md: one incident per dedupe key (repeat), one
 * open incident per resource key (attached). Unlike DynamoLedger it opens ignore-routed incidents as OPEN, so the
 * service's own "close ignored incidents" path is exercised. The real ledger is tested against dynalite elsewhere.
 */
export class FakeLedger implements Ledger {
  readonly incidents = new Map<string, IncidentRecord>();
  readonly findings = new Map<string, string>();
  readonly locks = new Map<string, string>();
  readonly audit: AuditEvent[] = [];
  readonly rejected: RejectedEvent[] = [];
  recordIntakeCalls = 0;
  /** Set to make the next recordIntake fail (an infrastructure error). */
  failNext?: Error;

  constructor(private readonly clock: Clock) {}

  async recordIntake(request: IncidentRequest, decision: RouteDecision): Promise<IntakeResult> {
    this.recordIntakeCalls += 1;
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    const known = this.findings.get(request.dedupeKey);
    if (known) {
      const incident = this.require(known);
      return { outcome: 'repeat', incident: structuredClone(incident) };
    }
    const holder = decision.route === 'ignore' ? undefined : this.locks.get(request.resourceKey);
    if (holder) {
      const incident = this.require(holder);
      incident.findingCount += 1;
      this.findings.set(request.dedupeKey, holder);
      return { outcome: 'attached', incident: structuredClone(incident) };
    }
    const incidentId = incidentIdFor(request.dedupeKey);
    const now = this.clock.now().toISOString();
    const incident: IncidentRecord = {
      incidentId,
      status: 'OPEN',
      route: decision.route,
      routeReason: decision.reason,
      request,
      findingCount: 1,
      evidence: [],
      steps: [],
      detectedAt: request.firstSeen,
      createdAt: now,
      updatedAt: now,
    };
    this.incidents.set(incidentId, incident);
    this.findings.set(request.dedupeKey, incidentId);
    if (decision.route !== 'ignore') this.locks.set(request.resourceKey, incidentId);
    return { outcome: 'opened', incident: structuredClone(incident) };
  }

  async getIncident(incidentId: string): Promise<IncidentRecord | undefined> {
    const found = this.incidents.get(incidentId);
    return found ? structuredClone(found) : undefined;
  }

  async findOpenIncidentByResource(resourceKey: string): Promise<IncidentRecord | undefined> {
    const id = this.locks.get(resourceKey);
    return id ? this.getIncident(id) : undefined;
  }

  async listOpenIncidents(): Promise<IncidentRecord[]> {
    return [...this.incidents.values()]
      .filter((i) => !TERMINAL_STATUSES.has(i.status))
      .map((i) => structuredClone(i));
  }

  async setStatus(
    incidentId: string,
    status: IncidentStatus,
    extra: Partial<IncidentRecord> = {},
  ): Promise<IncidentRecord> {
    const incident = this.require(incidentId);
    Object.assign(incident, extra, { status, updatedAt: this.clock.now().toISOString() });
    if (TERMINAL_STATUSES.has(status)) {
      incident.closedAt ??= this.clock.now().toISOString();
      const key = incident.request.resourceKey;
      if (this.locks.get(key) === incidentId) this.locks.delete(key);
    }
    return structuredClone(incident);
  }

  async update(
    incidentId: string,
    patch: Partial<Omit<IncidentRecord, 'incidentId' | 'status'>>,
  ): Promise<IncidentRecord> {
    const incident = this.require(incidentId);
    Object.assign(incident, patch, { updatedAt: this.clock.now().toISOString() });
    return structuredClone(incident);
  }

  async recordPreState(
    incidentId: string,
    preState: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const incident = this.require(incidentId);
    incident.preState ??= preState;
    return incident.preState;
  }

  async addEvidence(incidentId: string, items: EvidenceItem[]): Promise<void> {
    const incident = this.require(incidentId);
    for (const item of items)
      if (!incident.evidence.some((e) => e.id === item.id)) incident.evidence.push(item);
  }

  async recordStep(incidentId: string, step: StepRecord): Promise<void> {
    const incident = this.require(incidentId);
    incident.steps = [...incident.steps.filter((s) => s.name !== step.name), step];
  }

  async appendAudit(event: AuditEvent): Promise<void> {
    this.audit.push(event);
  }

  async listAudit(incidentId: string): Promise<AuditEvent[]> {
    return this.audit.filter((e) => e.incidentId === incidentId);
  }

  async createApproval(approval: ApprovalRecord): Promise<ApprovalRecord> {
    return approval;
  }

  async getApproval(): Promise<ApprovalRecord | undefined> {
    return undefined;
  }

  async addApprovalMessage(): Promise<void> {}

  async decide(_approvalId: string, _decision: Decision): Promise<DecideResult> {
    return { outcome: 'not-found' };
  }

  async expireApproval(): Promise<void> {}

  async recordRejectedEvent(event: RejectedEvent): Promise<void> {
    this.rejected.push(event);
  }

  async listRejectedEvents(): Promise<RejectedEvent[]> {
    return [...this.rejected];
  }

  private require(incidentId: string): IncidentRecord {
    const incident = this.incidents.get(incidentId);
    if (!incident) throw new Error(`no incident ${incidentId}`);
    return incident;
  }
}

/** Step Functions with its execution-name semantics; records every start. */
export class FakeExecutions implements Executions {
  readonly starts: Array<{ name: string; input: unknown }> = [];
  readonly running = new Map<string, string>();
  /** Errors to throw from the next start calls, in order. */
  readonly failures: Error[] = [];

  async start(params: {
    name: string;
    input: unknown;
  }): Promise<{ executionArn: string; alreadyRunning: boolean }> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.starts.push(params);
    const executionArn = `arn:aws:states:us-east-1:000000000000:execution:airlock:${params.name}`;
    const text = JSON.stringify(params.input);
    const existing = this.running.get(params.name);
    if (existing !== undefined) {
      if (existing === text) return { executionArn, alreadyRunning: true };
      throw Object.assign(new Error(`Execution Already Exists: '${executionArn}'`), {
        name: 'ExecutionAlreadyExists',
        executionArn,
      });
    }
    this.running.set(params.name, text);
    return { executionArn, alreadyRunning: false };
  }

  async sendTaskSuccess(): Promise<void> {}
  async sendTaskFailure(): Promise<void> {}
}

export const fixedClock: Clock = { now: () => new Date('2026-03-01T12:00:00.000Z') };

export function makeDeps(
  overrides: { allowSampleFindings?: boolean } = {},
): IntakeDeps & { ledger: FakeLedger; executions: FakeExecutions } {
  return {
    ledger: new FakeLedger(fixedClock),
    executions: new FakeExecutions(),
    policy: RoutingPolicySchema.parse({ allowSampleFindings: overrides.allowSampleFindings ?? false }),
    settings: WorkflowSettingsSchema.parse({}),
    clock: fixedClock,
    log: createLogger('intake-test', { level: 'silent' }),
    scope: {
      homeAccountId: '111122223333',
      allowedAccountIds: ['444455556666'],
      allowedRegions: [],
      responderRoleName: 'AirlockResponder',
    },
    defaultRegion: 'eu-west-1',
  };
}
