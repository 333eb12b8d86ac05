import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { aws, isAwsError } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import type { WorkflowSettings } from '../../config';
import { ResourceNotFoundError } from '../../errors';
import type { StepOutcome } from '../../tasks/step';
import { currentProfileAssociation, setInstanceProfile } from './instance-profile';
import type { Ec2State } from './state';

export const denyInstancePolicyName = (instanceId: string) => `AirlockDenyInstance-${instanceId}`;
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

async function hasRolePolicy(clients: AwsClients, roleName: string, policyName: string): Promise<boolean> {
  try {
    await aws(`iam:GetRolePolicy ${roleName}/${policyName}`, () =>
      clients.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })),
    );
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundError || isAwsError(error, 'NoSuchEntity')) return false;
    throw error;
  }
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
  sharedWith: string[];
}

/**
 * g. Revokes the instance's credentials AFTER volatile capture: the workload profile is replaced by the forensic
 * (SSM-only) profile, so the role's credentials stop being delivered while SSM keeps working; sessions already
 * issued to this instance are denied with a condition on ec2:SourceInstanceARN, leaving other instances that
 * share the role untouched. Whole-role revocation is opt-in, and reports its blast radius.
 */
export async function revokeInstanceCredentials(
  clients: AwsClients,
  preState: Ec2State,
  config: WorkflowSettings,
  now: Date,
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
  let sharedWith: string[] = [];
  if (roleName && preState.instanceProfile) {
    denyPolicy = denyInstancePolicyName(instanceId);
    if (!(await hasRolePolicy(clients, roleName, denyPolicy))) {
      const policyName = denyPolicy;
      await aws(`iam:PutRolePolicy ${roleName}/${policyName}`, () =>
        clients.iam.send(
          new PutRolePolicyCommand({
            RoleName: roleName,
            PolicyName: policyName,
            PolicyDocument: denyInstanceSessionsPolicy(preState.instanceArn),
          }),
        ),
      );
    }
    sharedWith = (await instancesSharingProfile(clients, preState.instanceProfile.arn)).filter(
      (i) => i !== instanceId,
    );
    if (config.revokeWholeRoleSessions && !(await hasRolePolicy(clients, roleName, REVOKE_OLDER_SESSIONS))) {
      await aws(`iam:PutRolePolicy ${roleName}/${REVOKE_OLDER_SESSIONS}`, () =>
        clients.iam.send(
          new PutRolePolicyCommand({
            RoleName: roleName,
            PolicyName: REVOKE_OLDER_SESSIONS,
            PolicyDocument: revokeOlderSessionsPolicy(now.toISOString()),
          }),
        ),
      );
      wholeRoleRevoked = true;
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
  if (wholeRoleRevoked)
    parts.push(
      `ALL sessions of ${roleName} revoked: blast radius ${sharedWith.length} other instance(s) ${sharedWith.join(', ')}`,
    );
  else if (sharedWith.length) parts.push(`role shared with ${sharedWith.join(', ')} (left untouched)`);
  return {
    output: {
      profileSwapped,
      forensicProfile: config.forensicInstanceProfileName,
      ...(roleName ? { roleName } : {}),
      ...(denyPolicy ? { denyPolicy } : {}),
      wholeRoleRevoked,
      sharedWith,
    },
    summary: `Credentials revoked: ${parts.join('; ')}`,
    ids: [instanceId, ...(roleName ? [roleName] : [])],
  };
}
