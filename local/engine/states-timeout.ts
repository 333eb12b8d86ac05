import { ExecutionError, StateMachine } from './library';

/**
 * aws-local-stepfunctions treats `States.Timeout` specially: `States.TaskFailed` in a Retry/Catch matches every
 * Task error *except* an instance of its internal StatesTimeoutError class (as in Step Functions). The class is
 * not exported, so an engine-made timeout with the right `name` would still be matched by States.TaskFailed.
 * This obtains the library's own class once, from a throw-away execution whose Task times out after 1 ms
 * (TimeoutSeconds 0.001, validation off), and builds virtual-clock timeouts from it.
 */
type ErrorFactory = () => Error;

let factory: Promise<ErrorFactory> | undefined;

export function statesTimeoutFactory(): Promise<ErrorFactory> {
  factory ??= probe();
  return factory;
}

async function probe(): Promise<ErrorFactory> {
  const machine = new StateMachine(
    {
      StartAt: 'Probe',
      States: {
        Probe: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:000000000000:function:probe',
          TimeoutSeconds: 0.001,
          End: true,
        },
      },
    },
    { validationOptions: { noValidate: true } },
  );
  let release: (() => void) | undefined;
  const never = new Promise<null>((resolve) => {
    release = () => resolve(null);
  });
  const run = machine.run({}, { overrides: { taskResourceLocalHandlers: { Probe: () => never } } });
  try {
    await run.result;
  } catch (error) {
    const timeout = error instanceof ExecutionError ? error.cause : undefined;
    if (timeout instanceof Error && timeout.name === 'States.Timeout') {
      const ctor = timeout.constructor as new () => Error;
      return () => new ctor();
    }
  } finally {
    release?.();
  }
  // Fallback (library internals changed): right name, but States.TaskFailed would also match it.
  return () => {
    const error = new Error('States.Timeout');
    error.name = 'States.Timeout';
    return error;
  };
}
