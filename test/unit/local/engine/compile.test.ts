import {
  compileDefinition,
  RUNNABLE_TASK_TIMEOUT_SECONDS,
  TIMEOUT_PARAM,
  WAIT_RESOURCE,
} from '../../../../local/engine/compile';
import { UnmappedTaskStatesError } from '../../../../local/engine/errors';

/** `${name}`: an ASL placeholder, as the template holds it. */
const ph = (name: string): string => `$\{${name}}`;

const callback = (fn: string, extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  Parameters: { FunctionName: `\${${fn}FunctionArn}`, Payload: { 'taskToken.$': '$$.Task.Token' } },
  ...extra,
});

const options = (keys: string[], callbacks: string[] = []) => ({
  handlerKeys: new Set(keys),
  callbackKeys: new Set(callbacks),
});

describe('compileDefinition', () => {
  it('binds Task states at every depth (Map ItemProcessor, Iterator, Parallel branches)', () => {
    const compiled = compileDefinition(
      {
        StartAt: 'A',
        States: {
          A: { Type: 'Task', Resource: ph('EchoFunctionArn'), Next: 'M' },
          M: {
            Type: 'Map',
            ItemProcessor: {
              StartAt: 'B',
              States: { B: { Type: 'Task', Resource: ph('EchoFunctionArn'), End: true } },
            },
            Next: 'Old',
          },
          Old: {
            Type: 'Map',
            Iterator: {
              StartAt: 'C',
              States: { C: { Type: 'Task', Resource: ph('EchoFunctionArn'), End: true } },
            },
            Next: 'P',
          },
          P: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'D', States: { D: { Type: 'Task', Resource: ph('EchoFunctionArn'), End: true } } },
            ],
            End: true,
          },
        },
      },
      options(['Echo']),
    );

    expect([...compiled.tasks.keys()].sort()).toEqual(['A', 'B', 'C', 'D']);
    expect(compiled.stateTypes.get('P')).toBe('Parallel');
  });

  it('moves a callback TimeoutSecondsPath into a hidden parameter and guards the library timeout', () => {
    const compiled = compileDefinition(
      {
        StartAt: 'Ask',
        TimeoutSeconds: 259200,
        States: { Ask: callback('RequestApproval', { TimeoutSecondsPath: '$.config.t', End: true }) },
      },
      options(['RequestApproval'], ['RequestApproval']),
    );

    const ask = compiled.runnable.States.Ask as unknown as Record<string, unknown>;
    expect(ask.TimeoutSecondsPath).toBeUndefined();
    expect(ask.TimeoutSeconds).toBe(RUNNABLE_TASK_TIMEOUT_SECONDS);
    expect(ask.Parameters).toMatchObject({ [`${TIMEOUT_PARAM}.$`]: '$.config.t' });
    expect(compiled.tasks.get('Ask')).toMatchObject({ mode: 'callback', timeoutSecondsPath: '$.config.t' });
    expect(compiled.timeoutSeconds).toBe(259200);
    expect(compiled.runnable.TimeoutSeconds).toBeUndefined();
  });

  it('rewrites Wait states into virtual-clock tasks but remembers their type', () => {
    const compiled = compileDefinition(
      { StartAt: 'W', States: { W: { Type: 'Wait', SecondsPath: '$.s', End: true } } },
      options([]),
    );

    expect(compiled.runnable.States.W).toMatchObject({ Type: 'Task', Resource: WAIT_RESOURCE });
    expect(compiled.stateTypes.get('W')).toBe('Wait');
    expect(compiled.waits.has('W')).toBe(true);
  });

  it('does not modify the definition it was given', () => {
    const definition = {
      StartAt: 'Ask',
      States: { Ask: callback('RequestApproval', { TimeoutSeconds: 60, End: true }) },
    };
    const before = JSON.stringify(definition);

    compileDefinition(definition, options(['RequestApproval'], ['RequestApproval']));

    expect(JSON.stringify(definition)).toBe(before);
  });

  it('rejects a callback Payload without $$.Task.Token', () => {
    const state = callback('RequestApproval', { End: true });
    state.Parameters.Payload = {} as { 'taskToken.$': string };

    expect(() =>
      compileDefinition(
        { StartAt: 'Ask', States: { Ask: state } },
        options(['RequestApproval'], ['RequestApproval']),
      ),
    ).toThrow(/"Ask": waitForTaskToken Payload never passes \$\$\.Task\.Token/);
  });

  it('rejects a callback function used as an ordinary Task, and duplicate state names', () => {
    const build = () =>
      compileDefinition(
        {
          StartAt: 'Ask',
          States: {
            Ask: { Type: 'Task', Resource: ph('RequestApprovalFunctionArn'), Next: 'M' },
            M: {
              Type: 'Map',
              ItemProcessor: { StartAt: 'Ask', States: { Ask: { Type: 'Pass', End: true } } },
              End: true,
            },
          },
        },
        options(['RequestApproval'], ['RequestApproval']),
      );

    expect(build).toThrow(UnmappedTaskStatesError);
    expect(build).toThrow(/callback function "RequestApproval" must be invoked with .*waitForTaskToken/);
    expect(build).toThrow(/"Ask": state name used more than once/);
  });

  it('rejects a lambda:invoke whose FunctionName is dynamic', () => {
    expect(() =>
      compileDefinition(
        {
          StartAt: 'I',
          States: {
            I: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: { 'FunctionName.$': '$.fn' },
              End: true,
            },
          },
        },
        options(['Echo']),
      ),
    ).toThrow(/"I": arn:aws:states:::lambda:invoke needs a literal Parameters.FunctionName/);
  });
});
