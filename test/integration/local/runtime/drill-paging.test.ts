import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DrillDecision, type DrillResult, runDrill } from '../../../../local/runtime/drill';
import type { OfflineStack, OfflineStackOptions } from '../../../../local/runtime/types';
import type { FakePagerDuty, FakePagerRequest } from '../../../../local/vendors/pagerduty/fake-events-api';
import { configureAwsRetry } from '../../../../workflow/aws/call';
import { PagerDutyEventsClient } from '../../../../workflow/paging/events-v2';

/**
 * Paging end to end: the real Page task and client on the local engine, talking HTTP to the fake PagerDuty
 * Events API. Every assertion reads the requests the fake recorded and the alerts it keeps.
 */

const SAMPLES = join(__dirname, '../../../../local/workspace/samples');
const load = (name: string): unknown => JSON.parse(readFileSync(join(SAMPLES, name), 'utf8'));
const EC2 = load('ec2-high-web1.json');
const IAM = load('iam-high-ci-deployer.json');
const S3 = load('s3-high-public-assets.json');

const open: OfflineStack[] = [];
/** The stack of the running drill (for an onTask observer that re-runs a task). */
let run0: OfflineStack | undefined;
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
beforeAll(() => configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0 }));
afterAll(() => configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000 }));

async function drill(
  event: unknown,
  decision: DrillDecision,
  options: { prepare?: (stack: OfflineStack) => void; stack?: Partial<OfflineStackOptions> } = {},
): Promise<DrillResult & { stack: OfflineStack; pd: FakePagerDuty }> {
  const result = await runDrill({
    event,
    decision,
    keepOpen: true,
    ...(options.stack ? { stack: options.stack } : {}),
    prepare: (stack) => {
      open.push(stack);
      options.prepare?.(stack);
    },
  });
  return { ...result, pd: result.stack.pagerDuty as FakePagerDuty };
}

const accepted = (pd: FakePagerDuty): FakePagerRequest[] => pd.requests.filter((r) => r.status === 202);
const actions = (requests: FakePagerRequest[]): string[] =>
  requests.map((r) => {
    const body = r.body as {
      event_action: string;
      payload?: { custom_details?: { airlock_event?: string } };
    };
    return body.payload?.custom_details?.airlock_event
      ? `${body.event_action}:${body.payload.custom_details.airlock_event}`
      : body.event_action;
  });

async function steps(run: DrillResult & { stack: OfflineStack }) {
  const incident = await run.stack.ledger.getIncident(run.incidentId ?? '');
  return (incident?.steps ?? []).filter((s) => s.name.startsWith('page-'));
}

describe('drill: paging the on-call through PagerDuty (Events API v2, fake on loopback)', () => {
  it('approve: one PagerDuty alert for the incident, triggered when contained and resolved at the end', async () => {
    const run = await drill(EC2, 'approve');
    expect(run).toMatchObject({ status: 'RESOLVED', executionStatus: 'SUCCEEDED' });
    expect(run.pd.alerts).toHaveLength(1);
    expect(run.pd.alerts[0]).toMatchObject({
      dedupKey: run.incidentId,
      status: 'resolved',
      severity: 'error',
    });
    expect(actions(accepted(run.pd))).toEqual(['trigger:opened', 'resolve']);
    expect(run.pd.requests.every((r) => r.status === 202)).toBe(true);
    const trigger = accepted(run.pd)[0]?.body as {
      dedup_key: string;
      payload: { summary: string; custom_details: Record<string, unknown> };
      links?: { href: string }[];
    };
    expect(trigger.dedup_key).toBe(run.incidentId);
    expect(trigger.payload.summary).toContain(run.incidentId);
    expect(trigger.payload.custom_details).toMatchObject({
      finding: {
        type: expect.any(String),
        id: expect.any(String),
        account: expect.stringMatching(/^\d{12}$/),
      },
      resource: { kind: 'ec2-instance' },
      slack_thread: { channel: expect.any(String), ts: expect.any(String) },
      evidence_manifest: `s3://${run.stack.settings.workflow.evidenceBucket}/incidents/${run.incidentId}/`,
    });
    expect(trigger.links?.[0]?.href).toMatch(/\/archives\/C\w+\/p\d+$/);
    // Paging happens after containment, never before it.
    expect(run.statesVisited.indexOf('PageOpened')).toBeGreaterThan(run.statesVisited.indexOf('OpenTicket'));
    expect(run.statesVisited.indexOf('PageOpened')).toBeLessThan(
      run.statesVisited.indexOf('NotifyContained'),
    );
    expect(run.statesVisited.indexOf('PageResolvedApproved')).toBeLessThan(
      run.statesVisited.indexOf('ResolveIncident'),
    );
    // The outcome is a step line in the incident's thread.
    expect((await steps(run)).map((s) => [s.name, s.status, s.notified])).toEqual([
      ['page-opened', 'ok', true],
      ['page-resolved', 'ok', true],
    ]);
    expect(run.slack.some((m) => /Paged the on-call \(PagerDuty\)/.test(m.text ?? ''))).toBe(true);
  });

  it('reject: the alert is resolved before the restore, one alert', async () => {
    const run = await drill(EC2, 'reject');
    expect(run).toMatchObject({ status: 'RESTORED', executionStatus: 'SUCCEEDED' });
    expect(run.pd.alerts.map((a) => [a.dedupKey, a.status])).toEqual([[run.incidentId, 'resolved']]);
    expect(actions(accepted(run.pd))).toEqual(['trigger:opened', 'resolve']);
    const i = run.statesVisited.indexOf('PageResolvedRestored');
    expect(run.statesVisited.slice(i, i + 3)).toEqual(['PageResolvedRestored', 'Restore', 'RestoreEc2']);
  });

  it('IAM and S3 routes page too: one alert each, resolved on approve', async () => {
    for (const event of [IAM, S3]) {
      const run = await drill(event, 'approve');
      expect(run.status).toBe('RESOLVED');
      expect(run.pd.alerts.map((a) => [a.dedupKey, a.status])).toEqual([[run.incidentId, 'resolved']]);
      expect(actions(accepted(run.pd))).toEqual(['trigger:opened', 'resolve']);
    }
  });

  it('timeout (nobody answers): escalation and unresolved update the one alert, which stays open', async () => {
    const run = await drill(EC2, 'timeout');
    expect(run).toMatchObject({ status: 'ESCALATED_UNRESOLVED', executionStatus: 'SUCCEEDED' });
    expect(actions(accepted(run.pd))).toEqual(['trigger:opened', 'trigger:escalated', 'trigger:unresolved']);
    expect(run.pd.alerts).toHaveLength(1);
    expect(run.pd.alerts[0]).toMatchObject({ dedupKey: run.incidentId, status: 'triggered' });
    expect(run.pd.alerts[0]?.events.map((e) => e.action)).toEqual(['trigger', 'trigger', 'trigger']);
    // The page is in addition to the lead's DM: Escalate still runs right after it.
    const i = run.statesVisited.indexOf('PageEscalated');
    expect(run.statesVisited.slice(i, i + 2)).toEqual(['PageEscalated', 'Escalate']);
    const j = run.statesVisited.indexOf('PageUnresolved');
    expect(run.statesVisited.slice(j, j + 3)).toEqual([
      'PageUnresolved',
      'TicketUnresolved',
      'CloseUnresolved',
    ]);
  });

  it('failure (a task fails, Compensate runs): the alert is triggered again as critical, one alert', async () => {
    const run = await drill(EC2, 'approve', {
      prepare: (stack) =>
        stack.sim.faults.failNth({
          service: 'ec2',
          operation: 'CreateTags',
          n: 1,
          error: 'UnauthorizedOperation',
        }),
    });
    expect(run).toMatchObject({ status: 'FAILED', executionStatus: 'FAILED' });
    expect(run.statesVisited.slice(-7)).toEqual([
      'Compensate',
      'PageFailed',
      'TicketFailed',
      'WriteReport',
      'AfterReport',
      'NotifyFailed',
      'ContainmentFailed',
    ]);
    expect(actions(accepted(run.pd))).toEqual(['trigger:failed']);
    expect(run.pd.alerts).toHaveLength(1);
    expect(run.pd.alerts[0]).toMatchObject({
      dedupKey: run.incidentId,
      status: 'triggered',
      severity: 'critical',
    });
  });

  it('a retried Page task opens no second alert and sends nothing again', async () => {
    let reran: unknown;
    const run = await drill(EC2, 'approve', {
      stack: {
        onTask: async (t) => {
          // The engine waits for this observer: re-run the task as a Retry after a lost response would.
          if (t.key === 'Page' && reran === undefined && run0) reran = await run0.tasks.Page(t.input);
        },
      },
      prepare: (stack) => {
        run0 = stack;
      },
    });
    expect(reran).toMatchObject({ event: 'opened', outcome: 'already-sent', dedupKey: run.incidentId });
    expect(run.pd.alerts).toHaveLength(1);
    expect(actions(run.pd.requests)).toEqual(['trigger:opened', 'resolve']);
    const audit = await run.stack.ledger.listAudit(run.incidentId ?? '');
    expect(audit.filter((e) => e.action === 'page-opened')).toHaveLength(1);
  });

  it('a lost 202 (the same trigger sent twice) still updates one alert: dedup_key is the incident id', async () => {
    const run = await drill(EC2, 'none');
    const incidentId = run.incidentId ?? '';
    const first = run.pd.requests.find((r) => r.status === 202)?.body;
    const client = new PagerDutyEventsClient({ baseUrl: run.pd.url });
    await expect(client.send(first as never)).resolves.toMatchObject({
      kind: 'accepted',
      dedupKey: incidentId,
    });
    expect(run.pd.alertsFor(incidentId)).toHaveLength(1);
    expect(run.pd.alertsFor(incidentId)[0]?.events).toHaveLength(2);
  });

  it('a 5xx storm on PagerDuty: containment and the approval go on, the page is retried, audited, and lands once', async () => {
    const run = await drill(EC2, 'approve', {
      prepare: (stack) => stack.pagerDuty?.inject({ status: 503, times: 2 }),
    });
    expect(run).toMatchObject({ status: 'RESOLVED', executionStatus: 'SUCCEEDED' });
    expect(run.pd.requests.map((r) => r.status)).toEqual([503, 503, 202, 202]);
    expect(run.pd.alerts).toHaveLength(1);
    const arn = run.stack.engine.list()[0]?.executionArn ?? '';
    const retried = run.stack.engine.history(arn).filter((e) => e.type === 'StateRetried');
    expect(retried.map((e) => e.stateName)).toEqual(['PageOpened', 'PageOpened']);
    const audit = await run.stack.ledger.listAudit(run.incidentId ?? '');
    expect(audit.filter((e) => e.action === 'page-opened-failed')).toHaveLength(2);
    expect(audit.filter((e) => e.action === 'page-opened')).toHaveLength(1);
  });

  it('a 429 storm that outlasts the retries: containment and the approval go on; the thread says rate-limited', async () => {
    const run = await drill(EC2, 'approve', {
      prepare: (stack) => stack.pagerDuty?.storm(429, 60_000, 60),
    });
    expect(run).toMatchObject({ status: 'RESOLVED', executionStatus: 'SUCCEEDED' });
    expect(run.statesVisited).toEqual(expect.arrayContaining(['RequestApproval', 'ResolveIncident']));
    // PageOpened: the first try and its 3 retries; PageResolvedApproved likewise.
    expect(run.pd.requests.map((r) => r.status)).toEqual(Array(8).fill(429));
    expect(run.pd.alerts).toHaveLength(0);
    const [opened] = await steps(run);
    expect(opened).toMatchObject({ name: 'page-opened', status: 'failed', notified: true });
    expect(opened?.summary).toMatch(
      /PagingThrottledError: PagerDuty rate-limited the page \(429, Retry-After 60 s\)/,
    );
    expect(run.slack.some((m) => /rate-limited/.test(m.text ?? ''))).toBe(true);
  });

  it('a short Retry-After is waited out in the task: one retry inside, no state machine retry', async () => {
    const run = await drill(EC2, 'approve', {
      prepare: (stack) => stack.pagerDuty?.inject({ status: 429, times: 1, retryAfter: 1 }),
    });
    expect(run.status).toBe('RESOLVED');
    expect(run.pd.requests.map((r) => r.status)).toEqual([429, 202, 202]);
    const arn = run.stack.engine.list()[0]?.executionArn ?? '';
    expect(run.stack.engine.history(arn).filter((e) => e.type === 'StateRetried')).toEqual([]);
  });

  it('a malformed routing key: one clear error in the thread, not retried, containment goes on', async () => {
    const run = await drill(EC2, 'approve', { stack: { paging: { routingKey: 'not-a-key' } } });
    expect(run.status).toBe('RESOLVED');
    expect(run.pd.requests).toEqual([]);
    const [opened] = await steps(run);
    expect(opened?.summary).toMatch(
      /PagingConfigError: PagerDuty routing key in the local routing key is 9 characters; an Events API v2 integration key is 32/,
    );
    const arn = run.stack.engine.list()[0]?.executionArn ?? '';
    expect(run.stack.engine.history(arn).filter((e) => e.type === 'StateRetried')).toEqual([]);
  });

  it('paging off (no routing key): audited once as skipped, no error, nothing sent', async () => {
    const run = await drill(EC2, 'approve', { stack: { paging: false } });
    expect(run.stack.pagerDuty).toBeUndefined();
    expect(run.status).toBe('RESOLVED');
    const incident = await run.stack.ledger.getIncident(run.incidentId ?? '');
    const paging = (incident?.steps ?? []).filter((s) => s.name.startsWith('page-'));
    expect(paging.map((s) => [s.name, s.status])).toEqual([['page-opened', 'skipped']]);
    const audit = await run.stack.ledger.listAudit(run.incidentId ?? '');
    expect(audit.filter((e) => e.action.startsWith('page-'))).toHaveLength(1);
  });
});
