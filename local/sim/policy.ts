/**
 * A small IAM policy evaluator for the simulator's S3 authorization: identity policies (a role's inline policies)
 * and a bucket policy, evaluated as the IAM User Guide's policy evaluation logic describes: an explicit Deny wins;
 * within one account an Allow in either policy suffices; across accounts both the identity policy and the bucket
 * policy must allow. Anything it does not understand makes it stricter, never looser: an unknown condition operator
 * makes an Allow statement not apply and a Deny statement apply.
 */
import type { SimModel } from './model';

export interface AuthRequest {
  /** The calling principal (a role ARN). */
  principal: string;
  /** e.g. `s3:PutObject` */
  action: string;
  /** e.g. `arn:aws:s3:::bucket/key` */
  resource: string;
  /** Request context keys (e.g. `s3:prefix`, `s3:x-amz-server-side-encryption-aws-kms-key-id`). */
  context?: Record<string, string>;
}

export type Decision = 'allow' | 'deny' | 'none';

interface Statement {
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

const list = (v: unknown): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];

function wildcard(pattern: string, value: string, caseInsensitive = false): boolean {
  const re = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    caseInsensitive ? 'i' : '',
  );
  return re.test(value);
}

const accountOf = (arn: string): string => arn.split(':')[4] ?? '';

function principalMatches(principal: unknown, caller: string): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object') return false;
  const aws = list((principal as { AWS?: unknown }).AWS);
  return aws.some(
    (p) =>
      p === '*' || p === caller || p === accountOf(caller) || p === `arn:aws:iam::${accountOf(caller)}:root`,
  );
}

const POSITIVE: Record<string, (want: string, have: string) => boolean> = {
  StringEquals: (w, h) => w === h,
  StringLike: (w, h) => wildcard(w, h),
  StringEqualsIgnoreCase: (w, h) => w.toLowerCase() === h.toLowerCase(),
  ArnEquals: (w, h) => w === h,
  ArnLike: (w, h) => wildcard(w, h),
  Bool: (w, h) => w.toLowerCase() === h.toLowerCase(),
};
const NEGATED: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotLike: 'StringLike',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
};

/** Does one condition block hold? `undefined` when an operator is unknown. */
function conditionsHold(
  condition: Statement['Condition'],
  context: Record<string, string>,
): boolean | undefined {
  for (const [rawOperator, entries] of Object.entries(condition ?? {})) {
    const ifExists = rawOperator.endsWith('IfExists');
    const operator = ifExists ? rawOperator.slice(0, -'IfExists'.length) : rawOperator;
    for (const [key, raw] of Object.entries(entries)) {
      const have = context[key];
      const wants = list(raw);
      if (operator === 'Null') {
        const wantNull = wants.some((w) => w.toLowerCase() === 'true');
        if ((have === undefined) !== wantNull) return false;
        continue;
      }
      if (have === undefined) {
        // A missing key: positive operators do not match, negated ones do (IAM User Guide, condition operators).
        if (ifExists || NEGATED[operator]) continue;
        if (!POSITIVE[operator]) return undefined;
        return false;
      }
      const positive = POSITIVE[operator];
      const negatedOf = NEGATED[operator];
      if (positive) {
        if (!wants.some((w) => positive(w, have))) return false;
      } else if (negatedOf) {
        const base = POSITIVE[negatedOf] as (w: string, h: string) => boolean;
        if (wants.some((w) => base(w, have))) return false;
      } else {
        return undefined;
      }
    }
  }
  return true;
}

function statementsOf(document: string): Statement[] {
  const parsed = JSON.parse(document) as { Statement?: Statement | Statement[] };
  return Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
}

/** Evaluates one policy document; `resourcePolicy` statements must name the caller as Principal. */
export function evaluatePolicy(document: string, request: AuthRequest, resourcePolicy: boolean): Decision {
  let decision: Decision = 'none';
  for (const s of statementsOf(document)) {
    if (resourcePolicy && !principalMatches(s.Principal, request.principal)) continue;
    const actions = s.Action !== undefined ? list(s.Action) : undefined;
    const actionHit = actions
      ? actions.some((a) => wildcard(a, request.action, true))
      : !list(s.NotAction).some((a) => wildcard(a, request.action, true));
    if (!actionHit) continue;
    const resourceHit =
      s.Resource !== undefined
        ? list(s.Resource).some((r) => wildcard(r, request.resource))
        : s.NotResource !== undefined
          ? !list(s.NotResource).some((r) => wildcard(r, request.resource))
          : resourcePolicy;
    if (!resourceHit) continue;
    const holds = conditionsHold(s.Condition, {
      'aws:PrincipalArn': request.principal,
      'aws:PrincipalAccount': accountOf(request.principal),
      ...request.context,
    });
    if (s.Effect === 'Deny' && holds !== false) return 'deny';
    if (s.Effect === 'Allow' && holds === true) decision = 'allow';
  }
  return decision;
}

/**
 * May `request.principal` do this to a resource owned by `ownerAccountId` under `bucketPolicy`? The principal's
 * identity policies are its role's inline policies in the simulated IAM; a role the simulator does not hold is
 * unrestricted in its own account and has no identity grant in another one.
 */
export function authorize(
  model: SimModel,
  request: AuthRequest,
  ownerAccountId: string,
  bucketPolicy: string | undefined,
): boolean {
  const account = accountOf(request.principal);
  const roleName = request.principal.split(':role/')[1]?.split('/').pop() ?? '';
  const role = model.state.accounts[account]?.iam.roles[roleName];
  const identity: Decision = role
    ? Object.values(role.inlinePolicies).reduce<Decision>((acc, doc) => {
        const d = evaluatePolicy(doc, request, false);
        return acc === 'deny' || d === 'deny' ? 'deny' : acc === 'allow' || d === 'allow' ? 'allow' : 'none';
      }, 'none')
    : account === ownerAccountId
      ? 'allow'
      : 'none';
  const resource: Decision = bucketPolicy ? evaluatePolicy(bucketPolicy, request, true) : 'none';
  if (identity === 'deny' || resource === 'deny') return false;
  if (account === ownerAccountId) return identity === 'allow' || resource === 'allow';
  return identity === 'allow' && resource === 'allow';
}
