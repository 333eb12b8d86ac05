import type { WebClient } from '@slack/web-api';
import type { BotTaskDeps } from '../../../../bot/deps';
import { run } from '../../../../bot/tasks/notify';
import { unpaced } from '../../../../bot/tasks/pace';
import { SlackSettingsSchema } from '../../../../workflow/config';
import { NotificationError, ValidationError } from '../../../../workflow/errors';
import { createLogger } from '../../../../workflow/log';
import { FakeLedger, makeRequest } from '../../../helpers/fake-ledger';

/** A WebClient stand-in that answers like Slack and records what was sent. */
function stubSlack(options: { failUpdate?: boolean } = {}) {
  let seq = 100;
  const posted: Record<string, unknown>[] = [];
  const updated: Record<string, unknown>[] = [];
  const slack = {
    chat: {
      postMessage: jest.fn(async (args: Record<string, unknown>) => {
        posted.push(args);
        seq += 100;
        return { ok: true, channel: args.channel, ts: `1700000000.${String(seq).padStart(6, '0')}` };
      }),
      update: jest.fn(async (args: Record<string, unknown>) => {
        if (options.failUpdate) {
          throw Object.assign(new Error('An API error occurred: cant_update_message'), {
            data: { error: 'cant_update_message' },
          });
        }
        updated.push(args);
        return { ok: true };
      }),
    },
  };
  return { slack: slack as unknown as WebClient, posted, updated };
}

function deps(slack: WebClient, ledger: FakeLedger): BotTaskDeps {
  return {
    ledger,
    slack,
    pacer: unpaced,
    settings: SlackSettingsSchema.parse({
      socChannel: 'C0SOC',
      reviewChannel: 'C0REVIEW',
      socLeadUserId: 'U0LEAD',
    }),
    clock: { now: () => new Date('2026-11-22T08:05:00.000Z') },
    log: createLogger('test'),
  };
}

describe('Notify (unit, FakeLedger + stub WebClient)', () => {
  it('posts nothing for an incident routed to ignore', async () => {
    const ledger = new FakeLedger();
    const { incident } = await ledger.recordIntake(makeRequest(), {
      route: 'ignore',
      reason: 'sample finding',
    });
    const { slack, posted } = stubSlack();
    const out = await run(deps(slack, ledger), { incidentId: incident.incidentId, phase: 'opened' });
    expect(out.cardPosted).toBe(false);
    expect(posted).toHaveLength(0);
  });

  it('fails with ValidationError for an unknown incident and rejects unknown phases', async () => {
    const { slack } = stubSlack();
    const d = deps(slack, new FakeLedger());
    await expect(run(d, { incidentId: 'inc-0000000000000000', phase: 'opened' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(run(d, { incidentId: 'inc-0000000000000000', phase: 'celebrate' })).rejects.toThrow(/phase/);
  });

  it('threads every reply under the card ts, and posts the card in the SOC channel', async () => {
    const ledger = new FakeLedger();
    const { incident } = await ledger.recordIntake(makeRequest(), { route: 'contain-ec2', reason: 'r' });
    await ledger.recordStep(incident.incidentId, {
      name: 'a',
      status: 'ok',
      summary: 'a',
      startedAt: '2026-11-22T08:01:00Z',
      endedAt: '2026-11-22T08:01:01Z',
    });
    const { slack, posted } = stubSlack();
    await run(deps(slack, ledger), { incidentId: incident.incidentId, phase: 'opened' });
    expect(posted[0]).toMatchObject({ channel: 'C0SOC' });
    expect(posted[0]?.thread_ts).toBeUndefined();
    const cardTs = (await ledger.getIncident(incident.incidentId))?.slack?.ts;
    expect(posted[1]).toMatchObject({ channel: 'C0SOC', thread_ts: cardTs });
  });

  it('fails with NotificationError and audits notification-failed when Slack refuses the card update', async () => {
    const ledger = new FakeLedger();
    const { incident } = await ledger.recordIntake(makeRequest(), { route: 'contain-ec2', reason: 'r' });
    await ledger.update(incident.incidentId, { slack: { channel: 'C0SOC', ts: '1700000000.000100' } });
    const { slack } = stubSlack({ failUpdate: true });
    await expect(
      run(deps(slack, ledger), { incidentId: incident.incidentId, phase: 'progress' }),
    ).rejects.toBeInstanceOf(NotificationError);
    const audit = await ledger.listAudit(incident.incidentId);
    expect(audit.find((e) => e.action === 'notification-failed')?.detail).toMatchObject({
      reason: 'cant_update_message',
    });
  });
});
