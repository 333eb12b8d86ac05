import type { WebClient } from '@slack/web-api';
import type { BotTaskDeps } from '../../../../bot/deps';
import { type PostedIncident, refreshCard, topMessage } from '../../../../bot/tasks/card';
import { unpaced } from '../../../../bot/tasks/pace';
import { SlackSettingsSchema } from '../../../../workflow/config';
import { createLogger } from '../../../../workflow/log';
import { FakeLedger, makeRequest } from '../../../helpers/fake-ledger';

const SLACK_REF = { channel: 'C0SOC', ts: '1700000000.000100' };

/** chat.update recorded; `during` runs inside the first call, as a concurrent task would while Slack answers. */
function stubSlack(during?: () => Promise<void>) {
  const updated: { text: string }[] = [];
  let calls = 0;
  const slack = {
    chat: {
      update: jest.fn(async (args: { text: string }) => {
        calls += 1;
        if (calls === 1 && during) await during();
        updated.push(args);
        return { ok: true };
      }),
    },
  };
  return { slack: slack as unknown as WebClient, updated };
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

async function awaitingIncident(ledger: FakeLedger): Promise<PostedIncident> {
  const { incident } = await ledger.recordIntake(makeRequest(), { route: 'contain-ec2', reason: 'test' });
  await ledger.update(incident.incidentId, { slack: SLACK_REF });
  const awaiting = await ledger.setStatus(incident.incidentId, 'AWAITING_APPROVAL');
  return { ...awaiting, slack: SLACK_REF } as PostedIncident;
}

describe('refreshCard: the card ends showing the ledger, whatever order the updates land in', () => {
  it('renders the ledger, not a stale copy the caller read earlier (the incident resolved meanwhile)', async () => {
    const ledger = new FakeLedger();
    const stale = await awaitingIncident(ledger);
    await ledger.setStatus(stale.incidentId, 'RESOLVED');
    const { slack, updated } = stubSlack();
    const d = deps(slack, ledger);

    await refreshCard(d, stale);

    const latest = await ledger.getIncident(stale.incidentId);
    if (!latest) throw new Error('incident missing');
    expect(updated.at(-1)?.text).toBe(topMessage(d, latest).text);
    expect(updated.at(-1)?.text).not.toBe(topMessage(d, stale).text);
  });

  it('updates again when the incident changed while its update was in flight (a later close landed first)', async () => {
    const ledger = new FakeLedger();
    const incident = await awaitingIncident(ledger);
    const { slack, updated } = stubSlack(async () => {
      await ledger.setStatus(incident.incidentId, 'RESOLVED');
    });
    const d = deps(slack, ledger);

    await refreshCard(d, incident);

    const latest = await ledger.getIncident(incident.incidentId);
    if (!latest) throw new Error('incident missing');
    expect(updated).toHaveLength(2);
    expect(updated[0]?.text).toBe(topMessage(d, incident).text);
    expect(updated[1]?.text).toBe(topMessage(d, latest).text);
  });

  it('updates once when nothing changed meanwhile', async () => {
    const ledger = new FakeLedger();
    const incident = await awaitingIncident(ledger);
    const { slack, updated } = stubSlack();
    await refreshCard(deps(slack, ledger), incident);
    expect(updated).toHaveLength(1);
  });
});
