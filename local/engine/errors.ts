/**
 * Errors the local engine raises, named like the Step Functions API and runtime errors they stand for
 * (callers and Retry/Catch match on `name`).
 */

/** Base: `name` is the Step Functions error code. */
export class EngineError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** StartExecution: the name was used by a finished execution, or by a running one with a different input. */
export class ExecutionAlreadyExistsError extends EngineError {
  constructor(executionArn: string) {
    super('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
  }
}

export class ExecutionDoesNotExistError extends EngineError {
  constructor(executionArn: string) {
    super('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
  }
}

export class InvalidNameError extends EngineError {
  constructor(name: string) {
    super('InvalidName', `Invalid Name: '${name}'`);
  }
}

export class InvalidExecutionInputError extends EngineError {
  constructor(message: string) {
    super('InvalidExecutionInput', message);
  }
}

export class InvalidOutputError extends EngineError {
  constructor(message: string) {
    super('InvalidOutput', message);
  }
}

export const TASK_TIMED_OUT_MESSAGE = 'Provided task does not exist anymore';

/** SendTaskSuccess/SendTaskFailure with a token that is spent, unknown, or past its task's timeout. */
export class TaskTimedOutError extends EngineError {
  constructor() {
    super('TaskTimedOut', TASK_TIMED_OUT_MESSAGE);
  }
}

/** The definition has Task states the engine cannot run (no function key, or no handler for it). */
export class UnmappedTaskStatesError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`local engine cannot run ${problems.length} Task state(s):\n  ${problems.join('\n  ')}`);
    this.name = 'UnmappedTaskStatesError';
  }
}

/**
 * A failure raised inside a running state. `name` is the ASL error (what ErrorEquals matches) and `message`
 * the Cause. `retryable`/`catchable` are read by aws-local-stepfunctions (States.Runtime is neither).
 */
export class StateError extends Error {
  readonly isRetryable: boolean;
  readonly isCatchable: boolean;

  constructor(error: string, cause: string, options: { retryable?: boolean; catchable?: boolean } = {}) {
    super(cause);
    this.name = error;
    this.isRetryable = options.retryable ?? true;
    this.isCatchable = options.catchable ?? true;
  }
}

/** Like Step Functions' States.Runtime: neither retried nor caught; the execution fails. */
export function statesRuntime(cause: string): StateError {
  return new StateError('States.Runtime', cause, { retryable: false, catchable: false });
}

/**
 * A Lambda function error as Step Functions reports it: Error = errorType (the thrown error's `name`),
 * Cause = the JSON the Node.js runtime returns (`errorType`, `errorMessage`, `trace`).
 */
export function lambdaFunctionError(thrown: unknown): StateError {
  const errorType = thrown instanceof Error ? thrown.name : 'Error';
  const errorMessage = thrown instanceof Error ? thrown.message : String(thrown);
  const trace = thrown instanceof Error && thrown.stack ? thrown.stack.split('\n') : [];
  return new StateError(errorType, JSON.stringify({ errorType, errorMessage, trace }));
}
