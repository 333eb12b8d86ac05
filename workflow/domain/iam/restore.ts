import type { AwsClients } from '../../aws/clients';
import { type CreatedResource, listCreatedResources } from '../../ledger/created-resources';
import type { WorkflowTaskDeps } from '../../tasks/deps';
import { runStep, type StepOutcome } from '../../tasks/step';
import { loadPreState } from '../incident/pre-state';
import { failRestore } from '../incident/restore-check';
import { diffAccessKeys, listAccessKeys, setAccessKeyStatus } from './access-keys';
import { deleteInlinePolicy, getInlinePolicy } from './inline-policy';
import type { AccessKeyTaskInput } from './input';
import { type IamPreState, IamPreStateSchema, type IamRolePreState, type IamUserPreState } from './pre-state';

export interface RestoreAccessKeyOutput {
  restored: true;
  /** Always empty: a non-empty diff throws RestoreMismatchError. */
  diff: string[];
  /** What this run changed (empty on a re-run). */
  changes: string[];
}

/**
 * Reject (false positive): puts back exactly the recorded pre-state — reactivates the keys that were Active and
 * deletes exactly the inline policies this incident recorded as created (its session deny on the user or role;
 * never another incident's, nor one a responder added by hand) — then re-reads and diffs against the pre-state; the diff must be
 * empty (else RestoreMismatchError, with the diff in the step record).
 */
export async function restoreAccessKey(
  clients: AwsClients,
  deps: WorkflowTaskDeps,
  input: AccessKeyTaskInput,
): Promise<RestoreAccessKeyOutput> {
  const { incidentId } = input;
  const pre: IamPreState = await loadPreState(deps.ledger, incidentId, IamPreStateSchema);
  const startedAt = deps.clock.now().toISOString();
  const created = await listCreatedResources(deps.ledger, incidentId);
  return runStep(deps, incidentId, 'restore', input, async () => {
    const removed = await removeOwnPolicies(clients, created);
    return pre.principal === 'user'
      ? restoreUserKeys(clients, deps, incidentId, pre, startedAt, removed, created)
      : restoreRole(clients, deps, incidentId, pre, startedAt, removed, created);
  });
}

const principalOf = (c: CreatedResource) =>
  c.kind === 'role-policy'
    ? { type: 'role' as const, roleName: c.parent }
    : { type: 'user' as const, userName: c.parent };

const isPolicy = (c: CreatedResource) => c.kind === 'role-policy' || c.kind === 'user-policy';

/** Deletes exactly the inline policies this incident recorded as created (check before act). */
async function removeOwnPolicies(clients: AwsClients, created: CreatedResource[]): Promise<string[]> {
  const changes: string[] = [];
  for (const c of created.filter(isPolicy)) {
    if ((await getInlinePolicy(clients, principalOf(c), c.name)) === undefined) continue;
    await deleteInlinePolicy(clients, principalOf(c), c.name);
    changes.push(`removed ${c.name} from ${c.kind === 'role-policy' ? 'role' : 'user'} ${c.parent}`);
  }
  return changes;
}

/** Policies this incident created that are still there (each one a diff line). */
async function ownPoliciesLeft(clients: AwsClients, created: CreatedResource[]): Promise<string[]> {
  const left: string[] = [];
  for (const c of created.filter(isPolicy)) {
    if ((await getInlinePolicy(clients, principalOf(c), c.name)) !== undefined) {
      left.push(
        `inline policy ${c.name} (created by this incident) is still on ${c.kind === 'role-policy' ? 'role' : 'user'} ${c.parent}`,
      );
    }
  }
  return left;
}

async function restoreUserKeys(
  clients: AwsClients,
  deps: WorkflowTaskDeps,
  incidentId: string,
  pre: IamUserPreState,
  startedAt: string,
  removed: string[],
  created: CreatedResource[],
): Promise<StepOutcome<RestoreAccessKeyOutput>> {
  const { userName } = pre;
  const now = await listAccessKeys(clients, userName);
  const changes: string[] = [...removed];
  for (const key of pre.keys.filter((k) => k.status === 'Active')) {
    const current = now.find((k) => k.accessKeyId === key.accessKeyId);
    if (current && current.status !== 'Active') {
      await setAccessKeyStatus(clients, userName, key.accessKeyId, 'Active');
      changes.push(`reactivated access key ${key.accessKeyId} of ${userName}`);
    }
  }
  const diff = [
    ...diffAccessKeys(userName, pre.keys, await listAccessKeys(clients, userName)),
    ...(await ownPoliciesLeft(clients, created)),
  ];
  const ids = [pre.accessKeyId, userName];
  if (diff.length) return failRestore(deps, incidentId, `IAM user ${userName}`, diff, startedAt, ids);
  return {
    output: { restored: true, diff, changes },
    summary: `Restored IAM user ${userName}'s access keys to the pre-state (${
      changes.length ? changes.join('; ') : 'nothing to change'
    }); verified: diff empty ([])`,
    ids,
  };
}

async function restoreRole(
  clients: AwsClients,
  deps: WorkflowTaskDeps,
  incidentId: string,
  pre: IamRolePreState,
  startedAt: string,
  removed: string[],
  created: CreatedResource[],
): Promise<StepOutcome<RestoreAccessKeyOutput>> {
  const { roleName } = pre;
  const { policyName } = pre.denyPolicy;
  const changes = [...removed];
  const diff = await ownPoliciesLeft(clients, created);
  const ids = [roleName, policyName];
  if (diff.length) return failRestore(deps, incidentId, `role ${roleName}`, diff, startedAt, ids);
  return {
    output: { restored: true, diff, changes },
    summary: `Restored role ${roleName} to the pre-state (${
      changes.length ? changes.join('; ') : 'nothing to change'
    }); verified: diff empty ([])`,
    ids,
  };
}
