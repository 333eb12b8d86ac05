import type { SimObject, SimState } from './model';

/**
 * A deep, JSON-serializable copy of the whole simulated estate with a stable key order: what "the account looks
 * like" at one moment. Simulator bookkeeping (poll counters, SSM stdout, object bodies) is left out; objects are
 * summarized by size and SHA-256. Set-like lists (security groups on an ENI, rules, targets …) are sorted, so
 * two estates that differ only in order compare equal.
 */
export type EstateSnapshot = { [key: string]: Json };
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Fields that AWS regenerates or that only record when something happened. */
export const VOLATILE_KEYS: ReadonlySet<string> = new Set([
  'launchTime',
  'createTime',
  'createDate',
  'creationDate',
  'startTime',
  'attachTime',
  'associatedAt',
  'lastModified',
  'lastPingDateTime',
  'requestedDateTime',
  'updatedAt',
  'drainingUntil',
  'associationId',
  'attachmentId',
  'ruleId',
  'requestId',
]);

/** Internal counters and bulky content that are not part of the estate. */
const OMIT = new Set([
  'polls',
  'pendingPolls',
  'behaviour',
  'stdout',
  'outputUrl',
  'activities',
  // Traffic, not configuration: a dropped connection cannot be restored (see liveFlows).
  'flows',
]);

/** Lists whose order carries no meaning. */
const SET_LIKE = new Set([
  'groupIds',
  'ingress',
  'egress',
  'targets',
  'subnetIds',
  'routeTableIds',
  'targetGroupArns',
  'loadBalancerArns',
  'cidrs',
  'roleNames',
  'instanceIds',
  'instances',
]);

function isObjectRecord(value: unknown): value is SimObject {
  return typeof value === 'object' && value !== null && (value as SimObject).body instanceof Uint8Array;
}

function withoutVolatile(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutVolatile);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !VOLATILE_KEYS.has(k))
        .map(([k, v]) => [k, withoutVolatile(v)]),
    );
  }
  return value;
}

function canonical(value: unknown, key = ''): Json {
  if (value === undefined || value === null) return null;
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (isObjectRecord(value)) {
    return canonical(
      {
        size: value.body.length,
        sha256: Buffer.from(value.checksumSha256, 'base64').toString('hex'),
        etag: value.etag,
        contentType: value.contentType,
        serverSideEncryption: value.serverSideEncryption,
        metadata: value.metadata,
        lastModified: value.lastModified,
      },
      key,
    );
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v));
    if (!SET_LIKE.has(key)) return items;
    // Sort by content without volatile ids, so the same rules with other ids sort the same.
    const sortKey = (v: Json) => JSON.stringify(withoutVolatile(v));
    return items.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  }
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const k of Object.keys(value).sort()) {
      if (OMIT.has(k)) continue;
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) continue;
      out[k] = canonical(v, k);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

export function snapshotState(state: SimState): EstateSnapshot {
  return canonical(state) as EstateSnapshot;
}

export interface DiffOptions {
  /** Skip VOLATILE_KEYS (timestamps, association/attachment/rule ids). Default true. */
  ignoreVolatile?: boolean;
  /** Only report paths starting with one of these (dot paths, e.g. `accounts.111122223333.regions.us-east-1.ec2.instances`). */
  include?: string[];
  /** Never report paths starting with one of these. */
  exclude?: string[];
}

const segment = (k: string) => (/^[\w:-]+$/.test(k) ? k : JSON.stringify(k));
const join = (path: string, k: string) => (path ? `${path}.${segment(k)}` : segment(k));
const show = (v: unknown) => JSON.stringify(v);

/**
 * Human-readable differences from `a` (expected) to `b` (found): one line per changed, added or removed field.
 * Identical estates give [].
 */
export function diffEstates(a: EstateSnapshot, b: EstateSnapshot, options: DiffOptions = {}): string[] {
  const ignoreVolatile = options.ignoreVolatile ?? true;
  const left = ignoreVolatile ? withoutVolatile(a) : a;
  const right = ignoreVolatile ? withoutVolatile(b) : b;
  const diffs: string[] = [];
  const wanted = (path: string) =>
    (!options.include?.length || options.include.some((p) => path.startsWith(p) || p.startsWith(path))) &&
    !options.exclude?.some((p) => path.startsWith(p));
  const report = (path: string, line: string) => {
    if (
      (!options.include?.length || options.include.some((p) => path.startsWith(p))) &&
      !options.exclude?.some((p) => path.startsWith(p))
    ) {
      diffs.push(line);
    }
  };

  const walk = (path: string, x: unknown, y: unknown): void => {
    if (!wanted(path) && path !== '') return;
    if (JSON.stringify(x) === JSON.stringify(y)) return;
    const bothObjects =
      x !== null &&
      y !== null &&
      typeof x === 'object' &&
      typeof y === 'object' &&
      Array.isArray(x) === Array.isArray(y);
    if (bothObjects && Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) {
        report(path, `${path}: expected ${show(x)}, found ${show(y)}`);
        return;
      }
      for (const [i, item] of x.entries()) walk(`${path}[${i}]`, item, y[i]);
      return;
    }
    if (bothObjects) {
      const xo = x as Record<string, unknown>;
      const yo = y as Record<string, unknown>;
      for (const k of [...new Set([...Object.keys(xo), ...Object.keys(yo)])].sort()) {
        const p = join(path, k);
        if (!(k in yo)) report(p, `${p}: removed (was ${show(xo[k])})`);
        else if (!(k in xo)) report(p, `${p}: added ${show(yo[k])}`);
        else walk(p, xo[k], yo[k]);
      }
      return;
    }
    report(path, `${path}: expected ${show(x)}, found ${show(y)}`);
  };
  walk('', left, right);
  return diffs;
}
