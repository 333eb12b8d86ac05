import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { type DeferredEvent, sealDeferred } from '../../../bot/deferred';
import { createHttpBot } from '../../../bot/http';
import { createLambdaHandler } from '../../../bot/lambda';
import { BOT, CHANNELS, USERS } from '../../../local/slack/fake-api';
import type { Planner } from '../../../workflow/domain/plan';
import { postSigned, signRequest, slashCommandBody } from '../../helpers/slack';
import { closeSharedDynamo, type Harness, SIGNING_SECRET, startHarness, testPlanner } from './harness';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:airlock/slack-AbCdEf';
/** What --plan costs in AWS: AssumeRole in the member account, then about eight Describe calls. */
const CALLS = 9;
const CALL_MS = 400;

function apiGatewayEvent(body: string) {
  return {
    version: '2.0',
    routeKey: 'POST /slack/events',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...signRequest(SIGNING_SECRET, body),
    },
    requestContext: { http: { method: 'POST', path: '/slack/events' }, stage: '$default' },
    body: Buffer.from(body, 'utf8').toString('base64'),
    isBase64Encoded: true,
  };
}

/** The test planner behind simulated AWS latency: CALLS sequential calls of CALL_MS each (3.6 s in all). */
const slowPlanner: Planner = async (target) => {
  for (let i = 0; i < CALLS; i += 1) await new Promise((r) => setTimeout(r, CALL_MS));
  return testPlanner(target);
};

describe('slow /ir isolate work leaves Slack’s 3-second acknowledgement (issue 16 §6)', () => {
  const secrets = mockClient(SecretsManagerClient);
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
    h.deps.planner = slowPlanner;
    secrets.reset();
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ signingSecret: SIGNING_SECRET, botToken: BOT.token }) });
  });
  afterEach(async () => {
    await h.close();
  });
  afterAll(async () => {
    await closeSharedDynamo();
  });

  /** The Lambda handler whose self-invocation is queued like Lambda's InvocationType Event (fire and forget). */
  function lambda() {
    const invocations: DeferredEvent[] = [];
    const done: Promise<unknown>[] = [];
    const handle = createLambdaHandler(() => ({
      secretArn: SECRET_ARN,
      botId: BOT.botId,
      botUserId: BOT.userId,
      secrets: new SecretsManagerClient({ region: 'us-east-1' }),
      deps: async () => h.deps,
      slackApiUrl: h.fake.apiUrl,
      invokeSelf: async (event) => {
        // What Lambda delivers: the JSON payload, parsed again.
        const delivered = JSON.parse(JSON.stringify(event)) as DeferredEvent;
        invocations.push(delivered);
        done.push(new Promise((r) => setImmediate(r)).then(() => handle(delivered as never, {})));
      },
    }));
    return { handle, invocations, settled: () => Promise.all(done) };
  }

  async function answerFor(userId: string): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const answer = h.fake.ephemerals(userId).find((e) => e.via === 'response_url');
      if (answer) return `${answer.text}\n${JSON.stringify(answer.blocks)}`;
      if (Date.now() > deadline) throw new Error('no answer through response_url');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  function command(text: string) {
    return apiGatewayEvent(
      slashCommandBody({
        text,
        userId: USERS.responder,
        responseUrl: h.fake.responseUrl({ userId: USERS.responder, channel: CHANNELS.soc }),
      }),
    );
  }

  it('--plan: acknowledges in under a second with "Checking …", then posts the plan to response_url', async () => {
    const { handle, invocations, settled } = lambda();
    await handle(apiGatewayEvent(slashCommandBody({ text: 'help' })), {}); // the container is warm
    const started = performance.now();
    const res = await handle(command('isolate i-0abc1234def567890 --plan'), {});
    const ackMs = performance.now() - started;
    expect(res.statusCode).toBe(200);
    expect(ackMs).toBeLessThan(1000);
    expect(JSON.parse(res.body)).toMatchObject({ response_type: 'ephemeral' });
    expect(res.body).toContain('Checking `i-0abc1234def567890` in 123456789012/us-east-1');
    expect(invocations).toHaveLength(1);
    expect(JSON.stringify(invocations[0])).not.toMatch(/xoxb-|signingSecret|taskToken/);
    const answer = await answerFor(USERS.responder);
    expect(performance.now() - started).toBeGreaterThanOrEqual(CALLS * CALL_MS - 50);
    expect(answer).toContain('i-0abc1234def567890');
    expect(answer).toContain('eni-0aaa1111bbbb2222c');
    await settled();
    expect(h.executions.started).toHaveLength(0);
  });

  it('/ir stats and /ir report: acknowledged at once through a sealed self-invocation, answered through response_url', async () => {
    const { handle, invocations, settled } = lambda();
    const stats = await handle(command('stats 30d'), {});
    expect(stats.body).toContain('Counting the last 30d');
    const answer = await answerFor(USERS.responder);
    expect(answer).toContain('*Airlock, last 30d*');
    expect(answer).toContain('Incidents closed: *0*');
    const report = await handle(command('report inc-0123456789abcdef'), {});
    expect(report.body).toContain('Reading the report of inc-0123456789abcdef');
    await settled();
    expect(invocations.map((e) => e.work.kind)).toEqual(['stats', 'report']);
    const answers = h.fake.ephemerals(USERS.responder).filter((e) => e.via === 'response_url');
    expect(JSON.stringify(answers[1]?.blocks)).toContain('no incident `inc-0123456789abcdef`');
  });

  it('isolate: the existence check runs after the acknowledgement, then the incident opens and is announced', async () => {
    const { handle, settled } = lambda();
    const started = performance.now();
    const res = await handle(command('isolate i-0abc1234def567890'), {});
    expect(performance.now() - started).toBeLessThan(1000);
    expect(res.body).toContain('Checking `i-0abc1234def567890`');
    expect(h.executions.started).toHaveLength(0);
    expect(await answerFor(USERS.responder)).toContain('Opened');
    await settled();
    expect(h.executions.started).toHaveLength(1);
  });

  it('an instance that does not exist: "not found in <account>/<region>; nothing was started" via response_url', async () => {
    const { handle, settled } = lambda();
    const res = await handle(command('isolate i-0123456789abcdef0'), {});
    expect(res.body).toContain('Checking `i-0123456789abcdef0`');
    const answer = await answerFor(USERS.responder);
    expect(answer).toContain('not found in 123456789012/us-east-1; nothing was started');
    await settled();
    expect(h.executions.started).toHaveLength(0);
    expect(await h.ledger.listOpenIncidents()).toHaveLength(0);
  });

  it('runs only events it sealed itself: a forged or stale self-event does nothing (403)', async () => {
    const { handle } = lambda();
    const work = {
      kind: 'isolate' as const,
      args: { kind: 'isolate', instanceId: 'i-0abc1234def567890' } as never,
      userId: USERS.responder,
      channelId: CHANNELS.soc,
      teamDomain: 'airlock',
      responseUrl: h.fake.responseUrl({ userId: USERS.responder, channel: CHANNELS.soc }),
    };
    const forged = sealDeferred(work, 'not-the-signing-secret-0123456789ab', Date.now());
    expect((await handle(forged as never, {})).statusCode).toBe(403);
    const stale = sealDeferred(work, SIGNING_SECRET, Date.now() - 16 * 60_000);
    expect((await handle(stale as never, {})).statusCode).toBe(403);
    const tampered = {
      ...sealDeferred(work, SIGNING_SECRET, Date.now()),
      work: { ...work, userId: 'U0EVIL' },
    };
    expect((await handle(tampered as never, {})).statusCode).toBe(403);
    expect(h.executions.started).toHaveLength(0);
    expect(h.fake.ephemerals().filter((e) => e.via === 'response_url')).toHaveLength(0);
  });

  it('offline, the HTTP bot runs the same deferred work in-process after the acknowledgement', async () => {
    const bot = await createHttpBot({
      signingSecret: SIGNING_SECRET,
      token: BOT.token,
      botId: BOT.botId,
      botUserId: BOT.userId,
      deps: h.deps,
      slackApiUrl: h.fake.apiUrl,
      deferSlowWork: true,
    });
    try {
      const started = performance.now();
      const res = await postSigned(
        bot.url,
        slashCommandBody({
          text: 'isolate i-0abc1234def567890 --plan',
          responseUrl: h.fake.responseUrl({ userId: USERS.responder, channel: CHANNELS.soc }),
        }),
        { secret: SIGNING_SECRET },
      );
      expect(performance.now() - started).toBeLessThan(1000);
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.json)).toContain('Checking `i-0abc1234def567890`');
      expect(await answerFor(USERS.responder)).toContain('eni-0aaa1111bbbb2222c');
    } finally {
      await bot.stop();
    }
  });
});
