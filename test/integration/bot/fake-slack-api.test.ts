import { WebClient } from '@slack/web-api';
import { BOT, CHANNELS, type FakeChange, FakeSlackApi, TEAM, USERS } from '../../../local/slack/fake-api';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('FakeSlackApi (local/slack/fake-api.ts)', () => {
  let fake: FakeSlackApi;
  let slack: WebClient;
  beforeEach(async () => {
    fake = await new FakeSlackApi({ rateLimit: false }).start();
    slack = new WebClient(BOT.token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('answers chat.postMessage like Slack (ok, channel, increasing ts, message) and threads replies', async () => {
    const card = await slack.chat.postMessage({
      channel: CHANNELS.soc,
      text: 'card',
      blocks: [section('card')],
    });
    expect(card).toMatchObject({
      ok: true,
      channel: CHANNELS.soc,
      message: { text: 'card', bot_id: BOT.botId, user: BOT.userId },
    });
    expect(card.ts).toMatch(/^\d{10}\.\d{6}$/);
    const reply = await slack.chat.postMessage({
      channel: CHANNELS.soc,
      text: 'reply',
      thread_ts: card.ts as string,
    });
    expect((reply.ts as string) > (card.ts as string)).toBe(true);
    expect(reply.message?.thread_ts).toBe(card.ts);
    expect(fake.thread(CHANNELS.soc, card.ts as string).map((m) => m.text)).toEqual(['reply']);
    expect(fake.channelMessages(CHANNELS.soc).map((m) => m.text)).toEqual(['card']);
  });

  it('replaces text and blocks on chat.update and records the edit', async () => {
    const card = await slack.chat.postMessage({ channel: CHANNELS.soc, text: 'v1' });
    const updated = await slack.chat.update({
      channel: CHANNELS.soc,
      ts: card.ts as string,
      text: 'v2',
      blocks: [section('v2')],
    });
    expect(updated).toMatchObject({ ok: true, channel: CHANNELS.soc, ts: card.ts, text: 'v2' });
    expect(fake.message(CHANNELS.soc, card.ts as string)).toMatchObject({
      text: 'v2',
      edits: 1,
      blocks: [section('v2')],
    });
  });

  it('fails with Slack errors: channel_not_found, message_not_found, invalid_auth, invalid_blocks, msg_too_long', async () => {
    await expect(slack.chat.postMessage({ channel: 'C0NOPE', text: 'x' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    await expect(
      slack.chat.update({ channel: CHANNELS.soc, ts: '1.000100', text: 'x' }),
    ).rejects.toMatchObject({ data: { error: 'message_not_found' } });
    const wrong = new WebClient('xoxb-wrong', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    await expect(wrong.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    const tooMany = Array.from({ length: 51 }, () => section('x'));
    await expect(
      slack.chat.postMessage({ channel: CHANNELS.soc, text: 'x', blocks: tooMany }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    await expect(
      slack.chat.postMessage({ channel: CHANNELS.soc, text: 'x', blocks: [section('y'.repeat(3001))] }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    const card = await slack.chat.postMessage({ channel: CHANNELS.soc, text: 'x' });
    await expect(
      slack.chat.update({ channel: CHANNELS.soc, ts: card.ts as string, text: 'z'.repeat(4001) }),
    ).rejects.toMatchObject({ data: { error: 'msg_too_long' } });
    expect(
      fake
        .calls('chat.postMessage')
        .filter((c) => !c.ok)
        .map((c) => c.error),
    ).toEqual(['channel_not_found', 'invalid_blocks', 'invalid_blocks']);
  });

  it('opens a DM per user, answers users.info, auth.test, chat.getPermalink and usergroups.users.list', async () => {
    const dm = await slack.conversations.open({ users: USERS.lead });
    expect(dm.channel?.id).toBe(fake.dmChannel(USERS.lead));
    await expect(slack.conversations.open({ users: 'U0NOBODY' })).rejects.toMatchObject({
      data: { error: 'user_not_found' },
    });
    expect((await slack.users.info({ user: USERS.responder })).user).toMatchObject({
      id: USERS.responder,
      is_bot: false,
    });
    expect(await slack.auth.test()).toMatchObject({
      user_id: BOT.userId,
      bot_id: BOT.botId,
      team_id: TEAM.id,
    });
    const card = await slack.chat.postMessage({ channel: CHANNELS.soc, text: 'x' });
    const link = await slack.chat.getPermalink({ channel: CHANNELS.soc, message_ts: card.ts as string });
    expect(link.permalink).toBe(
      `https://${TEAM.domain}.slack.com/archives/${CHANNELS.soc}/p${(card.ts as string).replace('.', '')}`,
    );
    expect((await slack.usergroups.users.list({ usergroup: 'S0RESPONDERS' })).users).toEqual([
      USERS.responder,
      USERS.responder2,
    ]);
  });

  it('answers usergroups with plan_upgrade_required on a free plan', async () => {
    const free = await new FakeSlackApi({ plan: 'free' }).start();
    const client = new WebClient(BOT.token, { slackApiUrl: free.apiUrl, retryConfig: { retries: 0 } });
    await expect(client.usergroups.users.list({ usergroup: 'S0RESPONDERS' })).rejects.toMatchObject({
      data: { error: 'plan_upgrade_required' },
    });
    await free.stop();
  });

  it('keeps ephemerals per user, in their thread, from chat.postEphemeral and response_url', async () => {
    await slack.chat.postEphemeral({
      channel: CHANNELS.soc,
      user: USERS.outsider,
      text: 'no',
      thread_ts: '1700000000.000100',
    });
    const url = fake.responseUrl({ userId: USERS.responder, channel: CHANNELS.soc });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text: 'hi' }),
    });
    expect(res.status).toBe(200);
    expect(fake.ephemerals(USERS.outsider)).toMatchObject([
      { text: 'no', threadTs: '1700000000.000100', via: 'chat.postEphemeral' },
    ]);
    expect(fake.ephemerals(USERS.responder)).toMatchObject([{ text: 'hi', via: 'response_url' }]);
  });

  it('accepts a response_url about 5 times, then answers 404', async () => {
    const url = fake.responseUrl({ userId: USERS.responder, channel: CHANNELS.soc });
    const post = () =>
      fetch(url, { method: 'POST', body: JSON.stringify({ text: 'x' }) }).then((r) => r.status);
    const statuses = [];
    for (let i = 0; i < 6; i += 1) statuses.push(await post());
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
  });

  it('rate-limits chat.postMessage per channel (burst 3, then 1/s) with HTTP 429 and Retry-After', async () => {
    let now = Date.parse('2026-11-22T08:00:00Z');
    const limited = await new FakeSlackApi({ timers: { now: () => new Date(now) } }).start();
    const post = (channel: string) =>
      fetch(`${limited.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BOT.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ channel, text: 'x' }),
      });
    for (let i = 0; i < 3; i += 1) expect((await post(CHANNELS.soc)).status).toBe(200);
    const res = await post(CHANNELS.soc);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toEqual({ ok: false, error: 'ratelimited' });
    expect((await post(CHANNELS.review)).status).toBe(200);
    now += 1000;
    expect((await post(CHANNELS.soc)).status).toBe(200);
    await limited.stop();
  });

  it('keeps rate limiting on real time even when messages are stamped with a frozen drill clock', async () => {
    const frozen = await new FakeSlackApi({
      clock: { now: () => new Date('2026-11-22T08:00:00Z') },
      rateLimit: { perSecond: 20, burst: 1 },
    }).start();
    const client = new WebClient(BOT.token, {
      slackApiUrl: frozen.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    await client.chat.postMessage({ channel: CHANNELS.soc, text: 'a' });
    await new Promise((r) => setTimeout(r, 80));
    const b = await client.chat.postMessage({ channel: CHANNELS.soc, text: 'b' });
    expect(b.ts?.startsWith('1795334400.')).toBe(true);
    await frozen.stop();
  });

  it('injects 5xx and 429 storms on the next matching calls', async () => {
    fake.fail({ method: 'chat.update', status: 503, times: 2 });
    fake.fail({ method: 'chat.postMessage', status: 429, times: 1, retryAfter: 7 });
    const r1 = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      body: 'channel=C0REVIEW&text=x',
    });
    expect(r1.status).toBe(429);
    expect(r1.headers.get('retry-after')).toBe('7');
    const statuses = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await fetch(`${fake.apiUrl}chat.update`, { method: 'POST', body: 'x=1' })).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('storms: every matching call fails for a while, then the API recovers', async () => {
    let now = Date.parse('2026-11-22T08:00:00Z');
    const stormy = await new FakeSlackApi({ timers: { now: () => new Date(now) }, rateLimit: false }).start();
    stormy.storm({ status: 429, durationMs: 10_000, retryAfter: 2 });
    const call = () =>
      fetch(`${stormy.apiUrl}auth.test`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BOT.token}` },
      });
    const during = await call();
    expect([during.status, during.headers.get('retry-after')]).toEqual([429, '2']);
    now += 5_000;
    expect((await call()).status).toBe(429);
    now += 5_000;
    expect((await call()).status).toBe(200);
    await stormy.stop();
  });

  it("emits 'change' for messages, edits, ephemerals and calls", async () => {
    const kinds: FakeChange['kind'][] = [];
    fake.on('change', (c: FakeChange) => kinds.push(c.kind));
    const card = await slack.chat.postMessage({ channel: CHANNELS.soc, text: 'x' });
    await slack.chat.update({ channel: CHANNELS.soc, ts: card.ts as string, text: 'y' });
    await slack.chat.postEphemeral({ channel: CHANNELS.soc, user: USERS.lead, text: 'z' });
    expect(kinds).toEqual(['message', 'call', 'update', 'call', 'ephemeral', 'call']);
  });

  it('never records the token in the call log', async () => {
    await slack.chat.postMessage({ channel: CHANNELS.soc, text: 'x' });
    expect(JSON.stringify(fake.calls())).not.toContain(BOT.token);
  });
});
