/**
 * A small EventBridge pattern evaluator for the subset Airlock's rules use (literals, numeric, prefix, wildcard,
 * nested objects, arrays flattened as EventBridge does), so rule patterns can be tested against real payloads
 * offline. Not a general implementation.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function valuesAt(value: Json | undefined, path: string[]): Json[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((v) => valuesAt(v, path));
  if (!path.length) return [value];
  if (value === null || typeof value !== 'object') return [];
  const [head, ...rest] = path;
  return valuesAt((value as Record<string, Json>)[head as string], rest);
}

function compare(op: string, a: number, b: number): boolean {
  switch (op) {
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '=':
      return a === b;
    default:
      throw new Error(`unsupported numeric operator ${op}`);
  }
}

function leafMatches(matcher: Json, value: Json): boolean {
  if (matcher === null || typeof matcher !== 'object') return matcher === value;
  const m = matcher as Record<string, Json>;
  if ('numeric' in m) {
    const spec = m.numeric as Json[];
    if (typeof value !== 'number') return false;
    for (let i = 0; i < spec.length; i += 2) {
      if (!compare(String(spec[i]), value, Number(spec[i + 1]))) return false;
    }
    return true;
  }
  if ('prefix' in m) return typeof value === 'string' && value.startsWith(String(m.prefix));
  if ('wildcard' in m) {
    const re = new RegExp(
      `^${String(m.wildcard)
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    return typeof value === 'string' && re.test(value);
  }
  throw new Error(`unsupported matcher ${JSON.stringify(matcher)}`);
}

function leaves(pattern: Record<string, Json>, path: string[] = []): [string[], Json[]][] {
  return Object.entries(pattern).flatMap(([key, rule]) =>
    Array.isArray(rule)
      ? [[[...path, key], rule] as [string[], Json[]]]
      : leaves(rule as Record<string, Json>, [...path, key]),
  );
}

/** True when `event` matches `pattern` (CloudFormation form: `detail-type`, not `detailType`). */
export function matchesPattern(pattern: Record<string, Json>, event: Json): boolean {
  return leaves(pattern).every(([path, matchers]) =>
    valuesAt(event, path).some((value) => matchers.some((matcher) => leafMatches(matcher, value))),
  );
}
