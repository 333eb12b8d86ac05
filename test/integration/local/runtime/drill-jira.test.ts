import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DrillDecision, runDrill } from '../../../../local/runtime/drill';
import type { OfflineStack, TaskInvocation } from '../../../../local/runtime/types';
import type { ServiceName } from '../../../../local/sim';
import type { FakeJira, FakeJiraFault } from '../../../../local/vendors/jira/fake-jira';
import { commentMarker } from '../../../../workflow/ticket-sinks/jira/sink';

/**
 * The Jira ticket sink end to end: the real definition on the local engine, the real task code and jira.js talking
 * to the fake Jira over HTTP. Every path opens exactly one issue per incident, adds the decision or close as one
 * comment and moves the issue to the mapped status; a Jira outage never blocks containment or the approval.
 */

const SAMPLES = join(__dirname, '../../../../local/workspace/samples');
const EC2 = JSON.parse(readFileSync(join(SAMPLES, 'ec2-high-web1.json'), 'utf8'));

const open: OfflineStack[] = [];
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
});

async function drill(
  decision: DrillDecision,
  options: {
    faults?: FakeJiraFault[];
    awsFailure?: [ServiceName, string, string];
    revokeToken?: boolean;
    onTask?: (stack: OfflineStack, task: TaskInvocation) => Promise<void>;
  } = {},
) {
  let current: OfflineStack | undefined;
  const run = await runDrill({
    event: EC2,
    decision,
    keepOpen: true,
    stack: {
      tickets: 'jira',
      ...(options.onTask
        ? { onTask: (task: TaskInvocation) => (current ? options.onTask?.(current, task) : undefined) }
        : {}),
    },
    prepare: (stack) => {
      current = stack;
      open.push(stack);
      if (options.revokeToken) stack.jira?.revokeToken();
      for (const fault of options.faults ?? []) stack.jira?.inject(fault);
      if (options.awsFailure) {
        const [service, operation, error] = options.awsFailure;
        stack.sim.faults.failNth({ service, operation, n: 1, error });
      }
    },
  });
  const jira = run.stack.jira as FakeJira;
  const incidentId = run.incidentId ?? '';
  const issues = jira.issuesWithLabel(`airlock-${incidentId}`);
  const audit = await run.stack.ledger.listAudit(incidentId);
  return { run, jira, incidentId, issues, issue: issues[0], actions: audit.map((e) => e.action) };
}

const creates = (jira: FakeJira) =>
  jira.calls(/^POST \/rest\/api\/3\/issue$/).filter((c) => c.status === 201);
const text = (value: unknown) => JSON.stringify(value);

describe('drills with the Jira ticket sink (jira.js against the fake Jira)', () => {
  it('approve: one issue, the approval as one comment, moved to Done; the card and thread link it', async () => {
    const { run, jira, incidentId, issues, issue } = await drill('approve');

    expect(run.status).toBe('RESOLVED');
    expect(issues).toHaveLength(1);
    expect(creates(jira)).toHaveLength(1);
    expect(issue?.labels).toEqual(['airlock', `airlock-${incidentId}`]);
    expect(issue?.comments).toHaveLength(1);
    expect(text(issue?.comments[0]?.body)).toContain(commentMarker(incidentId, 'resolved'));
    expect(text(issue?.comments[0]?.body)).toMatch(/Approved by Slack user U/);
    expect(issue?.status).toBe('Done');
    const url = `${jira.baseUrl}/browse/${issue?.key}`;
    expect((await run.stack.ledger.getIncident(incidentId))?.ticket).toEqual({
      id: issue?.key,
      url,
      sink: 'jira',
    });
    // The card and the open-ticket step reply link the ticket as <url|KEY>.
    const linked = run.stack.slack.calls().filter((c) => text(c.params).includes(`<${url}|${issue?.key}>`));
    expect(linked.map((c) => c.method)).toEqual(expect.arrayContaining(['chat.update', 'chat.postMessage']));
  });

  it('reject: one issue, the rejection as one comment, moved to Done after the restore', async () => {
    const { run, incidentId, issues, issue } = await drill('reject');

    expect(run.status).toBe('RESTORED');
    expect(run.statesVisited).toEqual(
      expect.arrayContaining(['RestoreEc2', 'TicketRestored', 'CloseRestored']),
    );
    expect(issues).toHaveLength(1);
    expect(issue?.comments).toHaveLength(1);
    expect(text(issue?.comments[0]?.body)).toContain(commentMarker(incidentId, 'restored'));
    expect(text(issue?.comments[0]?.body)).toMatch(/Rejected by Slack user U/);
    expect(issue?.status).toBe('Done');
  });

  it('timeout: one issue, "nobody decided" as one comment, moved to In Progress', async () => {
    const { run, incidentId, issues, issue } = await drill('timeout');

    expect(run.status).toBe('ESCALATED_UNRESOLVED');
    expect(issues).toHaveLength(1);
    expect(issue?.comments).toHaveLength(1);
    expect(text(issue?.comments[0]?.body)).toContain(commentMarker(incidentId, 'unresolved'));
    expect(issue?.status).toBe('In Progress');
  });

  it('failure before OpenTicket: the failure opens the one issue, with the failed step as its comment', async () => {
    const { run, incidentId, issues, issue, jira } = await drill('approve', {
      awsFailure: ['ec2', 'CreateTags', 'UnauthorizedOperation'],
    });

    expect(run.status).toBe('FAILED');
    expect(run.statesVisited.slice(-7)).toEqual([
      'Compensate',
      'PageFailed',
      'TicketFailed',
      'WriteReport',
      'AfterReport',
      'NotifyFailed',
      'ContainmentFailed',
    ]);
    expect(issues).toHaveLength(1);
    expect(creates(jira)).toHaveLength(1);
    expect(issue?.comments).toHaveLength(1);
    expect(text(issue?.comments[0]?.body)).toContain(commentMarker(incidentId, 'failed'));
    expect(text(issue?.comments[0]?.body)).toContain('tag-instance');
    expect(issue?.status).toBe('In Progress');
  });

  it('429 storm: the ticket calls are retried (Retry-After too long to wait in place); still exactly one issue', async () => {
    const { run, issues, issue, jira, actions } = await drill('approve', {
      faults: [{ status: 429, times: 5, retryAfter: 30 }],
    });

    expect(run.status).toBe('RESOLVED');
    expect(jira.calls().filter((c) => c.status === 429)).toHaveLength(5);
    expect(issues).toHaveLength(1);
    expect(creates(jira)).toHaveLength(1);
    expect(issue?.status).toBe('Done');
    expect(actions.filter((a) => a === 'open-ticket-failed').length).toBeGreaterThan(0);
  });

  it('5xx storm for the whole run: containment and the approval go on; ticketing retried, audited, shown in the thread', async () => {
    const { run, issues, jira, actions } = await drill('approve', {
      faults: [{ status: 503, times: Number.POSITIVE_INFINITY }],
    });

    expect(run.status).toBe('RESOLVED');
    expect(run.statesVisited).toEqual(
      expect.arrayContaining(['OpenTicket', 'RequestApproval', 'TicketApproved']),
    );
    expect(issues).toHaveLength(0);
    // OpenTicket: 1 + 4 short retries, then on (the approval does not wait); UpdateTicket: 1 + 6.
    expect(jira.calls().filter((c) => c.status === 503)).toHaveLength(12);
    expect(actions).toEqual(expect.arrayContaining(['open-ticket-failed', 'update-ticket-failed']));
    const thread = run.slack.filter((m) => m.thread_ts).map((m) => m.text ?? '');
    expect(thread.some((t) => /ticket/i.test(t) && /TicketUnavailableError/.test(t))).toBe(true);
  });

  it('a retried OpenTicket and UpdateTicket (the first answer lost) open no second issue and add no second comment', async () => {
    const rerun = new Set<string>();
    const { run, issues, issue, jira } = await drill('approve', {
      onTask: async (stack, task) => {
        if ((task.key !== 'OpenTicket' && task.key !== 'UpdateTicket') || task.error || rerun.has(task.key))
          return;
        rerun.add(task.key);
        // As Step Functions would after a lost response: the same input, run again.
        await stack.tasks[task.key](task.input);
      },
    });

    expect(run.status).toBe('RESOLVED');
    expect([...rerun].sort()).toEqual(['OpenTicket', 'UpdateTicket']);
    expect(issues).toHaveLength(1);
    expect(creates(jira)).toHaveLength(1);
    expect(issue?.comments).toHaveLength(1);
    expect(jira.calls(/^POST .*\/transitions$/)).toHaveLength(1);
  });

  it('bad credentials: one clear TicketConfigError in the thread, not retried; containment and the approval go on', async () => {
    const { run, jira, actions } = await drill('approve', { revokeToken: true });

    expect(run.status).toBe('RESOLVED');
    expect(jira.issues.size).toBe(0);
    // Not retried: one search per ticket state (OpenTicket, then UpdateTicket opening first), each refused.
    expect(jira.calls().map((c) => c.status)).toEqual([401, 401]);
    expect(actions).toEqual(expect.arrayContaining(['open-ticket-failed', 'update-ticket-failed']));
    const thread = run.slack.filter((m) => m.thread_ts).map((m) => m.text ?? '');
    expect(thread.some((t) => t.includes('TicketConfigError: Jira refused the credentials'))).toBe(true);
  });
});
