import { localSubstitutions } from '../../../../local/engine/arns';
import { VirtualClock } from '../../../../local/engine/clock';
import { LocalEngine } from '../../../../local/engine/engine';
import type { TaskHandlerMap } from '../../../../local/engine/types';
import { WorkflowSettingsSchema } from '../../../../workflow/config';
import { readDefinitionTemplate, renderDefinition } from '../../../../workflow/definition';
import { TASK_KEYS, TASKS, type TaskKey } from '../../../../workflow/tasks/catalog';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const template = readDefinitionTemplate();
const CALLBACK_KEYS = new Set<string>(TASK_KEYS.filter((k) => (TASKS[k] as { callback?: true }).callback));

/** Every Task state of the ASL, walked independently of the engine. */
function taskStates(machine: { States: Record<string, Record<string, unknown>> }): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [name, state] of Object.entries(machine.States)) {
    if (state.Type === 'Task') found[name] = String(state.Resource);
    const processor = (state.ItemProcessor ?? state.Iterator) as typeof machine | undefined;
    if (processor) Object.assign(found, taskStates(processor));
    for (const branch of (state.Branches ?? []) as (typeof machine)[])
      Object.assign(found, taskStates(branch));
  }
  return found;
}

function stubHandlers(calls: string[]): TaskHandlerMap {
  const results: Partial<Record<TaskKey, unknown>> = {
    RecordPreState: { instanceId: 'i-0abc', volumes: [{ volumeId: 'vol-1' }, { volumeId: 'vol-2' }] },
  };
  return Object.fromEntries(
    TASK_KEYS.map((key) => [
      key,
      async () => {
        calls.push(key);
        return results[key] ?? { ok: true, key };
      },
    ]),
  );
}

describe('LocalEngine on workflow/definition.asl.json', () => {
  let engine: LocalEngine;
  let clock: VirtualClock;
  let calls: string[];

  beforeEach(() => {
    calls = [];
    clock = new VirtualClock({ start: T0 });
    engine = new LocalEngine({
      definition: template,
      handlers: stubHandlers(calls),
      callbackKeys: CALLBACK_KEYS,
      clock,
    });
  });

  afterEach(async () => {
    await engine.close();
    clock.dispose();
  });

  it('maps every Task state (nested ones included) to a catalog function, callbacks as callbacks', () => {
    const states = taskStates(JSON.parse(template));

    expect(Object.keys(states).length).toBeGreaterThan(0);
    expect([...engine.taskBindings.keys()].sort()).toEqual(Object.keys(states).sort());
    for (const binding of engine.taskBindings.values()) {
      expect(TASK_KEYS).toContain(binding.key);
      expect(binding.mode === 'callback').toBe(CALLBACK_KEYS.has(binding.key));
    }
  });

  it('maps every Task state of the definition rendered with local substitutions too', () => {
    const rendered = renderDefinition(localSubstitutions({}, template), template);
    const onRendered = new LocalEngine({
      definition: rendered,
      handlers: stubHandlers([]),
      callbackKeys: CALLBACK_KEYS,
      clock,
    });

    expect([...onRendered.taskBindings.entries()]).toEqual([...engine.taskBindings.entries()]);
  });

  const input = (incidentId: string) => ({
    incidentId,
    route: 'contain-ec2',
    request: { source: 'test', findingId: 'f-1' },
    config: WorkflowSettingsSchema.parse({}),
  });

  it('runs an EC2 containment to approval and resolution', async () => {
    const { executionArn } = await engine.start({
      name: 'inc-real-approve',
      input: input('inc-real-approve'),
    });
    const approval = await engine.waitForTask(executionArn, { stateName: 'RequestApproval' });

    expect(approval.deadline).toEqual(new Date(T0 + 4 * 3600_000));
    expect(calls.filter((k) => k === 'SnapshotVolumes')).toHaveLength(1);
    // Protection before isolation; revocation beside them, after capture.
    expect(calls.indexOf('ProtectEvidence')).toBeLessThan(calls.indexOf('IsolateNetwork'));
    expect(calls.indexOf('CaptureVolatileEvidence')).toBeLessThan(calls.indexOf('RevokeInstanceCredentials'));
    await engine.sendTaskSuccess(approval.tokens[0] as string, {
      approvalId: 'apr-1',
      decision: 'approve',
      decidedBy: 'U1',
      decidedAt: new Date(T0).toISOString(),
    });
    const final = await engine.result(executionArn);

    expect(final.status).toBe('SUCCEEDED');
    expect(engine.statesVisited(executionArn)).toEqual(
      expect.arrayContaining([
        'RecordPreState',
        'IsolateNetwork',
        'RequestApproval',
        'ResolveIncident',
        'Done',
      ]),
    );
    expect(engine.statesVisited(executionArn)).not.toContain('Escalate');
  });

  it('merges the branches of CaptureAndPrepare and Contain back into $.results.<step>, keeping the execution input', async () => {
    const { executionArn } = await engine.start({ name: 'inc-real-merge', input: input('inc-real-merge') });
    await engine.waitForTask(executionArn, { stateName: 'RequestApproval' });

    const entered = engine
      .history(executionArn)
      .find((e) => e.type === 'StateEntered' && e.stateName === 'CheckContained') as { input?: unknown };
    expect(entered?.input).toMatchObject({
      incidentId: 'inc-real-merge',
      route: 'contain-ec2',
      results: {
        preState: { instanceId: 'i-0abc' },
        capture: { key: 'CaptureVolatileEvidence' },
        isolationGroups: { key: 'PrepareIsolation' },
        revoke: { key: 'RevokeInstanceCredentials' },
        protect: { key: 'ProtectEvidence' },
        isolate: { key: 'IsolateNetwork' },
      },
    });
    expect(Object.keys(entered?.input as object).sort()).toEqual([
      'config',
      'incidentId',
      'request',
      'results',
      'route',
    ]);
  });

  it('fails revocation without stopping isolation, then compensates with the revocation error', async () => {
    const handlers: TaskHandlerMap = {
      ...stubHandlers(calls),
      RevokeInstanceCredentials: async () => {
        calls.push('RevokeInstanceCredentials');
        throw Object.assign(new Error('denied'), { name: 'AccessDenied' });
      },
    };
    const failing = new LocalEngine({ definition: template, handlers, callbackKeys: CALLBACK_KEYS, clock });
    const { executionArn } = await failing.start({
      name: 'inc-real-revoke',
      input: input('inc-real-revoke'),
    });
    const final = await failing.result(executionArn);
    await failing.close();

    expect(final.status).toBe('FAILED');
    expect(calls).toEqual(expect.arrayContaining(['ProtectEvidence', 'IsolateNetwork', 'Compensate']));
    const compensated = failing
      .history(executionArn)
      .find((e) => e.type === 'StateEntered' && e.stateName === 'Compensate') as { input?: unknown };
    expect(compensated?.input).toMatchObject({ error: { Error: 'AccessDenied' } });
  });

  it('escalates when the approval times out, and restores on a rejected escalation', async () => {
    const { executionArn } = await engine.start({
      name: 'inc-real-timeout',
      input: input('inc-real-timeout'),
    });
    await engine.waitForTask(executionArn, { stateName: 'RequestApproval' });

    await clock.fastForward(4 * 3600_000);
    const escalation = await engine.waitForTask(executionArn, { stateName: 'Escalate' });
    await engine.sendTaskFailure(escalation.tokens[0] as string, 'DecisionRejected', 'false positive');
    const final = await engine.result(executionArn);

    expect(final.status).toBe('SUCCEEDED');
    expect(engine.statesVisited(executionArn)).toEqual(
      expect.arrayContaining(['RequestApproval', 'Escalate', 'Restore', 'RestoreEc2', 'Done']),
    );
  });
});
