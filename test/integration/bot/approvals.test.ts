import { encodeContainNowValue } from '../../../bot/actions/button-value';
import { ACTIONS } from '../../../bot/ids';
import * as notify from '../../../bot/tasks/notify';
import { BOT, CHANNELS, TEAM, USERS } from '../../../local/slack/fake-api';
import { dedupeKeyFor, resourceKeyFor } from '../../../workflow/intake/ids';
import { createLogger } from '../../../workflow/log';
import type { ApprovalOutcome } from '../../../workflow/tasks/state';
import { makeRequest } from '../../helpers/fake-ledger';
import {
  closeSharedDynamo,
  type Harness,
  HOURS_4,
  pendingApproval,
  SIGNING_SECRET,
  startHarness,
} from './harness';

const INSTANCE = 'i-0abc1234def567890';

describe('Approve / Reject buttons (signed block_actions over HTTP)', () => {
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

  it('approve: one SendTaskSuccess(ApprovalOutcome), the clicked message shows who approved with no buttons, audited', async () => {
    const p = await pendingApproval(h);
    const res = await p.click(USERS.responder2);
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    expect(h.executions.successes).toHaveLength(1);
    const output = h.executions.successes[0]?.output as ApprovalOutcome;
    expect(output).toMatchObject({
      approvalId: p.approvalId,
      decision: 'approve',
      decidedBy: USERS.responder2,
    });
    expect(h.executions.successes[0]?.taskToken).toBe(p.token);
    const message = h.fake.message(p.message.channel, p.message.ts);
    expect(JSON.stringify(message?.blocks)).toContain(`Approved by <@${USERS.responder2}> at`);
    expect(JSON.stringify(message?.blocks)).not.toContain(ACTIONS.approve);
    const approval = await h.ledger.getApproval(p.approvalId);
    expect(approval).toMatchObject({ decision: 'approve', decidedBy: USERS.responder2 });
    expect((await h.ledger.getIncident(p.incidentId))?.approval).toMatchObject({
      state: 'approved',
      decidedBy: USERS.responder2,
    });
    const audit = await h.ledger.listAudit(p.incidentId);
    expect(audit.find((e) => e.action === 'decision')).toMatchObject({ actor: `slack:${USERS.responder2}` });
    // exactly one Slack call from the listener: the chat.update of the clicked message
    expect(h.fake.calls('chat.update').filter((c) => c.params.ts === p.message.ts)).toHaveLength(1);
  });

  it('reject: SendTaskFailure(DecisionRejected) with a JSON cause, the message shows who rejected', async () => {
    const p = await pendingApproval(h);
    await p.click(USERS.lead, ACTIONS.reject);
    expect(h.executions.successes).toHaveLength(0);
    expect(h.executions.failures).toHaveLength(1);
    const failure = h.executions.failures[0];
    expect(failure?.error).toBe('DecisionRejected');
    expect(JSON.parse(failure?.cause ?? '{}')).toMatchObject({
      approvalId: p.approvalId,
      decidedBy: USERS.lead,
    });
    expect(JSON.stringify(h.fake.message(p.message.channel, p.message.ts)?.blocks)).toContain(
      `Rejected by <@${USERS.lead}>`,
    );
  });

  it('double-click race: 10 concurrent Approve clicks → exactly one decision, one SendTaskSuccess, nine "already decided"', async () => {
    const p = await pendingApproval(h);
    h.executions.latencyMs = 25;
    const clickers = [USERS.responder2, USERS.lead];
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => p.click(clickers[i % 2] as string)),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(h.executions.successes).toHaveLength(1);
    const approval = await h.ledger.getApproval(p.approvalId);
    const winner = approval?.decidedBy as string;
    const already = h.fake.ephemerals().filter((e) => e.text.includes('Already decided by'));
    expect(already).toHaveLength(9);
    for (const e of already) {
      expect(e.text).toContain(`Already decided by <@${winner}> (approved at`);
      expect(e.threadTs).toBe(p.cardTs);
    }
    const audit = await h.ledger.listAudit(p.incidentId);
    expect(audit.filter((e) => e.action === 'decision')).toHaveLength(1);
    expect(audit.filter((e) => e.action === 'decision-duplicate')).toHaveLength(9);
    expect(Math.max(...responses.map((r) => r.ms))).toBeLessThan(3000);
  });

  it('a click after the approval expired says so (escalated to the lead) and changes nothing', async () => {
    const p = await pendingApproval(h);
    h.clock.advance(HOURS_4 * 1000 + 1000);
    const res = await p.click(USERS.responder2);
    expect(res.status).toBe(200);
    expect(h.executions.successes).toHaveLength(0);
    const [e] = h.fake.ephemerals(USERS.responder2);
    expect(e?.text).toMatch(/This approval expired at \d\d:\d\d UTC \(escalated to <@U0LEAD>\)/);
    expect(e?.threadTs).toBe(p.cardTs);
    expect((await h.ledger.listAudit(p.incidentId)).some((a) => a.action === 'decision-expired')).toBe(true);
  });

  it('a click whose task token already timed out in Step Functions is answered as expired, never an error', async () => {
    const p = await pendingApproval(h);
    h.executions.expire(p.token);
    await p.click(USERS.responder2);
    const [e] = h.fake.ephemerals(USERS.responder2);
    expect(e?.text).toContain('This approval expired at');
    expect(e?.text).not.toContain('Error id');
    expect(
      (await h.ledger.listAudit(p.incidentId)).find((a) => a.action === 'decision-expired')?.detail,
    ).toMatchObject({ after: 'send-task' });
  });

  it('rejects a click from a non-responder: ephemeral refusal, audit event, nothing decided', async () => {
    const p = await pendingApproval(h);
    await p.click(USERS.outsider);
    expect(h.executions.successes).toHaveLength(0);
    expect((await h.ledger.getApproval(p.approvalId))?.decision).toBeUndefined();
    const [e] = h.fake.ephemerals(USERS.outsider);
    expect(e?.text).toContain('not an Airlock responder');
    const refused = (await h.ledger.listAudit(p.incidentId)).find((a) => a.action === 'decision-refused');
    expect(refused).toMatchObject({
      actor: `slack:${USERS.outsider}`,
      detail: { reason: 'not-a-responder' },
    });
    expect(JSON.stringify(h.fake.message(p.message.channel, p.message.ts)?.blocks)).toContain(
      ACTIONS.approve,
    );
  });

  it('rejects self-approval under four-eyes: the requester of /ir isolate cannot approve it', async () => {
    const p = await pendingApproval(h);
    await p.click(USERS.responder);
    expect(h.executions.successes).toHaveLength(0);
    const [e] = h.fake.ephemerals(USERS.responder);
    expect(e?.text).toContain('four-eyes');
    const refused = (await h.ledger.listAudit(p.incidentId)).find((a) => a.action === 'decision-refused');
    expect(refused).toMatchObject({ actor: `slack:${USERS.responder}`, detail: { reason: 'four-eyes' } });
  });

  it('answers an unexpected failure on a click with an error id only, in the thread', async () => {
    const p = await pendingApproval(h);
    h.deps.ledger.decide = async () => {
      throw new Error('ProvisionedThroughputExceeded: internal detail');
    };
    const res = await p.click(USERS.responder2);
    expect(res.status).toBe(200);
    const [e] = h.fake.ephemerals(USERS.responder2);
    expect(e?.text).toMatch(/Error id `[0-9a-f]{8}`/);
    expect(e?.text).not.toContain('internal detail');
    expect(e?.threadTs).toBe(p.cardTs);
    expect(h.executions.successes).toHaveLength(0);
  });

  it('rejects a tampered button value without touching the ledger', async () => {
    const p = await pendingApproval(h);
    await h.click({
      actionId: ACTIONS.approve,
      value: JSON.stringify({ i: p.incidentId, a: p.approvalId, t: 'AQ-token' }),
      userId: USERS.responder2,
      messageTs: p.message.ts,
      threadTs: p.cardTs,
    });
    expect(h.executions.successes).toHaveLength(0);
    expect(h.fake.ephemerals(USERS.responder2)[0]?.text).toContain('not an Airlock approval');
  });
});

describe('Contain now (review notice)', () => {
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

  async function reviewNotice() {
    const request = makeRequest({
      findingId: 'medium-finding-1',
      type: 'UnauthorizedAccess:EC2/SSHBruteForce',
      severity: { value: 5, label: 'MEDIUM' },
      dedupeKey: dedupeKeyFor('123456789012', 'us-east-1', 'medium-finding-1'),
      resourceKey: resourceKeyFor('123456789012', 'us-east-1', 'ec2-instance', INSTANCE),
    });
    const { incident } = await h.ledger.recordIntake(request, {
      route: 'review',
      reason: 'review: MEDIUM severity',
    });
    await notify.run(h.taskDeps(), { incidentId: incident.incidentId, phase: 'opened' });
    await h.ledger.setStatus(incident.incidentId, 'NOTIFIED');
    const notice = (await h.ledger.getIncident(incident.incidentId))?.slack as {
      channel: string;
      ts: string;
    };
    const click = (userId: string) =>
      h.click({
        actionId: ACTIONS.containNow,
        value: encodeContainNowValue(incident.incidentId),
        userId,
        channel: notice.channel,
        messageTs: notice.ts,
        blockId: 'airlock_review',
      });
    return { incidentId: incident.incidentId, notice, click };
  }

  it('starts containment through the same intake path and updates the notice', async () => {
    const r = await reviewNotice();
    expect(r.notice.channel).toBe(CHANNELS.review);
    await r.click(USERS.responder2);
    expect(h.executions.started).toHaveLength(1);
    const opened = await h.ledger.getIncident(h.executions.started[0]?.name as string);
    expect(opened).toMatchObject({
      route: 'contain-ec2',
      request: { source: 'manual', requester: { slackUserId: USERS.responder2 } },
    });
    const notice = JSON.stringify(h.fake.message(r.notice.channel, r.notice.ts)?.blocks);
    expect(notice).toContain(`Contain now pressed by <@${USERS.responder2}>`);
    expect(notice).not.toContain(ACTIONS.containNow);
    expect((await h.ledger.listAudit(r.incidentId)).find((a) => a.action === 'contain-now')).toMatchObject({
      actor: `slack:${USERS.responder2}`,
    });
  });

  it('a second press (or /ir isolate) finds the open incident and links its thread', async () => {
    const r = await reviewNotice();
    await r.click(USERS.responder2);
    const newId = h.executions.started[0]?.name as string;
    await h.ledger.update(newId, { slack: { channel: CHANNELS.soc, ts: '1700000100.000100' } });
    await r.click(USERS.lead);
    expect(h.executions.started).toHaveLength(1);
    const [e] = h.fake.ephemerals(USERS.lead);
    expect(e?.text).toContain(newId);
    expect(JSON.stringify(e?.blocks)).toContain(
      `https://${TEAM.domain}.slack.com/archives/${CHANNELS.soc}/p1700000100000100`,
    );
  });

  it('rejects a non-responder: nothing started, refusal audited', async () => {
    const r = await reviewNotice();
    await r.click(USERS.outsider);
    expect(h.executions.started).toHaveLength(0);
    expect(h.fake.ephemerals(USERS.outsider)[0]?.text).toContain('not an Airlock responder');
    expect(
      (await h.ledger.listAudit(r.incidentId)).find((a) => a.action === 'contain-now-refused'),
    ).toMatchObject({ actor: `slack:${USERS.outsider}` });
  });
});

describe('logs', () => {
  it('carry the incident id and never a task token, the bot token, the signing secret or a raw payload', async () => {
    const lines: string[] = [];
    const log = createLogger('bot-test', {
      level: 'debug',
      hooks: {
        streamWrite: (line: string) => {
          lines.push(line);
          return '';
        },
      },
    });
    const h = await startHarness({ log });
    try {
      const p = await pendingApproval(h);
      await p.click(USERS.outsider);
      await p.click(USERS.responder2);
      await p.click(USERS.lead);
      await h.command('status i-0abc1234def567890');
      const all = lines.join('');
      expect(all).toContain(p.incidentId);
      expect(lines.some((l) => l.includes('decision delivered') && l.includes(p.incidentId))).toBe(true);
      for (const secret of [p.token, BOT.token, SIGNING_SECRET, 'payload='])
        expect(all).not.toContain(secret);
    } finally {
      await h.close();
      await closeSharedDynamo();
    }
  });
});
