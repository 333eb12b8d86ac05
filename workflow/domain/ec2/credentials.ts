import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand } from '@aws-sdk/client-iam';
import { aws } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import type { WorkflowSettings } from '../../config';
import { ResourceNotFoundError } from '../../errors';
import type { CreatedResourceRecorder } from '../../ledger/created-resources';
import type { StepOutcome } from '../../tasks/step';
import {
  checkInlineQuota,
  listInlinePolicies,
  putInlinePolicy,
  tokenIssueCutoff,
} from '../iam/inline-policy';
import type { IamPrincipal } from '../iam/principal';
import { revokeSessionsPolicyName } from '../iam/role-policy';
import { currentProfileAssociation, setInstanceProfile } from './instance-profile';
import type { Ec2State } from './state';

/**
 * The per-instance deny this incident puts on the instance's role. The incident id is in the name, so two
 * incidents on instances that share a role never write (or remove) each other's policy.
 */
export const denyInstancePolicyName = (instanceId: string, incidentId?: string) =>
  incidentId ? `AirlockDenyInstance-${instanceId}-${incidentId}` : `AirlockDenyInstance-${instanceId}`;
/** The name IAM's console gives its "Revoke active sessions" policy (it is judged by content, not by name). */
export const REVOKE_OLDER_SESSIONS = 'AWSRevokeOlderSessions';

/** Denies every action to sessions whose credentials were delivered to this instance (and no other). */
export function denyInstanceSessionsPolicy(instanceArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AirlockDenyCompromisedInstance',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { StringEquals: { 'ec2:SourceInstanceARN': instanceArn } },
      },
    ],
  });
}

export function revokeOlderSessionsPolicy(before: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { DateLessThan: { 'aws:TokenIssueTime': before } },
      },
    ],
  });
}

/** Instances that share an instance profile: the blast radius of whole-role revocation. */
export async function instancesSharingProfile(clients: AwsClients, profileArn: string): Promise<string[]> {
  const out = await aws('ec2:DescribeInstances (profile)', () =>
    clients.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'iam-instance-profile.arn', Values: [profileArn] }] }),
    ),
  );
  return (out.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .map((i) => i.InstanceId ?? '')
    .filter(Boolean)
    .sort();
}

export interface RevokeOutput {
  profileSwapped: boolean;
  forensicProfile: string;
  roleName?: string;
  denyPolicy?: string;
  wholeRoleRevoked: boolean;
  /** The policy that revokes the role's older sessions (ours, or one already there with a cut-off as late). */
  wholeRolePolicy?: string;
  /** Its `aws:TokenIssueTime` cut-off. */
  wholeRoleCutoff?: string;
  sharedWith: string[];
}

export const REVOKE_STEP = 'revoke-instance-credentials';

/**
 * Puts `document` as `policyName` on the role unless it is there: the quota is checked first (a clear
 * InlinePolicyQuotaError instead of IAM's LimitExceeded), then the name is recorded in the ledger as this
 * incident's, then the policy is written. Returns whether this call wrote it.
 */
async function putOwnRolePolicy(
  clients: AwsClients,
  recorder: CreatedResourceRecorder,
  role: IamPrincipal & { type: 'role' },
  existing: { name: string; document: string }[],
  policyName: string,
  document: string,
): Promise<boolean> {
  if (existing.some((p) => p.name === policyName)) return false;
  checkInlineQuota(role, existing, policyName, document);
  await recorder.record({ kind: 'role-policy', parent: role.roleName, name: policyName, step: REVOKE_STEP });
  await putInlinePolicy(clients, role, policyName, document);
  existing.push({ name: policyName, document });
  return true;
}

/**
 * g. Revokes the instance's credentials AFTER volatile capture: the workload profile is replaced by the forensic
 * (SSM-only) profile, so the role's credentials stop being delivered while SSM keeps working; sessions already
 * issued to this instance are denied with a condition on ec2:SourceInstanceARN, leaving other instances that
 * share the role untouched. Every policy it writes is named after the incident and recorded in the ledger first,
 * so the restore removes exactly these. Whole-role revocation is opt-in, reports its blast radius, and counts as
 * done when any inline policy of the role (AWSRevokeOlderSessions included) already denies sessions issued before
 * a cut-off at least as late as now — judged by its aws:TokenIssueTime, never by its name.
 */
export async function revokeInstanceCredentials(
  clients: AwsClients,
  preState: Ec2State,
  config: WorkflowSettings,
  now: Date,
  recorder: CreatedResourceRecorder,
): Promise<StepOutcome<RevokeOutput>> {
  const { instanceId } = preState;
  const forensic = await aws(`iam:GetInstanceProfile ${config.forensicInstanceProfileName}`, () =>
    clients.iam.send(
      new GetInstanceProfileCommand({ InstanceProfileName: config.forensicInstanceProfileName }),
    ),
  );
  const forensicArn = forensic.InstanceProfile?.Arn;
  if (!forensicArn)
    throw new ResourceNotFoundError(
      `forensic instance profile ${config.forensicInstanceProfileName} not found`,
    );

  const current = await currentProfileAssociation(clients, instanceId);
  let profileSwapped = false;
  if (current?.IamInstanceProfile?.Arn !== forensicArn) {
    await setInstanceProfile(clients, instanceId, current, forensicArn);
    profileSwapped = true;
  }

  const roleName = preState.instanceProfile?.roleNames[0];
  let denyPolicy: string | undefined;
  let wholeRoleRevoked = false;
  let wholeRolePolicy: string | undefined;
  let wholeRoleCutoff: string | undefined;
  let sharedWith: string[] = [];
  if (roleName && preState.instanceProfile) {
    const role = { type: 'role' as const, roleName };
    const existing = await listInlinePolicies(clients, role);
    denyPolicy = denyInstancePolicyName(instanceId, recorder.incidentId);
    await putOwnRolePolicy(
      clients,
      recorder,
      role,
      existing,
      denyPolicy,
      denyInstanceSessionsPolicy(preState.instanceArn),
    );
    sharedWith = (await instancesSharingProfile(clients, preState.instanceProfile.arn)).filter(
      (i) => i !== instanceId,
    );
    if (config.revokeWholeRoleSessions) {
      const ours = revokeSessionsPolicyName(recorder.incidentId);
      const cutoff = now.toISOString();
      const covering = existing
        .map((p) => ({ name: p.name, cutoff: tokenIssueCutoff(p.document) }))
        .filter((p): p is { name: string; cutoff: string } => p.cutoff !== undefined)
        .find((p) => p.name === ours || p.cutoff >= cutoff);
      if (covering) {
        wholeRolePolicy = covering.name;
        wholeRoleCutoff = covering.cutoff;
      } else {
        await putOwnRolePolicy(clients, recorder, role, existing, ours, revokeOlderSessionsPolicy(cutoff));
        wholeRolePolicy = ours;
        wholeRoleCutoff = cutoff;
        wholeRoleRevoked = true;
      }
    }
  }

  const parts = [
    profileSwapped
      ? `instance profile → ${config.forensicInstanceProfileName}`
      : `already on ${config.forensicInstanceProfileName}`,
    denyPolicy
      ? `sessions issued to ${instanceId} denied on role ${roleName} (${denyPolicy})`
      : 'no role to revoke',
  ];
  if (wholeRolePolicy)
    parts.push(
      `ALL sessions of ${roleName} issued before ${wholeRoleCutoff} denied (${wholeRolePolicy}${
        wholeRoleRevoked ? '' : ', already there'
      }): blast radius ${sharedWith.length} other instance(s) ${sharedWith.join(', ')}`,
    );
  else if (sharedWith.length) parts.push(`role shared with ${sharedWith.join(', ')} (left untouched)`);
  return {
    output: {
      profileSwapped,
      forensicProfile: config.forensicInstanceProfileName,
      ...(roleName ? { roleName } : {}),
      ...(denyPolicy ? { denyPolicy } : {}),
      wholeRoleRevoked,
      ...(wholeRolePolicy ? { wholeRolePolicy } : {}),
      ...(wholeRoleCutoff ? { wholeRoleCutoff } : {}),
      sharedWith,
    },
    summary: `Credentials revoked: ${parts.join('; ')}`,
    ids: [instanceId, ...(roleName ? [roleName] : [])],
  };
}
