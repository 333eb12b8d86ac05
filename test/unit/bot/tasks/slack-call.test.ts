import type { WebClient } from '@slack/web-api';
import type { BotTaskDeps } from '../../../../bot/deps';
import { unpaced } from '../../../../bot/tasks/pace';
import { MAX_UNPACED_WAIT_MS, slackCall } from '../../../../bot/tasks/slack-call';
import { SlackSettingsSchema } from '../../../../workflow/config';
import { NotificationError } from '../../../../workflow/errors';
import { createLogger } from '../../../../workflow/log';
import { FakeLedger, makeIncident } from '../../../helpers/fake-ledger';

function deps(ledger: FakeLedger): BotTaskDeps {
  return {
    ledger,
    slack: {} as WebClient,
    pacer: unpaced,
    settings: SlackSettingsSchema.parse({
      socChannel: 'C0SOC',
      reviewChannel: 'C0REV',
      socLeadUserId: 'U0LEAD',
    }),
    clock: { now: () => new Date('2026-11-22T08:00:00.000Z') },
    log: createLogger('slack-call-test'),
  };
}

const rateLimited = (retryAfter: number) =>
  Object.assign(new Error('A rate limit was exceeded'), {
    code: 'slack_webapi_rate_limited_error',
    retryAfter,
  });

describe('slackCall: unpaced 429 waits are bounded (§8)', () => {
  it('fails at once as a NotificationError (audited) when Retry-After is beyond the bound, instead of sleeping it out', async () => {
    const ledger = new FakeLedger();
    const incident = makeIncident();
    ledger.seedIncident(incident);
    const call = jest.fn(async () => {
      throw rateLimited(600);
    });
    const started = Date.now();
    await expect(
      slackCall(deps(ledger), incident.incidentId, 'update the card', call),
    ).rejects.toBeInstanceOf(NotificationError);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(call).toHaveBeenCalledTimes(1);
    const audit = await ledger.listAudit(incident.incidentId);
    expect(audit.find((e) => e.action === 'notification-failed')?.detail).toMatchObject({
      what: 'update the card',
    });
    expect(MAX_UNPACED_WAIT_MS).toBeLessThan(30_000);
  }, 10_000);

  it('still waits out a short Retry-After and succeeds', async () => {
    const ledger = new FakeLedger();
    let calls = 0;
    const call = async () => {
      calls += 1;
      if (calls === 1) throw rateLimited(1);
      return 'ok';
    };
    await expect(slackCall(deps(ledger), 'inc-0000000000000000', 'update the card', call)).resolves.toBe(
      'ok',
    );
    expect(calls).toBe(2);
  }, 10_000);
});
