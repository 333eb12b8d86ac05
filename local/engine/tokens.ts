import { randomBytes } from 'node:crypto';
import type { VirtualClock } from './clock';
import { InvalidOutputError, StateError, TaskTimedOutError } from './errors';

/** A callback task waiting for SendTaskSuccess / SendTaskFailure. */
export interface PendingTask {
  executionArn: string;
  stateName: string;
  /** The token(s) the task handed out (normally one: `$$.Task.Token` in the Payload). */
  tokens: readonly string[];
  /** What the function was invoked with (the Payload). */
  payload: unknown;
  startedAt: Date;
  /** Virtual time at which the task fails with States.Timeout; absent = no TimeoutSeconds. */
  deadline?: Date;
}

interface Waiter extends PendingTask {
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
  timer?: number;
}

interface WaitOptions {
  executionArn: string;
  stateName: string;
  payload: unknown;
  /** Virtual milliseconds until States.Timeout; undefined = wait until the execution ends. */
  timeoutMs?: number;
  /** Builds the States.Timeout error (the library's own class, see states-timeout.ts). */
  timeoutError: () => Error;
}

/** Length similar to real tokens (hundreds of chars) and, like them, containing `+ / =`. */
export function newTaskToken(): string {
  return `AQ${randomBytes(182).toString('base64')}`;
}

/**
 * Task tokens of the local engine. A token is issued whenever the ASL reads `$$.Task.Token`, armed when its
 * callback task starts waiting, and spent by the first SendTaskSuccess/SendTaskFailure, the task's timeout
 * (virtual clock) or the end of its execution. Anything sent to a spent, unknown or never-armed token fails with
 * TaskTimedOut ("Provided task does not exist anymore"), as in Step Functions.
 */
export class TokenRegistry {
  /** Issued, not yet armed: token → execution. */
  #issued = new Map<string, string>();
  /** Armed: token → its waiter (several tokens may share a waiter). */
  #waiting = new Map<string, Waiter>();
  /** Every live waiter, including ones with no token. */
  #live = new Set<Waiter>();
  #listeners = new Set<() => void>();

  constructor(private readonly clock: VirtualClock) {}

  issue(executionArn: string): string {
    const token = newTaskToken();
    this.#issued.set(token, executionArn);
    return token;
  }

  /** Tokens issued to this execution and not yet armed, found anywhere in `value`. */
  issuedTokensIn(value: unknown, executionArn: string): string[] {
    const found = new Set<string>();
    const visit = (v: unknown): void => {
      if (typeof v === 'string') {
        if (this.#issued.get(v) === executionArn) found.add(v);
      } else if (Array.isArray(v)) {
        for (const item of v) visit(item);
      } else if (v !== null && typeof v === 'object') {
        for (const item of Object.values(v)) visit(item);
      }
    };
    visit(value);
    return [...found];
  }

  /**
   * Arms `tokens` and resolves with the SendTaskSuccess output, or rejects with the SendTaskFailure error,
   * States.Timeout, or whatever `cancel` is given. With no token the task can only time out or be cancelled
   * (as in Step Functions when the Payload forgets `$$.Task.Token`).
   */
  wait(
    tokens: readonly string[],
    options: WaitOptions,
  ): { promise: Promise<unknown>; cancel: (e: Error) => void } {
    const { promise, resolve, reject } = Promise.withResolvers<unknown>();
    const startedAt = this.clock.now();
    const waiter: Waiter = {
      executionArn: options.executionArn,
      stateName: options.stateName,
      tokens: [...tokens],
      payload: options.payload,
      startedAt,
      resolve,
      reject,
    };
    if (options.timeoutMs !== undefined) {
      waiter.deadline = new Date(startedAt.getTime() + options.timeoutMs);
      waiter.timer = this.clock.after(options.timeoutMs, () => this.#settle(waiter, options.timeoutError()));
    }
    for (const token of tokens) {
      this.#issued.delete(token);
      this.#waiting.set(token, waiter);
    }
    this.#live.add(waiter);
    this.#changed();
    return { promise, cancel: (error: Error) => this.#settle(waiter, error) };
  }

  /** @throws TaskTimedOutError when the token is spent, unknown or timed out; InvalidOutputError for non-JSON. */
  sendTaskSuccess(token: string, output: unknown): void {
    const waiter = this.#waiterOf(token);
    const text = safeStringify(output);
    if (text === undefined) throw new InvalidOutputError('Output must be a JSON value');
    this.#settle(waiter, undefined, JSON.parse(text));
  }

  /** @throws TaskTimedOutError when the token is spent, unknown or timed out. */
  sendTaskFailure(token: string, error: string, cause: string): void {
    const waiter = this.#waiterOf(token);
    this.#settle(waiter, new StateError(error, cause));
  }

  /** Callback tasks currently waiting (all, or one execution's). */
  pending(executionArn?: string): PendingTask[] {
    return [...this.#live]
      .filter((w) => executionArn === undefined || w.executionArn === executionArn)
      .map(({ resolve: _r, reject: _j, timer: _t, ...task }) => task);
  }

  /** Ends every wait of an execution with `error` and forgets its tokens (abort, timeout, end). */
  endExecution(executionArn: string, error: Error): void {
    for (const waiter of [...this.#live])
      if (waiter.executionArn === executionArn) this.#settle(waiter, error);
    for (const [token, arn] of this.#issued) if (arn === executionArn) this.#issued.delete(token);
  }

  /** Called after any change (a task starts or stops waiting). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #waiterOf(token: string): Waiter {
    const waiter = this.#waiting.get(token);
    if (!waiter) throw new TaskTimedOutError();
    return waiter;
  }

  #settle(waiter: Waiter, error: Error | undefined, output?: unknown): void {
    if (!this.#live.delete(waiter)) return;
    for (const token of waiter.tokens) this.#waiting.delete(token);
    if (waiter.timer !== undefined) this.clock.clearTimer(waiter.timer);
    if (error) waiter.reject(error);
    else waiter.resolve(output);
    this.#changed();
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}

function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
