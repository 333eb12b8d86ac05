import { randomUUID } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { WebClient } from '@slack/web-api';
import { encodeApprovalValue } from '../../bot/actions/button-value';
import type { BotDeps, BotTaskDeps } from '../../bot/deps';
import { ACTIONS } from '../../bot/ids';
import { createLambdaHandler, type LambdaBotOptions } from '../../bot/lambda';
import { startIncidentVia } from '../../bot/start-incident';
import * as notify from '../../bot/tasks/notify';
import { unpaced } from '../../bot/tasks/pace';
import * as requestApproval from '../../bot/tasks/request-approval';
import { startDynalite } from '../../local/dynalite';
import { blockActionBody, signRequest, slashCommandBody } from '../../local/runtime/slack-requests';
import { BOT, CHANNELS, FakeSlackApi, USERS } from '../../local/slack/fake-api';
import { RoutingPolicySchema, SlackSettingsSchema, WorkflowSettingsSchema } from '../../workflow/config';
import type { ContainmentPlan, Planner } from '../../workflow/domain/plan';
import { ApprovalExpiredError } from '../../workflow/errors';
import { DynamoLedger } from '../../workflow/ledger/dynamo-ledger';
import { createLogger } from '../../workflow/log';
import { type Executions, systemClock } from '../../workflow/ports';
import { measurePlan, type PlanSamples } from './bot-plan';

const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
const HOME_ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const HOURS_4 = 4 * 3600;

/** Step Functions as the bot sees it: idempotent start by name, single-use task tokens. No latency added. */
class BenchExecutions implements Executions {
  readonly started: string[] = [];
  successes = 0;
  private readonly live = new Set<string>();

  issueToken(): string {
    const token = `AQ${randomUUID()}${'x'.repeat(200)}`;
    this.live.add(token);
    return token;
  }

  async start(params: { name: string; input: unknown }) {
    const alreadyRunning = this.started.includes(params.name);
    if (!alreadyRunning) this.started.push(params.name);
    return {
      executionArn: `arn:aws:states:${REGION}:${HOME_ACCOUNT}:execution:airlock:${params.name}`,
      alreadyRunning,
    };
  }

  async sendTaskSuccess(taskToken: string): Promise<void> {
    if (!this.live.delete(taskToken)) throw new ApprovalExpiredError('Provided task does not exist anymore');
    this.successes += 1;
  }

  async sendTaskFailure(taskToken: string): Promise<void> {
    if (!this.live.delete(taskToken)) throw new ApprovalExpiredError('Provided task does not exist anymore');
  }
}

/** A read-only plan for any instance (the planner's EC2 reads are not what this bench measures). */
const benchPlanner: Planner = async (target): Promise<ContainmentPlan> => ({
  ...target,
  networkInterfaces: [
    {
      networkInterfaceId: 'eni-0aaa1111bbbb2222c',
      vpcId: 'vpc-0123abcd',
      from: ['sg-0web'],
      to: 'sg-0isolation',
    },
  ],
  volumesToSnapshot: [{ volumeId: 'vol-0root', deviceName: '/dev/xvda', sizeGiB: 8 }],
  credentials: {
    fromProfileArn: `arn:aws:iam::${target.accountId}:instance-profile/web`,
    toProfileName: 'airlock-forensic',
    roleName: 'web',
    denyPolicyName: `airlock-deny-${target.instanceId}`,
    sharedWithInstances: [],
  },
  autoScalingGroup: 'web-asg',
  targetGroups: [],
  elasticIps: [],
  terminationProtection: { from: false, to: true },
  shutdownBehavior: { from: 'terminate', to: 'stop' },
  ssmManaged: true,
  warnings: [],
});

/** An API Gateway HTTP API (payload 2.0) event with a Slack-signed, base64 body, as the bot Lambda receives it. */
function signedEvent(body: string) {
  return {
    version: '2.0',
    routeKey: 'POST /slack/events',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      host: 'abc123.execute-api.us-east-1.amazonaws.com',
      ...signRequest(SIGNING_SECRET, body),
    },
    requestContext: {
      accountId: HOME_ACCOUNT,
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      http: {
        method: 'POST',
        path: '/slack/events',
        protocol: 'HTTP/1.1',
        sourceIp: '3.4.5.6',
        userAgent: 'Slackbot 1.0',
      },
      requestId: randomUUID(),
      routeKey: 'POST /slack/events',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    body: Buffer.from(body, 'utf8').toString('base64'),
    isBase64Encoded: true,
  };
}

/** A SecretsManagerClient whose GetSecretValue is answered in-process (never leaves the process). */
function fakeSecrets(secret: string): SecretsManagerClient {
  const client = new SecretsManagerClient({
    region: REGION,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  client.middlewareStack.add(
    () => async () => ({ output: { SecretString: secret, $metadata: {} }, response: {} }),
    { step: 'initialize', name: 'benchFakeSecret' },
  );
  return client;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export interface LatencyFigure {
  n: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function figure(samples: number[]): LatencyFigure {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    n: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
  };
}

export interface PlanLatency extends Omit<PlanSamples, 'ack' | 'answer'> {
  ack: LatencyFigure;
  answer: LatencyFigure;
}

export interface LatencyResult {
  plan: PlanLatency;
  slashStatus: LatencyFigure;
  slashList: LatencyFigure;
  click: LatencyFigure;
  clickDecided: LatencyFigure;
  ledger: 'DynamoLedger on dynalite (loopback)';
}

/**
 * Slash commands and Approve clicks through the production Lambda handler (bot/lambda.ts: AwsLambdaReceiver,
 * signature check, Bolt, the listeners) in this process, against a real DynamoLedger on dynalite and the fake
 * Slack Web API, both on loopback. Each winning click gets a fresh incident with a pending approval (seeded by
 * `/ir isolate`, Notify and RequestApproval, untimed). Only `await handler(event)` is timed.
 */
export async function measureLatency(options: {
  iterations: number;
  warmup: number;
  /** `/ir isolate … --plan` runs (bench/lib/bot-plan.ts). */
  planRuns: number;
}): Promise<LatencyResult> {
  const log = createLogger('bench-bot', { level: 'silent' });
  const dynamo = await startDynalite();
  const fake = await new FakeSlackApi({ rateLimit: false }).start();
  try {
    const ledger = new DynamoLedger({ doc: dynamo.doc, tableName: dynamo.tableName, clock: systemClock });
    const executions = new BenchExecutions();
    const settings = SlackSettingsSchema.parse({
      socChannel: CHANNELS.soc,
      reviewChannel: CHANNELS.review,
      socLeadUserId: USERS.lead,
      responderUserIds: [USERS.responder, USERS.responder2],
    });
    const deps: BotDeps = {
      ledger,
      executions,
      startIncident: startIncidentVia({
        ledger,
        executions,
        policy: RoutingPolicySchema.parse({}),
        settings: WorkflowSettingsSchema.parse({}),
        clock: systemClock,
        log,
        scope: {
          homeAccountId: HOME_ACCOUNT,
          allowedAccountIds: ['210987654321'],
          allowedRegions: [],
          responderRoleName: 'AirlockResponder',
        },
        defaultRegion: REGION,
      }),
      planner: benchPlanner,
      settings,
      scope: { homeAccountId: HOME_ACCOUNT, defaultRegion: REGION },
      clock: systemClock,
      log,
    };
    const taskDeps: BotTaskDeps = {
      ledger,
      // The bench's fake Slack has no rate limit, so its setup posts (cards, approvals: untimed) go unpaced:
      // the production pace (one post a second per channel) made the setup alone take over 10 minutes.
      pacer: unpaced,
      slack: new WebClient(BOT.token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } }),
      settings,
      clock: systemClock,
      log,
    };
    const handlerOptions: Omit<LambdaBotOptions, 'deps'> = {
      secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:airlock/slack-AbCdEf',
      botId: BOT.botId,
      botUserId: BOT.userId,
      secrets: fakeSecrets(JSON.stringify({ signingSecret: SIGNING_SECRET, botToken: BOT.token })),
      slackApiUrl: fake.apiUrl,
    };
    const handle = createLambdaHandler(() => ({ ...handlerOptions, deps: async () => deps }));

    const timed = async (body: string, check: (res: { statusCode: number; body: string }) => void) => {
      const event = signedEvent(body);
      const started = performance.now();
      const res = await handle(event, {});
      const ms = performance.now() - started;
      check(res);
      return ms;
    };
    const command = (text: string, userId: string = USERS.responder) =>
      slashCommandBody({
        text,
        userId,
        channelId: CHANNELS.soc,
        responseUrl: fake.responseUrl({ userId, channel: CHANNELS.soc }),
      });
    const expect200 = (what: string, contains?: string) => (res: { statusCode: number; body: string }) => {
      if (res.statusCode !== 200) throw new Error(`${what}: status ${res.statusCode}`);
      if (contains && !res.body.includes(contains))
        throw new Error(`${what}: answer lacks ${contains}: ${res.body.slice(0, 300)}`);
    };

    let instanceSeq = 0;
    const nextInstance = () => `i-0${(0xabc0000000000000n + BigInt(++instanceSeq)).toString(16)}`;

    /** An incident opened by /ir isolate with its card and a pending approval (untimed). */
    const pending = async () => {
      const instanceId = nextInstance();
      const before = executions.started.length;
      const res = await handle(signedEvent(command(`isolate ${instanceId}`)), {});
      expect200('isolate')(res);
      const incidentId = executions.started[before];
      if (!incidentId || executions.started.length !== before + 1)
        throw new Error(`isolate ${instanceId} opened no incident`);
      await notify.run(taskDeps, { incidentId, phase: 'opened' });
      const out = await requestApproval.run(taskDeps, {
        incidentId,
        taskToken: executions.issueToken(),
        timeoutSeconds: HOURS_4,
      });
      const incident = await ledger.getIncident(incidentId);
      const message = out.messages[0];
      if (!message || !incident?.slack?.ts) throw new Error(`no approval message for ${incidentId}`);
      const responseUrl = fake.responseUrl({
        userId: USERS.responder2,
        channel: message.channel,
        messageTs: message.ts,
      });
      const body = blockActionBody({
        actionId: ACTIONS.approve,
        value: encodeApprovalValue({ incidentId, approvalId: out.approvalId }),
        userId: USERS.responder2,
        channel: message.channel,
        messageTs: message.ts,
        threadTs: incident.slack.ts,
        responseUrl,
      });
      return { incidentId, body };
    };

    const planSamples = await measurePlan({
      runs: options.planRuns,
      warmup: 2,
      deps,
      handlerOptions,
      event: (text) => signedEvent(command(text)),
      answered: () => fake.ephemerals(USERS.responder).filter((e) => e.via === 'response_url').length,
    });
    const plan = { ...planSamples, ack: figure(planSamples.ack), answer: figure(planSamples.answer) };

    // A few incidents so /ir list and /ir status have something to show.
    const seeded: string[] = [];
    for (let i = 0; i < 5; i += 1) seeded.push((await pending()).incidentId);
    const statusId = seeded[0] as string;

    const run = async (n: number, one: () => Promise<number>) => {
      for (let i = 0; i < options.warmup; i += 1) await one();
      const samples: number[] = [];
      for (let i = 0; i < n; i += 1) samples.push(await one());
      return figure(samples);
    };

    const slashStatus = await run(options.iterations, () =>
      timed(command(`status ${statusId}`), expect200('status', statusId)),
    );
    const slashList = await run(options.iterations, () =>
      timed(command('list'), expect200('list', statusId)),
    );

    const decided: string[] = [];
    const click = await run(options.iterations, async () => {
      const p = await pending();
      const wins = executions.successes;
      const ms = await timed(p.body, expect200('approve'));
      if (executions.successes !== wins + 1) throw new Error(`approve on ${p.incidentId} did not win`);
      decided.push(p.body);
      return ms;
    });
    let k = 0;
    const clickDecided = await run(options.iterations, async () => {
      const body = decided[k++ % decided.length] as string;
      const wins = executions.successes;
      const ms = await timed(body, expect200('approve again'));
      if (executions.successes !== wins)
        throw new Error('a click on a decided approval sent a second SendTaskSuccess');
      return ms;
    });
    return {
      plan,
      slashStatus,
      slashList,
      click,
      clickDecided,
      ledger: 'DynamoLedger on dynalite (loopback)',
    };
  } finally {
    await fake.stop();
    await dynamo.close();
  }
}
