import aslValidator = require('asl-validator');

import { readDefinitionTemplate, renderDefinition, substitutionNames } from '../../../workflow/definition';
import * as errors from '../../../workflow/errors';
import { substitutionKey, TASKS, type TaskKey } from '../../../workflow/tasks/catalog';

type State = Record<string, unknown> & { Type: string };
type Machine = { StartAt: string; States: Record<string, State> };

const template = readDefinitionTemplate();
const localArn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const rendered: Machine = JSON.parse(
  renderDefinition(Object.fromEntries(substitutionNames(template).map((n) => [n, localArn(n)]))),
);

/** Every state, including those inside Map item processors, with its name. */
function allStates(machine: Machine): [string, State][] {
  return Object.entries(machine.States).flatMap(([name, state]) => {
    const inner = (state.ItemProcessor ?? state.Iterator) as Machine | undefined;
    const branches = (state.Branches as Machine[] | undefined) ?? [];
    return [[name, state], ...(inner ? allStates(inner) : []), ...branches.flatMap(allStates)] as [
      string,
      State,
    ][];
  });
}
const states = allStates(rendered);
const tasks = states.filter(([, s]) => s.Type === 'Task');

/** The catalog key a Task state invokes: `${KeyFunctionArn}` as Resource, or as FunctionName for callbacks. */
function taskKey(state: State): string | undefined {
  const ref = String(
    (state.Parameters as { FunctionName?: string } | undefined)?.FunctionName ?? state.Resource,
  );
  return (Object.keys(TASKS) as TaskKey[]).find((k) => ref === localArn(substitutionKey(k)));
}

const PLATFORM_ERROR = /^(States\.[A-Za-z]+|Lambda\.[A-Za-z]+)$/;
const errorClassNames = new Set(Object.keys(errors).filter((k) => /Error$|^DecisionRejected$/.test(k)));

describe('the workflow definition (workflow/definition.asl.json)', () => {
  it('is valid ASL according to asl-validator', () => {
    const { isValid, errorsText } = aslValidator(rendered as never);
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('rejects JSONata and Assign: the local engine silently ignores them, so only JSONPath is allowed', () => {
    expect(template).not.toMatch(/"QueryLanguage"/);
    expect(template).not.toMatch(/"Assign"/);
    expect(template).not.toMatch(/\{%/);
    for (const [name, state] of states) {
      expect({
        name,
        keys: Object.keys(state).filter((k) => ['Arguments', 'Output', 'Assign'].includes(k)),
      }).toEqual({
        name,
        keys: [],
      });
    }
  });

  it('gives every Task an explicit timeout', () => {
    const missing = tasks.filter(
      ([, s]) => s.TimeoutSeconds === undefined && s.TimeoutSecondsPath === undefined,
    );
    expect(missing.map(([n]) => n)).toEqual([]);
  });

  it('retries every Task with backoff and full jitter', () => {
    for (const [name, state] of tasks) {
      const retry = state.Retry as { JitterStrategy?: string; BackoffRate?: number }[] | undefined;
      expect({ name, hasRetry: Boolean(retry?.length) }).toEqual({ name, hasRetry: true });
      for (const r of retry ?? [])
        expect({ name, jitter: r.JitterStrategy }).toEqual({ name, jitter: 'FULL' });
    }
  });

  it('maps every Task state to a function in the catalog, and every catalog function is used', () => {
    const unmapped = tasks.filter(([, s]) => !taskKey(s)).map(([n]) => n);
    expect(unmapped).toEqual([]);
    const used = new Set(tasks.map(([, s]) => taskKey(s)));
    expect(Object.keys(TASKS).filter((k) => !used.has(k as TaskKey))).toEqual([]);
  });

  it('invokes callback functions with waitForTaskToken and a task token, and nothing else that way', () => {
    for (const [name, state] of tasks) {
      const key = taskKey(state) as TaskKey;
      const spec = TASKS[key] as { callback?: true };
      const isCallback = String(state.Resource).endsWith('.waitForTaskToken');
      expect({ name, isCallback }).toEqual({ name, isCallback: Boolean(spec.callback) });
      if (isCallback) {
        expect((state.Parameters as { Payload: Record<string, string> }).Payload['taskToken.$']).toBe(
          '$$.Task.Token',
        );
      }
    }
  });

  it('re-runs every (idempotent) non-callback task after a crash or timeout, never a callback on its timeout', () => {
    const retried = (state: State) =>
      ((state.Retry as { ErrorEquals: string[] }[]) ?? []).flatMap((r) => r.ErrorEquals);
    for (const [name, state] of tasks) {
      const errorsRetried = retried(state);
      // Lambda.Unknown: unhandled errors, out-of-memory and function timeouts (Step Functions best practice).
      if (String(state.Resource).includes('waitForTaskToken')) {
        expect([name, errorsRetried.includes('States.Timeout')]).toEqual([name, false]);
      } else {
        expect([name, errorsRetried]).toEqual([
          name,
          expect.arrayContaining([
            'Lambda.Unknown',
            'States.Timeout',
            'Lambda.ClientExecutionTimeoutException',
          ]),
        ]);
      }
    }
  });

  it('names in Retry/Catch only errors that exist in code (or platform errors)', () => {
    const names = new Set<string>();
    for (const [, state] of states) {
      for (const rule of [
        ...((state.Retry as { ErrorEquals: string[] }[]) ?? []),
        ...((state.Catch as { ErrorEquals: string[] }[]) ?? []),
      ])
        for (const e of rule.ErrorEquals) names.add(e);
    }
    const unknown = [...names].filter((n) => !PLATFORM_ERROR.test(n) && !errorClassNames.has(n));
    expect(unknown).toEqual([]);
  });

  it('handles every error class the code can throw: retried, caught by name, or caught by States.ALL everywhere', () => {
    const retried = new Set(
      states.flatMap(([, s]) =>
        ((s.Retry as { ErrorEquals: string[] }[]) ?? []).flatMap((r) => r.ErrorEquals),
      ),
    );
    const caughtByName = new Set(
      states.flatMap(([, s]) =>
        ((s.Catch as { ErrorEquals: string[] }[]) ?? []).flatMap((r) => r.ErrorEquals),
      ),
    );
    // Every Task outside a Map has a catch-all, so any other named error is handled (compensation or continue).
    const topLevelTasks = Object.entries(rendered.States).filter(
      ([, s]) => s.Type === 'Task' || s.Type === 'Map',
    );
    for (const [name, state] of topLevelTasks) {
      const catchAll = ((state.Catch as { ErrorEquals: string[] }[]) ?? []).some((c) =>
        c.ErrorEquals.includes('States.ALL'),
      );
      expect({ name, catchAll }).toEqual({ name, catchAll: true });
    }
    for (const name of ['ThrottledError', 'TransientAwsError', 'NotificationError'])
      expect(retried.has(name)).toBe(true);
    expect(caughtByName.has('DecisionRejected')).toBe(true);
    expect(caughtByName.has('States.Timeout')).toBe(true);
    for (const name of errorClassNames)
      expect(typeof (errors as Record<string, unknown>)[name]).toBe('function');
  });

  it('reaches every state from StartAt, and every Next names an existing state', () => {
    const reachable = new Set<string>();
    const visit = (name: string) => {
      if (reachable.has(name)) return;
      reachable.add(name);
      const s = rendered.States[name];
      expect(s).toBeDefined();
      if (!s) return;
      const next = [
        s.Next,
        s.Default,
        ...((s.Choices as { Next: string }[]) ?? []).map((c) => c.Next),
        ...((s.Catch as { Next: string }[]) ?? []).map((c) => c.Next),
      ].filter((n): n is string => typeof n === 'string');
      next.forEach(visit);
    };
    visit(rendered.StartAt);
    expect(Object.keys(rendered.States).filter((n) => !reachable.has(n))).toEqual([]);
  });

  it('fails to render when a substitution is missing', () => {
    expect(() => renderDefinition({})).toThrow(/has no value/);
  });
});

/** The states a state may go to next (Next, Default, Choice rules, Catch). */
function successors(s: State): string[] {
  return [
    s.Next,
    s.Default,
    ...((s.Choices as { Next: string }[]) ?? []).map((c) => c.Next),
    ...((s.Catch as { Next: string }[]) ?? []).map((c) => c.Next),
  ].filter((n): n is string => typeof n === 'string');
}

/** States reachable from StartAt without entering any of `avoid`. */
function reachableAvoiding(avoid: ReadonlySet<string>): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || avoid.has(name)) return;
    seen.add(name);
    const s = rendered.States[name];
    if (s) successors(s).forEach(visit);
  };
  visit(rendered.StartAt);
  return seen;
}

describe('the incident report in the flow', () => {
  const CLOSES = ['ResolveIncident', 'CloseRestored', 'CloseUnresolved', 'CloseNotified'];
  const FINAL_NOTICES = [
    'NotifyResolved',
    'NotifyRestored',
    'NotifyUnresolved',
    'NotifyFailed',
    'NotifyReport',
  ];

  it('goes from every close to WriteReport (a failed close to Compensate first), and from Compensate only through the page and the ticket update to WriteReport', () => {
    for (const name of CLOSES) {
      const state = rendered.States[name];
      expect(state?.Next).toBe('WriteReport');
      for (const next of successors(state as State)) expect(['WriteReport', 'Compensate']).toContain(next);
    }
    expect(new Set(successors(rendered.States.Compensate as State))).toEqual(new Set(['PageFailed']));
    expect(new Set(successors(rendered.States.PageFailed as State))).toEqual(new Set(['TicketFailed']));
    expect(new Set(successors(rendered.States.TicketFailed as State))).toEqual(new Set(['WriteReport']));
  });

  it('reaches no final notice and no end (Done, ContainmentFailed) without passing WriteReport', () => {
    const withoutReport = reachableAvoiding(new Set(['WriteReport', 'ReportFailed']));
    for (const name of [...FINAL_NOTICES, 'Done', 'ContainmentFailed', 'AfterReport']) {
      expect({ name, reachable: withoutReport.has(name) }).toEqual({ name, reachable: false });
    }
    // …and every final notice is reached once WriteReport is allowed.
    const all = reachableAvoiding(new Set());
    for (const name of FINAL_NOTICES) expect(all.has(name)).toBe(true);
  });

  it('never blocks the close: a failed write lands at $.report, is audited by ReportFailed, and the notice follows', () => {
    const write = rendered.States.WriteReport as State;
    expect(taskKey(write)).toBe('WriteReport');
    expect(write.ResultPath).toBe('$.report');
    expect(write.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.report', Next: 'ReportFailed' },
    ]);
    // S3 throttling / 5xx (ThrottledError, TransientAwsError) and Lambda errors are retried, with bounded attempts.
    const retried = ((write.Retry as { ErrorEquals: string[]; MaxAttempts: number }[]) ?? []).flatMap((r) => {
      expect(r.MaxAttempts).toBeLessThanOrEqual(8);
      return r.ErrorEquals;
    });
    expect(retried).toEqual(
      expect.arrayContaining([
        'ThrottledError',
        'TransientAwsError',
        'Lambda.ServiceException',
        'States.Timeout',
      ]),
    );
    const failed = rendered.States.ReportFailed as State;
    expect(taskKey(failed)).toBe('WriteReport');
    expect(failed.Parameters).toMatchObject({ 'failure.$': '$.report', 'executionId.$': '$$.Execution.Id' });
    expect(new Set(successors(failed))).toEqual(new Set(['AfterReport']));
    expect(write.Next).toBe('AfterReport');
  });

  it('chooses the notice from the close: failure first, then the recorded status, notify-only by default', () => {
    const choice = rendered.States.AfterReport as State & { Choices: Record<string, unknown>[] };
    expect(choice.Choices[0]).toEqual({ Variable: '$.error', IsPresent: true, Next: 'NotifyFailed' });
    const byStatus = Object.fromEntries(
      choice.Choices.slice(1).map((c) => {
        const and = c.And as { Variable: string; StringEquals?: string; IsPresent?: boolean }[];
        expect(and[0]).toEqual({ Variable: '$.results.close.status', IsPresent: true });
        return [and[1]?.StringEquals, c.Next];
      }),
    );
    expect(byStatus).toEqual({
      RESOLVED: 'NotifyResolved',
      RESTORED: 'NotifyRestored',
      ESCALATED_UNRESOLVED: 'NotifyUnresolved',
    });
    expect(choice.Default).toBe('NotifyReport');
    expect(rendered.States.NotifyReport?.Parameters).toEqual({
      'incidentId.$': '$.incidentId',
      phase: 'report',
    });
    expect(rendered.States.NotifyReport?.Next).toBe('Done');
  });
});
