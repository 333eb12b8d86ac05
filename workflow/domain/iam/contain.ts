import type { AwsClients } from '../../aws/clients';
import { ResourceNotFoundError, ValidationError, VerificationFailedError } from '../../errors';
import { createdResourceRecorder } from '../../ledger/created-resources';
import type { WorkflowTaskDeps } from '../../tasks/deps';
import { runStep, type StepOutcome } from '../../tasks/step';
import { markContained, markContaining } from '../incident/lifecycle';
import { parsePreState } from '../incident/pre-state';
import { listAccessKeys, setAccessKeyStatus } from './access-keys';
import { checkInlineQuota, getInlinePolicy, listInlinePolicies, putInlinePolicy } from './inline-policy';
import type { AccessKeyTaskInput } from './input';
import type { SessionDeny } from './pre-state';
import { IamRolePreStateSchema, IamUserPreStateSchema } from './pre-state';
import type { IamPrincipal } from './principal';
import { resolvePrincipal } from './principal';
import { revokeSessionsPolicyDocument, revokeSessionsPolicyName } from './role-policy';

export interface ContainAccessKeyOutput {
  /** The finding's access key (AKIA… for users, ASIA… for role sessions; absent if the finding names none). */
  accessKeyId?: string;
  principalName: string;
  /** What containment holds, one line each (the same on a re-run, which changes nothing). */
  actions: string[];
}

/**
 * IAM branch. An IAM user's access key is deactivated (the user's other keys are left as they are) and an inline
 * policy on the user denies the sessions it minted before containment (GetSessionToken / GetFederationToken); for a
 * role (AssumedRole/Role) an inline policy denies every session issued before containment. The cut-off is the time
 * of containment, not the finding's lastSeen: sessions minted between the two are live credentials too. The pre-state is
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

  const policyName = revokeSessionsPolicyName(incidentId);
  const pre = parsePreState(
    IamUserPreStateSchema,
    await deps.ledger.recordPreState(incidentId, {
      kind: 'iam-access-key',
      principal: 'user',
      userName,
      accessKeyId,
      keys,
      denyPolicy: {
        policyName,
        presentBefore: (await getInlinePolicy(clients, { type: 'user', userName }, policyName)) !== undefined,
        tokenIssuedBefore: deps.clock.now().toISOString(),
      },
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

  // Deactivating the key does not end the sessions already minted with it (GetSessionToken,
  // GetFederationToken): those are denied by issue time, as of now.
  const denied = pre.denyPolicy
    ? await denySessionsBefore(clients, deps, incidentId, { type: 'user', userName }, pre.denyPolicy)
    : undefined;

  const others = pre.keys.filter((k) => k.accessKeyId !== accessKeyId);
  const action = changed
    ? `deactivated access key ${accessKeyId} of IAM user ${userName}`
    : `access key ${accessKeyId} of IAM user ${userName} was already inactive`;
  return {
    output: { accessKeyId, principalName: userName, actions: [action, ...(denied ? [denied] : [])] },
    summary: `${action[0]?.toUpperCase()}${action.slice(1)}; verified Inactive${denied ? `; ${denied}` : ''}${
      others.length
        ? `; other keys untouched: ${others.map((k) => `${k.accessKeyId} ${k.status}`).join(', ')}`
        : ''
    }`,
    ids: [accessKeyId, userName, ...(pre.denyPolicy ? [pre.denyPolicy.policyName] : [])],
  };
}

/**
 * Puts the incident's session deny (`aws:TokenIssueTime` before the recorded cut-off) on the user or role unless
 * it is there: quota checked first (InlinePolicyQuotaError), the name recorded in the ledger as this incident's,
 * then written and verified. Returns the thread line: what is denied, and from when.
 */
async function denySessionsBefore(
  clients: AwsClients,
  deps: WorkflowTaskDeps,
  incidentId: string,
  principal: IamPrincipal,
  deny: SessionDeny,
): Promise<string> {
  const { policyName, tokenIssuedBefore: cutoff } = deny;
  const who = principal.type === 'role' ? `role ${principal.roleName}` : `IAM user ${principal.userName}`;
  const present = (await getInlinePolicy(clients, principal, policyName)) !== undefined;
  if (!present) {
    const document = revokeSessionsPolicyDocument(cutoff);
    checkInlineQuota(principal, await listInlinePolicies(clients, principal), policyName, document);
    await createdResourceRecorder(deps.ledger, deps.clock, incidentId).record({
      kind: principal.type === 'role' ? 'role-policy' : 'user-policy',
      parent: principal.type === 'role' ? principal.roleName : principal.userName,
      name: policyName,
      step: 'contain-access-key',
    });
    await putInlinePolicy(clients, principal, policyName, document);
    if ((await getInlinePolicy(clients, principal, policyName)) === undefined) {
      throw new VerificationFailedError(`inline policy ${policyName} is not on ${who} after it was put`);
    }
  }
  const sessions =
    principal.type === 'role' ? 'sessions' : 'sessions minted with GetSessionToken/GetFederationToken';
  return present
    ? `${who} already denies ${sessions} issued before ${cutoff} (${policyName})`
    : `denied every action to ${sessions} of ${who} issued before ${cutoff}, the time of containment (${policyName})`;
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
  const present = (await getInlinePolicy(clients, { type: 'role', roleName }, policyName)) !== undefined;
  const pre = parsePreState(
    IamRolePreStateSchema,
    await deps.ledger.recordPreState(incidentId, {
      kind: 'iam-access-key',
      principal: 'role',
      roleName,
      ...(accessKeyId ? { accessKeyId } : {}),
      denyPolicy: { policyName, presentBefore: present, tokenIssuedBefore: deps.clock.now().toISOString() },
    }),
    incidentId,
  );

  const action = await denySessionsBefore(
    clients,
    deps,
    incidentId,
    { type: 'role', roleName },
    pre.denyPolicy,
  );
  return {
    output: { ...(accessKeyId ? { accessKeyId } : {}), principalName: roleName, actions: [action] },
    summary: `${action[0]?.toUpperCase()}${action.slice(1)}; sessions issued after that are not affected`,
    ids: [roleName, policyName, ...(accessKeyId ? [accessKeyId] : [])],
  };
}
