/** A token bucket per key: `burst` messages at once, refilled at `perSecond` (Slack: ~1 msg/s per channel). */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  /** Takes one token; when none is left, returns the seconds to wait (Retry-After, at least 1). */
  take(key: string, nowMs: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: nowMs };
    const refilled = Math.min(this.burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * this.perSecond);
    if (refilled >= 1) {
      this.buckets.set(key, { tokens: refilled - 1, at: nowMs });
      return { ok: true };
    }
    this.buckets.set(key, { tokens: refilled, at: nowMs });
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - refilled) / this.perSecond)) };
  }
}
