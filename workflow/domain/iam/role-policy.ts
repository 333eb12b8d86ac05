import { DeleteRolePolicyCommand, GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { aws, isAwsError } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import { ResourceNotFoundError } from '../../errors';

/**
 * The inline policy ContainAccessKey puts on a role or a user (and RevokeInstanceCredentials, for whole-role
 * revocation, on a role): one per incident, so the restore removes only its own.
 */
export const revokeSessionsPolicyName = (incidentId: string) => `AirlockRevokeSessions-${incidentId}`;

/**
 * Denies everything to sessions issued before `before` (ISO time, the time of containment): on a role, every
 * session assumed before then; on a user, every session minted with GetSessionToken / GetFederationToken before
 * then. Sessions issued afterwards are unaffected (IAM: "Revoke IAM role temporary security credentials").
 */
export function revokeSessionsPolicyDocument(before: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AirlockRevokeOlderSessions',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { DateLessThan: { 'aws:TokenIssueTime': before } },
      },
    ],
  });
}

/** True when the role has the inline policy (NoSuchEntity → false). */
export async function rolePolicyExists(
  clients: AwsClients,
  roleName: string,
  policyName: string,
): Promise<boolean> {
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

export async function putRolePolicy(
  clients: AwsClients,
  roleName: string,
  policyName: string,
  document: string,
): Promise<void> {
  await aws(`iam:PutRolePolicy ${roleName}/${policyName}`, () =>
    clients.iam.send(
      new PutRolePolicyCommand({ RoleName: roleName, PolicyName: policyName, PolicyDocument: document }),
    ),
  );
}

export async function deleteRolePolicy(
  clients: AwsClients,
  roleName: string,
  policyName: string,
): Promise<void> {
  await aws(`iam:DeleteRolePolicy ${roleName}/${policyName}`, () =>
    clients.iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })),
  );
}
