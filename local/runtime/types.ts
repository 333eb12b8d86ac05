import type { RoutingPolicy, SlackSettings, WorkflowSettings } from '../../workflow/config';
import type { AcceptResult } from '../../workflow/intake/service';
import type { Ledger } from '../../workflow/ledger/ledger';
import type { Logger } from '../../workflow/log';
import type { TaskKey } from '../../workflow/tasks/catalog';
import type { JiraSettings } from '../../workflow/ticket-sinks/settings';
import type { VirtualClock } from '../engine/clock';
import type { LocalEngine } from '../engine/engine';
import type { FakeSlackApi } from '../slack/fake-api';
import type { FakeJira, FakeJiraOptions } from '../vendors/jira/fake-jira';
import type { FakePagerDuty } from '../vendors/pagerduty/fake-events-api';
import type { LocalPagingOptions } from '../vendors/pagerduty/local-paging';
import type { LocalTaskHandlers } from './task-handlers';

/**
 * The whole of Airlock running offline on 127.0.0.1: the real bot (HTTPReceiver), the real definition on the
 * local engine, the real ledger code on dynalite, the real task code on a simulated AWS estate, and a fake Slack.
 * Built by `startOfflineStack` (local/runtime/stack.ts). Used by `npm start`, the drill CLI, benches and tests.
 */
export interface OfflineStack {
  readonly clock: VirtualClock;
  readonly ledger: Ledger;
  /** The simulated AWS estate (local/sim): snapshot(), calls(), faults. */
  readonly sim: import('../sim').SimulatedAws;
  readonly engine: LocalEngine;
  readonly slack: FakeSlackApi;
  /** The fake Jira site the Jira ticket sink talks to (when `tickets: 'jira'`). */
  readonly jira?: FakeJira;
  /** The fake PagerDuty Events API the Page task talks to (unset when started with `paging: false`). */
  readonly pagerDuty?: FakePagerDuty;
  /** The bot's Slack endpoint (what a Slack app's request URL would be) and the secret requests are signed with. */
  readonly bot: { url: string; signingSecret: string; botToken: string };
  readonly settings: {
    slack: SlackSettings;
    workflow: WorkflowSettings;
    policy: RoutingPolicy;
    homeAccountId: string;
    region: string;
  };
  /**
   * What the Slack post pacer did (real ms): posts given a slot, the longest queue time
   * of one post (first take to slot, across refusals, retries and deferrals), takes handed back to the workflow.
   */
  readonly pace: { posts: number; maxQueueMs: number; refusals: number };
  /** Every EMF document the workflow emitted (WriteReport's incident metrics), in order. */
  readonly metrics: readonly import('./metrics').EmfDocument[];
  /** Each task's `run`, bound to this stack's deps (what the engine invokes): to re-run a task as a retry would. */
  readonly tasks: LocalTaskHandlers;
  /** The EventBridge path: one raw event (GuardDuty / Security Hub) through intake → ledger → StartExecution. */
  inject(raw: unknown): Promise<AcceptResult[]>;
  close(): Promise<void>;
}

/** One task invocation as the engine made it: the effective input (after Parameters) and its outcome. */
export interface TaskInvocation {
  key: TaskKey;
  input: unknown;
  output?: unknown;
  /** The error's name (the Retry/Catch contract) when the task failed. */
  error?: string;
}
/** May return a promise: the engine sees the task's outcome only after it settles. */
export type TaskObserver = (invocation: TaskInvocation) => void | Promise<void>;

export interface OfflineStackOptions {
  /** Sees every task invocation (tests and benches: what ran, with which input). */
  onTask?: TaskObserver;
  /** The root logger (default: createLogger('airlock-offline') on stdout). */
  log?: Logger;
  /** Port for the bot's HTTP receiver (0 = random). */
  botPort?: number;
  /** Default: process.env.SLACK_SIGNING_SECRET or a random one per start. */
  signingSecret?: string;
  /** Keep the ledger on disk between runs (dynalite path). Default: in memory. */
  dataDir?: string;
  /** The virtual clock's start (default: now). Two stacks started at the same instant build identical estates. */
  startAt?: Date;
  /** Virtual time runs this many times faster than real time (0 = manual clock, advanced with fastForward). */
  timeScale?: number;
  /** Seed the demo estate (two VPCs, ASG + target group, shared role, IAM user, bucket). Default true. */
  demoEstate?: boolean;
  /** Fake Slack per-channel chat.postMessage limit; false disables. Default 1/s with a burst of 3. */
  slackRateLimit?: { perSecond: number; burst: number } | false;
  /** Overrides of the defaults (drills allow sample findings). */
  policy?: Partial<RoutingPolicy>;
  workflow?: Partial<WorkflowSettings>;
  slackSettings?: Partial<SlackSettings>;
  /** The ticket sink: 'ledger' (the product default) or 'jira' (a fake Jira site is started). Default 'ledger'. */
  tickets?: 'ledger' | 'jira';
  /** With `tickets: 'jira'`: the fake's options and the sink's settings (baseUrl is the fake's). */
  jira?: { fake?: FakeJiraOptions; settings?: Partial<Omit<JiraSettings, 'baseUrl'>> };
  /** PagerDuty paging against the local fake (default on); false = paging off, as with no routing key. */
  paging?: false | Omit<LocalPagingOptions, 'clock'>;
}
