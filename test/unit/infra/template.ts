/** Reading synthesized CloudFormation templates in tests: resources, policy statements, intrinsic resolution. */

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface TemplateJson {
  Parameters?: Record<string, { Default?: unknown; Type?: string }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Condition?: string }>;
  Outputs?: Record<string, { Value: unknown; Condition?: string }>;
}

/** What pseudo parameters resolve to in tests. */
export const PSEUDO: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com',
};

/**
 * Resolves Ref (parameters by their Default, pseudo parameters by PSEUDO), Fn::Join, Fn::Select/Fn::Split and
 * Fn::If (the true branch when its condition is a parameter equality that holds). Anything else stays as JSON.
 */
export function resolve(value: unknown, t: TemplateJson): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, t));
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const [key, arg] = entries[0] ?? [];
  if (entries.length === 1 && key === 'Ref' && typeof arg === 'string') {
    if (arg in PSEUDO) return PSEUDO[arg];
    const param = t.Parameters?.[arg];
    if (param && 'Default' in param) {
      return param.Type === 'CommaDelimitedList' ? String(param.Default).split(',') : param.Default;
    }
    return value;
  }
  if (entries.length === 1 && key === 'Fn::Join' && Array.isArray(arg)) {
    const [sep, parts] = arg as [string, unknown[]];
    const resolved = (resolve(parts, t) as unknown[]).flat();
    if (resolved.every((p) => typeof p === 'string')) return resolved.join(sep);
    return { 'Fn::Join': [sep, resolved] };
  }
  if (entries.length === 1 && key === 'Fn::If' && Array.isArray(arg)) {
    const [cond, yes, no] = arg as [string, unknown, unknown];
    const expr = t.Conditions?.[cond] as { 'Fn::Equals'?: unknown[] } | undefined;
    const eq = expr?.['Fn::Equals'];
    if (eq) {
      const [a, b] = resolve(eq, t) as unknown[];
      return resolve(JSON.stringify(a) === JSON.stringify(b) ? yes : no, t);
    }
    return value;
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, t)]));
}

export const actionsOf = (s: Statement): string[] => [s.Action].flat();
export const resourcesOf = (s: Statement): unknown[] => [s.Resource].flat();

/** Every statement of every identity policy attached to the role with this logical id. */
export function roleStatements(t: TemplateJson, roleLogicalId: string): Statement[] {
  return Object.values(t.Resources)
    .filter(
      (r) =>
        (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') &&
        ((r.Properties?.Roles as { Ref: string }[] | undefined) ?? []).some((x) => x.Ref === roleLogicalId),
    )
    .flatMap(
      (r) => (r.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [],
    );
}

/** Every policy statement in the template: identity, trust, bucket, key, topic, queue and event-bus policies. */
export function allStatements(t: TemplateJson): Statement[] {
  return Object.values(t.Resources).flatMap((r) => {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::Events::EventBusPolicy') return [p.Statement as Statement];
    const doc = (p.PolicyDocument ?? p.KeyPolicy ?? p.AssumeRolePolicyDocument) as
      | { Statement?: Statement[] }
      | undefined;
    return doc?.Statement ?? [];
  });
}

export function ofType(t: TemplateJson, type: string) {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}
