import { randomBytes } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { boltLogger } from '../../bot/bolt-logger';
import type { BotDeps, BotTaskDeps } from '../../bot/deps';
import { createHttpBot } from '../../bot/http';
import { releaseIncidentVia, startIncidentVia } from '../../bot/start-incident';
import { TASK_CLIENT } from '../../bot/tasks/lambda';
import { ChannelPacer, type PacerSettings, realTimers, SLACK_POST_PACE } from '../../bot/tasks/pace';
import {
  RoutingPolicySchema,
  type Scope,
  ScopeSchema,
  SlackSettingsSchema,
  WorkflowSettingsSchema,
} from '../../workflow/config';
import { renderDefinition } from '../../workflow/definition';
import { planEc2Containment } from '../../workflow/domain/ec2/plan';
import { writeIncidentReport } from '../../workflow/domain/incident/report/write';
import { acceptEventAll, type IntakeDeps } from '../../workflow/intake/service';
import { DynamoLedger } from '../../workflow/ledger/dynamo-ledger';
import { DynamoPostSlots } from '../../workflow/ledger/post-slots';
import { createLogger } from '../../workflow/log';
import type { TaskKey } from '../../workflow/tasks/catalog';
import type { WorkflowTaskDeps } from '../../workflow/tasks/deps';
import { createTicketSink, type TicketSettings, TicketSettingsSchema } from '../../workflow/ticket-sinks';
import { startDynalite } from '../dynalite';
import { localSubstitutions } from '../engine/arns';
import { VirtualClock } from '../engine/clock';
import { LocalEngine } from '../engine/engine';
import { DEMO, HOME_ACCOUNT_ID, HOME_REGION, SimulatedAws, seedDemoEstate } from '../sim';
import { FakeSlackApi } from '../slack/fake-api';
import { BOT, CHANNELS, TEAM, USERS } from '../slack/workspace';
import { FakeJira } from '../vendors/jira/fake-jira';
import { startLocalPaging } from '../vendors/pagerduty/local-paging';
import { drillMetrics } from './metrics';
import { CALLBACK_KEYS, type LocalTaskHandlers, localTaskHandlers } from './task-handlers';
import type { OfflineStack, OfflineStackOptions, TaskObserver } from './types';

export { DEMO };

/**
 * Every task invocation reported to `onTask` (key, effective input, outcome), then passed through unchanged. The
 * engine gets the outcome only once the observer has settled, so a test can re-run the task in between (a retry).
 */
function observed(tasks: LocalTaskHandlers, onTask: TaskObserver): LocalTaskHandlers {
  const wrap =
    (key: TaskKey, handler: LocalTaskHandlers[TaskKey]) =>
    async (input: unknown): Promise<unknown> => {
      try {
        const output = await handler(input);
        await onTask({ key, input, output });
        return output;
      } catch (error) {
        await onTask({ key, input, error: error instanceof Error ? error.name : String(error) });
        throw error;
      }
    };
  return Object.fromEntries(
    (Object.entries(tasks) as [TaskKey, LocalTaskHandlers[TaskKey]][]).map(([key, h]) => [key, wrap(key, h)]),
  ) as LocalTaskHandlers;
}

/** The production pacer's settings at the fake's rate (5 % under it, like SLACK_POST_PACE); none when unlimited. */
export function pacerFor(limit: { perSecond: number; burst: number } | false): PacerSettings {
  if (!limit) return { ...SLACK_POST_PACE, intervalMs: 0, burst: 1 };
  return {
    ...SLACK_POST_PACE,
    intervalMs: Math.ceil(SLACK_POST_PACE.intervalMs / limit.perSecond),
    burst: limit.burst,
  };
}

/**
 * Starts Airlock offline on 127.0.0.1: dynalite + the real DynamoLedger, the simulated AWS estate behind real SDK
 * clients, the real definition on the local engine with the real task code, a fake Slack Web API, and the real
 * Bolt app on an HTTPReceiver. Only the injected clients differ from production.
 */
export async function startOfflineStack(options: OfflineStackOptions = {}): Promise<OfflineStack> {
  const log = options.log ?? createLogger('airlock-offline');
  const clock = new VirtualClock({
    scale: options.timeScale ?? 0,
    ...(options.startAt ? { start: options.startAt } : {}),
  });
  const signingSecret =
    options.signingSecret ?? process.env.SLACK_SIGNING_SECRET ?? randomBytes(16).toString('hex');

  const dynamo = await startDynalite(options.dataDir ? { path: options.dataDir } : {});
  const ledger = new DynamoLedger({ doc: dynamo.doc, tableName: dynamo.tableName, clock });

  const sim = new SimulatedAws({ now: () => clock.now() });
  if (options.demoEstate !== false) seedDemoEstate(sim);

  const rateLimit = options.slackRateLimit ?? { perSecond: 1, burst: 3 };
  const slack = new FakeSlackApi({ clock, token: BOT.token, rateLimit });
  await slack.start();

  const scope: Scope = ScopeSchema.parse({
    homeAccountId: HOME_ACCOUNT_ID,
    allowedAccountIds: [HOME_ACCOUNT_ID],
    allowedRegions: [],
  });
  const policy = RoutingPolicySchema.parse({ allowSampleFindings: true, ...options.policy });
  const workflow = WorkflowSettingsSchema.parse({ evidenceBucket: DEMO.evidenceBucket, ...options.workflow });
  const slackSettings = SlackSettingsSchema.parse({
    socChannel: CHANNELS.soc,
    reviewChannel: CHANNELS.review,
    socLeadUserId: USERS.lead,
    responderUserIds: [USERS.responder, USERS.responder2],
    fourEyes: true,
    teamId: TEAM.id,
    appId: BOT.appId,
    ...options.slackSettings,
  });

  // Tickets: the ledger sink by default; with `tickets: 'jira'` the real Jira sink (jira.js) talks to a fake site.
  const jira =
    options.tickets === 'jira' ? await new FakeJira({ clock, ...options.jira?.fake }).start() : undefined;
  const ticketSettings: TicketSettings = TicketSettingsSchema.parse(
    jira
      ? { sink: 'jira', jira: { projectKey: 'SEC', ...options.jira?.settings, baseUrl: jira.baseUrl } }
      : { sink: 'ledger' },
  );
  // PagerDuty: the fake Events API on loopback, and the real client pointed at it (off with `paging: false`).
  const pager = options.paging === false ? undefined : await startLocalPaging({ clock, ...options.paging });

  const clients = sim.clientFactory();
  const metrics = drillMetrics(log.child({ component: 'metrics' }));
  const workflowDeps: WorkflowTaskDeps = {
    ledger,
    clients,
    clock,
    log: log.child({ component: 'workflow' }),
    ticketSink: createTicketSink(ticketSettings, {
      ledger,
      clock,
      log: log.child({ component: 'tickets' }),
      ...(jira ? { credentials: async () => jira.credentials, jira: { strict: true } } : {}),
    }),
    evidenceS3: (await clients({ accountId: HOME_ACCOUNT_ID, region: HOME_REGION })).s3,
    // The principal the home account's simulated clients act as (Airlock's task role in the simulator).
    evidenceWriter: async () => sim.model.callerRoleArn(HOME_ACCOUNT_ID),
    metrics: metrics.factory,
    ...(pager ? { paging: pager.paging } : {}),
  };
  // The final Notify and /ir report read (and /ir report regenerates) reports in the home account's evidence bucket.
  const reports = {
    s3: workflowDeps.evidenceS3,
    evidenceBucket: workflow.evidenceBucket,
    retentionDays: workflow.reportRetentionDays,
    lockMode: workflow.reportLockMode,
  };
  const pace = { posts: 0, maxQueueMs: 0, refusals: 0 };
  const firstTake = new Map<string, number>();
  const botTaskDeps: BotTaskDeps = {
    ledger,
    // The production pacer, at the fake Slack's rate (the fake, like Slack, limits in real time).
    pacer: new ChannelPacer(
      new DynamoPostSlots({ doc: dynamo.doc, tableName: dynamo.tableName }),
      pacerFor(rateLimit),
      realTimers,
      (event) => {
        // Queue time of one post: from its first take (across refusals, retries and deferrals) to its slot.
        const key = event.label ?? `${event.channel}#${pace.posts}`;
        const first = firstTake.get(key) ?? event.startedAtMs;
        if (event.refused) {
          pace.refusals += 1;
          firstTake.set(key, first);
          return;
        }
        firstTake.delete(key);
        pace.posts += 1;
        pace.maxQueueMs = Math.max(pace.maxQueueMs, event.endedAtMs - first);
      },
    ),
    slack: new WebClient(BOT.token, { ...TASK_CLIENT, slackApiUrl: slack.apiUrl, logger: boltLogger(log) }),
    settings: slackSettings,
    clock,
    log: log.child({ component: 'bot-task' }),
    reports,
  };

  const tasks = localTaskHandlers(workflowDeps, botTaskDeps);
  const engine = new LocalEngine({
    definition: renderDefinition(localSubstitutions()),
    handlers: options.onTask ? observed(tasks, options.onTask) : tasks,
    callbackKeys: CALLBACK_KEYS,
    clock,
  });

  const intakeDeps: IntakeDeps = {
    ledger,
    executions: engine,
    policy,
    settings: workflow,
    clock,
    log: log.child({ component: 'intake' }),
    scope,
    defaultRegion: HOME_REGION,
    writeReport: (incidentId) => writeIncidentReport({ ledger, clock, ...reports }, incidentId),
  };
  const botDeps: BotDeps = {
    ledger,
    executions: engine,
    startIncident: startIncidentVia(intakeDeps),
    releaseIncident: releaseIncidentVia(intakeDeps),
    planner: async (target) => planEc2Containment(await clients(target), target, workflow),
    settings: slackSettings,
    scope: { homeAccountId: HOME_ACCOUNT_ID, defaultRegion: HOME_REGION },
    paging: pager ? 'pagerduty' : 'off',
    clock,
    log: log.child({ component: 'bot' }),
    reports,
  };
  const bot = await createHttpBot({
    signingSecret,
    port: options.botPort ?? 0,
    token: BOT.token,
    botId: BOT.botId,
    botUserId: BOT.userId,
    deps: botDeps,
    slackApiUrl: slack.apiUrl,
    // As on Lambda: /ir isolate's checks answer through response_url after an immediate acknowledgement.
    deferSlowWork: true,
  });

  return {
    clock,
    ledger,
    sim,
    engine,
    slack,
    ...(jira ? { jira } : {}),
    ...(pager ? { pagerDuty: pager.fake } : {}),
    bot: { url: bot.url, signingSecret, botToken: BOT.token },
    settings: { slack: slackSettings, workflow, policy, homeAccountId: HOME_ACCOUNT_ID, region: HOME_REGION },
    pace,
    metrics: metrics.documents,
    tasks,
    inject: (raw) => acceptEventAll(raw, intakeDeps),
    close: async () => {
      await engine.close();
      await bot.stop();
      await slack.stop();
      await jira?.stop();
      await pager?.fake.stop();
      await dynamo.close();
    },
  };
}
