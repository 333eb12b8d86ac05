import { ValidationError } from '../../errors';

/** Whom containment acts on: an IAM user's access key, or a role's sessions. */
export type IamPrincipal = { type: 'user'; userName: string } | { type: 'role'; roleName: string };

const USER_TYPES = new Set(['IAMUser']);
const ROLE_TYPES = new Set(['AssumedRole', 'Role']);
/** IAM user and role names: 1–64 of [A-Za-z0-9+=,.@_-]. */
const IAM_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * The IAM name inside what a finding reports: a bare name, `Role/session`, or an ARN
 * (`arn:aws:sts::…:assumed-role/Role/session`, `arn:aws:iam::…:role/path/Role`, `arn:aws:iam::…:user/path/Name`).
 */
export function iamNameFrom(principalName: string): string {
  const arn = /^arn:aws[\w-]*:(?:sts|iam)::\d{12}:(assumed-role|role|user)\/(.+)$/.exec(principalName);
  if (arn) {
    const parts = (arn[2] ?? '').split('/');
    return (arn[1] === 'assumed-role' ? parts[0] : parts[parts.length - 1]) ?? '';
  }
  return principalName.split('/')[0] ?? '';
}

/** Resolves the finding's principal; Root, federated and service principals are not contained automatically. */
export function resolvePrincipal(principalType: string, principalName: string): IamPrincipal {
  const name = iamNameFrom(principalName);
  if (!USER_TYPES.has(principalType) && !ROLE_TYPES.has(principalType)) {
    throw new ValidationError(
      `principal type ${principalType} cannot be contained automatically (IAMUser, AssumedRole or Role only)`,
      'request.resource.principalType',
    );
  }
  if (!IAM_NAME.test(name)) {
    throw new ValidationError(
      `principal name ${JSON.stringify(principalName)} is not an IAM user or role name`,
      'request.resource.principalName',
    );
  }
  return USER_TYPES.has(principalType) ? { type: 'user', userName: name } : { type: 'role', roleName: name };
}
