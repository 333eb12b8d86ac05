import { VirtualClock } from '../../../../local/engine/clock';
import { RUNNABLE_TASK_TIMEOUT_SECONDS } from '../../../../local/engine/compile';
import type { LocalEngine } from '../../../../local/engine/engine';
import type { TaskHandlerMap } from '../../../../local/engine/types';
import { ApprovalExpiredError, NotificationError } from '../../../../workflow/errors';
import { closeAll, HOUR, harness, T0 } from './toy';

afterEach(closeAll);

const CALLBACK_KEYS = new Set(['RequestApproval', 'Escalate']);
const INPUT = { incidentId: 'inc-cb', config: { approvalTimeoutSeconds: 4 * 3600 } };
const outcome = (by: string) => ({
  approvalId: 'apr-1',
  decision: 'approve',
  decidedBy: by,
  decidedAt: 'now',
});

interface Calls {
  RequestApproval: unknown[];
  Escalate: unknown[];
  Resolve: unknown[];
  Restore: unknown[];
}

function approvalHarness(overrides: Partial<TaskHandlerMap> = {}, clock?: VirtualClock, timeScale?: number) {
  const calls: Calls = { RequestApproval: [], Escalate: [], Resolve: [], Restore: [] };
  const record =
    (key: keyof Calls, result: unknown = { sent: true }) =>
    async (input: unknown) => {
      calls[key].push(input);
      return result;
    };
  const handlers: TaskHandlerMap = {
    RequestApproval: record('RequestApproval'),
    Escalate: record('Escalate'),
    Resolve: record('Resolve', { resolved: true }),
    Restore: record('Restore', { restored: true }),
    ...overrides,
  } as TaskHandlerMap;
  const h = harness('approval', handlers, {
    callbackKeys: CALLBACK_KEYS,
    ...(clock ? { clock } : {}),
    ...(timeScale ? { timeScale } : {}),
  });
  return { ...h, calls };
}

async function startAndWait(engine: LocalEngine, name: string, stateName = 'RequestApproval') {
  const { executionArn } = await engine.start({ name, input: { ...INPUT, incidentId: name } });
  const task = await engine.waitForTask(executionArn, { stateName });
  return { executionArn, task, token: task.tokens[0] as string };
}

describe('LocalEngine: callback tasks (waitForTaskToken)', () => {
  it('hands the function a fresh opaque token and continues with the SendTaskSuccess output', async () => {
    const { engine, calls } = approvalHarness();
    const { executionArn, task, token } = await startAndWait(engine, 'inc-approve');

    expect(calls.RequestApproval).toEqual([
      { incidentId: 'inc-approve', taskToken: token, timeoutSeconds: 14400 },
    ]);
    expect(token.length).toBeGreaterThan(200);
    expect(token).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(task).toMatchObject({
      stateName: 'RequestApproval',
      startedAt: new Date(T0),
      deadline: new Date(T0 + 4 * HOUR),
    });
    expect(engine.describe(executionArn).status).toBe('RUNNING');

    await engine.sendTaskSuccess(token, outcome('U123'));
    const final = await engine.result(executionArn);

    expect(final.status).toBe('SUCCEEDED');
    expect(final.output).toMatchObject({ decision: outcome('U123'), resolution: { resolved: true } });
    expect(calls.Resolve).toEqual([{ incidentId: 'inc-approve', decision: outcome('U123') }]);
    expect(engine.statesVisited(executionArn)).toEqual(['RequestApproval', 'Resolve', 'Done']);
    expect(engine.pendingTasks(executionArn)).toEqual([]);
  });

  it('leaves no real timer behind once a callback execution has ended (library Task timers cleared)', async () => {
    const guardMs = RUNNABLE_TASK_TIMEOUT_SECONDS * 1000;
    const armed: unknown[] = [];
    const cleared = new Set<unknown>();
    const realSetTimeout = global.setTimeout;
    const realClearTimeout = global.clearTimeout;
    const setSpy = jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      const handle = realSetTimeout(fn, ms);
      if (ms === guardMs) armed.push(handle);
      return handle;
    }) as typeof setTimeout);
    const clearSpy = jest.spyOn(global, 'clearTimeout').mockImplementation((handle) => {
      cleared.add(handle);
      realClearTimeout(handle);
    });
    try {
      const { engine } = approvalHarness();
      const { executionArn, token } = await startAndWait(engine, 'inc-timers');

      expect(armed).toHaveLength(1); // the library's real-time guard on the waiting Task
      expect(cleared.has(armed[0])).toBe(false);
      await engine.sendTaskSuccess(token, outcome('U1'));
      await engine.result(executionArn);

      expect(cleared.has(armed[0])).toBe(true);
    } finally {
      setSpy.mockRestore();
      clearSpy.mockRestore();
    }
  });

  it('issues a different token to every callback task invocation', async () => {
    const { engine } = approvalHarness();
    const a = await startAndWait(engine, 'inc-tok-a');
    const b = await startAndWait(engine, 'inc-tok-b');

    expect(a.token).not.toBe(b.token);
    await engine.sendTaskSuccess(b.token, outcome('U2'));
    expect((await engine.result(b.executionArn)).status).toBe('SUCCEEDED');
    expect(engine.describe(a.executionArn).status).toBe('RUNNING');
  });

  it('routes SendTaskFailure(DecisionRejected) to the Catch on that name (Restore)', async () => {
    const { engine, calls } = approvalHarness();
    const { executionArn, token } = await startAndWait(engine, 'inc-reject');

    await engine.sendTaskFailure(token, 'DecisionRejected', 'false positive (U999)');
    const final = await engine.result(executionArn);

    expect(final.status).toBe('SUCCEEDED');
    expect(engine.statesVisited(executionArn)).toEqual(['RequestApproval', 'Restore', 'Done']);
    expect(calls.Restore).toEqual([
      { incidentId: 'inc-reject', decision: { Error: 'DecisionRejected', Cause: 'false positive (U999)' } },
    ]);
    expect(engine.history(executionArn).find((e) => e.type === 'StateFailed')).toMatchObject({
      stateName: 'RequestApproval',
      error: 'DecisionRejected',
    });
  });

  it('times the approval out on fastForward (States.Timeout → Escalate), then the escalation is approved', async () => {
    const { engine, clock, calls } = approvalHarness();
    const { executionArn, token } = await startAndWait(engine, 'inc-timeout');

    await clock.fastForward(4 * HOUR - 1);
    expect(engine.statesVisited(executionArn)).toEqual(['RequestApproval']);
    await clock.fastForward(1);
    const escalation = await engine.waitForTask(executionArn, { stateName: 'Escalate' });

    expect(escalation.startedAt).toEqual(new Date(T0 + 4 * HOUR));
    expect(escalation.deadline).toEqual(new Date(T0 + 6 * HOUR));
    expect(calls.Escalate).toEqual([{ incidentId: 'inc-timeout', taskToken: escalation.tokens[0] }]);
    const timeoutEvent = engine.history(executionArn).find((e) => e.type === 'StateFailed');
    expect(timeoutEvent).toMatchObject({ stateName: 'RequestApproval', error: 'States.Timeout' });
    expect(timeoutEvent?.timestamp).toEqual(new Date(T0 + 4 * HOUR));

    await engine.sendTaskSuccess(escalation.tokens[0] as string, outcome('LEAD'));
    const final = await engine.result(executionArn);

    expect(final.status).toBe('SUCCEEDED');
    expect(engine.statesVisited(executionArn)).toEqual(['RequestApproval', 'Escalate', 'Resolve', 'Done']);
    expect(final.output).toMatchObject({ timeout: { Error: 'States.Timeout' }, decision: outcome('LEAD') });
    await expect(engine.sendTaskSuccess(token, outcome('late'))).rejects.toBeInstanceOf(ApprovalExpiredError);
  });

  it('rejects a late SendTaskSuccess after the timeout with ApprovalExpiredError (same message as TaskTimedOut)', async () => {
    const { engine, clock } = approvalHarness();
    const { token } = await startAndWait(engine, 'inc-late');

    await clock.fastForward(4 * HOUR);

    const late = engine.sendTaskSuccess(token, outcome('U-late'));
    await expect(late).rejects.toBeInstanceOf(ApprovalExpiredError);
    await expect(late).rejects.toMatchObject({
      name: 'ApprovalExpiredError',
      message: 'Provided task does not exist anymore',
    });
    expect(() => engine.tokens.sendTaskSuccess(token, {})).toThrow(
      expect.objectContaining({ name: 'TaskTimedOut', message: 'Provided task does not exist anymore' }),
    );
  });

  it('rejects a second SendTaskSuccess / SendTaskFailure with the same token', async () => {
    const { engine } = approvalHarness();
    const { executionArn, token } = await startAndWait(engine, 'inc-double');

    await engine.sendTaskSuccess(token, outcome('U1'));

    await expect(engine.sendTaskSuccess(token, outcome('U2'))).rejects.toBeInstanceOf(ApprovalExpiredError);
    await expect(engine.sendTaskFailure(token, 'DecisionRejected', 'too late')).rejects.toBeInstanceOf(
      ApprovalExpiredError,
    );
    const final = await engine.result(executionArn);
    expect(final.output).toMatchObject({ decision: outcome('U1') });
  });

  it('rejects an unknown token with ApprovalExpiredError', async () => {
    const { engine } = approvalHarness();

    await expect(engine.sendTaskSuccess('AQnot-a-token', {})).rejects.toBeInstanceOf(ApprovalExpiredError);
  });

  it('runs the escalation into CloseUnresolved when it times out too (TimeoutSeconds)', async () => {
    const { engine, clock } = approvalHarness();
    const { executionArn } = await startAndWait(engine, 'inc-nobody');

    await clock.fastForward(6 * HOUR);
    const final = await engine.result(executionArn);

    expect(engine.statesVisited(executionArn)).toEqual([
      'RequestApproval',
      'Escalate',
      'CloseUnresolved',
      'Done',
    ]);
    expect(final.output).toMatchObject({
      outcome: 'unresolved',
      escalationError: { Error: 'States.Timeout' },
    });
    expect(final.stopDate).toEqual(new Date(T0 + 6 * HOUR));
  });

  it('fails the callback task when its function throws (NotificationError → States.ALL → Escalate)', async () => {
    const { engine } = approvalHarness({
      RequestApproval: async () => {
        throw new NotificationError('channel_not_found');
      },
    });
    const { executionArn } = await engine.start({ name: 'inc-slack-down', input: INPUT });

    const escalation = await engine.waitForTask(executionArn, { stateName: 'Escalate' });

    expect(escalation.stateName).toBe('Escalate');
    const caught = engine.history(executionArn).find((e) => e.type === 'StateCaught');
    expect(caught).toMatchObject({
      stateName: 'RequestApproval',
      errorEquals: ['States.ALL'],
      next: 'Escalate',
    });
    expect(engine.pendingTasks(executionArn).map((t) => t.stateName)).toEqual(['Escalate']);
  });

  it('accepts SendTaskSuccess sent from inside the function itself', async () => {
    let engineRef: LocalEngine | undefined;
    const { engine } = approvalHarness({
      RequestApproval: async (input) => {
        await engineRef?.sendTaskSuccess((input as { taskToken: string }).taskToken, outcome('auto'));
        return {};
      },
    });
    engineRef = engine;

    const { executionArn } = await engine.start({ name: 'inc-auto', input: INPUT });

    expect((await engine.result(executionArn)).output).toMatchObject({ decision: outcome('auto') });
  });

  it('does not let States.TaskFailed match a callback timeout (no retry, Catch States.Timeout)', async () => {
    const calls: unknown[] = [];
    const { engine, clock } = harness(
      'taskfailed-vs-timeout',
      {
        RequestApproval: async (input) => {
          calls.push(input);
          return {};
        },
      },
      { callbackKeys: new Set(['RequestApproval']) },
    );
    const { executionArn } = await engine.start({ name: 'inc-tf', input: {} });
    await engine.waitForTask(executionArn);

    await clock.fastForward(60_000);
    const final = await engine.result(executionArn);

    expect(calls).toHaveLength(1);
    expect(engine.statesVisited(executionArn)).toEqual(['Ask', 'TimedOut']);
    expect(final.output).toMatchObject({ timeout: { Error: 'States.Timeout' } });
  });

  it('times approvals out by itself in scaled mode (timeScale: 1 real ms = 1 virtual hour)', async () => {
    const clock = new VirtualClock({ start: T0 });
    const { engine } = approvalHarness({}, clock, HOUR);

    expect(clock.scale).toBe(HOUR);
    const { executionArn } = await engine.start({ name: 'inc-scaled', input: INPUT });

    const escalation = await engine.waitForTask(executionArn, { stateName: 'Escalate', timeoutMs: 1000 });

    expect(escalation.startedAt.getTime() - T0).toBeGreaterThanOrEqual(4 * HOUR);
    await engine.sendTaskSuccess(escalation.tokens[0] as string, outcome('LEAD'));
    expect((await engine.result(executionArn)).status).toBe('SUCCEEDED');
  });

  it('ends the wait when the execution is aborted; its token is then expired', async () => {
    const { engine, clock } = approvalHarness();
    const { executionArn, token } = await startAndWait(engine, 'inc-stop');

    await engine.abort(executionArn);

    expect(engine.describe(executionArn).status).toBe('ABORTED');
    expect(engine.pendingTasks()).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
    await expect(engine.sendTaskSuccess(token, {})).rejects.toBeInstanceOf(ApprovalExpiredError);
  });

  it('fails the execution when TimeoutSecondsPath does not give a positive integer (States.Runtime)', async () => {
    const { engine } = approvalHarness();

    const { executionArn } = await engine.start({
      name: 'inc-bad-timeout',
      input: { incidentId: 'x', config: { approvalTimeoutSeconds: 'soon' } },
    });
    const final = await engine.result(executionArn);

    expect(final).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(final.cause).toContain('TimeoutSecondsPath');
  });
});
