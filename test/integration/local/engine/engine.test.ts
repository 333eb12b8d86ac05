import { localFunctionArn, localSubstitutions } from '../../../../local/engine/arns';
import { VirtualClock } from '../../../../local/engine/clock';
import { LocalEngine } from '../../../../local/engine/engine';
import { UnmappedTaskStatesError } from '../../../../local/engine/errors';
import type { HistoryEvent } from '../../../../local/engine/types';
import { renderDefinition } from '../../../../workflow/definition';
import { ResourceNotFoundError, ThrottledError } from '../../../../workflow/errors';
import { closeAll, HOUR, harness, T0, toy } from './toy';

afterEach(closeAll);

const echo = async (input: unknown) => ({ ok: true, echoed: input });

describe('LocalEngine: ordinary tasks', () => {
  it('runs a Pass → Task → Choice → Succeed path and records the history', async () => {
    const events: HistoryEvent[] = [];
    const { engine } = harness('happy', { Echo: echo }, { onEvent: (_arn, e) => events.push(e) });

    const { executionArn, alreadyRunning } = await engine.start({
      name: 'inc-happy',
      input: { incidentId: 'inc-happy', value: 42 },
    });
    const final = await engine.result(executionArn);

    expect(alreadyRunning).toBe(false);
    expect(executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:airlock:inc-happy');
    expect(final).toMatchObject({
      status: 'SUCCEEDED',
      name: 'inc-happy',
      input: { incidentId: 'inc-happy', value: 42 },
      output: {
        incidentId: 'inc-happy',
        value: 42,
        results: { work: { ok: true, echoed: { incidentId: 'inc-happy', value: 42 } } },
      },
      startDate: new Date(T0),
      stopDate: new Date(T0),
    });
    expect(engine.statesVisited(executionArn)).toEqual(['Prepare', 'Work', 'Check', 'Done']);
    expect(engine.transitionCount(executionArn)).toBe(4);
    const history = engine.history(executionArn);
    expect(history.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      ...['Prepare', 'Work', 'Check', 'Done'].flatMap(() => ['StateEntered', 'StateExited']),
      'ExecutionSucceeded',
    ]);
    expect(history.map((e) => e.id)).toEqual(history.map((_, i) => i + 1));
    expect(history.find((e) => e.stateName === 'Work' && e.type === 'StateEntered')).toMatchObject({
      stateType: 'Task',
      input: { incidentId: 'inc-happy', value: 42, results: {} },
    });
    expect(events).toEqual(history);
  });

  it('fails the execution through a Fail state with its Error and Cause', async () => {
    const { engine } = harness('happy', { Echo: async () => ({ ok: false }) });

    const { executionArn } = await engine.start({ name: 'inc-broken', input: { incidentId: 'i', value: 1 } });
    const final = await engine.result(executionArn);

    expect(final).toMatchObject({ status: 'FAILED', error: 'WorkNotOk', cause: 'the work step said no' });
    expect(engine.history(executionArn).at(-1)).toMatchObject({
      type: 'ExecutionFailed',
      error: 'WorkNotOk',
    });
  });

  it('retries a handler that throws ThrottledError, then succeeds (retries counted in history)', async () => {
    let calls = 0;
    const { engine } = harness('retry-catch', {
      Flaky: async () => {
        calls++;
        if (calls <= 2) throw new ThrottledError('Rate exceeded');
        return { contained: true };
      },
      Compensate: echo,
    });

    const { executionArn } = await engine.start({ name: 'inc-retry', input: { incidentId: 'inc-retry' } });
    const final = await engine.result(executionArn);

    expect(final.status).toBe('SUCCEEDED');
    expect(final.output).toEqual({ incidentId: 'inc-retry', contain: { contained: true } });
    expect(calls).toBe(3);
    const retries = engine.history(executionArn).filter((e) => e.type === 'StateRetried');
    expect(retries.map((e) => [e.stateName, e.retryAttempt])).toEqual([
      ['Contain', 1],
      ['Contain', 2],
    ]);
    expect(retries[0]?.errorEquals).toEqual(['ThrottledError', 'TransientAwsError']);
    expect(engine.history(executionArn).filter((e) => e.type === 'StateFailed')).toHaveLength(2);
    // Contain + Done entered, plus 2 retries
    expect(engine.transitionCount(executionArn)).toBe(4);
  });

  it('fails after MaxAttempts retries; Catch States.ALL gets the Lambda-style Cause', async () => {
    let calls = 0;
    const { engine } = harness('retry-catch', {
      Flaky: async () => {
        calls++;
        throw new ThrottledError('Rate exceeded');
      },
      Compensate: echo,
    });

    const { executionArn } = await engine.start({ name: 'inc-exhausted', input: { incidentId: 'i' } });
    const final = await engine.result(executionArn);

    expect(calls).toBe(4);
    expect(final.status).toBe('FAILED');
    expect(final.error).toBe('ContainmentFailed');
    expect(JSON.parse(final.cause ?? '')).toMatchObject({
      errorType: 'ThrottledError',
      errorMessage: 'Rate exceeded',
    });
    expect(engine.statesVisited(executionArn)).toEqual(['Contain', 'ContainmentFailed']);
  });

  it('routes a named error to its Catch (ResourceNotFoundError → Compensate, no retry)', async () => {
    let compensatedWith: unknown;
    let calls = 0;
    const { engine } = harness('retry-catch', {
      Flaky: async () => {
        calls++;
        throw new ResourceNotFoundError('i-0abc is gone');
      },
      Compensate: async (input) => {
        compensatedWith = input;
        return { compensated: true };
      },
    });

    const { executionArn } = await engine.start({ name: 'inc-catch', input: { incidentId: 'inc-catch' } });
    const final = await engine.result(executionArn);

    expect(final.status).toBe('SUCCEEDED');
    expect(calls).toBe(1);
    expect(engine.statesVisited(executionArn)).toEqual(['Contain', 'Compensate', 'Done']);
    expect(compensatedWith).toMatchObject({
      incidentId: 'inc-catch',
      error: { Error: 'ResourceNotFoundError' },
    });
    const caught = engine.history(executionArn).find((e) => e.type === 'StateCaught');
    expect(caught).toMatchObject({
      stateName: 'Contain',
      errorEquals: ['ResourceNotFoundError'],
      next: 'Compensate',
    });
  });

  it('runs a Map over 3 items with MaxConcurrency 2, results in item order', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const seen: unknown[] = [];
    const { engine } = harness('map', {
      Snapshot: async (input) => {
        seen.push(input);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 15));
        inFlight--;
        const { volume } = input as { volume: string };
        return { volume, snapshotId: `snap-${volume}` };
      },
    });

    const { executionArn } = await engine.start({
      name: 'inc-map',
      input: { incidentId: 'inc-map', volumes: ['vol-a', 'vol-b', 'vol-c'] },
    });
    const final = await engine.result(executionArn);

    expect(final.status).toBe('SUCCEEDED');
    expect(maxInFlight).toBe(2);
    expect(seen).toContainEqual({ incidentId: 'inc-map', volume: 'vol-b', index: 1 });
    expect((final.output as { snapshots: unknown }).snapshots).toEqual(
      ['vol-a', 'vol-b', 'vol-c'].map((v) => ({ volume: v, snapshotId: `snap-${v}` })),
    );
    const history = engine.history(executionArn);
    expect(history.filter((e) => e.type === 'MapIterationStarted').map((e) => e.mapIndex)).toEqual([0, 1, 2]);
    const inner = history.filter((e) => e.type === 'StateEntered' && e.stateName === 'SnapshotOne');
    expect(inner.map((e) => e.mapIndex).sort()).toEqual([0, 1, 2]);
    // SnapshotAll + 3 × SnapshotOne + Done
    expect(engine.transitionCount(executionArn)).toBe(5);
  });

  it('passes Payload to a lambda:invoke task and returns the Lambda-integration envelope', async () => {
    const clock = new VirtualClock({ start: T0 });
    const engine = new LocalEngine({
      definition: {
        StartAt: 'Invoke',
        States: {
          Invoke: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: localFunctionArn('Echo'), Payload: { 'n.$': '$.n' } },
            OutputPath: '$.Payload',
            End: true,
          },
        },
      },
      handlers: { Echo: async (input) => ({ got: input }) },
      callbackKeys: new Set(),
      clock,
    });

    const { executionArn } = await engine.start({ name: 'inc-invoke', input: { n: 7 } });
    const final = await engine.result(executionArn);

    expect(final.output).toEqual({ got: { n: 7 } });
    await engine.close();
  });

  it('runs Tasks inside Parallel branches', async () => {
    const clock = new VirtualClock({ start: T0 });
    const task = (name: string) => ({
      Type: 'Task',
      Resource: `arn:aws:lambda:us-east-1:000000000000:function:airlock-${name}`,
      End: true,
    });
    const engine = new LocalEngine({
      definition: {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'Left', States: { Left: task('Echo') } },
              { StartAt: 'Right', States: { Right: task('Twice') } },
            ],
            End: true,
          },
        },
      },
      handlers: { Echo: echo, Twice: async (input) => ({ twice: (input as { n: number }).n * 2 }) },
      callbackKeys: new Set(),
      clock,
    });

    const { executionArn } = await engine.start({ name: 'inc-parallel', input: { n: 21 } });
    const final = await engine.result(executionArn);

    expect(final.output).toEqual([{ ok: true, echoed: { n: 21 } }, { twice: 42 }]);
    expect(engine.history(executionArn).filter((e) => e.type === 'ParallelBranchSucceeded')).toHaveLength(2);
    await engine.close();
  });

  it('waits retryIntervalMs real milliseconds before each retry', async () => {
    let calls = 0;
    const { engine } = harness(
      'retry-catch',
      {
        Flaky: async () => {
          calls++;
          if (calls <= 2) throw new ThrottledError('slow down');
          return {};
        },
        Compensate: echo,
      },
      { retryIntervalMs: 60 },
    );
    const started = performance.now();

    const { executionArn } = await engine.start({ name: 'inc-interval', input: { incidentId: 'i' } });
    await engine.result(executionArn);

    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    expect(calls).toBe(3);
  });

  it('reports status changes to on("status") listeners', async () => {
    const { engine } = harness('happy', { Echo: echo });
    const statuses: string[] = [];
    engine.on('status', (d) => statuses.push(`${d.name}:${d.status}`));

    const { executionArn } = await engine.start({ name: 'inc-status', input: { incidentId: 's', value: 1 } });
    await engine.result(executionArn);

    expect(statuses).toEqual(['inc-status:SUCCEEDED']);
  });

  it('accepts the definition rendered with local function ARNs', async () => {
    const template = toy('happy');
    const rendered = renderDefinition(localSubstitutions({}, template), template);
    const clock = new VirtualClock({ start: T0 });
    const engine = new LocalEngine({
      definition: rendered,
      handlers: { Echo: echo },
      callbackKeys: new Set(),
      clock,
    });

    const { executionArn } = await engine.start({
      name: 'inc-rendered',
      input: { incidentId: 'r', value: 1 },
    });

    expect(rendered).toContain(localFunctionArn('Echo'));
    expect(engine.taskBindings.get('Work')).toMatchObject({ key: 'Echo', mode: 'function' });
    expect((await engine.result(executionArn)).status).toBe('SUCCEEDED');
    await engine.close();
  });
});

describe('LocalEngine: execution names', () => {
  const blockedUntilReleased = () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handler = async (input: unknown) => {
      await gate;
      return { ok: true, input };
    };
    return { handler, release: () => release() };
  };

  it('returns the running execution for the same name and input (alreadyRunning)', async () => {
    const gate = blockedUntilReleased();
    const { engine } = harness('happy', { Echo: gate.handler });
    const input = { incidentId: 'inc-dup', value: 1 };

    const first = await engine.start({ name: 'inc-dup', input });
    const second = await engine.start({ name: 'inc-dup', input: { ...input } });

    expect(second).toEqual({ executionArn: first.executionArn, alreadyRunning: true });
    expect(engine.list()).toHaveLength(1);
    gate.release();
    expect((await engine.result(first.executionArn)).status).toBe('SUCCEEDED');
  });

  it('rejects the same name with a different input while running (ExecutionAlreadyExists)', async () => {
    const gate = blockedUntilReleased();
    const { engine } = harness('happy', { Echo: gate.handler });
    await engine.start({ name: 'inc-dup2', input: { incidentId: 'inc-dup2', value: 1 } });

    await expect(
      engine.start({ name: 'inc-dup2', input: { incidentId: 'inc-dup2', value: 2 } }),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    gate.release();
  });

  it('rejects the name of a finished execution even with the same input (ExecutionAlreadyExists)', async () => {
    const { engine } = harness('happy', { Echo: echo });
    const input = { incidentId: 'inc-done', value: 1 };
    const { executionArn } = await engine.start({ name: 'inc-done', input });
    await engine.result(executionArn);

    await expect(engine.start({ name: 'inc-done', input })).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
      message: `Execution Already Exists: '${executionArn}'`,
    });
  });

  it('rejects invalid execution names (InvalidName)', async () => {
    const { engine } = harness('happy', { Echo: echo });

    for (const name of ['', 'has space', 'a/b', 'x'.repeat(81), 'tab\there']) {
      await expect(engine.start({ name, input: {} })).rejects.toMatchObject({ name: 'InvalidName' });
    }
  });

  it('lists executions newest first, filtered by status', async () => {
    const gate = blockedUntilReleased();
    const { engine, clock } = harness('happy', { Echo: gate.handler });
    const a = await engine.start({ name: 'inc-a', input: { incidentId: 'a', value: 1 } });
    clock.advance(1000);
    const b = await engine.start({ name: 'inc-b', input: { incidentId: 'b', value: 1 } });

    expect(engine.list().map((e) => e.name)).toEqual(['inc-b', 'inc-a']);
    expect(engine.list({ status: 'SUCCEEDED' })).toEqual([]);
    gate.release();
    await Promise.all([engine.result(a.executionArn), engine.result(b.executionArn)]);
    expect(engine.list({ status: 'SUCCEEDED' }).map((e) => e.name)).toEqual(['inc-b', 'inc-a']);
  });

  it('fails describe of an unknown execution (ExecutionDoesNotExist)', () => {
    const { engine } = harness('happy', { Echo: echo });

    expect(() => engine.describe('arn:aws:states:us-east-1:000000000000:execution:airlock:nope')).toThrow(
      expect.objectContaining({ name: 'ExecutionDoesNotExist' }),
    );
  });
});

describe('LocalEngine: construction', () => {
  it('fails at construction naming every Task state it cannot run', () => {
    const build = () =>
      new LocalEngine({
        definition: toy('unmapped'),
        handlers: { Echo: echo },
        callbackKeys: new Set(),
        clock: new VirtualClock(),
      });

    expect(build).toThrow(UnmappedTaskStatesError);
    try {
      build();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('"Publish"');
      expect(message).toContain('"Mystery": no handler for function "Mystery"');
      expect(message).not.toContain('"Known"');
      expect((error as UnmappedTaskStatesError).problems).toHaveLength(2);
    }
  });

  it('fails at construction when a waitForTaskToken function is not a callback key', () => {
    const build = () =>
      new LocalEngine({
        definition: toy('approval'),
        handlers: { RequestApproval: echo, Escalate: echo, Resolve: echo, Restore: echo },
        callbackKeys: new Set(['Escalate']),
        clock: new VirtualClock(),
      });

    expect(build).toThrow(/"RequestApproval": invokes "RequestApproval" with waitForTaskToken/);
  });
});

describe('LocalEngine: virtual time', () => {
  it('runs Wait states on the virtual clock (Seconds and SecondsPath)', async () => {
    const { engine, clock } = harness('timers', { Echo: echo });
    const { executionArn } = await engine.start({ name: 'inc-wait', input: { backoffSeconds: 30 } });
    await engine.waitForStatus(executionArn, () => engine.statesVisited(executionArn).includes('Cooldown'));

    await clock.fastForward(599_000);
    expect(engine.statesVisited(executionArn)).toEqual(['Cooldown']);
    await clock.fastForward(1_000 + 30_000);
    const final = await engine.result(executionArn);

    expect(final.status).toBe('SUCCEEDED');
    expect(engine.statesVisited(executionArn)).toEqual(['Cooldown', 'Backoff', 'Work', 'Done']);
    const work = engine
      .history(executionArn)
      .find((e) => e.stateName === 'Work' && e.type === 'StateEntered');
    expect(work?.timestamp).toEqual(new Date(T0 + 630_000));
    expect(engine.history(executionArn).find((e) => e.stateName === 'Cooldown')?.stateType).toBe('Wait');
  });

  it('times the execution out at its TimeoutSeconds (TIMED_OUT, States.Timeout)', async () => {
    const { engine, clock } = harness('timers', { Echo: echo });
    const { executionArn } = await engine.start({ name: 'inc-slow', input: { backoffSeconds: 10 * 86400 } });

    await clock.fastForward(24 * HOUR);
    const final = await engine.result(executionArn);

    expect(final).toMatchObject({
      status: 'TIMED_OUT',
      error: 'States.Timeout',
      stopDate: new Date(T0 + 24 * HOUR),
    });
    expect(engine.history(executionArn).at(-1)?.type).toBe('ExecutionTimedOut');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('aborts a running execution (ABORTED) and releases its timers', async () => {
    const { engine, clock } = harness('timers', { Echo: echo });
    const { executionArn } = await engine.start({ name: 'inc-abort', input: { backoffSeconds: 5 } });

    const final = await engine.abort(executionArn, { error: 'Stopped', cause: 'by a test' });

    expect(final).toMatchObject({ status: 'ABORTED', error: 'Stopped', cause: 'by a test' });
    expect(engine.history(executionArn).at(-1)?.type).toBe('ExecutionAborted');
    expect(clock.pendingTimers()).toBe(0);
  });
});
