import { resourceId } from '../../bot/messages/format';
import { diffStates, type Ec2State, Ec2StateSchema } from '../../workflow/domain/ec2/state';
import { approvalIdFor } from '../../workflow/intake/ids';
import type { ApprovalRecord, AuditEvent, IncidentRecord } from '../../workflow/ledger/types';
import { ExecutionDoesNotExistError } from '../engine/errors';
import {
  type EstateState,
  ec2StateNow,
  groupNames,
  type InstanceSummary,
  iamStateNow,
  incidentSnapshots,
  s3StateNow,
} from './estate';
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

/** A row of the before/after table: one thing containment may change. */
export interface EstateRow {
  field: string;
  before: string;
  after: string;
  changed: boolean;
}

export interface EstateComparison {
  kind: IncidentRecord['request']['resource']['kind'];
  /** True when the resource is exactly as recorded before containment (per the recorded fields). */
  identical: boolean | null;
  /** The differences as the restore check (diffStates) states them. */
  differences: string[];
  rows: EstateRow[];
  snapshots: InstanceSummary['snapshots'];
  note?: string;
}

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

/** Before (the recorded pre-state) against after (the estate now). */
export function compareEstate(incident: IncidentRecord, state: EstateState): EstateComparison {
  const { request } = incident;
  const { resource } = request;
  const snapshots = incidentSnapshots(state, incident.incidentId);
  const kind = resource.kind;
  if (!incident.preState) {
    return {
      kind,
      identical: null,
      differences: [],
      rows: [],
      snapshots,
      note: 'No pre-state recorded: Airlock changed nothing on this resource.',
    };
  }
  if (kind === 'ec2-instance') {
    const before = Ec2StateSchema.safeParse(incident.preState);
    const after = resource.instanceId
      ? ec2StateNow(state, {
          accountId: request.accountId,
          region: request.region,
          instanceId: resource.instanceId,
        })
      : undefined;
    if (before.success && after) {
      const differences = diffStates(before.data, after);
      return {
        kind,
        identical: differences.length === 0,
        differences,
        rows: rowsOf(ec2Fields(before.data, groupNames(state)), ec2Fields(after, groupNames(state))),
        snapshots,
      };
    }
  }
  const now =
    kind === 'iam-access-key'
      ? iamStateNow(state, {
          accountId: request.accountId,
          ...(resource.accessKeyId ? { accessKeyId: resource.accessKeyId } : {}),
          ...(resource.principalName ? { userName: resource.principalName } : {}),
        })
      : kind === 's3-bucket' && resource.bucketNames?.[0]
        ? s3StateNow(state, resource.bucketNames[0])
        : undefined;
  const before = flatten(incident.preState);
  const after = now ? flatten(now) : {};
  const rows = rowsOf(before, after);
  const shared = Object.keys(before).filter((k) => k in after);
  const identical = shared.length === 0 ? null : Object.keys(before).every((k) => before[k] === after[k]);
  return {
    kind,
    identical,
    differences: rows
      .filter((r) => r.changed && r.field in before)
      .map((r) => `${r.field}: ${r.before} → ${r.after}`),
    rows,
    snapshots,
    ...(now ? {} : { note: 'The resource is no longer in the estate.' }),
  };
}

const NONE = '—';

function list(values: string[]): string {
  return values.length ? values.join(', ') : NONE;
}

/** The things containment changes on an instance, as label → readable value. */
export function ec2Fields(s: Ec2State, names: Record<string, string>): Record<string, string> {
  const group = (id: string) => (names[id] ? `${names[id]} (${id})` : id);
  const fields: Record<string, string> = {};
  for (const eni of s.networkInterfaces) {
    fields[`Security groups on ${eni.networkInterfaceId}`] = list(eni.securityGroupIds.map(group));
  }
  fields['Instance profile'] = s.instanceProfile?.name ?? NONE;
  fields['Role inline policies'] = list(s.instanceProfile?.rolePolicyNames ?? []);
  fields['Termination protection'] = s.disableApiTermination ? 'on' : 'off';
  fields['Shutdown behaviour'] = s.instanceInitiatedShutdownBehavior;
  for (const b of s.blockDevices) {
    fields[`Delete ${b.volumeId} (${b.deviceName}) on termination`] = b.deleteOnTermination ? 'yes' : 'no';
  }
  fields['Auto Scaling group'] = s.autoScalingGroupName ?? NONE;
  fields['Target groups'] = list(
    s.targetGroups.map(
      (t) => `${t.targetGroupArn.split('/')[1] ?? t.targetGroupArn}${t.port ? `:${t.port}` : ''}`,
    ),
  );
  fields['Elastic IPs'] = list(s.elasticIps.map((e) => `${e.publicIp} (${e.allocationId})`));
  for (const key of Object.keys(s.tags).sort()) fields[`Tag ${key}`] = s.tags[key] ?? '';
  return fields;
}

/** Nested JSON → `a.b[0].c` → JSON text of each leaf. */
export function flatten(value: unknown, path = '', out: Record<string, string> = {}): Record<string, string> {
  if (Array.isArray(value)) {
    if (value.length === 0) out[path] = '[]';
    value.forEach((v, i) => {
      flatten(v, `${path}[${i}]`, out);
    });
  } else if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && path) out[path] = '{}';
    for (const [k, v] of entries) flatten(v, path ? `${path}.${k}` : k, out);
  } else if (path) {
    out[path] = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  }
  return out;
}

/** Every field of either side, before's order first; a field missing on one side shows as —. */
export function rowsOf(before: Record<string, string>, after: Record<string, string>): EstateRow[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields.map((field) => {
    const b = before[field] ?? NONE;
    const a = after[field] ?? NONE;
    return { field, before: b, after: a, changed: b !== a };
  });
}
