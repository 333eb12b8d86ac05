import { awsError, SERVER_ERROR, type ServiceName, SimulatedCrash, THROTTLE } from './errors';
import { seededRandom } from './ids';

/** Which calls a fault applies to (every field optional = any). */
export interface FaultMatch {
  service?: ServiceName;
  operation?: string;
  accountId?: string;
}

export interface FaultCall {
  service: ServiceName;
  operation: string;
  accountId: string;
}

export type FaultKind = 'throttle' | 'failNth' | 'error5xx' | 'latency' | 'crashAfter';

interface Rule {
  kind: FaultKind;
  match: FaultMatch;
  /** Calls this rule has seen (failNth, crashAfter count them). */
  seen: number;
  injected: number;
  rate?: number;
  random?: () => number;
  n?: number;
  ms?: number;
  error?: string | Error;
  done?: boolean;
}

export interface FaultStats {
  throttle: number;
  failNth: number;
  error5xx: number;
  latency: number;
  crashAfter: number;
  /** Errors injected (everything but latency). */
  total: number;
  rules: { kind: FaultKind; match: FaultMatch; injected: number }[];
}

function matches(match: FaultMatch, call: FaultCall): boolean {
  return (
    (match.service === undefined || match.service === call.service) &&
    (match.operation === undefined || match.operation === call.operation) &&
    (match.accountId === undefined || match.accountId === call.accountId)
  );
}

/** An error for a code, with the status AWS uses for it (throttles and 5xx as the service reports them). */
export function errorFor(service: ServiceName, error: string | Error | undefined, operation: string): Error {
  if (error instanceof Error) return error;
  const code = error ?? SERVER_ERROR[service].code;
  const known = [
    THROTTLE[service],
    SERVER_ERROR[service],
    ...Object.values(THROTTLE),
    ...Object.values(SERVER_ERROR),
  ].find((spec) => spec.code === code);
  return awsError(service, code, `Injected ${code} on ${service}.${operation}`, {
    status: known?.status ?? 400,
  });
}

/**
 * Fault injection, deterministic: rates draw from a PRNG seeded per rule, counts are per rule. Faults apply at
 * the call boundary, before the model is touched (crashAfter: after), so a failed call never half-applies.
 */
export class Faults {
  private rules: Rule[] = [];
  private added = 0;

  constructor(
    private readonly seed: number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  private nextRandom(seed?: number): () => number {
    this.added += 1;
    return seededRandom(seed ?? this.seed * 1_000_003 + this.added * 7_919);
  }

  /** Throttles a fraction of matching calls with the service's throttling error (EC2 RequestLimitExceeded …). */
  throttle(options: FaultMatch & { rate: number; seed?: number }): this {
    const { rate, seed, ...match } = options;
    this.rules.push({ kind: 'throttle', match, rate, random: this.nextRandom(seed), seen: 0, injected: 0 });
    return this;
  }

  /** Fails the n-th matching call (1-based, counted from now), once. Default error: the service's 5xx. */
  failNth(
    options: FaultMatch & { service: ServiceName; operation: string; n: number; error?: string | Error },
  ): this {
    const { n, error, ...match } = options;
    this.rules.push({ kind: 'failNth', match, n, ...(error ? { error } : {}), seen: 0, injected: 0 });
    return this;
  }

  /** Answers a fraction of matching calls with the service's 5xx (InternalError, ServiceUnavailable …). */
  error5xx(options: FaultMatch & { rate: number; seed?: number }): this {
    const { rate, seed, ...match } = options;
    this.rules.push({ kind: 'error5xx', match, rate, random: this.nextRandom(seed), seen: 0, injected: 0 });
    return this;
  }

  /** Delays matching calls by `ms` before they are answered. */
  latency(options: FaultMatch & { ms: number }): this {
    const { ms, ...match } = options;
    this.rules.push({ kind: 'latency', match, ms, seen: 0, injected: 0 });
    return this;
  }

  /**
   * Applies the n-th matching call's side effect (counting calls that applied), then throws (SimulatedCrash unless `error` is given): the caller
   * died after its change took effect and before it could record it.
   */
  crashAfter(
    options: FaultMatch & { service: ServiceName; operation: string; n: number; error?: string | Error },
  ): this {
    const { n, error, ...match } = options;
    this.rules.push({ kind: 'crashAfter', match, n, ...(error ? { error } : {}), seen: 0, injected: 0 });
    return this;
  }

  clear(): void {
    this.rules = [];
  }

  stats(): FaultStats {
    const sum = (kind: FaultKind) =>
      this.rules.filter((r) => r.kind === kind).reduce((s, r) => s + r.injected, 0);
    const stats = {
      throttle: sum('throttle'),
      failNth: sum('failNth'),
      error5xx: sum('error5xx'),
      latency: sum('latency'),
      crashAfter: sum('crashAfter'),
    };
    return {
      ...stats,
      total: stats.throttle + stats.failNth + stats.error5xx + stats.crashAfter,
      rules: this.rules.map((r) => ({ kind: r.kind, match: { ...r.match }, injected: r.injected })),
    };
  }

  /** Before the model: latency, then the first failing rule's error (if any). */
  async before(call: FaultCall): Promise<{ error: Error; kind: FaultKind } | undefined> {
    const active = this.rules.filter((r) => matches(r.match, call));
    for (const rule of active.filter((r) => r.kind === 'latency')) {
      rule.injected += 1;
      await this.sleep(rule.ms ?? 0);
    }
    let failure: { error: Error; kind: FaultKind } | undefined;
    for (const rule of active) {
      if (rule.kind === 'latency' || rule.kind === 'crashAfter') continue;
      rule.seen += 1;
      if (failure) continue; // keep counting calls, inject at most one fault per call
      if (rule.kind === 'failNth' && !rule.done && rule.seen === rule.n) {
        rule.done = true;
        rule.injected += 1;
        failure = { error: errorFor(call.service, rule.error, call.operation), kind: 'failNth' };
      } else if (
        (rule.kind === 'throttle' || rule.kind === 'error5xx') &&
        (rule.random?.() ?? 1) < (rule.rate ?? 0)
      ) {
        rule.injected += 1;
        const spec = rule.kind === 'throttle' ? THROTTLE[call.service] : SERVER_ERROR[call.service];
        failure = {
          error: awsError(
            call.service,
            spec.code,
            rule.kind === 'throttle'
              ? 'Rate exceeded'
              : 'We encountered an internal error. Please try again.',
            {
              status: spec.status,
            },
          ),
          kind: rule.kind,
        };
      }
    }
    return failure;
  }

  /**
   * After the model applied the call: the crash, if this is the crash rule's n-th applied call (calls that failed,
   * by a fault or by AWS's own validation, applied nothing and are not counted).
   */
  after(call: FaultCall): Error | undefined {
    let crash: Error | undefined;
    for (const rule of this.rules) {
      if (rule.kind !== 'crashAfter' || rule.done || !matches(rule.match, call)) continue;
      rule.seen += 1;
      if (rule.seen !== rule.n || crash) continue;
      rule.done = true;
      rule.injected += 1;
      crash =
        rule.error !== undefined
          ? errorFor(call.service, rule.error, call.operation)
          : new SimulatedCrash(call.service, call.operation);
    }
    return crash;
  }
}
