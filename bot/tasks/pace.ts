import { SlackPacedError } from '../../workflow/errors';
import type { PostRate, PostSlots } from '../../workflow/ledger/post-slots';

/** Real time: Slack's limit runs on it, so the pacer does too (offline as well: the fake limits in real time). */
export interface Timers {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface PacerSettings extends PostRate {
  /** The longest one task invocation waits for its slot (inside the Lambda timeout, with the call itself). */
  maxWaitMs: number;
  /** When refused, wait this much (at most) before handing back, so the state machine's retry finds room. */
  refusedPauseMs: number;
}

/**
 * Slack allows about 1 chat.postMessage per second per channel, with short bursts. Paced a little under that
 * (5 % longer intervals), so jitter in request latency does not cross the limit.
 */
export const SLACK_POST_PACE: PacerSettings = {
  intervalMs: 1050,
  burst: 3,
  maxWaitMs: 20_000,
  refusedPauseMs: 5_000,
};

/** The shortest pause before a refused take hands back (unless the caller asked for none). */
export const MIN_REFUSED_PAUSE_MS = 1_000;

/** What the pacer did for one take: when it started and ended (timers ms), or that it handed back. */
export interface PaceEvent {
  channel: string;
  /** The caller's name for the post (slackCall: `<incidentId>: <what>`), the same across retries. */
  label?: string;
  startedAtMs: number;
  endedAtMs: number;
  refused: boolean;
}

/** For one take: a shorter wait than the pacer's own (a post that can be deferred to a later notify). */
export interface TakeOptions {
  maxWaitMs?: number;
  refusedPauseMs?: number;
  /** Names the post in PaceEvents (observation only). */
  label?: string;
}

/** Waits for a channel's next post slot before each chat.postMessage. */
export interface PostPacer {
  /** Resolves when this post may be sent (returns the ms waited); throws SlackPacedError when the wait is too long. */
  take(channel: string, options?: TakeOptions): Promise<number>;
  /** Slack answered 429 with Retry-After: hold the channel for everyone, for that long. */
  holdOff(channel: string, retryAfterMs: number): Promise<void>;
}

/** No pacing: every post goes at once; a 429's Retry-After is slept through by the caller alone. */
export const unpaced: PostPacer = {
  take: async () => 0,
  holdOff: (_channel, retryAfterMs) => realTimers.sleep(retryAfterMs),
};

/**
 * The per-channel post queue, shared across containers through the ledger's post slots: each post reserves the
 * channel's next slot and sleeps until it. A slot further ahead than `maxWaitMs` is not taken: the task pauses,
 * then throws SlackPacedError, which the state machine retries (the message stays queued, never dropped).
 */
export class ChannelPacer implements PostPacer {
  constructor(
    private readonly slots: PostSlots,
    private readonly settings: PacerSettings = SLACK_POST_PACE,
    private readonly timers: Timers = realTimers,
    private readonly observe: (event: PaceEvent) => void = () => {},
  ) {}

  async take(channel: string, options: TakeOptions = {}): Promise<number> {
    const maxWaitMs = options.maxWaitMs ?? this.settings.maxWaitMs;
    const now = this.timers.now();
    const slot = await this.slots.reserve(channel, this.settings, now, now + maxWaitMs);
    if (!slot.ok) {
      const aheadMs = slot.nextAtMs - now;
      // Until the slot would fit, but at least MIN_REFUSED_PAUSE_MS: a retry must not spin on the ledger.
      const pause = Math.min(
        options.refusedPauseMs ?? this.settings.refusedPauseMs,
        Math.max(MIN_REFUSED_PAUSE_MS, aheadMs - maxWaitMs),
      );
      if (pause > 0) await this.timers.sleep(pause);
      this.observed(channel, options, now, true);
      throw new SlackPacedError(
        `channel ${channel} has no free post slot for ${Math.ceil(aheadMs / 1000)} s (this post waits at most ${maxWaitMs / 1000} s)`,
      );
    }
    const wait = slot.atMs - now;
    if (wait > 0) await this.timers.sleep(wait);
    this.observed(channel, options, now, false);
    return wait;
  }

  private observed(channel: string, options: TakeOptions, startedAtMs: number, refused: boolean): void {
    const label = options.label === undefined ? {} : { label: options.label };
    this.observe({ channel, ...label, startedAtMs, endedAtMs: this.timers.now(), refused });
  }

  async holdOff(channel: string, retryAfterMs: number): Promise<void> {
    // The next slot is tat - (burst - 1) * interval: book past Retry-After by that much.
    const tolerance = (this.settings.burst - 1) * this.settings.intervalMs;
    await this.slots.holdUntil(channel, this.timers.now() + retryAfterMs + tolerance);
  }
}
