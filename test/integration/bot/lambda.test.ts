import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { ACTIONS } from '../../../bot/ids';
import { createLambdaHandler, productionOptions } from '../../../bot/lambda';
import { productionBotDeps } from '../../../bot/production';
import { loadSlackSecret, SlackSecretNotSetError } from '../../../bot/secrets';
import { BOT, USERS } from '../../../local/slack/fake-api';
import { blockActionBody, signRequest, slashCommandBody } from '../../helpers/slack';
import { closeSharedDynamo, type Harness, pendingApproval, SIGNING_SECRET, startHarness } from './harness';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:airlock/slack-AbCdEf';

/** An API Gateway HTTP API (payload v2.0) event, as Lambda receives it. */
function httpApiEvent(body: string, headers: Record<string, string>, base64: boolean) {
  return {
    version: '2.0',
    routeKey: 'POST /slack/events',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      host: 'abc123.execute-api.us-east-1.amazonaws.com',
      ...headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      http: {
        method: 'POST',
        path: '/slack/events',
        protocol: 'HTTP/1.1',
        sourceIp: '3.4.5.6',
        userAgent: 'Slackbot 1.0',
      },
      requestId: 'req-1',
      routeKey: 'POST /slack/events',
      stage: '$default',
      time: '22/Nov/2026:08:00:00 +0000',
      timeEpoch: 1795334400000,
    },
    body: base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
    isBase64Encoded: base64,
  };
}

function signed(body: string, base64 = true, secret = SIGNING_SECRET) {
  const headers = signRequest(secret, body, Math.floor(Date.now() / 1000));
  return httpApiEvent(body, headers, base64);
}

describe('bot/lambda.ts (AwsLambdaReceiver behind API Gateway HTTP API v2)', () => {
  const secrets = mockClient(SecretsManagerClient);
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
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

  function handler() {
    return createLambdaHandler(() => ({
      secretArn: SECRET_ARN,
      botId: BOT.botId,
      botUserId: BOT.userId,
      secrets: new SecretsManagerClient({ region: 'us-east-1' }),
      deps: async () => h.deps,
      slackApiUrl: h.fake.apiUrl,
    }));
  }

  it('answers a base64-encoded slash command, loading the secret once per container and never calling auth.test', async () => {
    const handle = handler();
    for (let i = 0; i < 3; i += 1) {
      const res = await handle(signed(slashCommandBody({ text: 'help' })), {});
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ response_type: 'ephemeral' });
      expect(res.body).toContain('/ir isolate');
    }
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: SECRET_ARN });
    expect(h.fake.calls('auth.test')).toHaveLength(0);
  });

  it('rejects at the door on Lambda too: a future timestamp (401), a replay (401), another team (403), a signed null (400)', async () => {
    const handle = handler();
    const body = slashCommandBody({ text: 'isolate i-0abc1234def567890', userId: USERS.responder });
    const future = httpApiEvent(
      body,
      signRequest(SIGNING_SECRET, body, Math.floor(Date.now() / 1000) + 400),
      true,
    );
    expect((await handle(future, {})).statusCode).toBe(401);
    const other = slashCommandBody({ text: 'help', teamId: 'T0EVIL' });
    expect((await handle(signed(other), {})).statusCode).toBe(403);
    const nullBody = httpApiEvent('null', signRequest(SIGNING_SECRET, 'null'), false);
    expect(
      (
        await handle(
          { ...nullBody, headers: { ...nullBody.headers, 'content-type': 'application/json' } },
          {},
        )
      ).statusCode,
    ).toBe(400);
    expect(h.executions.started).toHaveLength(0);
    const once = signed(body);
    expect((await handle(once, {})).statusCode).toBe(200);
    expect((await handle(once, {})).statusCode).toBe(401);
    expect(h.executions.started).toHaveLength(1);
  });

  it('runs /ir isolate from a plain (not base64) body', async () => {
    const res = await handler()(
      signed(slashCommandBody({ text: 'isolate i-0abc1234def567890', userId: USERS.responder }), false),
      {},
    );
    expect(res.statusCode).toBe(200);
    expect(h.executions.started).toHaveLength(1);
    expect(res.body).toContain(h.executions.started[0]?.name);
  });

  it('keeps a reason with non-ASCII text intact through base64 (the signature covers the raw body)', async () => {
    const body = slashCommandBody({ text: 'isolate i-0abc1234def567890 reason C2 beacon → evil.example ✓' });
    const res = await handler()(signed(body), {});
    expect(res.statusCode).toBe(200);
    const incident = await h.ledger.getIncident(h.executions.started[0]?.name as string);
    expect(incident?.request.requester?.reason).toBe('C2 beacon → evil.example ✓');
  });

  it('handles an Approve click (base64 payload=…) exactly like the HTTP receiver', async () => {
    const p = await pendingApproval(h);
    const body = blockActionBody({
      actionId: ACTIONS.approve,
      value: p.value,
      userId: USERS.responder2,
      channel: p.message.channel,
      messageTs: p.message.ts,
      threadTs: p.cardTs,
    });
    const res = await handler()(signed(body), {});
    expect(res.statusCode).toBe(200);
    expect(h.executions.successes).toHaveLength(1);
    expect(JSON.stringify(h.fake.message(p.message.channel, p.message.ts)?.blocks)).toContain(
      'Approved by <@U0RESP2>',
    );
  });

  it('answers 401 and runs nothing for a forged signature or a stale timestamp', async () => {
    const handle = handler();
    const body = slashCommandBody({ text: 'isolate i-0abc1234def567890' });
    expect((await handle(signed(body, true, 'forged-secret'), {})).statusCode).toBe(401);
    const stale = httpApiEvent(
      body,
      signRequest(SIGNING_SECRET, body, Math.floor(Date.now() / 1000) - 400),
      true,
    );
    expect((await handle(stale, {})).statusCode).toBe(401);
    const missing = httpApiEvent(body, {}, true);
    expect((await handle(missing, {})).statusCode).toBe(401);
    expect(h.executions.started).toHaveLength(0);
  });

  it('answers 400 (not a Lambda error) for a body it cannot parse', async () => {
    const body = 'this is {not json';
    const event = httpApiEvent(
      body,
      { ...signRequest(SIGNING_SECRET, body), 'content-type': 'text/plain' },
      false,
    );
    expect((await handler()(event, {})).statusCode).toBe(400);
  });

  it('fails with the field names when the secret is malformed, and retries loading on the next request', async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: JSON.stringify({ signingSecret: '' }) })
      .resolves({ SecretString: JSON.stringify({ signingSecret: SIGNING_SECRET, botToken: BOT.token }) });
    const handle = handler();
    await expect(handle(signed(slashCommandBody({ text: 'help' })), {})).rejects.toThrow(
      /signingSecret, botToken/,
    );
    const res = await handle(signed(slashCommandBody({ text: 'help' })), {});
    expect(res.statusCode).toBe(200);
  });

  it('fails clearly while the Slack secret is still empty: 503 and one named error, then works once it is set (§6)', async () => {
    const notSet = Object.assign(
      new Error("Secrets Manager can't find the specified secret value for staging label: AWSCURRENT"),
      { name: 'ResourceNotFoundException' },
    );
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(notSet)
      .resolves({ SecretString: JSON.stringify({ signingSecret: SIGNING_SECRET, botToken: BOT.token }) });
    const handle = handler();
    const res = await handle(signed(slashCommandBody({ text: 'help' })), {});
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('Slack secret not set: see DEPLOY.md step 3');
    expect((await handle(signed(slashCommandBody({ text: 'help' })), {})).statusCode).toBe(200);
    // The task functions get the same named error.
    secrets.reset();
    secrets.on(GetSecretValueCommand).rejects(notSet);
    const client = new SecretsManagerClient({ region: 'us-east-1' });
    await expect(loadSlackSecret(client, SECRET_ARN)).rejects.toBeInstanceOf(SlackSecretNotSetError);
    secrets.reset();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '' });
    await expect(loadSlackSecret(client, SECRET_ARN)).rejects.toThrow('Slack secret not set');
  });

  it('builds production deps from the environment without calling anything, and names a missing variable', () => {
    const env = {
      TABLE_NAME: 'airlock-ledger',
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:airlock',
      HOME_ACCOUNT_ID: '123456789012',
      AWS_REGION: 'us-east-1',
      SLACK_SOC_CHANNEL: 'C0SOC',
      SLACK_REVIEW_CHANNEL: 'C0REVIEW',
      SLACK_SOC_LEAD_USER_ID: 'U0LEAD',
      SLACK_RESPONDER_USER_IDS: 'U0RESP1, U0RESP2',
      SLACK_FOUR_EYES: 'false',
    };
    const deps = productionBotDeps(env);
    expect(deps.settings).toMatchObject({ responderUserIds: ['U0RESP1', 'U0RESP2'], fourEyes: false });
    expect(deps.scope).toEqual({
      homeAccountId: '123456789012',
      defaultRegion: 'us-east-1',
      allowedAccountIds: [],
      allowedRegions: [],
    });
    const { SLACK_SOC_LEAD_USER_ID: _lead, ...missing } = env;
    expect(() => productionBotDeps(missing)).toThrow('SLACK_SOC_LEAD_USER_ID');
  });

  it('fails with the missing variable name in production options', () => {
    expect(() => productionOptions({ SLACK_SECRET_ARN: SECRET_ARN, SLACK_BOT_ID: BOT.botId })).toThrow(
      'SLACK_BOT_USER_ID',
    );
  });
});
