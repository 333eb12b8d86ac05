import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isValidSlackRequest, verifySlackRequest } from '@slack/bolt';
import { USERS } from '../../../local/slack/fake-api';
import { postSigned, signRequest, slashCommandBody } from '../../helpers/slack';
import { closeSharedDynamo, type Harness, SIGNING_SECRET, startHarness } from './harness';

interface Vector {
  signing_secret: string;
  timestamp: string;
  body: string;
  expected_signature: string;
}
const vector = JSON.parse(
  readFileSync(join(__dirname, '../../fixtures/slack-signing-test-vector.json'), 'utf8'),
) as Vector;

describe("request signing (Bolt's verifier, as the app uses it)", () => {
  it("verifies Slack's published signing test vector", () => {
    const headers = {
      'x-slack-signature': vector.expected_signature,
      'x-slack-request-timestamp': Number(vector.timestamp),
    };
    const nowMilliseconds = Number(vector.timestamp) * 1000 + 10_000;
    expect(() =>
      verifySlackRequest({
        signingSecret: vector.signing_secret,
        body: vector.body,
        headers,
        nowMilliseconds,
      }),
    ).not.toThrow();
    expect(signRequest(vector.signing_secret, vector.body, vector.timestamp)['x-slack-signature']).toBe(
      vector.expected_signature,
    );
  });

  it('rejects the test vector with one byte of the body changed, or the wrong secret, or 5+ minutes later', () => {
    const headers = {
      'x-slack-signature': vector.expected_signature,
      'x-slack-request-timestamp': Number(vector.timestamp),
    };
    const now = Number(vector.timestamp) * 1000;
    expect(
      isValidSlackRequest({
        signingSecret: vector.signing_secret,
        body: vector.body.replace('text=', 'text=x'),
        headers,
        nowMilliseconds: now,
      }),
    ).toBe(false);
    expect(
      isValidSlackRequest({
        signingSecret: 'another-secret',
        body: vector.body,
        headers,
        nowMilliseconds: now,
      }),
    ).toBe(false);
    expect(
      isValidSlackRequest({
        signingSecret: vector.signing_secret,
        body: vector.body,
        headers,
        nowMilliseconds: now + 5 * 60_000 + 1000,
      }),
    ).toBe(false);
  });
});

describe('the bot answers 401 and runs nothing for unsigned or forged requests', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
    await closeSharedDynamo();
  });

  const body = slashCommandBody({ text: 'isolate i-0abc1234def567890', userId: USERS.responder });
  const now = () => Math.floor(Date.now() / 1000);

  async function expectRejected(response: Promise<{ status: number }>): Promise<void> {
    expect((await response).status).toBe(401);
    expect(h.executions.started).toHaveLength(0);
    expect(await h.ledger.listOpenIncidents()).toHaveLength(0);
    expect(h.fake.calls()).toHaveLength(0);
  }

  it('rejects a forged signature', async () => {
    await expectRejected(postSigned(h.bot.url, body, { secret: 'not-the-signing-secret' }));
  });

  it('rejects a timestamp older than 5 minutes (a replay)', async () => {
    await expectRejected(
      postSigned(h.bot.url, body, { secret: SIGNING_SECRET, timestamp: now() - 5 * 60 - 30 }),
    );
  });

  it('rejects a tampered body (signed for another text)', async () => {
    const signed = signRequest(SIGNING_SECRET, body, now());
    const tampered = body.replace('isolate', 'list');
    await expectRejected(
      postSigned(h.bot.url, tampered, { secret: SIGNING_SECRET, omitSignature: true, headers: signed }),
    );
  });

  it('rejects missing signature headers', async () => {
    await expectRejected(postSigned(h.bot.url, body, { secret: SIGNING_SECRET, omitSignature: true }));
    await expectRejected(
      postSigned(h.bot.url, body, {
        secret: SIGNING_SECRET,
        omitSignature: true,
        headers: { 'x-slack-request-timestamp': String(now()) },
      }),
    );
  });

  it('accepts the same request correctly signed (control)', async () => {
    const res = await postSigned(h.bot.url, slashCommandBody({ text: 'help' }), { secret: SIGNING_SECRET });
    expect(res.status).toBe(200);
  });
});
