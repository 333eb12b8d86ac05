import type { AwsClients } from '../../aws/clients';
import { ResourceNotFoundError, ValidationError, VerificationFailedError } from '../../errors';
import type { WorkflowTaskDeps } from '../../tasks/deps';
import { runStep, type StepOutcome } from '../../tasks/step';
import { markContained, markContaining } from '../incident/lifecycle';
import { parsePreState } from '../incident/pre-state';
import { listAccessKeys, setAccessKeyStatus } from './access-keys';
import type { AccessKeyTaskInput } from './input';
import { IamRolePreStateSchema, IamUserPreStateSchema } from './pre-state';
import { resolvePrincipal } from './principal';
import {
  putRolePolicy,
  revokeSessionsPolicyDocument,
  revokeSessionsPolicyName,
  rolePolicyExists,
} from './role-policy';

export interface ContainAccessKeyOutput {
  /** The finding's access key (AKIA… for users, ASIA… for role sessions; absent if the finding names none). */
  accessKeyId?: string;
  principalName: string;
  /** What containment holds, one line each (the same on a re-run, which changes nothing). */
  actions: string[];
}

/**
 * IAM branch. An IAM user's access key is deactivated (the user's other keys are left as they are); for a role
 * (AssumedRole/Role) an inline policy denies every session issued before the finding's lastSeen. The pre-state is
 * recorded before any change, once: a retry reads the first record back. Check-before-act throughout, verified.
 */
export async function containAccessKey(
  clients: AwsClients,
  deps: WorkflowTaskDeps,
  input: AccessKeyTaskInput,
): Promise<ContainAccessKeyOutput> {
  const { incidentId, request } = input;
  const principal = resolvePrincipal(request.resource.principalType, request.resource.principalName);
  await markContaining(deps, incidentId);
  const output = await runStep(deps, incidentId, 'contain-access-key', input, () =>
    principal.type === 'user'
      ? deactivateUserKey(clients, deps, input, principal.userName)
      : denyOlderRoleSessions(clients, deps, input, principal.roleName),
  );
  await markContained(deps, incidentId);
  return output;
}

async function deactivateUserKey(
  clients: AwsClients,
  deps: WorkflowTaskDeps,
  input: AccessKeyTaskInput,
  userName: string,
): Promise<StepOutcome<ContainAccessKeyOutput>> {
  const { incidentId, request } = input;
  const accessKeyId = request.resource.accessKeyId;
  if (!accessKeyId) {
    throw new ValidationError(
      'an IAM user finding must name the access key (request.resource.accessKeyId)',
      'request.resource.accessKeyId',
    );
  }
  const keys = await listAccessKeys(clients, userName);
  const current = keys.find((k) => k.accessKeyId === accessKeyId);
  if (!current)
    throw new ResourceNotFoundError(`access key ${accessKeyId} is not a key of IAM user ${userName}`);

  const pre = parsePreState(
    IamUserPreStateSchema,
    await deps.ledger.recordPreState(incidentId, {
      kind: 'iam-access-key',
      principal: 'user',
      userName,
      accessKeyId,
      keys,
    }),
    incidentId,
  );

  const changed = current.status !== 'Inactive';
  if (changed) await setAccessKeyStatus(clients, userName, accessKeyId, 'Inactive');
  const after = (await listAccessKeys(clients, userName)).find((k) => k.accessKeyId === accessKeyId);
  if (after?.status !== 'Inactive') {
    throw new VerificationFailedError(
      `access key ${accessKeyId} of ${userName} is ${after?.status ?? 'gone'} after deactivation`,
    );
  }

  const others = pre.keys.filter((k) => k.accessKeyId !== accessKeyId);
  const action = changed
    ? `deactivated access key ${accessKeyId} of IAM user ${userName}`
    : `access key ${accessKeyId} of IAM user ${userName} was already inactive`;
  return {
    output: { accessKeyId, principalName: userName, actions: [action] },
    summary: `${action[0]?.toUpperCase()}${action.slice(1)}; verified Inactive${
      others.length
        ? `; other keys untouched: ${others.map((k) => `${k.accessKeyId} ${k.status}`).join(', ')}`
        : ''
    }`,
    ids: [accessKeyId, userName],
  };
}

function cutoffFrom(lastSeen: string): string {
  const at = new Date(lastSeen);
  if (Number.isNaN(at.getTime())) {
    throw new ValidationError(
      `request.lastSeen ${JSON.stringify(lastSeen)} is not a time`,
      'request.lastSeen',
    );
  }
  return at.toISOString();
}

async function denyOlderRoleSessions(
  clients: AwsClients,
  deps: WorkflowTaskDeps,
  input: AccessKeyTaskInput,
  roleName: string,
): Promise<StepOutcome<ContainAccessKeyOutput>> {
  const { incidentId, request } = input;
  const accessKeyId = request.resource.accessKeyId;
  const policyName = revokeSessionsPolicyName(incidentId);
  const present = await rolePolicyExists(clients, roleName, policyName);
  const pre = parsePreState(
    IamRolePreStateSchema,
    await deps.ledger.recordPreState(incidentId, {
      kind: 'iam-access-key',
      principal: 'role',
      roleName,
      ...(accessKeyId ? { accessKeyId } : {}),
      denyPolicy: { policyName, presentBefore: present, tokenIssuedBefore: cutoffFrom(request.lastSeen) },
    }),
    incidentId,
  );

  const cutoff = pre.denyPolicy.tokenIssuedBefore;
  if (!present) {
    await putRolePolicy(clients, roleName, policyName, revokeSessionsPolicyDocument(cutoff));
  }
  if (!(await rolePolicyExists(clients, roleName, policyName))) {
    throw new VerificationFailedError(
      `inline policy ${policyName} is not on role ${roleName} after PutRolePolicy`,
    );
  }

  const action = present
    ? `role ${roleName} already denies sessions issued before ${cutoff} (${policyName})`
    : `denied sessions of role ${roleName} issued before ${cutoff} (${policyName})`;
  return {
    output: { ...(accessKeyId ? { accessKeyId } : {}), principalName: roleName, actions: [action] },
    summary: `${action[0]?.toUpperCase()}${action.slice(1)}; every session of the role issued before then is denied, newer ones are not`,
    ids: [roleName, policyName, ...(accessKeyId ? [accessKeyId] : [])],
  };
}
