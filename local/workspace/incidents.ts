import { resourceId } from '../../bot/messages/format';
import { approvalIdFor } from '../../workflow/intake/ids';
import type { ApprovalRecord, AuditEvent, IncidentRecord } from '../../workflow/ledger/types';
import { ExecutionDoesNotExistError } from '../engine/errors';
import { compareEstate, type EstateComparison } from './compare';
import type { WorkspaceStack } from './port';
import { type TimelineRow, timelineOf } from './timeline';

export interface IncidentSummary {
  incidentId: string;
  status: IncidentRecord['status'];
  route: IncidentRecord['route'];
  severity: string;
  type: string;
  resource: string;
  createdAt: string;
  closedAt?: string;
  approval?: IncidentRecord['approval'];
}

export type { EstateComparison, EstateRow } from './compare';

/** Approval without its task token (the token never leaves the ledger). */
export type ApprovalView = Omit<ApprovalRecord, 'taskToken'>;

export interface IncidentView {
  incident: IncidentRecord;
  approvals: ApprovalView[];
  audit: AuditEvent[];
  execution?: {
    executionArn: string;
    status: string;
    startDate: string;
    stopDate?: string;
    error?: string;
    cause?: string;
    transitions: number;
    timeline: TimelineRow[];
  };
  estate: EstateComparison;
}

/**
 * Which incidents the drill shows: the open ones (ledger), plus every incident the drill has seen since it
 * started (injected here, or started by the bot: each execution is named after its incident), so closed ones stay
 * listed.
 */
export class IncidentTracker {
  readonly #known = new Set<string>();

  constructor(private readonly stack: WorkspaceStack) {}

  remember(incidentId: string): void {
    this.#known.add(incidentId);
  }

  async list(): Promise<IncidentSummary[]> {
    const open = await this.stack.ledger.listOpenIncidents();
    for (const incident of open) this.#known.add(incident.incidentId);
    for (const execution of this.stack.engine.list()) this.#known.add(execution.name);
    const openIds = new Set(open.map((i) => i.incidentId));
    const closed = await Promise.all(
      [...this.#known].filter((id) => !openIds.has(id)).map((id) => this.stack.ledger.getIncident(id)),
    );
    return [...open, ...closed.filter((i): i is IncidentRecord => i !== undefined)]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.incidentId.localeCompare(b.incidentId))
      .map(summarize);
  }

  async view(incidentId: string): Promise<IncidentView | undefined> {
    const incident = await this.stack.ledger.getIncident(incidentId);
    if (!incident) return undefined;
    this.#known.add(incidentId);
    const [audit, approvals] = await Promise.all([
      this.stack.ledger.listAudit(incidentId),
      Promise.all(
        (['primary', 'escalation'] as const).map((kind) =>
          this.stack.ledger.getApproval(approvalIdFor(incidentId, kind)),
        ),
      ),
    ]);
    const execution = incident.executionArn ? this.#execution(incident.executionArn) : undefined;
    return {
      incident,
      approvals: approvals.filter((a): a is ApprovalRecord => a !== undefined).map(withoutToken),
      audit,
      ...(execution ? { execution } : {}),
      estate: compareEstate(incident, this.stack.estate()),
    };
  }

  #execution(executionArn: string): IncidentView['execution'] {
    try {
      const d = this.stack.engine.describe(executionArn);
      return {
        executionArn,
        status: d.status,
        startDate: d.startDate.toISOString(),
        ...(d.stopDate ? { stopDate: d.stopDate.toISOString() } : {}),
        ...(d.error ? { error: d.error } : {}),
        ...(d.cause ? { cause: d.cause } : {}),
        transitions: this.stack.engine.transitionCount(executionArn),
        timeline: timelineOf(this.stack.engine.history(executionArn)),
      };
    } catch (error) {
      // A ledger kept on disk (AIRLOCK_DATA_DIR) outlives the in-memory engine of an earlier run.
      if (error instanceof ExecutionDoesNotExistError) return undefined;
      throw error;
    }
  }
}

function summarize(i: IncidentRecord): IncidentSummary {
  return {
    incidentId: i.incidentId,
    status: i.status,
    route: i.route,
    severity: `${i.request.severity.label} ${i.request.severity.value}`,
    type: i.request.type,
    resource: resourceId(i.request.resource),
    createdAt: i.createdAt,
    ...(i.closedAt ? { closedAt: i.closedAt } : {}),
    ...(i.approval ? { approval: i.approval } : {}),
  };
}

function withoutToken(approval: ApprovalRecord): ApprovalView {
  const { taskToken: _token, ...rest } = approval;
  return rest;
}
