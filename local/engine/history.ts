import type { StateMachine } from './library';
import type { HistoryEvent } from './types';

/** aws-local-stepfunctions' event type (not exported by name). */
export type LibraryEvent =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export type EventDraft = Omit<HistoryEvent, 'id' | 'timestamp'>;

/**
 * Library event → history event (without id and time). State types come from the original definition, so
 * rewritten Wait states read as Wait.
 */
export function toHistoryEvent(event: LibraryEvent, stateTypes: ReadonlyMap<string, string>): EventDraft {
  const typeOf = (name: string, fallback: string): string => stateTypes.get(name) ?? fallback;
  switch (event.type) {
    case 'ExecutionStarted':
      return { type: event.type, input: event.input };
    case 'ExecutionSucceeded':
      return { type: event.type, output: event.output };
    case 'ExecutionFailed':
      return { type: event.type, error: event.Error, cause: event.Cause };
    case 'ExecutionAborted':
      return { type: event.type };
    case 'ExecutionTimeout':
      return { type: 'ExecutionTimedOut' };
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
      return { type: event.type, stateName: event.parentState.name, stateType: 'Map', mapIndex: event.index };
    case 'MapIterationFailed':
      return {
        type: event.type,
        stateName: event.parentState.name,
        stateType: 'Map',
        mapIndex: event.index,
        error: event.Error,
        cause: event.Cause,
      };
    case 'ParallelBranchStarted':
    case 'ParallelBranchSucceeded':
      return { type: event.type, stateName: event.parentState.name, stateType: 'Parallel' };
    case 'ParallelBranchFailed':
      return {
        type: event.type,
        stateName: event.parentState.name,
        stateType: 'Parallel',
        error: event.Error,
        cause: event.Cause,
      };
    default: {
      const draft: EventDraft = {
        type: event.type,
        stateName: event.state.name,
        stateType: typeOf(event.state.name, event.state.type),
        input: event.state.input,
      };
      if (event.index !== undefined) draft.mapIndex = event.index;
      if (event.type === 'StateExited') draft.output = event.state.output;
      if (event.type === 'StateFailed') Object.assign(draft, { error: event.Error, cause: event.Cause });
      if (event.type === 'StateRetried') {
        Object.assign(draft, {
          retryAttempt: event.retry.attempt,
          errorEquals: event.retry.retrier.ErrorEquals,
        });
      }
      if (event.type === 'StateCaught') {
        Object.assign(draft, {
          errorEquals: event.catch.catcher.ErrorEquals,
          next: event.catch.catcher.Next,
        });
      }
      return draft;
    }
  }
}

/**
 * State transitions as Step Functions bills them: every state entered (states inside Map iterations and Parallel
 * branches included) plus every retry (a retry re-enters the state). Map/Parallel iteration start/end events
 * and the execution's own events are not transitions.
 */
export function countTransitions(events: readonly HistoryEvent[]): number {
  return events.filter((e) => e.type === 'StateEntered' || e.type === 'StateRetried').length;
}
