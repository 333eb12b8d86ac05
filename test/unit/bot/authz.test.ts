import type { WebClient } from '@slack/web-api';
import { Authorizer, GROUP_CACHE_TTL_MS } from '../../../bot/authz';
import { SlackSettingsSchema } from '../../../workflow/config';
import type { ApprovalRecord } from '../../../workflow/ledger/types';
import { createLogger } from '../../../workflow/log';

function stubClient(answer: () => Promise<{ ok: boolean; users?: string[] }>) {
  const list = jest.fn(answer);
  return { client: { usergroups: { users: { list } } } as unknown as WebClient, list };
}

const settings = SlackSettingsSchema.parse({
  socChannel: 'C0SOC',
  reviewChannel: 'C0REVIEW',
  socLeadUserId: 'U0LEAD',
  responderUserIds: ['U0RESP1'],
  responderGroupId: 'S0RESPONDERS',
});
const approval: ApprovalRecord = {
  approvalId: 'apr-fedcba9876543210',
  incidentId: 'inc-0123456789abcdef',
  taskToken: 't',
  kind: 'primary',
  requesterSlackUserId: 'U0RESP1',
  createdAt: '2026-11-22T08:00:00.000Z',
  expiresAt: '2026-11-22T12:00:00.000Z',
};

describe('Authorizer', () => {
  let now = new Date('2026-11-22T08:00:00.000Z');
  const clock = { now: () => now };
  const log = createLogger('test');

  it('always authorizes the SOC lead and listed responders without calling Slack', async () => {
    const { client, list } = stubClient(async () => ({ ok: true, users: [] }));
    const authz = new Authorizer({ ...settings, responderGroupId: undefined }, clock, log);
    expect(await authz.isResponder('U0LEAD', client)).toBe(true);
    expect(await authz.isResponder('U0RESP1', client)).toBe(true);
    expect(await authz.isResponder('U0OUTSIDE', client)).toBe(false);
    expect(list).not.toHaveBeenCalled();
  });

  it('authorizes user group members, caching the member list for 5 minutes', async () => {
    const { client, list } = stubClient(async () => ({ ok: true, users: ['U0RESP2'] }));
    const authz = new Authorizer(settings, clock, log);
    const results = await Promise.all([
      authz.isResponder('U0RESP2', client),
      authz.isResponder('U0OUTSIDE', client),
    ]);
    expect(results).toEqual([true, false]);
    now = new Date(now.getTime() + GROUP_CACHE_TTL_MS - 1000);
    expect(await authz.isResponder('U0RESP2', client)).toBe(true);
    expect(list).toHaveBeenCalledTimes(1);
    now = new Date(now.getTime() + 2000);
    await authz.isResponder('U0RESP2', client);
    expect(list).toHaveBeenCalledTimes(2);
  });

  it('falls back to the listed responders when the group lookup fails (plan_upgrade_required)', async () => {
    const { client } = stubClient(async () => {
      throw Object.assign(new Error('An API error occurred: plan_upgrade_required'), {
        data: { error: 'plan_upgrade_required' },
      });
    });
    const authz = new Authorizer(settings, clock, log);
    expect(await authz.isResponder('U0RESP2', client)).toBe(false);
    expect(await authz.isResponder('U0RESP1', client)).toBe(true);
  });

  it('refuses the requester approving their own request under four-eyes, but lets them reject', async () => {
    const { client } = stubClient(async () => ({ ok: true, users: [] }));
    const authz = new Authorizer(settings, clock, log);
    expect(await authz.mayDecide('U0RESP1', 'approve', approval, client)).toMatchObject({
      ok: false,
      reason: 'four-eyes',
    });
    expect(await authz.mayDecide('U0RESP1', 'reject', approval, client)).toEqual({ ok: true });
    expect(await authz.mayDecide('U0LEAD', 'approve', approval, client)).toEqual({ ok: true });
    const relaxed = new Authorizer({ ...settings, fourEyes: false }, clock, log);
    expect(await relaxed.mayDecide('U0RESP1', 'approve', approval, client)).toEqual({ ok: true });
  });

  it('refuses a non-responder', async () => {
    const { client } = stubClient(async () => ({ ok: true, users: [] }));
    const authz = new Authorizer(settings, clock, log);
    expect(await authz.mayDecide('U0OUTSIDE', 'reject', approval, client)).toMatchObject({
      ok: false,
      reason: 'not-a-responder',
    });
  });
});
