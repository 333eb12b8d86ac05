import { diffStates, type Ec2State, Ec2StateSchema } from '../../workflow/domain/ec2/state';
import { type IamPreState, IamPreStateSchema } from '../../workflow/domain/iam/pre-state';
import { type S3PreState, S3PreStateSchema } from '../../workflow/domain/s3/pre-state';
import type { IncidentRecord } from '../../workflow/ledger/types';
import { type EstateState, ec2StateNow, groupNames, type InstanceSummary, incidentSnapshots } from './estate';

/**
 * The incident view's "estate before and after": the pre-state RecordPreState (or the IAM / S3 containment)
 * recorded in the ledger, against the same fields read from the simulated estate now.
 */

/** A row of the before/after table: one thing containment may change. */
export interface EstateRow {
  field: string;
  before: string;
  after: string;
  changed: boolean;
}

export interface EstateComparison {
  kind: IncidentRecord['request']['resource']['kind'];
  /** True when the resource is exactly as recorded before containment; null when there is nothing to compare. */
  identical: boolean | null;
  /** The differences, one line each (for EC2, as the restore check diffStates states them). */
  differences: string[];
  rows: EstateRow[];
  snapshots: InstanceSummary['snapshots'];
  note?: string;
}

const NONE = '—';

export function compareEstate(incident: IncidentRecord, state: EstateState): EstateComparison {
  const { request } = incident;
  const kind = request.resource.kind;
  const snapshots = incidentSnapshots(state, incident.incidentId);
  const base = { kind, snapshots };
  const pre = incident.preState;
  if (!pre) {
    return {
      ...base,
      identical: null,
      differences: [],
      rows: [],
      note: 'No pre-state recorded: Airlock changed nothing on this resource.',
    };
  }
  const ec2 = Ec2StateSchema.safeParse(pre);
  if (ec2.success) {
    const after = ec2StateNow(state, { ...request, instanceId: ec2.data.instanceId });
    if (!after) return { ...base, ...gone(ec2Fields(ec2.data, groupNames(state))) };
    const names = groupNames(state);
    const differences = diffStates(ec2.data, after);
    const rows = rowsOf(ec2Fields(ec2.data, names), ec2Fields(after, names));
    return { ...base, identical: differences.length === 0, differences, rows };
  }
  const iam = IamPreStateSchema.safeParse(pre);
  if (iam.success) return { ...base, ...fieldComparison(...iamFields(iam.data, state, request.accountId)) };
  const s3 = S3PreStateSchema.safeParse(pre);
  if (s3.success) return { ...base, ...fieldComparison(...s3Fields(s3.data, state)) };
  return {
    ...base,
    identical: null,
    differences: [],
    rows: rowsOf(flatten(pre), {}),
    note: 'This pre-state has a shape the drill does not know how to compare: shown as recorded.',
  };
}

function gone(before: Record<string, string>): Omit<EstateComparison, 'kind' | 'snapshots'> {
  return {
    identical: false,
    differences: ['the resource is no longer in the estate'],
    rows: rowsOf(before, {}),
    note: 'The resource is no longer in the estate.',
  };
}

function fieldComparison(
  before: Record<string, string>,
  after: Record<string, string> | undefined,
): Omit<EstateComparison, 'kind' | 'snapshots'> {
  if (!after) return gone(before);
  const rows = rowsOf(before, after);
  const changed = rows.filter((r) => r.changed);
  return {
    identical: changed.length === 0,
    differences: changed.map((r) => `${r.field}: ${r.before} → ${r.after}`),
    rows,
  };
}

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

/** IAM: each key's status (user), or whether the session-revocation deny policy is on the role. */
export function iamFields(
  pre: IamPreState,
  state: EstateState,
  accountId: string,
): [before: Record<string, string>, after: Record<string, string> | undefined] {
  const iam = state.accounts[accountId]?.iam;
  if (pre.principal === 'user') {
    const before = Object.fromEntries(
      pre.keys.map((k) => [`Access key ${k.accessKeyId} of ${pre.userName}`, k.status]),
    );
    const user = iam?.users[pre.userName];
    if (!user) return [before, undefined];
    const after = Object.fromEntries(
      user.accessKeys.map((k) => [`Access key ${k.accessKeyId} of ${pre.userName}`, k.status as string]),
    );
    return [before, after];
  }
  const field = `Inline policy ${pre.denyPolicy.policyName} on role ${pre.roleName}`;
  const before = { [field]: pre.denyPolicy.presentBefore ? 'present' : 'absent' };
  const role = iam?.roles[pre.roleName];
  if (!role) return [before, undefined];
  return [
    before,
    { [field]: role.inlinePolicies[pre.denyPolicy.policyName] !== undefined ? 'present' : 'absent' },
  ];
}

/** S3: each bucket's Block Public Access flags ("not set" when the bucket has no configuration). */
export function s3Fields(
  pre: S3PreState,
  state: EstateState,
): [before: Record<string, string>, after: Record<string, string> | undefined] {
  const fields = (name: string, block: S3PreState['buckets'][number]['publicAccessBlock'] | undefined) => {
    if (!block) return [[`${name}: Block Public Access`, 'not set']] as [string, string][];
    return Object.entries(block).map(([flag, on]): [string, string] => [
      `${name}: ${flag}`,
      on ? 'on' : 'off',
    ]);
  };
  const before = Object.fromEntries(pre.buckets.flatMap((b) => fields(b.name, b.publicAccessBlock)));
  const missing = pre.buckets.some((b) => !state.buckets[b.name]);
  if (missing) return [before, undefined];
  const after = Object.fromEntries(
    pre.buckets.flatMap((b) => fields(b.name, state.buckets[b.name]?.publicAccessBlock ?? null)),
  );
  return [before, after];
}

/** Nested JSON → `a.b[0].c` → text of each leaf (for a pre-state of an unknown shape). */
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
