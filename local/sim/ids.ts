/**
 * Deterministic identifiers and randomness for the simulator: the same seed and the same calls give the same
 * ids, public IPs and fault decisions on every run.
 */

/** Counter-based ids per prefix: `sg-00000000000000001`, `i-00000000000000002` (17 hex digits, like EC2). */
export class IdGenerator {
  private readonly counters = new Map<string, number>();

  next(prefix: string): number {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return n;
  }

  /** An EC2-style id: `${prefix}-` + 17 hex digits. */
  ec2(prefix: string): string {
    return `${prefix}-${this.next(prefix).toString(16).padStart(17, '0')}`;
  }

  /** An IAM-style unique id (AIDA…, AROA…, AIPA…, AKIA…): prefix + uppercase base-36 digits, 20 chars in all. */
  iam(prefix: string): string {
    return `${prefix}${this.next(prefix)
      .toString(36)
      .toUpperCase()
      .padStart(20 - prefix.length, '0')}`;
  }

  /** A UUID-shaped id (SSM command ids, request ids). */
  uuid(prefix: string): string {
    const hex = this.next(prefix).toString(16).padStart(12, '0');
    return `00000000-0000-4000-8000-${hex}`;
  }

  /** The next host address in a /24 pool, e.g. `ip('203.0.113')` → 203.0.113.10, then .11 … (up to .254). */
  ip(pool: string, first = 10): string {
    const host = this.next(`ip:${pool}`) - 1 + first;
    if (host > 254) throw new Error(`simulator address pool ${pool}.0/24 is exhausted`);
    return `${pool}.${host}`;
  }

  /** Counters as a plain object (for checkpointing a seeded estate). */
  state(): Record<string, number> {
    return Object.fromEntries([...this.counters.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
