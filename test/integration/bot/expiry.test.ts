import { ACTIONS } from '../../../bot/ids';
import * as notify from '../../../bot/tasks/notify';
import type { PostPacer } from '../../../bot/tasks/pace';
import * as requestApproval from '../../../bot/tasks/request-approval';
import { CHANNELS, USERS } from '../../../local/slack/fake-api';
import { closeSharedDynamo, type Harness, HOURS_4, pendingApproval, startHarness } from './harness';

const INSTANCE = 'i-0abc1234def567890';

function hasButtons(blocks: unknown): boolean {
  const json = JSON.stringify(blocks ?? []);
  return json.includes(ACTIONS.approve) || json.includes(ACTIONS.reject);
}

describe('decisions and messages that never contradict each other (§1)', () => {
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

  it('rejects a click that lost to the timer: no decision stored, audited as decision-expired and nothing else', async () => {
    const p = await pendingApproval(h);
    // The workflow's timer fired (the token is dead) before Escalate marked anything in the ledger.
    h.executions.expire(p.token);
    const before = (await h.ledger.listAudit(p.incidentId)).length;
    await p.click(USERS.responder2);
    const approval = await h.ledger.getApproval(p.approvalId);
    expect(approval?.decision).toBeUndefined();
    expect(approval?.decidedBy).toBeUndefined();
    const added = (await h.ledger.listAudit(p.incidentId)).slice(before).map((e) => e.action);
    expect(added).toEqual(['decision-expired']);
    expect((await h.ledger.getIncident(p.incidentId))?.approval?.state).not.toBe('approved');
    expect(h.fake.ephemerals(USERS.responder2).at(-1)?.text).toContain('changed nothing');
  });

  it('rejects a click on an incident that already closed, without writing a decision', async () => {
    const p = await pendingApproval(h);
    await h.ledger.setStatus(p.incidentId, 'ESCALATED_UNRESOLVED');
    await p.click(USERS.responder2);
    expect((await h.ledger.getApproval(p.approvalId))?.decision).toBeUndefined();
    expect(h.executions.successes).toHaveLength(0);
    const actions = (await h.ledger.listAudit(p.incidentId)).map((e) => e.action);
    expect(actions).toContain('decision-expired');
    expect(actions).not.toContain('decision');
  });

  it('rejects a click that does not come from the approval’s own message (another channel, a made-up ts)', async () => {
    const p = await pendingApproval(h);
    const forged = await h.click({
      actionId: ACTIONS.approve,
      value: p.value,
      userId: USERS.responder2,
      channel: CHANNELS.review,
      messageTs: '1700000999.000100',
    });
    expect(forged.status).toBe(200);
    expect(h.executions.successes).toHaveLength(0);
    expect((await h.ledger.getApproval(p.approvalId))?.decision).toBeUndefined();
    const audit = await h.ledger.listAudit(p.incidentId);
    expect(audit.find((e) => e.action === 'decision-refused')?.detail).toMatchObject({
      reason: 'wrong-message',
    });
    // the real message still works
    await p.click(USERS.responder2);
    expect(h.executions.successes).toHaveLength(1);
  });

  it('shows the workflow’s own deadline, and never leaves live buttons on a request that expired while queued', async () => {
    await h.command(`isolate ${INSTANCE}`, { userId: USERS.responder });
    const incidentId = h.executions.started.at(-1)?.name as string;
    const base = h.taskDeps();
    await notify.run(base, { incidentId, phase: 'opened' });
    const startedAt = h.clock.now().getTime();
    // The approval post waits in the pacer while someone fast-forwards 8 hours (the timer fires, then the
    // escalation's): by the time it goes out the incident has closed.
    let jumped = false;
    const pacer: PostPacer = {
      take: async () => {
        if (!jumped) {
          jumped = true;
          h.clock.advance(8 * 3600_000);
          await h.ledger.setStatus(incidentId, 'ESCALATED_UNRESOLVED');
        }
        return 0;
      },
      holdOff: async () => {},
    };
    const out = await requestApproval.run(
      { ...base, pacer },
      { incidentId, taskToken: h.executions.issueToken(), timeoutSeconds: HOURS_4 },
    );
    const approval = await h.ledger.getApproval(out.approvalId);
    const deadline = new Date(approval?.expiresAt as string).getTime();
    expect(Math.abs(deadline - (startedAt + HOURS_4 * 1000))).toBeLessThan(60_000);
    for (const ref of out.messages) {
      const m = h.fake.message(ref.channel, ref.ts);
      if (m) expect(hasButtons(m.blocks)).toBe(false);
    }
    for (const m of h.fake.allMessages()) expect(hasButtons(m.blocks)).toBe(false);
  });
});
