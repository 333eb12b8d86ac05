import type { Clock } from '../../workflow/ports';

/** Longest delay Node's setTimeout honours (larger values overflow to 1 ms). */
const MAX_REAL_DELAY_MS = 2_147_483_647;
/** Event-loop turns `fastForward` yields after each fired timer, so follow-up work can arm its own timers. */
const SETTLE_TURNS = 3;

export interface VirtualClockOptions {
  /** Virtual start time. Default: the real time at construction. */
  start?: Date | number;
  /**
   * 0 (default) = manual: virtual time moves only with `advance`/`fastForward`.
   * n > 0 = scaled: virtual time also runs n× faster than real time (3600 → 1 real second = 1 virtual hour)
   * and due timers fire by themselves.
   */
  scale?: number;
}

export type TimerId = number;

interface Timer {
  id: TimerId;
  atMs: number;
  fn: () => void;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Longest real time `fastForward` waits after one fired timer for the work it started (a busy check). */
const MAX_SETTLE_MS = 5_000;
/** Real quiet time that counts as settled once work was seen (covers the engine's few-ms gaps between retries). */
const QUIET_MS = 5;

/**
 * The offline engine's time. Everything that waits in Step Functions time (callback timeouts, Wait states,
 * the execution's TimeoutSeconds) waits on this clock, so `fastForward(4 * 3600 * 1000)` expires a 4-hour
 * approval at once. Timers fire in due order; a timer armed at the same instant as another fires after it.
 * In scaled mode a single real timer (for the earliest due virtual timer) exists only while timers are pending,
 * so an idle clock never keeps the process alive.
 */
export class VirtualClock implements Clock {
  #baseVirtualMs: number;
  #baseRealMs: number;
  #scale: number;
  #timers: Timer[] = [];
  #nextId = 1;
  #realTimer: NodeJS.Timeout | undefined;
  #busy: () => boolean = () => false;

  constructor(options: VirtualClockOptions = {}) {
    const start = options.start ?? Date.now();
    this.#baseVirtualMs = typeof start === 'number' ? start : start.getTime();
    this.#baseRealMs = performance.now();
    this.#scale = validScale(options.scale ?? 0);
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    if (this.#scale === 0) return this.#baseVirtualMs;
    return this.#baseVirtualMs + Math.floor((performance.now() - this.#baseRealMs) * this.#scale);
  }

  get scale(): number {
    return this.#scale;
  }

  /** Switches mode without moving virtual time (0 = manual). */
  setScale(scale: number): void {
    this.#rebase(this.nowMs());
    this.#scale = validScale(scale);
    this.#schedule();
  }

  /**
   * Tells `fastForward` when work started by a fired timer is still running (the engine: a task handler), so that
   * a continuation with I/O before its next timer (a Page task before Escalate) still arms that timer at the fired
   * timer's virtual time, inside the same window.
   */
  setBusyCheck(busy: () => boolean): void {
    this.#busy = busy;
  }

  /** Arms `fn` at virtual time `atMs` (a time already past fires on the next advance, or at once when scaled). */
  setTimer(atMs: number, fn: () => void): TimerId {
    const timer: Timer = { id: this.#nextId++, atMs, fn };
    const index = this.#timers.findIndex((t) => t.atMs > atMs);
    if (index === -1) this.#timers.push(timer);
    else this.#timers.splice(index, 0, timer);
    this.#schedule();
    return timer.id;
  }

  /** Arms `fn` `ms` virtual milliseconds from now. */
  after(ms: number, fn: () => void): TimerId {
    return this.setTimer(this.nowMs() + ms, fn);
  }

  clearTimer(id: TimerId): boolean {
    const index = this.#timers.findIndex((t) => t.id === id);
    if (index === -1) return false;
    this.#timers.splice(index, 1);
    this.#schedule();
    return true;
  }

  pendingTimers(): number {
    return this.#timers.length;
  }

  nextTimerAt(): Date | undefined {
    const first = this.#timers[0];
    return first ? new Date(first.atMs) : undefined;
  }

  /**
   * Moves virtual time forward by `ms`, firing due timers in order, synchronously. Work that a timer's callback
   * starts asynchronously runs after this returns (use `fastForward` to let it run inside the window).
   * Returns the number of timers fired.
   */
  advance(ms: number): number {
    const target = this.nowMs() + nonNegative(ms);
    let fired = 0;
    try {
      for (let timer = this.#dueBy(target); timer; timer = this.#dueBy(target)) {
        fired++;
        this.#fire(timer);
      }
      this.#rebase(Math.max(target, this.nowMs()));
    } finally {
      this.#schedule();
    }
    return fired;
  }

  /**
   * Like `advance`, but after each fired timer it yields a few event-loop turns, so the continuation (e.g. the
   * next state after a timed-out approval) runs at that timer's virtual time and may arm timers that fall
   * inside the same window. Returns the number of timers fired.
   */
  async fastForward(ms: number): Promise<number> {
    const target = this.nowMs() + nonNegative(ms);
    let fired = 0;
    try {
      for (let timer = this.#dueBy(target); timer; timer = this.#dueBy(target)) {
        fired++;
        this.#fire(timer);
        await this.#settle();
      }
      this.#rebase(Math.max(target, this.nowMs()));
    } finally {
      this.#schedule();
    }
    return fired;
  }

  /**
   * A few event-loop turns; then, while the busy check says work is running, waits (real time, bounded) until it
   * has been quiet for QUIET_MS.
   */
  async #settle(): Promise<void> {
    for (let i = 0; i < SETTLE_TURNS; i++) await nextTurn();
    if (!this.#busy()) return;
    const deadline = performance.now() + MAX_SETTLE_MS;
    let quietSince: number | undefined;
    while (performance.now() < deadline) {
      await realSleep(1);
      for (let i = 0; i < SETTLE_TURNS; i++) await nextTurn();
      if (this.#busy()) quietSince = undefined;
      else {
        quietSince ??= performance.now();
        if (performance.now() - quietSince >= QUIET_MS) return;
      }
    }
  }

  /** Drops every pending timer and the real timer behind scaled mode. */
  dispose(): void {
    this.#timers = [];
    this.#schedule();
  }

  #dueBy(target: number): Timer | undefined {
    const first = this.#timers[0];
    return first && first.atMs <= target ? first : undefined;
  }

  /** Removes the timer, moves time to its due instant (never backwards), then runs it. */
  #fire(timer: Timer): void {
    this.#timers.splice(this.#timers.indexOf(timer), 1);
    this.#rebase(Math.max(timer.atMs, this.nowMs()));
    timer.fn();
  }

  #rebase(virtualMs: number): void {
    this.#baseVirtualMs = virtualMs;
    this.#baseRealMs = performance.now();
  }

  /** Keeps exactly one real timer for the earliest virtual timer while scaled; none otherwise. */
  #schedule(): void {
    if (this.#realTimer) clearTimeout(this.#realTimer);
    this.#realTimer = undefined;
    const first = this.#timers[0];
    if (this.#scale === 0 || !first) return;
    const delay = Math.min(
      MAX_REAL_DELAY_MS,
      Math.max(0, Math.ceil((first.atMs - this.nowMs()) / this.#scale)),
    );
    this.#realTimer = setTimeout(() => this.#onRealTimer(), delay);
  }

  #onRealTimer(): void {
    this.#realTimer = undefined;
    const now = this.nowMs();
    try {
      for (let timer = this.#dueBy(now); timer; timer = this.#dueBy(now)) this.#fire(timer);
    } finally {
      this.#schedule();
    }
  }
}

function validScale(scale: number): number {
  if (!Number.isFinite(scale) || scale < 0)
    throw new RangeError(`clock scale must be a number ≥ 0, got ${scale}`);
  return scale;
}

function nonNegative(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot move the clock by ${ms} ms`);
  return ms;
}
