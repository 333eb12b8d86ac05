import { z } from 'zod';
import type { AcceptResult } from '../../workflow/intake/service';
import type { Logger } from '../../workflow/log';
import { summarizeEstate } from './estate';
import type { ChangeFeed } from './events';
import { IncidentTracker } from './incidents';
import { pagesView } from './pages';
import type { WorkspaceStack } from './port';
import { fileView, metricsView, reportJson, reportView } from './reports';
import { asNewFinding, type Sample } from './samples';
import { sendClick, sendSlashCommand } from './slack-actions';
import { slackViewFor } from './slack-view';

/** An answer the server writes as JSON. */
export interface ApiResponse {
  status: number;
  body: unknown;
}

/** A request the API refuses with 4xx, naming the offending field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const UserId = z.string().regex(/^U[A-Z0-9]{2,20}$/, 'a Slack user id (U…)');
const ChannelId = z.string().regex(/^[CDG][A-Z0-9]{2,30}$/, 'a Slack channel id (C… or D…)');
const SlackTs = z.string().regex(/^\d{9,11}\.\d{6}$/, 'a Slack message ts');
const FileId = z.string().regex(/^F[A-Z0-9]{2,30}$/, 'a Slack file id (F…)');
const StatsWindowSchema = z.enum(['7d', '30d']);
const IncidentId = z.string().regex(/^inc-[0-9a-z-]{1,64}$/, 'an incident id (inc-…)');

export const SlashSchema = z.object({
  userId: UserId,
  channelId: ChannelId,
  text: z.string().max(4000),
});

export const ClickSchema = z.object({
  userId: UserId,
  channelId: ChannelId,
  messageTs: SlackTs,
  actionId: z.string().min(1).max(255),
  value: z.string().max(2000),
  blockId: z.string().max(255).optional(),
});

export const InjectSchema = z
  .object({
    sample: z.string().min(1).max(100).optional(),
    event: z.unknown().optional(),
    /** Give the finding a new id (so the same sample opens a new incident instead of a repeat). */
    fresh: z.boolean().default(false),
  })
  .refine((b) => (b.sample === undefined) !== (b.event === undefined), {
    message: 'give exactly one of sample or event',
    path: ['sample'],
  });

/** Up to 30 virtual days per step. */
export const FastForwardSchema = z.object({
  seconds: z
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 3600),
});

export interface InjectOutcome {
  outcome: AcceptResult['outcome'];
  route: string;
  reason: string;
  incidentId?: string;
  executionArn?: string;
  error?: { message: string; field: string };
}

/**
 * The workspace's JSON API over the offline stack. Every handler validates its input (zod) and answers 4xx with
 * the offending field; the server turns anything else into a 500 with an error id.
 */
export class WorkspaceApi {
  readonly incidents: IncidentTracker;

  constructor(
    private readonly stack: WorkspaceStack,
    private readonly samples: readonly Sample[],
    private readonly feed: ChangeFeed,
    private readonly log: Logger,
  ) {
    this.incidents = new IncidentTracker(stack);
  }

  /** The default "acting as" user: the first responder. */
  get defaultUser(): string {
    return this.stack.settings.slack.responderUserIds[0] ?? this.stack.settings.slack.socLeadUserId;
  }

  async state(userParam: string | null): Promise<ApiResponse> {
    const userId = parse(UserId, userParam || this.defaultUser, 'user');
    if (!this.stack.slack.users.has(userId)) throw new ApiError(404, `no such user: ${userId}`, 'user');
    const incidents = await this.incidents.list();
    return {
      status: 200,
      body: {
        user: userId,
        ...slackViewFor(this.stack.slack, userId, this.stack.settings.slack),
        incidents,
        executions: this.stack.engine.list().map((e) => ({
          name: e.name,
          executionArn: e.executionArn,
          status: e.status,
          startDate: e.startDate.toISOString(),
          ...(e.stopDate ? { stopDate: e.stopDate.toISOString() } : {}),
        })),
        clock: this.clock(),
        samples: this.samples.map(({ id, label, expect }) => ({ id, label, expect })),
        settings: {
          socChannel: this.stack.settings.slack.socChannel,
          reviewChannel: this.stack.settings.slack.reviewChannel,
          socLeadUserId: this.stack.settings.slack.socLeadUserId,
          fourEyes: this.stack.settings.slack.fourEyes,
        },
      },
    };
  }

  async slash(body: unknown): Promise<ApiResponse> {
    const input = parse(SlashSchema, body, 'body');
    return { status: 200, body: await sendSlashCommand(this.stack, input) };
  }

  async click(body: unknown): Promise<ApiResponse> {
    const input = parse(ClickSchema, body, 'body');
    return { status: 200, body: await sendClick(this.stack, input) };
  }

  async inject(body: unknown): Promise<ApiResponse> {
    const input = parse(InjectSchema, body, 'body');
    let event = input.event;
    if (input.sample !== undefined) {
      const sample = this.samples.find((s) => s.id === input.sample);
      if (!sample) throw new ApiError(404, `no sample named ${input.sample}`, 'sample');
      event = sample.event;
    }
    if (input.fresh) event = asNewFinding(event);
    const results = await this.stack.inject(event);
    const outcomes = results.map(outcomeOf);
    for (const o of outcomes) if (o.incidentId) this.incidents.remember(o.incidentId);
    this.feed.notify('intake');
    this.log.info({ outcomes: outcomes.map((o) => `${o.outcome}:${o.route}`) }, 'injected an event');
    return { status: 200, body: { results: outcomes } };
  }

  async fastForward(body: unknown): Promise<ApiResponse> {
    const { seconds } = parse(FastForwardSchema, body, 'body');
    const fired = await this.stack.clock.fastForward(seconds * 1000);
    this.feed.notify('clock');
    return { status: 200, body: { fired, clock: this.clock() } };
  }

  async incident(idParam: string): Promise<ApiResponse> {
    const id = parse(IncidentId, idParam, 'incidentId');
    const view = await this.incidents.view(id);
    if (!view) throw new ApiError(404, `no incident ${id}`, 'incidentId');
    return { status: 200, body: view };
  }

  /** The incident's latest report (Markdown, verified against the ledger), for the Report view. */
  async report(idParam: string): Promise<ApiResponse> {
    const id = parse(IncidentId, idParam, 'incidentId');
    return { status: 200, body: await reportView(this.stack, id) };
  }

  /** The report's JSON rendering as stored. */
  async reportJson(idParam: string): Promise<Buffer> {
    return reportJson(this.stack, parse(IncidentId, idParam, 'incidentId'));
  }

  /** A file shared in the fake Slack (a report uploaded into a thread). */
  file(idParam: string): ApiResponse {
    return { status: 200, body: fileView(this.stack, parse(FileId, idParam, 'fileId')) };
  }

  /** The Metrics view: socStats over the drill's closed incidents. */
  async metrics(windowParam: string | null): Promise<ApiResponse> {
    const window = parse(StatsWindowSchema, windowParam ?? '7d', 'window');
    return { status: 200, body: await metricsView(this.stack, window) };
  }

  /** What the on-call received: the fake PagerDuty's alerts (open first) with their events. */
  pages(): ApiResponse {
    return { status: 200, body: pagesView(this.stack.pagerDuty) };
  }

  estate(): ApiResponse {
    return { status: 200, body: summarizeEstate(this.stack.estate()) };
  }

  private clock(): { now: string; scale: number } {
    return { now: this.stack.clock.now().toISOString(), scale: this.stack.clock.scale };
  }
}

function outcomeOf(r: AcceptResult): InjectOutcome {
  return {
    outcome: r.outcome,
    route: r.decision.route,
    reason: r.decision.reason,
    ...(r.incident ? { incidentId: r.incident.incidentId } : {}),
    ...(r.executionArn ? { executionArn: r.executionArn } : {}),
    ...(r.error ? { error: r.error } : {}),
  };
}

/** zod → ApiError(400) naming the first offending field (`body.userId`, `user` …). */
export function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  const field = where === 'body' ? path || 'body' : path ? `${where}.${path}` : where;
  throw new ApiError(400, issue?.message ?? 'invalid input', field);
}
