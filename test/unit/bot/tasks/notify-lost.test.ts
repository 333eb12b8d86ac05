import type { WebClient } from '@slack/web-api';
import type { BotTaskDeps } from '../../../../bot/deps';
import { run } from '../../../../bot/tasks/notify';
import { type PostPacer, unpaced } from '../../../../bot/tasks/pace';
import { SlackSettingsSchema } from '../../../../workflow/config';
import { SlackPacedError } from '../../../../workflow/errors';
import { createLogger } from '../../../../workflow/log';
import { FakeLedger, makeRequest } from '../../../helpers/fake-ledger';

function stubSlack() {
  let seq = 100;
  const posted: Record<string, unknown>[] = [];
  const slack = {
    chat: {
      postMessage: jest.fn(async (args: Record<string, unknown>) => {
        posted.push(args);
        seq += 100;
        return { ok: true, channel: args.channel, ts: `1700000000.${String(seq).padStart(6, '0')}` };
      }),
      update: jest.fn(async () => ({ ok: true })),
    },
  };
  return { slack: slack as unknown as WebClient, posted };
}

const busy: PostPacer = {
  take: async (channel) => {
    throw new SlackPacedError(`channel ${channel} has no free post slot for 40 s`);
  },
  holdOff: async () => {},
};

function deps(slack: WebClient, ledger: FakeLedger, pacer: PostPacer = unpaced): BotTaskDeps {
  return {
    ledger,
    slack,
    pacer,
    settings: SlackSettingsSchema.parse({
      socChannel: 'C0SOC',
      reviewChannel: 'C0REVIEW',
      socLeadUserId: 'U0LEAD',
    }),
    clock: { now: () => new Date('2026-11-22T08:05:00.000Z') },
    log: createLogger('test'),
  };
}

describe('Notify: Slack posts that run out of pacer retries are never silent (§8)', () => {
  it('audits a refused phase, and the next post that succeeds records it lost and says what was missed', async () => {
    const ledger = new FakeLedger();
    const { incident } = await ledger.recordIntake(makeRequest(), { route: 'contain-ec2', reason: 'r' });
    await ledger.update(incident.incidentId, { slack: { channel: 'C0SOC', ts: '1700000000.000100' } });
    const { slack, posted } = stubSlack();
    await ledger.recordStep(incident.incidentId, {
      name: 'snapshot-volumes',
      status: 'ok',
      summary: '1 snapshot',
      startedAt: '2026-11-22T08:01:00Z',
      endedAt: '2026-11-22T08:01:01Z',
    });
    // NotifyContained is refused (every retry, until the state machine's Catch steps past it) …
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await expect(
        run(deps(slack, ledger, busy), { incidentId: incident.incidentId, phase: 'contained' }),
      ).rejects.toBeInstanceOf(SlackPacedError);
    }
    let actions = (await ledger.listAudit(incident.incidentId)).map((e) => e.action);
    expect(actions.filter((a) => a === 'notification-queued')).toHaveLength(1);
    // … then the run moves on and NotifyResolved gets through.
    await run(deps(slack, ledger), { incidentId: incident.incidentId, phase: 'resolved' });
    const audit = await ledger.listAudit(incident.incidentId);
    actions = audit.map((e) => e.action);
    expect(audit.find((e) => e.action === 'notification-lost')?.detail).toMatchObject({ phase: 'contained' });
    const texts = posted.map((p) => String(p.text));
    expect(texts.some((t) => t.includes('not posted') && t.includes('contained'))).toBe(true);
    // told once
    await run(deps(slack, ledger), { incidentId: incident.incidentId, phase: 'resolved' });
    expect(
      (await ledger.listAudit(incident.incidentId)).filter((e) => e.action === 'notification-lost'),
    ).toHaveLength(1);
  });
});
