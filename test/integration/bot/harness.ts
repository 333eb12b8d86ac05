import { randomUUID } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { encodeApprovalValue } from '../../../bot/actions/button-value';
import { boltLogger } from '../../../bot/bolt-logger';
import type { BotDeps, BotTaskDeps } from '../../../bot/deps';
import { createHttpBot, type HttpBot } from '../../../bot/http';
import { ACTIONS } from '../../../bot/ids';
import type { ReportStorage } from '../../../bot/report/stored';
import { releaseIncidentVia, startIncidentVia } from '../../../bot/start-incident';
import * as notify from '../../../bot/tasks/notify';
import { ChannelPacer, type PostPacer } from '../../../bot/tasks/pace';
import * as requestApproval from '../../../bot/tasks/request-approval';
import { type LocalDynamo, startDynalite } from '../../../local/dynalite';
import { pacerFor } from '../../../local/runtime/stack';
import {
  BOT,
  CHANNELS,
  FakeSlackApi,
  type FakeSlackOptions,
  TEAM,
  USERS,
} from '../../../local/slack/fake-api';
import {
  RoutingPolicySchema,
  type SlackSettings,
  SlackSettingsSchema,
  WorkflowSettingsSchema,
} from '../../../workflow/config';
import type { ContainmentPlan, Planner } from '../../../workflow/domain/plan';
import { ApprovalExpiredError, ResourceNotFoundError } from '../../../workflow/errors';
import { DynamoLedger } from '../../../workflow/ledger/dynamo-ledger';
import { DynamoPostSlots } from '../../../workflow/ledger/post-slots';
import { DynamoRequestNonces } from '../../../workflow/ledger/request-nonces';
import { createLogger, type Logger } from '../../../workflow/log';
import type { Clock, Executions } from '../../../workflow/ports';
import { blockActionBody, postSigned, type SignedResponse, slashCommandBody } from '../../helpers/slack';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const HOME_ACCOUNT = '123456789012';
export const DEFAULT_REGION = 'us-east-1';

/**
 * Executions like Step Functions as the bot sees it: start by name (idempotent), and single-use task tokens:
 * a second SendTask*, or one to an expired/unknown token, fails with ApprovalExpiredError.
 */
export class RecordingExecutions implements Executions {
  readonly started: { name: string; input: unknown }[] = [];
  readonly successes: { taskToken: string; output: unknown }[] = [];
  readonly failures: { taskToken: string; error: string; cause: string }[] = [];
  private readonly live = new Set<string>();
  /** Optional latency, so concurrent clicks really overlap. */
  latencyMs = 0;

  /** A live task token, as a waiting callback task would hand out. */
  issueToken(): string {
    const token = `AQ${randomUUID()}+/=${'x'.repeat(200)}`;
    this.live.add(token);
    return token;
  }

  expire(token: string): void {
    this.live.delete(token);
  }

  async start(params: {
    name: string;
    input: unknown;
  }): Promise<{ executionArn: string; alreadyRunning: boolean }> {
    const alreadyRunning = this.started.some((s) => s.name === params.name);
    if (!alreadyRunning) this.started.push(params);
    return {
      executionArn: `arn:aws:states:us-east-1:${HOME_ACCOUNT}:execution:airlock:${params.name}`,
      alreadyRunning,
    };
  }

  async sendTaskSuccess(taskToken: string, output: unknown): Promise<void> {
    await this.spend(taskToken);
    this.successes.push({ taskToken, output });
  }

  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    await this.spend(taskToken);
    this.failures.push({ taskToken, error, cause });
  }

  private async spend(token: string): Promise<void> {
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (!this.live.delete(token)) throw new ApprovalExpiredError('Provided task does not exist anymore');
  }
}

export function testPlan(target: { instanceId: string; accountId: string; region: string }): ContainmentPlan {
  return {
    ...target,
    networkInterfaces: [
      {
        networkInterfaceId: 'eni-0aaa1111bbbb2222c',
        vpcId: 'vpc-0123abcd',
        from: ['sg-0web', 'sg-0ssh'],
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
    elasticIps: ['eipalloc-0abc'],
    terminationProtection: { from: false, to: true },
    shutdownBehavior: { from: 'terminate', to: 'stop' },
    ssmManaged: false,
    warnings: ['not SSM-managed: volatile evidence cannot be captured'],
  };
}

/** Knows only i-0abc1234def567890 and i-0bbb…; any other instance is not found (read-only, changes nothing). */
export const testPlanner: Planner = async (target) => {
  if (!['i-0abc1234def567890', 'i-0bbbbbbbbbbbbbbbb'].includes(target.instanceId)) {
    throw new ResourceNotFoundError(
      `ec2:DescribeInstances: InvalidInstanceID.NotFound: ${target.instanceId}`,
    );
  }
  return testPlan(target);
};

export interface Harness {
  fake: FakeSlackApi;
  bot: HttpBot;
  ledger: DynamoLedger;
  executions: RecordingExecutions;
  deps: BotDeps;
  settings: SlackSettings;
  clock: Clock & { set(iso: string | Date): void; advance(ms: number): void };
  /** Bot task deps on the same ledger and fake Slack (a WebClient with short retries for fast tests). */
  /** `pacer`: default the production ChannelPacer at the fake's rate, on this harness's table. */
  taskDeps(options?: { retries?: number; pacer?: PostPacer }): BotTaskDeps;
  command(text: string, options?: { userId?: string; channelId?: string }): Promise<SignedResponse>;
  click(options: Parameters<typeof blockActionBody>[0]): Promise<SignedResponse>;
  close(): Promise<void>;
}

let dynamo: LocalDynamo | undefined;
let tables = 0;

export async function sharedDynamo(): Promise<LocalDynamo> {
  dynamo ??= await startDynalite();
  return dynamo;
}

export async function closeSharedDynamo(): Promise<void> {
  await dynamo?.close();
  dynamo = undefined;
}

/** Real Bolt app over HTTP, fake Slack API on loopback, real DynamoLedger on dynalite (a fresh table), real intake. */
export async function startHarness(
  options: {
    settings?: Partial<SlackSettings>;
    slack?: FakeSlackOptions;
    log?: Logger;
    /** The evidence bucket's reports (/ir report, the final Notify's upload); unset = not configured. */
    reports?: ReportStorage;
  } = {},
): Promise<Harness> {
  // Real time plus an offset: the fake's rate limiter refills as time passes, and tests can jump ahead.
  let offset = 0;
  const clock = {
    now: () => new Date(Date.now() + offset),
    set: (iso: string | Date) => {
      offset = new Date(iso).getTime() - Date.now();
    },
    advance: (ms: number) => {
      offset += ms;
    },
  };
  const local = await sharedDynamo();
  const tableName = `airlock-bot-${process.pid}-${++tables}`;
  await local.createTable(tableName);
  const ledger = new DynamoLedger({ doc: local.doc, tableName, clock });
  const fake = await new FakeSlackApi({ clock, ...options.slack }).start();
  const executions = new RecordingExecutions();
  const log = options.log ?? createLogger('bot-test');
  const settings = SlackSettingsSchema.parse({
    socChannel: CHANNELS.soc,
    reviewChannel: CHANNELS.review,
    socLeadUserId: USERS.lead,
    responderUserIds: [USERS.responder, USERS.responder2],
    teamId: TEAM.id,
    appId: BOT.appId,
    ...options.settings,
  });
  const intake = {
    ledger,
    executions,
    policy: RoutingPolicySchema.parse({}),
    settings: WorkflowSettingsSchema.parse({}),
    clock,
    log,
    scope: {
      homeAccountId: HOME_ACCOUNT,
      allowedAccountIds: ['210987654321'],
      allowedRegions: [],
      responderRoleName: 'AirlockResponder',
    },
    defaultRegion: DEFAULT_REGION,
  };
  const deps: BotDeps = {
    ledger,
    executions,
    startIncident: startIncidentVia(intake),
    releaseIncident: releaseIncidentVia(intake),
    planner: testPlanner,
    settings,
    scope: {
      homeAccountId: HOME_ACCOUNT,
      defaultRegion: DEFAULT_REGION,
      allowedAccountIds: ['210987654321'],
    },
    clock,
    log,
    nonces: new DynamoRequestNonces({ doc: local.doc, tableName }),
    ...(options.reports ? { reports: options.reports } : {}),
  };
  const bot = await createHttpBot({
    signingSecret: SIGNING_SECRET,
    token: BOT.token,
    botId: BOT.botId,
    botUserId: BOT.userId,
    deps,
    slackApiUrl: fake.apiUrl,
  });
  return {
    fake,
    bot,
    ledger,
    executions,
    deps,
    settings,
    clock,
    taskDeps: ({ retries = 2, pacer } = {}) => ({
      ledger,
      pacer:
        pacer ??
        new ChannelPacer(
          new DynamoPostSlots({ doc: local.doc, tableName }),
          pacerFor(options.slack?.rateLimit ?? { perSecond: 1, burst: 3 }),
        ),
      slack: new WebClient(BOT.token, {
        slackApiUrl: fake.apiUrl,
        retryConfig: { retries, factor: 1, minTimeout: 10, maxTimeout: 50 },
        timeout: 5000,
        rejectRateLimitedCalls: true,
        logger: boltLogger(log),
      }),
      settings,
      clock,
      log,
      ...(options.reports ? { reports: options.reports } : {}),
    }),
    command: (text, { userId = USERS.responder, channelId = CHANNELS.soc } = {}) =>
      postSigned(
        bot.url,
        slashCommandBody({
          text,
          userId,
          channelId,
          responseUrl: fake.responseUrl({ userId, channel: channelId }),
        }),
        { secret: SIGNING_SECRET },
      ),
    click: (o) => {
      const userId = o.userId ?? USERS.responder;
      const channel = o.channel ?? CHANNELS.soc;
      const responseUrl = fake.responseUrl({
        userId,
        channel,
        ...(o.messageTs ? { messageTs: o.messageTs } : {}),
      });
      return postSigned(bot.url, blockActionBody({ responseUrl, ...o }), { secret: SIGNING_SECRET });
    },
    close: async () => {
      await bot.stop();
      await fake.stop();
    },
  };
}

/** The ephemeral reply in a slash command's acknowledgement. */
export function ackText(response: SignedResponse): string {
  const body = response.json as { text?: string; blocks?: unknown[]; response_type?: string } | undefined;
  return [body?.text ?? '', JSON.stringify(body?.blocks ?? [])].join('\n');
}

export const HOURS_4 = 4 * 3600;

/**
 * An incident opened by /ir isolate (requested by the first responder), its card posted by Notify, and a pending
 * approval posted by RequestApproval with a live task token. `click(user)` presses Approve (or `actionId`) on it.
 */
export async function pendingApproval(h: Harness, instanceId = 'i-0abc1234def567890') {
  await h.command(`isolate ${instanceId}`, { userId: USERS.responder });
  const incidentId = h.executions.started.at(-1)?.name as string;
  const deps = h.taskDeps();
  await notify.run(deps, { incidentId, phase: 'opened' });
  const token = h.executions.issueToken();
  const out = await requestApproval.run(deps, { incidentId, taskToken: token, timeoutSeconds: HOURS_4 });
  const incident = await h.ledger.getIncident(incidentId);
  const message = out.messages[0] as { channel: string; ts: string };
  const cardTs = incident?.slack?.ts as string;
  const value = encodeApprovalValue({ incidentId, approvalId: out.approvalId });
  const click = (userId: string, actionId: string = ACTIONS.approve) =>
    h.click({ actionId, value, userId, channel: message.channel, messageTs: message.ts, threadTs: cardTs });
  return { incidentId, token, approvalId: out.approvalId, message, cardTs, value, click };
}
