import type {
  DeleteRolePolicyCommandInput,
  DeleteRolePolicyCommandOutput,
  DeleteUserPolicyCommandInput,
  DeleteUserPolicyCommandOutput,
  GetInstanceProfileCommandInput,
  GetInstanceProfileCommandOutput,
  GetRoleCommandInput,
  GetRoleCommandOutput,
  GetRolePolicyCommandInput,
  GetRolePolicyCommandOutput,
  GetUserCommandInput,
  GetUserCommandOutput,
  GetUserPolicyCommandInput,
  GetUserPolicyCommandOutput,
  InstanceProfile,
  ListAccessKeysCommandInput,
  ListAccessKeysCommandOutput,
  ListInstanceProfilesForRoleCommandInput,
  ListInstanceProfilesForRoleCommandOutput,
  ListRolePoliciesCommandInput,
  ListRolePoliciesCommandOutput,
  ListUserPoliciesCommandInput,
  ListUserPoliciesCommandOutput,
  PutRolePolicyCommandInput,
  PutRolePolicyCommandOutput,
  PutUserPolicyCommandInput,
  PutUserPolicyCommandOutput,
  Role,
  UpdateAccessKeyCommandInput,
  UpdateAccessKeyCommandOutput,
} from '@aws-sdk/client-iam';
import type { SimInstanceProfile, SimRole, SimUser } from '../model';
import { type HandlerTable, type OpContext, op, page, tagList, toDate } from './common';

/**
 * IAM returns policy documents URL-encoded (RFC 3986), exactly as the real API does; callers decode them with
 * decodeURIComponent.
 */
export const encodePolicy = (document: string) =>
  encodeURIComponent(document).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const NAME = /^[\w+=,.@-]{1,128}$/;
/** IAM's limit on the aggregate size of a role's (or user's) inline policies, whitespace excluded. */
const ROLE_INLINE_LIMIT = 10_240;
const USER_INLINE_LIMIT = 2_048;

function role(ctx: OpContext, name: string | undefined): SimRole {
  const found = name ? ctx.model.iam(ctx.target.accountId).roles[name] : undefined;
  if (!found) throw ctx.error('NoSuchEntity', `The role with name ${name} cannot be found.`, { status: 404 });
  return found;
}

function user(ctx: OpContext, name: string | undefined): SimUser {
  const found = name ? ctx.model.iam(ctx.target.accountId).users[name] : undefined;
  if (!found) throw ctx.error('NoSuchEntity', `The user with name ${name} cannot be found.`, { status: 404 });
  return found;
}

function renderRole(r: SimRole): Role {
  return {
    RoleName: r.roleName,
    RoleId: r.roleId,
    Arn: r.arn,
    Path: r.path,
    CreateDate: toDate(r.createDate),
    AssumeRolePolicyDocument: encodePolicy(r.assumeRolePolicyDocument),
    MaxSessionDuration: 3600,
    ...(Object.keys(r.tags).length ? { Tags: tagList(r.tags) } : {}),
  };
}

function renderProfile(ctx: OpContext, p: SimInstanceProfile): InstanceProfile {
  const roles = ctx.model.iam(ctx.target.accountId).roles;
  return {
    InstanceProfileName: p.instanceProfileName,
    InstanceProfileId: p.instanceProfileId,
    Arn: p.arn,
    Path: p.path,
    CreateDate: toDate(p.createDate),
    Roles: p.roleNames
      .map((n) => roles[n])
      .filter((r): r is SimRole => r !== undefined)
      .map(renderRole),
  };
}

/** Validates and stores an inline policy (role or user), as PutRolePolicy/PutUserPolicy do. */
function putInline(
  ctx: OpContext,
  owner: { inlinePolicies: Record<string, string> },
  what: string,
  policyName: string | undefined,
  document: string | undefined,
  limit: number,
): void {
  if (!policyName || !NAME.test(policyName)) {
    throw ctx.error(
      'ValidationError',
      `The specified value for policyName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(document ?? '');
  } catch {
    throw ctx.error('MalformedPolicyDocument', 'Syntax errors in policy.');
  }
  const statements = (parsed as { Statement?: unknown })?.Statement;
  if (!parsed || typeof parsed !== 'object' || !statements) {
    throw ctx.error('MalformedPolicyDocument', 'Policy document must contain a Statement');
  }
  const size = (doc: string) => doc.replace(/\s/g, '').length;
  const others = Object.entries(owner.inlinePolicies)
    .filter(([name]) => name !== policyName)
    .reduce((sum, [, doc]) => sum + size(doc), 0);
  if (others + size(document ?? '') > limit) {
    throw ctx.error('LimitExceeded', `Maximum policy size of ${limit} bytes exceeded for ${what}`, {
      status: 409,
    });
  }
  owner.inlinePolicies[policyName] = document ?? '';
}

export const iamHandlers: HandlerTable = {
  GetInstanceProfile: op<GetInstanceProfileCommandInput, GetInstanceProfileCommandOutput>((ctx, input) => {
    const profile = input.InstanceProfileName
      ? ctx.model.iam(ctx.target.accountId).instanceProfiles[input.InstanceProfileName]
      : undefined;
    if (!profile) {
      throw ctx.error('NoSuchEntity', `Instance Profile ${input.InstanceProfileName} cannot be found.`, {
        status: 404,
      });
    }
    return { InstanceProfile: renderProfile(ctx, profile) };
  }),

  ListInstanceProfilesForRole: op<
    ListInstanceProfilesForRoleCommandInput,
    ListInstanceProfilesForRoleCommandOutput
  >((ctx, input) => {
    const r = role(ctx, input.RoleName);
    const profiles = Object.values(ctx.model.iam(ctx.target.accountId).instanceProfiles).filter((p) =>
      p.roleNames.includes(r.roleName),
    );
    return { InstanceProfiles: profiles.map((p) => renderProfile(ctx, p)), IsTruncated: false };
  }),

  GetRole: op<GetRoleCommandInput, GetRoleCommandOutput>((ctx, input) => ({
    Role: renderRole(role(ctx, input.RoleName)),
  })),

  ListRolePolicies: op<ListRolePoliciesCommandInput, ListRolePoliciesCommandOutput>((ctx, input) => {
    const names = Object.keys(role(ctx, input.RoleName).inlinePolicies).sort();
    const { items, next } = page(ctx, names, input.Marker, input.MaxItems, 'InvalidInput');
    return { PolicyNames: items, IsTruncated: next !== undefined, ...(next ? { Marker: next } : {}) };
  }),

  GetRolePolicy: op<GetRolePolicyCommandInput, GetRolePolicyCommandOutput>((ctx, input) => {
    const r = role(ctx, input.RoleName);
    const document = input.PolicyName !== undefined ? r.inlinePolicies[input.PolicyName] : undefined;
    if (document === undefined) {
      throw ctx.error('NoSuchEntity', `The role policy with name ${input.PolicyName} cannot be found.`, {
        status: 404,
      });
    }
    return { RoleName: r.roleName, PolicyName: input.PolicyName, PolicyDocument: encodePolicy(document) };
  }),

  PutRolePolicy: op<PutRolePolicyCommandInput, PutRolePolicyCommandOutput>((ctx, input) => {
    const r = role(ctx, input.RoleName);
    putInline(ctx, r, `role ${r.roleName}`, input.PolicyName, input.PolicyDocument, ROLE_INLINE_LIMIT);
    return {};
  }),

  DeleteRolePolicy: op<DeleteRolePolicyCommandInput, DeleteRolePolicyCommandOutput>((ctx, input) => {
    const r = role(ctx, input.RoleName);
    if (input.PolicyName === undefined || r.inlinePolicies[input.PolicyName] === undefined) {
      throw ctx.error('NoSuchEntity', `The role policy with name ${input.PolicyName} cannot be found.`, {
        status: 404,
      });
    }
    delete r.inlinePolicies[input.PolicyName];
    return {};
  }),

  GetUser: op<GetUserCommandInput, GetUserCommandOutput>((ctx, input) => {
    const u = user(ctx, input.UserName);
    return {
      User: {
        UserName: u.userName,
        UserId: u.userId,
        Arn: u.arn,
        Path: u.path,
        CreateDate: toDate(u.createDate),
        ...(Object.keys(u.tags).length ? { Tags: tagList(u.tags) } : {}),
      },
    };
  }),

  ListAccessKeys: op<ListAccessKeysCommandInput, ListAccessKeysCommandOutput>((ctx, input) => {
    if (!input.UserName) {
      throw ctx.error(
        'ValidationError',
        'simulator: ListAccessKeys needs UserName (the caller has no IAM user here)',
      );
    }
    const u = user(ctx, input.UserName);
    return {
      AccessKeyMetadata: u.accessKeys.map((k) => ({
        UserName: u.userName,
        AccessKeyId: k.accessKeyId,
        Status: k.status,
        CreateDate: toDate(k.createDate),
      })),
      IsTruncated: false,
    };
  }),

  UpdateAccessKey: op<UpdateAccessKeyCommandInput, UpdateAccessKeyCommandOutput>((ctx, input) => {
    if (input.Status !== 'Active' && input.Status !== 'Inactive') {
      throw ctx.error(
        'ValidationError',
        `1 validation error detected: Value '${input.Status}' at 'status' failed to satisfy constraint`,
      );
    }
    const users = input.UserName
      ? [user(ctx, input.UserName)]
      : Object.values(ctx.model.iam(ctx.target.accountId).users);
    const key = users.flatMap((u) => u.accessKeys).find((k) => k.accessKeyId === input.AccessKeyId);
    if (!key) {
      throw ctx.error('NoSuchEntity', `The Access Key with id ${input.AccessKeyId} cannot be found.`, {
        status: 404,
      });
    }
    key.status = input.Status;
    return {};
  }),

  ListUserPolicies: op<ListUserPoliciesCommandInput, ListUserPoliciesCommandOutput>((ctx, input) => ({
    PolicyNames: Object.keys(user(ctx, input.UserName).inlinePolicies).sort(),
    IsTruncated: false,
  })),

  GetUserPolicy: op<GetUserPolicyCommandInput, GetUserPolicyCommandOutput>((ctx, input) => {
    const u = user(ctx, input.UserName);
    const document = input.PolicyName !== undefined ? u.inlinePolicies[input.PolicyName] : undefined;
    if (document === undefined) {
      throw ctx.error('NoSuchEntity', `The user policy with name ${input.PolicyName} cannot be found.`, {
        status: 404,
      });
    }
    return { UserName: u.userName, PolicyName: input.PolicyName, PolicyDocument: encodePolicy(document) };
  }),

  PutUserPolicy: op<PutUserPolicyCommandInput, PutUserPolicyCommandOutput>((ctx, input) => {
    const u = user(ctx, input.UserName);
    putInline(ctx, u, `user ${u.userName}`, input.PolicyName, input.PolicyDocument, USER_INLINE_LIMIT);
    return {};
  }),

  DeleteUserPolicy: op<DeleteUserPolicyCommandInput, DeleteUserPolicyCommandOutput>((ctx, input) => {
    const u = user(ctx, input.UserName);
    if (input.PolicyName === undefined || u.inlinePolicies[input.PolicyName] === undefined) {
      throw ctx.error('NoSuchEntity', `The user policy with name ${input.PolicyName} cannot be found.`, {
        status: 404,
      });
    }
    delete u.inlinePolicies[input.PolicyName];
    return {};
  }),
};
