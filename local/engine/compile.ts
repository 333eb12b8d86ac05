import { functionKeyOf } from './arns';
import { UnmappedTaskStatesError } from './errors';
import { cloneJson, isObject, type JsonObject as Json } from './json';
import type { StateMachineDefinition } from './library';

/**
 * Turns the ASL into what aws-local-stepfunctions runs, binding every Task state to a handler key.
 *
 * The definition handed to the library is a copy with only time-related rewrites, because the library waits in
 * real time (setTimeout) and the engine waits on the virtual clock:
 * - callback Tasks lose TimeoutSeconds/TimeoutSecondsPath (the engine enforces them on the virtual clock) and get
 *   a real-time guard of RUNNABLE_TASK_TIMEOUT_SECONDS. A TimeoutSecondsPath is evaluated by the library itself,
 *   against the state input like Step Functions does, through a hidden Parameters field (TIMEOUT_PARAM) that the
 *   engine strips before calling the function. (The library would otherwise evaluate the path against the
 *   effective input, i.e. after Parameters, where `$.config…` does not exist.)
 * - Wait states become Tasks (Resource WAIT_RESOURCE) that the engine completes on the virtual clock; history
 *   still reports them as Wait.
 * - the top-level TimeoutSeconds is removed (the engine times the execution out on the virtual clock).
 */

export const WAIT_RESOURCE = 'arn:aws:states:::airlock:wait';
export const TIMEOUT_PARAM = 'airlock:timeoutSeconds';
export const WAIT_INPUT_PARAM = 'airlock:input';
export const WAIT_SECONDS_PARAM = 'airlock:seconds';
export const WAIT_TIMESTAMP_PARAM = 'airlock:timestamp';
/** Real-time guard for rewritten states: ~23 days, below setTimeout's 2^31-1 ms limit. */
export const RUNNABLE_TASK_TIMEOUT_SECONDS = 2_000_000;

const INVOKE = 'arn:aws:states:::lambda:invoke';
const INVOKE_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const TASK_TOKEN_PATH = '$$.Task.Token';

/** How the engine runs one Task state. */
export interface TaskBinding {
  stateName: string;
  /** Handler key (catalog key). */
  key: string;
  /**
   * function: Resource is the function ARN; input = effective input, output = handler result.
   * invoke: `lambda:invoke`; input = Parameters.Payload, output = {ExecutedVersion, Payload, StatusCode}.
   * callback: `lambda:invoke.waitForTaskToken`; input = Payload, output = what SendTaskSuccess sent.
   */
  mode: 'function' | 'invoke' | 'callback';
  /** callback: a static TimeoutSeconds (a TimeoutSecondsPath arrives in the TIMEOUT_PARAM field instead). */
  timeoutSeconds?: number;
  /** callback: the original TimeoutSecondsPath, for messages. */
  timeoutSecondsPath?: string;
}

export interface WaitBinding {
  stateName: string;
  seconds?: number;
  timestamp?: string;
}

export interface CompiledDefinition {
  /** The copy aws-local-stepfunctions runs. */
  runnable: StateMachineDefinition;
  tasks: ReadonlyMap<string, TaskBinding>;
  waits: ReadonlyMap<string, WaitBinding>;
  /** Every state name (nested included) → its type in the original definition. */
  stateTypes: ReadonlyMap<string, string>;
  /** Names of states that have a Retry field. */
  retryStates: readonly string[];
  /** The original top-level TimeoutSeconds. */
  timeoutSeconds?: number;
}

export interface CompileOptions {
  /** Handler keys that exist. */
  handlerKeys: ReadonlySet<string>;
  /** Keys invoked with waitForTaskToken (and only so). */
  callbackKeys: ReadonlySet<string>;
}

/** @throws UnmappedTaskStatesError listing every Task state that cannot run (and duplicate state names). */
export function compileDefinition(definition: string | object, options: CompileOptions): CompiledDefinition {
  const original: unknown = typeof definition === 'string' ? JSON.parse(definition) : definition;
  if (!isObject(original) || !isObject(original.States)) throw new Error('definition has no States object');
  // JSON round-trip, not structuredClone: the library recurses only into objects whose prototype is its realm's
  // Object.prototype, and structuredClone may come from another realm (e.g. under jest).
  const runnable = cloneJson(original);
  const tasks = new Map<string, TaskBinding>();
  const waits = new Map<string, WaitBinding>();
  const stateTypes = new Map<string, string>();
  const retryStates: string[] = [];
  const problems: string[] = [];

  const walk = (machine: Json): void => {
    if (!isObject(machine.States)) return;
    for (const [name, state] of Object.entries(machine.States)) {
      if (!isObject(state)) continue;
      if (stateTypes.has(name)) problems.push(`"${name}": state name used more than once`);
      stateTypes.set(name, String(state.Type));
      if (Array.isArray(state.Retry)) retryStates.push(name);
      if (state.Type === 'Task') {
        const binding = bindTask(name, state, options, problems);
        if (binding) {
          tasks.set(name, binding);
          if (binding.mode === 'callback') rewriteCallback(state);
        }
      } else if (state.Type === 'Wait') {
        waits.set(name, rewriteWait(name, state));
      } else if (state.Type === 'Map') {
        const processor = state.ItemProcessor ?? state.Iterator;
        if (isObject(processor)) walk(processor);
      } else if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
        for (const branch of state.Branches) if (isObject(branch)) walk(branch);
      }
    }
  };
  walk(runnable);
  if (problems.length > 0) throw new UnmappedTaskStatesError(problems);

  const timeoutSeconds = typeof runnable.TimeoutSeconds === 'number' ? runnable.TimeoutSeconds : undefined;
  delete runnable.TimeoutSeconds;
  return {
    runnable: runnable as unknown as StateMachineDefinition,
    tasks,
    waits,
    stateTypes,
    retryStates,
    ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
  };
}

function bindTask(
  name: string,
  state: Json,
  options: CompileOptions,
  problems: string[],
): TaskBinding | undefined {
  const resource = String(state.Resource);
  const parameters = isObject(state.Parameters) ? state.Parameters : undefined;
  let mode: TaskBinding['mode'];
  let reference: unknown;
  if (resource === INVOKE || resource === INVOKE_CALLBACK) {
    mode = resource === INVOKE ? 'invoke' : 'callback';
    reference = parameters?.FunctionName;
    if (typeof reference !== 'string') {
      problems.push(`"${name}": ${resource} needs a literal Parameters.FunctionName`);
      return undefined;
    }
  } else {
    mode = 'function';
    reference = resource;
  }
  const key = functionKeyOf(reference as string);
  if (key === undefined) {
    problems.push(
      `"${name}": "${String(reference)}" is not a function the engine knows ` +
        `(expected \${<Key>FunctionArn} or arn:aws:lambda:…:function:airlock-<Key>)`,
    );
    return undefined;
  }
  if (!options.handlerKeys.has(key)) {
    problems.push(`"${name}": no handler for function "${key}"`);
    return undefined;
  }
  if (mode === 'callback' && !options.callbackKeys.has(key)) {
    problems.push(
      `"${name}": invokes "${key}" with waitForTaskToken, but "${key}" is not a callback function`,
    );
  }
  if (mode !== 'callback' && options.callbackKeys.has(key)) {
    problems.push(`"${name}": callback function "${key}" must be invoked with ${INVOKE_CALLBACK}`);
  }
  if (mode === 'callback' && !JSON.stringify(parameters?.Payload ?? null).includes(`"${TASK_TOKEN_PATH}"`)) {
    problems.push(`"${name}": waitForTaskToken Payload never passes ${TASK_TOKEN_PATH}`);
  }
  const binding: TaskBinding = { stateName: name, key, mode };
  if (mode === 'callback' && typeof state.TimeoutSeconds === 'number')
    binding.timeoutSeconds = state.TimeoutSeconds;
  if (mode === 'callback' && typeof state.TimeoutSecondsPath === 'string') {
    binding.timeoutSecondsPath = state.TimeoutSecondsPath;
  }
  return binding;
}

function rewriteCallback(state: Json): void {
  const path = state.TimeoutSecondsPath;
  if (typeof path === 'string' && isObject(state.Parameters)) {
    state.Parameters = { ...state.Parameters, [`${TIMEOUT_PARAM}.$`]: path };
  }
  delete state.TimeoutSecondsPath;
  state.TimeoutSeconds = RUNNABLE_TASK_TIMEOUT_SECONDS;
}

/** Wait → Task on WAIT_RESOURCE; the handler gets {input, seconds|timestamp} and returns input. */
function rewriteWait(name: string, state: Json): WaitBinding {
  const binding: WaitBinding = { stateName: name };
  const parameters: Json = { [`${WAIT_INPUT_PARAM}.$`]: '$' };
  if (typeof state.Seconds === 'number') binding.seconds = state.Seconds;
  if (typeof state.Timestamp === 'string') binding.timestamp = state.Timestamp;
  if (typeof state.SecondsPath === 'string') parameters[`${WAIT_SECONDS_PARAM}.$`] = state.SecondsPath;
  if (typeof state.TimestampPath === 'string') parameters[`${WAIT_TIMESTAMP_PARAM}.$`] = state.TimestampPath;
  for (const field of ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath']) delete state[field];
  Object.assign(state, {
    Type: 'Task',
    Resource: WAIT_RESOURCE,
    Parameters: parameters,
    TimeoutSeconds: RUNNABLE_TASK_TIMEOUT_SECONDS,
  });
  return binding;
}
