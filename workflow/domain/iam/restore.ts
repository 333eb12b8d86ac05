import type { AwsClients } from '../../aws/clients';
import type { WorkflowTaskDeps } from '../../tasks/deps';
import { runStep, type StepOutcome } from '../../tasks/step';
import { loadPreState } from '../incident/pre-state';
import { failRestore } from '../incident/restore-check';
import { diffAccessKeys, listAccessKeys, setAccessKeyStatus } from './access-keys';
import type { AccessKeyTaskInput } from './input';
import { type IamPreState, IamPreStateSchema, type IamRolePreState, type IamUserPreState } from './pre-state';
import { deleteRolePolicy, rolePolicyExists } from './role-policy';

export interface RestoreAccessKeyOutput {
  restored: true;
  /** Always empty: a non-empty diff throws RestoreMismatchError. */
  diff: string[];
  /** What this run changed (empty on a re-run). */
  changes: string[];
}

/**
 * Reject (false positive): puts back exactly the recorded pre-state — reactivates the keys that were Active, or
 * deletes the deny policy if Airlock added it — then re-reads and diffs against the pre-state; the diff must be
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
  return runStep(deps, incidentId, 'restore', input, () =>
    pre.principal === 'user'
      ? restoreUserKeys(clients, deps, incidentId, pre, startedAt)
      : restoreRole(clients, deps, incidentId, pre, startedAt),
  );
}

async function restoreUserKeys(
  clients: AwsClients,
  deps: WorkflowTaskDeps,
  incidentId: string,
  pre: IamUserPreState,
  startedAt: string,
): Promise<StepOutcome<RestoreAccessKeyOutput>> {
  const { userName } = pre;
  const now = await listAccessKeys(clients, userName);
  const changes: string[] = [];
  for (const key of pre.keys.filter((k) => k.status === 'Active')) {
    const current = now.find((k) => k.accessKeyId === key.accessKeyId);
    if (current && current.status !== 'Active') {
      await setAccessKeyStatus(clients, userName, key.accessKeyId, 'Active');
      changes.push(`reactivated access key ${key.accessKeyId} of ${userName}`);
    }
  }
  const diff = diffAccessKeys(userName, pre.keys, await listAccessKeys(clients, userName));
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
): Promise<StepOutcome<RestoreAccessKeyOutput>> {
  const { roleName } = pre;
  const { policyName, presentBefore } = pre.denyPolicy;
  const changes: string[] = [];
  if (!presentBefore && (await rolePolicyExists(clients, roleName, policyName))) {
    await deleteRolePolicy(clients, roleName, policyName);
    changes.push(`removed ${policyName} from role ${roleName}`);
  }
  const presentNow = await rolePolicyExists(clients, roleName, policyName);
  const diff =
    presentNow === presentBefore
      ? []
      : [`inline policy ${policyName} is ${presentNow ? 'on' : 'missing from'} role ${roleName}`];
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
