/** Public types of the local engine. */

/** One catalog function, offline: called with the effective input (or the lambda:invoke Payload). */
export type TaskHandler = (input: unknown) => Promise<unknown>;

/** Catalog key (e.g. `SnapshotVolume`) → handler. The integrator builds it from each task's `run`. */
export type TaskHandlerMap = Readonly<Record<string, TaskHandler>>;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: unknown;
  output?: unknown;
  /** Error and Cause of a FAILED / TIMED_OUT / ABORTED execution. */
  error?: string;
  cause?: string;
  /** Virtual time. */
  startDate: Date;
  stopDate?: Date;
}

export type ExecutionSummary = Pick<
  ExecutionDescription,
  'executionArn' | 'stateMachineArn' | 'name' | 'status' | 'startDate' | 'stopDate'
>;

export type HistoryEventType =
  | 'ExecutionStarted'
  | 'ExecutionSucceeded'
  | 'ExecutionFailed'
  | 'ExecutionAborted'
  | 'ExecutionTimedOut'
  | 'StateEntered'
  | 'StateExited'
  | 'StateFailed'
  | 'StateRetried'
  | 'StateCaught'
  | 'MapIterationStarted'
  | 'MapIterationSucceeded'
  | 'MapIterationFailed'
  | 'ParallelBranchStarted'
  | 'ParallelBranchSucceeded'
  | 'ParallelBranchFailed';

/** One entry of an execution's history (derived from aws-local-stepfunctions' event log). */
export interface HistoryEvent {
  /** 1-based, in the order the engine recorded it. */
  id: number;
  type: HistoryEventType;
  /** Virtual time when the engine recorded it. */
  timestamp: Date;
  /** State events: the state; Map/Parallel iteration events: the Map/Parallel state. */
  stateName?: string;
  /** As in the original definition (a Wait state is reported as Wait). */
  stateType?: string;
  /** Map iteration index, for iteration events and for states inside a Map iteration. */
  mapIndex?: number;
  input?: unknown;
  output?: unknown;
  error?: string;
  cause?: unknown;
  /** StateRetried: 1 for the first retry of that retrier. */
  retryAttempt?: number;
  /** StateRetried / StateCaught: the ErrorEquals of the matching retrier / catcher. */
  errorEquals?: readonly string[];
  /** StateCaught: where the catcher goes. */
  next?: string;
}

export type EventListener = (executionArn: string, event: HistoryEvent) => void;
export type StatusListener = (description: ExecutionDescription) => void;
