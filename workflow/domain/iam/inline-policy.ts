import {
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { aws, isAwsError } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import { ResourceNotFoundError } from '../../errors';
import { InlinePolicyQuotaError } from './errors';
import type { IamPrincipal } from './principal';

/**
 * IAM's aggregate inline-policy quotas (IAM and AWS STS quotas): all inline policies of a role together at most
 * 10,240 characters, of a user 2,048; whitespace is not counted.
 */
export const INLINE_POLICY_QUOTA = { role: 10_240, user: 2_048 } as const;

/** A policy's size as IAM counts it against the quota (whitespace excluded). */
export const policySize = (document: string): number => document.replace(/\s/g, '').length;

const nameOf = (p: IamPrincipal) => (p.type === 'role' ? p.roleName : p.userName);
const label = (p: IamPrincipal) => `${p.type} ${nameOf(p)}`;

/** IAM returns policy documents URL-encoded (RFC 3986). */
const decode = (document: string | undefined) => decodeURIComponent(document ?? '');

/** The principal's inline policy document, or undefined when it has none of that name. */
export async function getInlinePolicy(
  clients: AwsClients,
  principal: IamPrincipal,
  policyName: string,
): Promise<string | undefined> {
  try {
    const out = await aws(
      `iam:Get${principal.type === 'role' ? 'Role' : 'User'}Policy ${nameOf(principal)}/${policyName}`,
      (): Promise<{ PolicyDocument?: string }> =>
        principal.type === 'role'
          ? clients.iam.send(
              new GetRolePolicyCommand({ RoleName: principal.roleName, PolicyName: policyName }),
            )
          : clients.iam.send(
              new GetUserPolicyCommand({ UserName: principal.userName, PolicyName: policyName }),
            ),
    );
    return decode(out.PolicyDocument);
  } catch (error) {
    if (error instanceof ResourceNotFoundError || isAwsError(error, 'NoSuchEntity')) return undefined;
    throw error;
  }
}

/** Every inline policy name of the principal (every page). */
export async function listInlinePolicyNames(clients: AwsClients, principal: IamPrincipal): Promise<string[]> {
  const names: string[] = [];
  for (let marker: string | undefined, first = true; first || marker; first = false) {
    const page = await aws(
      `iam:List${principal.type === 'role' ? 'Role' : 'User'}Policies ${nameOf(principal)}`,
      () =>
        principal.type === 'role'
          ? clients.iam.send(
              new ListRolePoliciesCommand({
                RoleName: principal.roleName,
                ...(marker ? { Marker: marker } : {}),
              }),
            )
          : clients.iam.send(
              new ListUserPoliciesCommand({
                UserName: principal.userName,
                ...(marker ? { Marker: marker } : {}),
              }),
            ),
    );
    names.push(...(page.PolicyNames ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  }
  return names.sort();
}

/** Every inline policy of the principal with its document. */
export async function listInlinePolicies(
  clients: AwsClients,
  principal: IamPrincipal,
): Promise<{ name: string; document: string }[]> {
  const out: { name: string; document: string }[] = [];
  for (const name of await listInlinePolicyNames(clients, principal)) {
    const document = await getInlinePolicy(clients, principal, name);
    if (document !== undefined) out.push({ name, document });
  }
  return out;
}

/**
 * Fails with InlinePolicyQuotaError, before anything is written, when adding `document` as `policyName` would take
 * the principal's inline policies over IAM's aggregate quota.
 */
export function checkInlineQuota(
  principal: IamPrincipal,
  existing: { name: string; document: string }[],
  policyName: string,
  document: string,
): void {
  const quota = INLINE_POLICY_QUOTA[principal.type];
  const others = existing
    .filter((p) => p.name !== policyName)
    .reduce((sum, p) => sum + policySize(p.document), 0);
  const total = others + policySize(document);
  if (total > quota) {
    throw new InlinePolicyQuotaError(
      `${policyName} (${policySize(document)} characters) does not fit on ${label(principal)}: its inline policies ` +
        `already use ${others} of IAM's ${quota}-character quota (${existing.length} policies). Remove stale ` +
        'Airlock policies of closed incidents or attach a managed deny policy instead.',
    );
  }
}

export async function putInlinePolicy(
  clients: AwsClients,
  principal: IamPrincipal,
  policyName: string,
  document: string,
): Promise<void> {
  await aws(
    `iam:Put${principal.type === 'role' ? 'Role' : 'User'}Policy ${nameOf(principal)}/${policyName}`,
    () =>
      principal.type === 'role'
        ? clients.iam.send(
            new PutRolePolicyCommand({
              RoleName: principal.roleName,
              PolicyName: policyName,
              PolicyDocument: document,
            }),
          )
        : clients.iam.send(
            new PutUserPolicyCommand({
              UserName: principal.userName,
              PolicyName: policyName,
              PolicyDocument: document,
            }),
          ),
  );
}

export async function deleteInlinePolicy(
  clients: AwsClients,
  principal: IamPrincipal,
  policyName: string,
): Promise<void> {
  await aws(
    `iam:Delete${principal.type === 'role' ? 'Role' : 'User'}Policy ${nameOf(principal)}/${policyName}`,
    () =>
      principal.type === 'role'
        ? clients.iam.send(
            new DeleteRolePolicyCommand({ RoleName: principal.roleName, PolicyName: policyName }),
          )
        : clients.iam.send(
            new DeleteUserPolicyCommand({ UserName: principal.userName, PolicyName: policyName }),
          ),
  );
}

type Statement = { Effect?: unknown; Action?: unknown; Resource?: unknown; Condition?: unknown };

const isAll = (v: unknown) => v === '*' || (Array.isArray(v) && v.includes('*'));

/**
 * The `aws:TokenIssueTime` cut-off of a session-revocation policy (a statement denying `*` on `*` with
 * `DateLessThan aws:TokenIssueTime`, the shape IAM's "Revoke active sessions" writes as AWSRevokeOlderSessions),
 * or undefined when the document revokes no sessions. When several statements do, the latest cut-off.
 */
export function tokenIssueCutoff(document: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return undefined;
  }
  const raw = (parsed as { Statement?: unknown } | null)?.Statement;
  const statements = (Array.isArray(raw) ? raw : [raw]) as Statement[];
  let latest: number | undefined;
  for (const s of statements) {
    if (s?.Effect !== 'Deny' || !isAll(s.Action) || !isAll(s.Resource)) continue;
    const condition = (s.Condition as { DateLessThan?: Record<string, unknown> } | undefined)?.DateLessThan;
    const value = condition?.['aws:TokenIssueTime'];
    const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (Number.isFinite(at) && (latest === undefined || at > latest)) latest = at;
  }
  return latest === undefined ? undefined : new Date(latest).toISOString();
}
