import { ApprovalExpiredError } from '../../workflow/errors';
import { createLogger } from '../../workflow/log';
import type { Executions } from '../../workflow/ports';
import { DEFAULT_STATE_MACHINE_ARN, executionArnFor } from './arns';
import type { TimerId, VirtualClock } from './clock';
import {
  type CompiledDefinition,
  compileDefinition,
  type TaskBinding,
  TIMEOUT_PARAM,
  WAIT_INPUT_PARAM,
  WAIT_SECONDS_PARAM,
  WAIT_TIMESTAMP_PARAM,
  type WaitBinding,
} from './compile';
import {
  ExecutionAlreadyExistsError,
  ExecutionDoesNotExistError,
  InvalidExecutionInputError,
  InvalidNameError,
  lambdaFunctionError,
  statesRuntime,
  TaskTimedOutError,
} from './errors';
import { countTransitions, type EventDraft, type LibraryEvent, toHistoryEvent } from './history';
import { asTaskResult, cloneJson, isObject, PAYLOAD_LIMIT_BYTES } from './json';
import { ExecutionError, type RunOptions, StateMachine } from './library';
import { statesTimeoutFactory } from './states-timeout';
import { type PendingTask, TokenRegistry } from './tokens';
import type {
  EventListener,
  ExecutionDescription,
  ExecutionStatus,
  ExecutionSummary,
  HistoryEvent,
  StatusListener,
  TaskHandler,
  TaskHandlerMap,
} from './types';

export interface LocalEngineOptions {
  /** The rendered ASL (JSON text or object); `${<Key>FunctionArn}` placeholders may be left unrendered. */
  definition: string | object;
  /** Catalog key → handler; every Task state must resolve to one. */
  handlers: TaskHandlerMap;
  /** Keys invoked with `lambda:invoke.waitForTaskToken` (and only so). */
  callbackKeys: ReadonlySet<string>;
  clock: VirtualClock;
  /** If set, puts the clock in scaled mode (virtual time runs this many times faster than real time). */
  timeScale?: number;
  /** Real milliseconds every Retry waits before retrying (default DEFAULT_RETRY_INTERVAL_MS). */
  retryIntervalMs?: number;
  stateMachineArn?: string;
  /** Called for every history event of every execution (live timeline). */
  onEvent?: EventListener;
}

/** Retries wait this many real milliseconds by default (IntervalSeconds, BackoffRate and jitter are ignored). */
export const DEFAULT_RETRY_INTERVAL_MS = 2;
const DEFAULT_WAIT_TIMEOUT_MS = 2_000;
const NAME_MAX_LENGTH = 80;
const NAME_FORBIDDEN = new Set([...' <>{}[]?*"#%\\^|~`$&,;:/']);

type LibraryHandler = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>[string];
type LibraryInput = Parameters<StateMachine['run']>[0];
type LibraryOutput = Awaited<ReturnType<LibraryHandler>>;
type Outcome = { ok: true; output: unknown } | { ok: false; error: unknown };

interface ExecutionRecord {
  description: ExecutionDescription;
  inputText: string;
  events: HistoryEvent[];
  /** Aborted when the execution stops for any reason: ends callback waits, Wait states and handler races. */
  controller: AbortController;
  abortRun: () => void;
  settled: Promise<void>;
  timeoutTimer?: TimerId;
}

/**
 * Step Functions (Standard), offline: runs the ASL with aws-local-stepfunctions, Task states on local handlers,
 * callback tokens in a TokenRegistry and every Step Functions wait on the virtual clock. Build it once (it
 * validates the definition, ~70 ms) and start any number of executions.
 *
 * Differences from Step Functions, on purpose: Retry waits `retryIntervalMs` real ms (no virtual time passes);
 * ordinary Task TimeoutSeconds run in real time (handlers run in real time); `$$.Execution.StartTime` is real
 * time; a handler keeps running after its execution stops (its result is ignored).
 */
export class LocalEngine implements Executions {
  readonly stateMachineArn: string;
  /** Raw Step Functions token semantics (TaskTimedOut). The Executions methods map it to ApprovalExpiredError. */
  readonly tokens: TokenRegistry;
  readonly #clock: VirtualClock;
  readonly #compiled: CompiledDefinition;
  readonly #machine: StateMachine;
  readonly #handlers: TaskHandlerMap;
  readonly #retryOverrides: Record<string, number>;
  readonly #executions = new Map<string, ExecutionRecord>();
  readonly #eventListeners = new Set<EventListener>();
  readonly #statusListeners = new Set<StatusListener>();
  readonly #watchers = new Set<{ check: () => void; fail: (error: Error) => void }>();
  readonly #log = createLogger('local-engine');
  #closed = false;
  /** Task handlers running now: the clock's fastForward waits for them after a fired timer. */
  #running = 0;

  constructor(options: LocalEngineOptions) {
    this.#clock = options.clock;
    this.#clock.setBusyCheck(() => this.#running > 0);
    if (options.timeScale !== undefined) this.#clock.setScale(options.timeScale);
    this.#handlers = options.handlers;
    this.stateMachineArn = options.stateMachineArn ?? DEFAULT_STATE_MACHINE_ARN;
    this.#compiled = compileDefinition(options.definition, {
      handlerKeys: new Set(Object.keys(options.handlers)),
      callbackKeys: options.callbackKeys,
    });
    this.#machine = new StateMachine(this.#compiled.runnable);
    const interval = options.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS;
    this.#retryOverrides = Object.fromEntries(this.#compiled.retryStates.map((name) => [name, interval]));
    this.tokens = new TokenRegistry(this.#clock);
    this.tokens.onChange(() => this.#changed());
    if (options.onEvent) this.#eventListeners.add(options.onEvent);
    for (const task of this.#compiled.tasks.values()) {
      if (
        task.mode === 'callback' &&
        task.timeoutSeconds === undefined &&
        task.timeoutSecondsPath === undefined
      ) {
        this.#log.warn(
          { state: task.stateName },
          'callback task without TimeoutSeconds waits until the execution ends',
        );
      }
    }
  }

  /** Task state name → how it runs (every Task state of the definition, nested ones included). */
  get taskBindings(): ReadonlyMap<string, TaskBinding> {
    return this.#compiled.tasks;
  }

  // ── Executions port ────────────────────────────────────────────────────────────────────────────────────

  /**
   * StartExecution. Same name and input while running → the existing execution (`alreadyRunning`); a different
   * input, or a finished execution of that name → ExecutionAlreadyExists.
   */
  async start(params: {
    name: string;
    input: unknown;
  }): Promise<{ executionArn: string; alreadyRunning: boolean }> {
    const timeoutError = await statesTimeoutFactory();
    if (this.#closed) throw new Error('local engine is closed');
    validateName(params.name);
    const inputText = serializeInput(params.input);
    const executionArn = executionArnFor(this.stateMachineArn, params.name);
    const existing = this.#executions.get(executionArn);
    if (existing) {
      if (existing.description.status === 'RUNNING' && existing.inputText === inputText) {
        return { executionArn, alreadyRunning: true };
      }
      throw new ExecutionAlreadyExistsError(executionArn);
    }
    this.#launch(executionArn, params.name, inputText, timeoutError);
    return { executionArn, alreadyRunning: false };
  }

  /** @throws ApprovalExpiredError when the token is spent, unknown or past its timeout. */
  async sendTaskSuccess(taskToken: string, output: unknown): Promise<void> {
    try {
      this.tokens.sendTaskSuccess(taskToken, output);
    } catch (error) {
      throw approvalError(error);
    }
  }

  /** @throws ApprovalExpiredError when the token is spent, unknown or past its timeout. */
  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    try {
      this.tokens.sendTaskFailure(taskToken, error, cause);
    } catch (thrown) {
      throw approvalError(thrown);
    }
  }

  // ── Inspection ─────────────────────────────────────────────────────────────────────────────────────────

  describe(executionArn: string): ExecutionDescription {
    return structuredClone(this.#record(executionArn).description);
  }

  /** Newest first, like ListExecutions. */
  list(filter: { status?: ExecutionStatus } = {}): ExecutionSummary[] {
    return [...this.#executions.values()]
      .map((r) => r.description)
      .filter((d) => filter.status === undefined || d.status === filter.status)
      .reverse()
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
      .map(({ executionArn, stateMachineArn, name, status, startDate, stopDate }) => ({
        executionArn,
        stateMachineArn,
        name,
        status,
        startDate: new Date(startDate),
        ...(stopDate ? { stopDate: new Date(stopDate) } : {}),
      }));
  }

  history(executionArn: string): HistoryEvent[] {
    return [...this.#record(executionArn).events];
  }

  /** State names in the order they were entered (states inside Map iterations included). */
  statesVisited(executionArn: string): string[] {
    return this.#record(executionArn)
      .events.filter((e) => e.type === 'StateEntered')
      .map((e) => e.stateName ?? '');
  }

  /** Billed transitions: StateEntered (nested included) + StateRetried events. See countTransitions. */
  transitionCount(executionArn: string): number {
    return countTransitions(this.#record(executionArn).events);
  }

  /** Callback tasks waiting for a token (all executions, or one). */
  pendingTasks(executionArn?: string): PendingTask[] {
    return this.tokens.pending(executionArn);
  }

  // ── Waiting ────────────────────────────────────────────────────────────────────────────────────────────

  /** Resolves with the description once it matches; rejects after `timeoutMs` real ms (default 2 s). */
  waitForStatus(
    executionArn: string,
    expected: ExecutionStatus | readonly ExecutionStatus[] | ((d: ExecutionDescription) => boolean),
    options: { timeoutMs?: number } = {},
  ): Promise<ExecutionDescription> {
    const matches =
      typeof expected === 'function'
        ? expected
        : (d: ExecutionDescription) =>
            (typeof expected === 'string' ? [expected] : expected).includes(d.status);
    return this.#waitUntil(
      () => {
        const description = this.describe(executionArn);
        return matches(description) ? description : undefined;
      },
      options.timeoutMs,
      () => `execution ${executionArn} is ${this.#record(executionArn).description.status}`,
    );
  }

  /** Resolves with the first callback task of the execution (optionally: in that state) that is waiting. */
  waitForTask(
    executionArn: string,
    options: { stateName?: string; timeoutMs?: number } = {},
  ): Promise<PendingTask> {
    return this.#waitUntil(
      () => {
        this.#record(executionArn);
        return this.tokens
          .pending(executionArn)
          .find((t) => options.stateName === undefined || t.stateName === options.stateName);
      },
      options.timeoutMs,
      () => `no callback task ${options.stateName ?? ''} waiting in ${executionArn}`,
    );
  }

  /** Resolves with the final description once the execution has ended and its history is complete. */
  async result(executionArn: string): Promise<ExecutionDescription> {
    await this.#record(executionArn).settled;
    return this.describe(executionArn);
  }

  // ── Control ────────────────────────────────────────────────────────────────────────────────────────────

  /** StopExecution: ABORTED at once; resolves when the execution has wound down. */
  async abort(
    executionArn: string,
    options: { error?: string; cause?: string } = {},
  ): Promise<ExecutionDescription> {
    const record = this.#record(executionArn);
    this.#stop(record, 'ABORTED', options.error, options.cause);
    await record.settled;
    return this.describe(executionArn);
  }

  /** Aborts every running execution and waits for them; later starts fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const running = [...this.#executions.values()].filter((r) => r.description.status === 'RUNNING');
    for (const record of running)
      this.#stop(record, 'ABORTED', 'EngineClosed', 'the local engine was closed');
    await Promise.all([...this.#executions.values()].map((r) => r.settled));
    for (const watcher of [...this.#watchers]) watcher.fail(new Error('local engine closed'));
  }

  on(event: 'event', listener: EventListener): this;
  on(event: 'status', listener: StatusListener): this;
  on(event: 'event' | 'status', listener: EventListener | StatusListener): this {
    if (event === 'event') this.#eventListeners.add(listener as EventListener);
    else this.#statusListeners.add(listener as StatusListener);
    return this;
  }

  off(event: 'event' | 'status', listener: EventListener | StatusListener): this {
    if (event === 'event') this.#eventListeners.delete(listener as EventListener);
    else this.#statusListeners.delete(listener as StatusListener);
    return this;
  }

  // ── Running ────────────────────────────────────────────────────────────────────────────────────────────

  #launch(executionArn: string, name: string, inputText: string, timeoutError: () => Error): void {
    const input: unknown = JSON.parse(inputText);
    const controller = new AbortController();
    const record: ExecutionRecord = {
      description: {
        executionArn,
        stateMachineArn: this.stateMachineArn,
        name,
        status: 'RUNNING',
        input,
        startDate: this.#clock.now(),
      },
      inputText,
      events: [],
      controller,
      abortRun: () => {},
      settled: Promise.resolve(),
    };
    this.#executions.set(executionArn, record);
    const run = this.#machine.run(input as LibraryInput, {
      overrides: {
        taskResourceLocalHandlers: this.#localHandlers(record, timeoutError),
        retryIntervalOverrides: this.#retryOverrides,
      },
      context: this.#context(record),
    });
    record.abortRun = run.abort;
    const timeoutSeconds = this.#compiled.timeoutSeconds;
    if (timeoutSeconds !== undefined) {
      record.timeoutTimer = this.#clock.after(timeoutSeconds * 1000, () =>
        this.#stop(record, 'TIMED_OUT', 'States.Timeout', `execution timed out after ${timeoutSeconds} s`),
      );
    }
    const drained = this.#drain(record, run.eventLogs).catch((error: unknown) =>
      this.#log.error({ err: error, executionArn }, 'history incomplete: reading the event log failed'),
    );
    record.settled = run.result.then(
      async (output) => this.#finish(record, await drained.then(() => ({ ok: true, output }))),
      async (error: unknown) => this.#finish(record, await drained.then(() => ({ ok: false, error }))),
    );
    this.#changed();
  }

  async #drain(record: ExecutionRecord, logs: AsyncGenerator<LibraryEvent>): Promise<void> {
    for await (const event of logs) {
      const draft = toHistoryEvent(event, this.#compiled.stateTypes);
      const { status, error, cause } = record.description;
      if (draft.type === 'ExecutionAborted' && status === 'TIMED_OUT') {
        this.#append(record, { type: 'ExecutionTimedOut', error, cause });
      } else if (draft.type === 'ExecutionAborted') {
        this.#append(record, { ...draft, ...(error ? { error } : {}), ...(cause ? { cause } : {}) });
      } else {
        this.#append(record, draft);
      }
    }
  }

  #append(record: ExecutionRecord, draft: EventDraft): void {
    const event: HistoryEvent = { id: record.events.length + 1, timestamp: this.#clock.now(), ...draft };
    record.events.push(event);
    for (const listener of this.#eventListeners) {
      this.#safely(() => listener(record.description.executionArn, event));
    }
    this.#changed();
  }

  #finish(record: ExecutionRecord, outcome: Outcome): void {
    const description = record.description;
    this.#release(record);
    if (description.status !== 'RUNNING') return; // stopped (aborted / timed out) earlier
    if (outcome.ok) {
      description.status = 'SUCCEEDED';
      description.output = outcome.output;
    } else {
      const failure = outcome.error instanceof ExecutionError ? outcome.error.cause : outcome.error;
      description.status = 'FAILED';
      description.error = failure instanceof Error ? failure.name : 'Error';
      description.cause = failure instanceof Error ? failure.message : String(failure);
    }
    description.stopDate = this.#clock.now();
    this.#statusChanged(record);
  }

  /** Stops a running execution now (StopExecution, execution timeout, engine close). */
  #stop(record: ExecutionRecord, status: 'ABORTED' | 'TIMED_OUT', error?: string, cause?: string): void {
    const description = record.description;
    if (description.status !== 'RUNNING') return;
    description.status = status;
    if (error !== undefined) description.error = error;
    if (cause !== undefined) description.cause = cause;
    description.stopDate = this.#clock.now();
    this.#release(record);
    record.abortRun();
    this.#statusChanged(record);
  }

  /** Ends everything the execution waits on, so no library timer outlives it. */
  #release(record: ExecutionRecord): void {
    if (record.timeoutTimer !== undefined) this.#clock.clearTimer(record.timeoutTimer);
    record.timeoutTimer = undefined;
    record.controller.abort();
    this.tokens.endExecution(record.description.executionArn, executionStopped());
  }

  #statusChanged(record: ExecutionRecord): void {
    const description = structuredClone(record.description);
    for (const listener of this.#statusListeners) this.#safely(() => listener(description));
    this.#changed();
  }

  #context(record: ExecutionRecord): RunOptions['context'] {
    const tokens = this.tokens;
    const { executionArn, name } = record.description;
    return {
      Execution: { Id: executionArn, Name: name },
      StateMachine: { Id: this.stateMachineArn, Name: this.stateMachineArn.split(':').at(-1) },
      Task: {
        /** A fresh token every time the ASL reads `$$.Task.Token`. */
        get Token() {
          return tokens.issue(executionArn);
        },
      },
    };
  }

  #localHandlers(record: ExecutionRecord, timeoutError: () => Error): Record<string, LibraryHandler> {
    const handlers: Record<string, LibraryHandler> = {};
    for (const [name, binding] of this.#compiled.tasks) {
      handlers[name] = (input) =>
        this.#runTask(record, binding, input, timeoutError) as Promise<LibraryOutput>;
    }
    for (const [name, binding] of this.#compiled.waits) {
      handlers[name] = (input) => this.#runWait(record, binding, input) as Promise<LibraryOutput>;
    }
    return handlers;
  }

  async #runTask(
    record: ExecutionRecord,
    binding: TaskBinding,
    input: unknown,
    timeoutError: () => Error,
  ): Promise<unknown> {
    if (record.controller.signal.aborted) throw executionStopped();
    const handler = this.#handlers[binding.key] as TaskHandler;
    const parameters = isObject(input) ? input : {};
    if (binding.mode === 'function') return this.#invoke(record, handler, input);
    if (binding.mode === 'invoke') {
      const payload = await this.#invoke(
        record,
        handler,
        'Payload' in parameters ? parameters.Payload : input,
      );
      return { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 };
    }
    const payload = parameters.Payload ?? null;
    const timeoutSeconds = binding.timeoutSeconds ?? timeoutFromPath(parameters[TIMEOUT_PARAM], binding);
    const wait = this.tokens.wait(this.tokens.issuedTokensIn(payload, record.description.executionArn), {
      executionArn: record.description.executionArn,
      stateName: binding.stateName,
      payload,
      timeoutError,
      ...(timeoutSeconds === undefined ? {} : { timeoutMs: timeoutSeconds * 1000 }),
    });
    // The invocation itself can fail the task (Lambda error); its return value is not the task's output.
    this.#invoke(record, handler, payload).catch((error: Error) => wait.cancel(error));
    return asTaskResult(await wait.promise);
  }

  /** Calls a handler like Lambda would: JSON in, JSON out, errors as Lambda function errors; ends on stop. */
  #invoke(record: ExecutionRecord, handler: TaskHandler, input: unknown): Promise<unknown> {
    const signal = record.controller.signal;
    return new Promise((resolve, reject) => {
      const onStop = () => reject(executionStopped());
      signal.addEventListener('abort', onStop, { once: true });
      this.#running += 1;
      Promise.resolve()
        .then(() => handler(cloneJson(input ?? null)))
        .then(
          (output) => resolve(asTaskResult(output)),
          (error: unknown) => reject(lambdaFunctionError(error)),
        )
        .catch(reject)
        .finally(() => {
          this.#running -= 1;
          signal.removeEventListener('abort', onStop);
        });
    });
  }

  /** A Wait state, on the virtual clock. */
  #runWait(record: ExecutionRecord, binding: WaitBinding, input: unknown): Promise<unknown> {
    const parameters = isObject(input) ? input : {};
    const seconds = binding.seconds ?? parameters[WAIT_SECONDS_PARAM];
    const timestamp = binding.timestamp ?? parameters[WAIT_TIMESTAMP_PARAM];
    let atMs: number;
    if (typeof seconds === 'number' && seconds >= 0) atMs = this.#clock.nowMs() + seconds * 1000;
    else if (typeof timestamp === 'string' && !Number.isNaN(Date.parse(timestamp)))
      atMs = Date.parse(timestamp);
    else
      return Promise.reject(
        statesRuntime(`Wait state "${binding.stateName}" has no valid Seconds or Timestamp`),
      );
    const signal = record.controller.signal;
    if (signal.aborted) return Promise.reject(executionStopped());
    return new Promise((resolve, reject) => {
      const onStop = () => {
        this.#clock.clearTimer(timer);
        reject(executionStopped());
      };
      const timer = this.#clock.setTimer(atMs, () => {
        signal.removeEventListener('abort', onStop);
        resolve(parameters[WAIT_INPUT_PARAM] ?? null);
      });
      signal.addEventListener('abort', onStop, { once: true });
    });
  }

  // ── Helpers ────────────────────────────────────────────────────────────────────────────────────────────

  #record(executionArn: string): ExecutionRecord {
    const record = this.#executions.get(executionArn);
    if (!record) throw new ExecutionDoesNotExistError(executionArn);
    return record;
  }

  #waitUntil<T>(
    check: () => T | undefined,
    timeoutMs = DEFAULT_WAIT_TIMEOUT_MS,
    explain: () => string,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const watcher = {
        check: () => {
          try {
            const value = check();
            // Resolve a turn later: the library's event log is consumed asynchronously, and the history should
            // already hold what led here (e.g. the StateCaught before the callback task now waiting).
            if (value !== undefined) settle(() => setImmediate(() => resolve(value)));
          } catch (error) {
            settle(() => reject(error));
          }
        },
        fail: (error: Error) => settle(() => reject(error)),
      };
      const timer = setTimeout(
        () => settle(() => reject(new Error(`timed out after ${timeoutMs} ms: ${explain()}`))),
        timeoutMs,
      );
      const settle = (fn: () => void) => {
        clearTimeout(timer);
        this.#watchers.delete(watcher);
        fn();
      };
      this.#watchers.add(watcher);
      watcher.check();
    });
  }

  #changed(): void {
    for (const watcher of [...this.#watchers]) watcher.check();
  }

  #safely(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#log.error({ err: error }, 'engine listener threw');
    }
  }
}

function approvalError(error: unknown): unknown {
  return error instanceof TaskTimedOutError
    ? new ApprovalExpiredError(error.message, { cause: error })
    : error;
}

/** Ends work of a stopped execution; neither retried nor caught. */
function executionStopped(): Error {
  return statesRuntime('the execution was stopped');
}

function timeoutFromPath(value: unknown, binding: TaskBinding): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw statesRuntime(
      `TimeoutSecondsPath '${binding.timeoutSecondsPath}' of "${binding.stateName}" evaluated to ` +
        `${JSON.stringify(value)}, but expected an integer >= 1`,
    );
  }
  return value;
}

function validateName(name: string): void {
  const bad =
    name.length === 0 ||
    name.length > NAME_MAX_LENGTH ||
    [...name].some((c) => {
      const code = c.codePointAt(0) ?? 0;
      return NAME_FORBIDDEN.has(c) || code <= 0x1f || (code >= 0x7f && code <= 0x9f) || /\s/.test(c);
    });
  if (bad) throw new InvalidNameError(name);
}

function serializeInput(input: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(input ?? {});
  } catch (error) {
    throw new InvalidExecutionInputError(`input is not JSON: ${(error as Error).message}`);
  }
  if (text === undefined) throw new InvalidExecutionInputError('input is not JSON');
  if (Buffer.byteLength(text, 'utf8') > PAYLOAD_LIMIT_BYTES) {
    throw new InvalidExecutionInputError(`input exceeds ${PAYLOAD_LIMIT_BYTES} bytes`);
  }
  return text;
}
