import * as escalate from '../../../bot/tasks/escalate';
import * as notify from '../../../bot/tasks/notify';
import { unpaced } from '../../../bot/tasks/pace';
import * as requestApproval from '../../../bot/tasks/request-approval';
import { CHANNELS, type FakeMessage, USERS } from '../../../local/slack/fake-api';
import { readDefinitionTemplate } from '../../../workflow/definition';
import { NotificationError } from '../../../workflow/errors';
import { approvalIdFor, dedupeKeyFor, resourceKeyFor } from '../../../workflow/intake/ids';
import type { Route } from '../../../workflow/intake/types';
import type { StepRecord } from '../../../workflow/ledger/types';
import { makeRequest } from '../../helpers/fake-ledger';
import { closeSharedDynamo, type Harness, HOURS_4, startHarness } from './harness';

function step(name: string, i: number): StepRecord {
  return {
    name,
    status: 'ok',
    summary: `${name} done`,
    startedAt: new Date(Date.UTC(2026, 10, 22, 8, 1, i)).toISOString(),
    endedAt: new Date(Date.UTC(2026, 10, 22, 8, 1, i + 1)).toISOString(),
    ids: [`id-${name}`],
  };
}

const blocksOf = (m: FakeMessage | undefined) => JSON.stringify(m?.blocks ?? []);

describe('bot tasks against the fake Slack API (DynamoLedger on dynalite)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });
  afterAll(async () => {
    await closeSharedDynamo();
  });

  async function incident(route: Route = 'contain-ec2', findingId = 'finding-1') {
    const request = makeRequest({
      findingId,
      dedupeKey: dedupeKeyFor('123456789012', 'us-east-1', findingId),
      resourceKey: resourceKeyFor(
        '123456789012',
        'us-east-1',
        'ec2-instance',
        `i-0abc1234def56789${findingId.length % 10}`,
      ),
    });
    const { incident } = await h.ledger.recordIntake(request, { route, reason: `${route}: test` });
    return incident.incidentId;
  }

  it('notify accepts every phase the state machine sends', () => {
    const phases = [...readDefinitionTemplate().matchAll(/"phase":\s*"([^"]+)"/g)].map((m) => m[1]);
    expect(phases.length).toBeGreaterThan(0);
    for (const phase of phases) expect(notify.NOTIFY_PHASES).toContain(phase);
  });

  it('notify posts the card once, then one reply per step in its thread (thread_ts = card ts), never twice on a re-run', async () => {
    const deps = h.taskDeps();
    const id = await incident();
    const first = await notify.run(deps, { incidentId: id, phase: 'opened' });
    expect(first.cardPosted).toBe(true);
    const [card] = h.fake.channelMessages(CHANNELS.soc);
    expect((await h.ledger.getIncident(id))?.slack).toEqual({ channel: CHANNELS.soc, ts: card?.ts });

    await h.ledger.setStatus(id, 'CONTAINING');
    await h.ledger.recordStep(id, step('record-pre-state', 0));
    await h.ledger.recordStep(id, step('isolate-network', 2));
    const second = await notify.run(deps, { incidentId: id, phase: 'isolated' });
    expect(second).toMatchObject({ cardPosted: false, stepsPosted: ['record-pre-state', 'isolate-network'] });
    await notify.run(deps, { incidentId: id, phase: 'isolated' });

    expect(h.fake.channelMessages(CHANNELS.soc)).toHaveLength(1);
    const thread = h.fake.thread(CHANNELS.soc, card?.ts as string);
    expect(thread.map((m) => m.text.split(' · ')[0])).toEqual([
      'Recorded the pre-state',
      'Isolated the network',
    ]);
    for (const call of h.fake.calls('chat.postMessage').slice(1))
      expect(call.params.thread_ts).toBe(card?.ts);
    expect((await h.ledger.getIncident(id))?.steps.every((s) => s.notified)).toBe(true);
    expect(blocksOf(h.fake.message(CHANNELS.soc, card?.ts as string))).toContain('Containing');
  });

  it('notify "contained" posts the remaining steps and the evidence manifest once, and shows time-to-contain', async () => {
    const deps = h.taskDeps();
    const id = await incident();
    await notify.run(deps, { incidentId: id, phase: 'opened' });
    await h.ledger.recordStep(id, step('snapshot-volumes', 4));
    await h.ledger.addEvidence(id, [
      {
        id: 'snap-0123456789abcdef0',
        kind: 'snapshot',
        sha256: 'ef'.repeat(32),
        at: '2026-11-22T08:02:00.000Z',
      },
    ]);
    const inc = await h.ledger.getIncident(id);
    await h.ledger.setStatus(id, 'AWAITING_APPROVAL', {
      containedAt: new Date(Date.parse(inc?.detectedAt ?? '') + 95_000).toISOString(),
    });
    expect((await notify.run(deps, { incidentId: id, phase: 'contained' })).oneOff).toBe('evidence-manifest');
    expect((await notify.run(deps, { incidentId: id, phase: 'contained' })).oneOff).toBeUndefined();
    const cardTs = (await h.ledger.getIncident(id))?.slack?.ts as string;
    const thread = h.fake.thread(CHANNELS.soc, cardTs);
    expect(thread).toHaveLength(2);
    expect(blocksOf(thread[1])).toContain(`sha256 \`${'ef'.repeat(32)}\``);
    expect(blocksOf(h.fake.message(CHANNELS.soc, cardTs))).toContain('1 min 35 s');
  });

  it('notify posts a review notice in the review channel for the review route', async () => {
    const id = await incident('review');
    await notify.run(h.taskDeps(), { incidentId: id, phase: 'opened' });
    expect(h.fake.channelMessages(CHANNELS.soc)).toHaveLength(0);
    const [notice] = h.fake.channelMessages(CHANNELS.review);
    expect(blocksOf(notice)).toContain('airlock_contain_now');
    expect((await h.ledger.getIncident(id))?.slack).toMatchObject({
      channel: CHANNELS.review,
      reviewChannel: CHANNELS.review,
    });
  });

  it('notify "failed" posts the failure notice paging the SOC lead, once', async () => {
    const deps = h.taskDeps();
    const id = await incident();
    await notify.run(deps, { incidentId: id, phase: 'opened' });
    await h.ledger.setStatus(id, 'FAILED', {
      failure: { step: 'isolate-network', error: 'VerificationFailedError', cause: 'eni still has sg-0web' },
    });
    await notify.run(deps, { incidentId: id, phase: 'failed' });
    await notify.run(deps, { incidentId: id, phase: 'failed' });
    const cardTs = (await h.ledger.getIncident(id))?.slack?.ts as string;
    const notices = h.fake.thread(CHANNELS.soc, cardTs).filter((m) => m.text.includes('paging'));
    expect(notices).toHaveLength(1);
    expect(blocksOf(notices[0])).toContain(`<@${USERS.lead}>`);
  });

  it('request-approval twice for the same incident posts one approval message (a retry takes the new token)', async () => {
    const deps = h.taskDeps();
    const id = await incident();
    await notify.run(deps, { incidentId: id, phase: 'opened' });
    const a = await requestApproval.run(deps, {
      incidentId: id,
      taskToken: 'token-1',
      timeoutSeconds: HOURS_4,
    });
    const b = await requestApproval.run(deps, {
      incidentId: id,
      taskToken: 'token-2',
      timeoutSeconds: HOURS_4,
    });
    expect(b.messages).toEqual(a.messages);
    const cardTs = (await h.ledger.getIncident(id))?.slack?.ts as string;
    const approvals = h.fake
      .thread(CHANNELS.soc, cardTs)
      .filter((m) => blocksOf(m).includes('airlock_approve'));
    expect(approvals).toHaveLength(1);
    const approval = await h.ledger.getApproval(approvalIdFor(id, 'primary'));
    expect(approval?.slack).toHaveLength(1);
    expect(approval?.taskToken).toBe('token-2');
    expect(blocksOf(approvals[0])).not.toContain('token-');
    const inc = await h.ledger.getIncident(id);
    expect(inc?.status).toBe('AWAITING_APPROVAL');
    expect(inc?.approval).toMatchObject({ approvalId: approval?.approvalId, state: 'pending' });
  });

  it('escalate expires the thread approval, DMs the lead with the summary, evidence and buttons, and says so in the thread', async () => {
    const deps = h.taskDeps();
    const id = await incident();
    await notify.run(deps, { incidentId: id, phase: 'opened' });
    await h.ledger.addEvidence(id, [
      { id: 'snap-0fedcba987654321', kind: 'snapshot', at: h.clock.now().toISOString() },
    ]);
    const first = await requestApproval.run(deps, {
      incidentId: id,
      taskToken: 'token-1',
      timeoutSeconds: HOURS_4,
    });
    h.clock.advance(HOURS_4 * 1000);
    const out = await escalate.run(deps, { incidentId: id, taskToken: 'token-esc', timeoutSeconds: HOURS_4 });
    await escalate.run(deps, { incidentId: id, taskToken: 'token-esc', timeoutSeconds: HOURS_4 });

    const dm = h.fake.channelMessages(h.fake.dmChannel(USERS.lead));
    expect(dm).toHaveLength(1);
    expect(h.fake.calls('conversations.open')[0]?.params.users).toBe(USERS.lead);
    expect(blocksOf(dm[0])).toContain('snap-0fedcba987654321');
    expect(blocksOf(dm[0])).toContain('taken 4 h ago');
    expect(blocksOf(dm[0])).toContain('airlock_approve');
    expect(blocksOf(dm[0])).toContain(approvalIdFor(id, 'escalation'));

    const primary = first.messages[0] as { channel: string; ts: string };
    expect(blocksOf(h.fake.message(primary.channel, primary.ts))).toContain(
      `(escalated to <@${USERS.lead}>)`,
    );
    expect(blocksOf(h.fake.message(primary.channel, primary.ts))).not.toContain('airlock_approve');

    const cardTs = (await h.ledger.getIncident(id))?.slack?.ts as string;
    const notes = h.fake
      .thread(CHANNELS.soc, cardTs)
      .filter((m) => m.text.includes(`Escalated to <@${USERS.lead}>`));
    expect(notes).toHaveLength(1);
    const escalation = await h.ledger.getApproval(approvalIdFor(id, 'escalation'));
    expect(escalation?.slack).toHaveLength(2);
    expect(out.messages).toHaveLength(2);
    expect((await h.ledger.getIncident(id))?.status).toBe('ESCALATED');
    expect((await h.ledger.getApproval(approvalIdFor(id, 'primary')))?.escalatedTo).toBe(USERS.lead);
  });

  it('a slow request-approval finishing after Escalate does not move the status back', async () => {
    const deps = h.taskDeps();
    const id = await incident();
    await escalate.run(deps, { incidentId: id, taskToken: 'token-esc', timeoutSeconds: HOURS_4 });
    await requestApproval.run(deps, { incidentId: id, taskToken: 'token-1', timeoutSeconds: HOURS_4 });
    expect((await h.ledger.getIncident(id))?.status).toBe('ESCALATED');
  });

  it('escalate works when RequestApproval never created the primary approval', async () => {
    const deps = h.taskDeps();
    const id = await incident();
    const out = await escalate.run(deps, { incidentId: id, taskToken: 'token-esc', timeoutSeconds: HOURS_4 });
    expect(out.messages).toHaveLength(2);
    expect(h.fake.channelMessages(CHANNELS.soc)).toHaveLength(1);
  });

  it('notify "resolved" shows the decision on every approval copy (thread and the lead\'s DM)', async () => {
    const deps = h.taskDeps();
    const id = await incident();
    await notify.run(deps, { incidentId: id, phase: 'opened' });
    await requestApproval.run(deps, { incidentId: id, taskToken: 'token-1', timeoutSeconds: 60 });
    h.clock.advance(61_000);
    await escalate.run(deps, { incidentId: id, taskToken: 'token-esc', timeoutSeconds: HOURS_4 });
    await h.ledger.decide(approvalIdFor(id, 'escalation'), 'approve', USERS.lead, h.clock.now());
    await h.ledger.setStatus(id, 'RESOLVED');
    const out = await notify.run(deps, { incidentId: id, phase: 'resolved' });
    expect(out.approvalCopiesUpdated).toBe(3);
    const escalation = await h.ledger.getApproval(approvalIdFor(id, 'escalation'));
    for (const ref of escalation?.slack ?? []) {
      const blocks = blocksOf(h.fake.message(ref.channel, ref.ts));
      expect(blocks).toContain(`Approved by <@${USERS.lead}>`);
      expect(blocks).not.toContain('airlock_approve');
    }
  });
});

describe('bot tasks when Slack throttles or fails', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });
  afterAll(async () => {
    await closeSharedDynamo();
  });

  /** The first word of each reply in the incident's thread (the step names). */
  async function threadSteps(id: string): Promise<string[]> {
    const cardTs = (await h.ledger.getIncident(id))?.slack?.ts as string;
    return h.fake.thread(CHANNELS.soc, cardTs).map((m) => m.text.split(' ')[0] as string);
  }

  async function incidentWithSteps(n: number, instanceId?: string) {
    const request = instanceId
      ? makeRequest({
          findingId: `finding-${instanceId}`,
          resource: { kind: 'ec2-instance', rawType: 'Instance', instanceId },
        })
      : makeRequest();
    const { incident } = await h.ledger.recordIntake(request, { route: 'contain-ec2', reason: 'test' });
    for (let i = 0; i < n; i += 1) await h.ledger.recordStep(incident.incidentId, step(`step-${i}`, i * 2));
    return incident.incidentId;
  }

  it('waits out a 429 with Retry-After and loses nothing', async () => {
    const id = await incidentWithSteps(2);
    h.fake.setRateLimit(false);
    h.fake.fail({ method: 'chat.postMessage', status: 429, times: 1, retryAfter: 1 });
    const started = Date.now();
    await notify.run(h.taskDeps(), { incidentId: id, phase: 'progress' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const calls = h.fake.calls('chat.postMessage');
    expect(calls[0]?.status).toBe(429);
    expect(calls.filter((c) => c.ok)).toHaveLength(3);
    const cardTs = (await h.ledger.getIncident(id))?.slack?.ts as string;
    expect(h.fake.thread(CHANNELS.soc, cardTs)).toHaveLength(2);
  });

  it("paces posts to Slack's per-channel limit (1/s, burst 3): no 429, every step posted once, in order", async () => {
    const id = await incidentWithSteps(5);
    const started = performance.now();
    await notify.run(h.taskDeps(), { incidentId: id, phase: 'progress' });
    const elapsed = performance.now() - started;
    const posts = h.fake.calls('chat.postMessage');
    expect(posts.filter((c) => c.status === 429)).toEqual([]);
    // Card + 5 steps = 6 posts: 3 at once (the burst), then one per 1,050 ms.
    expect(posts.filter((c) => c.ok)).toHaveLength(6);
    expect(elapsed).toBeGreaterThanOrEqual(3 * 1050 - 50);
    expect(await threadSteps(id)).toEqual(['step-0', 'step-1', 'step-2', 'step-3', 'step-4']);
  }, 20_000);

  it('defers posts before containment (opened) when the channel is busy: no wait, audited, the next notify posts them', async () => {
    const id = await incidentWithSteps(2);
    // Another container just got a 429 with Retry-After 3 s on this channel: it is held for everyone.
    await h.taskDeps().pacer.holdOff(CHANNELS.soc, 3_000);
    const started = performance.now();
    const out = await notify.run(h.taskDeps(), { incidentId: id, phase: 'opened' });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(out).toMatchObject({ deferred: true, cardPosted: false, stepsPosted: [] });
    expect(h.fake.calls('chat.postMessage')).toEqual([]);
    const audit = await h.ledger.listAudit(id);
    expect(audit.filter((e) => e.action === 'notification-deferred')).toEqual([
      expect.objectContaining({ actor: 'system', detail: expect.objectContaining({ phase: 'opened' }) }),
    ]);
    expect(audit.some((e) => e.action === 'notification-failed')).toBe(false);
    // A later phase waits for its slot and posts everything still missing, once.
    await notify.run(h.taskDeps(), { incidentId: id, phase: 'progress' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(2_900);
    expect(await threadSteps(id)).toEqual(['step-0', 'step-1']);
    expect(h.fake.calls('chat.postMessage').filter((c) => c.status === 429)).toEqual([]);
  }, 20_000);

  it('never defers a notice-only run (no later notify would catch up): it waits for its slot and posts', async () => {
    const { incident } = await h.ledger.recordIntake(makeRequest({ findingId: 'finding-review' }), {
      route: 'review',
      reason: 'review: severity 5.0 (MEDIUM)',
    });
    await h.taskDeps().pacer.holdOff(CHANNELS.review, 3_000);
    const started = performance.now();
    const out = await notify.run(h.taskDeps(), { incidentId: incident.incidentId, phase: 'opened' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(2_900);
    expect(out.deferred).toBeUndefined();
    expect(out.cardPosted).toBe(true);
    expect(h.fake.calls('chat.postMessage').filter((c) => c.ok)).toHaveLength(1);
  }, 20_000);

  it('shares the channel queue between concurrent tasks (as separate containers would): no 429', async () => {
    const ids = [
      await incidentWithSteps(2, 'i-0aaa1111aaaa11111'),
      await incidentWithSteps(2, 'i-0bbb2222bbbb22222'),
    ];
    // Each run builds its own pacer (its own "container"); they share only the ledger's post slots.
    await Promise.all(ids.map((incidentId) => notify.run(h.taskDeps(), { incidentId, phase: 'progress' })));
    const posts = h.fake.calls('chat.postMessage');
    expect(posts.filter((c) => c.status === 429)).toEqual([]);
    expect(posts.filter((c) => c.ok)).toHaveLength(6);
  }, 20_000);

  it('without the pacer, waits out 429 Retry-After and still posts every step once, in order', async () => {
    const id = await incidentWithSteps(5);
    await notify.run(h.taskDeps({ pacer: unpaced }), { incidentId: id, phase: 'progress' });
    const limited = h.fake.calls('chat.postMessage').filter((c) => c.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(await threadSteps(id)).toEqual(['step-0', 'step-1', 'step-2', 'step-3', 'step-4']);
  }, 20_000);

  it('retries 5xx within its bounds', async () => {
    const id = await incidentWithSteps(1);
    h.fake.fail({ status: 503, times: 2 });
    await notify.run(h.taskDeps({ retries: 2 }), { incidentId: id, phase: 'opened' });
    expect(h.fake.calls().filter((c) => c.status === 503)).toHaveLength(2);
    expect((await h.ledger.getIncident(id))?.steps[0]?.notified).toBe(true);
  });

  it('fails with NotificationError after its retries, records notification-failed, and a re-run posts what is missing exactly once', async () => {
    const id = await incidentWithSteps(2);
    h.fake.setRateLimit(false);
    await notify.run(h.taskDeps(), { incidentId: id, phase: 'opened' }).catch(() => undefined);
    await h.ledger.recordStep(id, step('step-late', 20));
    h.fake.fail({ method: 'chat.postMessage', status: 500, times: 3 });
    await expect(
      notify.run(h.taskDeps({ retries: 2 }), { incidentId: id, phase: 'progress' }),
    ).rejects.toBeInstanceOf(NotificationError);
    const audit = await h.ledger.listAudit(id);
    expect(audit.find((e) => e.action === 'notification-failed')).toMatchObject({
      actor: 'system',
      detail: { reason: 'HTTP 500' },
    });
    await notify.run(h.taskDeps(), { incidentId: id, phase: 'progress' });
    expect(await threadSteps(id)).toEqual(['step-0', 'step-1', 'step-late']);
  });

  it('fails with NotificationError when the channel does not exist (misconfiguration), never silently', async () => {
    const { incident } = await h.ledger.recordIntake(makeRequest(), { route: 'contain-ec2', reason: 'test' });
    const deps = { ...h.taskDeps(), settings: { ...h.settings, socChannel: 'C0DOESNOTEXIST' } };
    await expect(notify.run(deps, { incidentId: incident.incidentId, phase: 'opened' })).rejects.toThrow(
      /channel_not_found/,
    );
    expect(
      (await h.ledger.listAudit(incident.incidentId)).some((e) => e.action === 'notification-failed'),
    ).toBe(true);
  });
});
