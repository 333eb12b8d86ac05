import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { ValidationError } from '../workflow/errors';
import type { Logger } from '../workflow/log';
import { Authorizer } from './authz';
import type { CommandContext } from './commands/context';
import { isolateNow } from './commands/isolate';
import type { IsolateArgs, ReportTarget, StatsWindow } from './commands/parse';
import { reportNow } from './commands/report';
import { statsNow } from './commands/stats';
import type { BotDeps } from './deps';
import { newErrorId } from './error-handler';
import { escapeMrkdwn, message, type SlackMessage, section } from './messages/blocks';
import { respondMessage } from './reply';

/**
 * A slash command whose work may outlast Slack's 3-second acknowledgement (the read-only planner behind
 * `/ir isolate` and `--plan`: a role assumed in the member account and about eight Describe calls; `/ir report`:
 * S3 reads and a rebuilt report; `/ir stats`: the ledger read per closed incident). It carries
 * what the command said, who asked, from where, and the response_url to answer through (valid 30 minutes, up to
 * five posts). Never a task token or anything else from the ledger.
 */
export type DeferredCommand = (
  | { kind: 'isolate'; args: IsolateArgs }
  | { kind: 'report'; target: ReportTarget }
  | { kind: 'stats'; window: StatsWindow }
) & {
  userId: string;
  channelId: string;
  teamDomain: string;
  responseUrl: string;
};

const DEFERRED_KINDS: ReadonlySet<string> = new Set(['isolate', 'report', 'stats']);

/**
 * The port a listener hands slow work to, after which it acknowledges at once. Injected: in Lambda an
 * asynchronous invocation of the same function (bot/lambda.ts); in the local HTTP bot, the same process after the
 * acknowledgement (bot/http.ts). Resolves once the work is handed over, not when it is done.
 */
export type Defer = (work: DeferredCommand) => Promise<void>;

/** Marks the bot function's invocation of itself; API Gateway events never carry it. */
export const DEFERRED_SOURCE = 'airlock.bot.deferred';

/**
 * How long a deferred event stays valid: Lambda may hold an asynchronous event in its queue, and a response_url
 * lasts 30 minutes.
 */
export const DEFERRED_MAX_AGE_MS = 15 * 60 * 1000;

/** The event the bot function sends itself (InvocationType Event). `mac` seals the rest with the signing secret. */
export interface DeferredEvent {
  source: typeof DEFERRED_SOURCE;
  issuedAt: number;
  work: DeferredCommand;
  mac: string;
}

function macOf(secret: string, issuedAt: number, work: DeferredCommand): string {
  return createHmac('sha256', secret)
    .update(`${DEFERRED_SOURCE}:${issuedAt}:${JSON.stringify(work)}`)
    .digest('hex');
}

/** Seals deferred work with the Slack signing secret, which only this function holds. */
export function sealDeferred(work: DeferredCommand, secret: string, nowMs: number): DeferredEvent {
  return { source: DEFERRED_SOURCE, issuedAt: nowMs, work, mac: macOf(secret, nowMs, work) };
}

/** Whether an invocation is the function's own deferred event (by shape; `openDeferred` then checks the seal). */
export function isDeferredEvent(event: unknown): event is DeferredEvent {
  return !!event && typeof event === 'object' && (event as { source?: unknown }).source === DEFERRED_SOURCE;
}

/**
 * The work, if the event was sealed by this function (same signing secret) in the last 15 minutes; otherwise
 * undefined with the reason. Checked before anything runs.
 */
export function openDeferred(
  event: DeferredEvent,
  secret: string,
  nowMs: number,
): { work: DeferredCommand } | { refused: string } {
  const { issuedAt, work, mac } = event;
  if (typeof issuedAt !== 'number' || !work || typeof work !== 'object' || typeof mac !== 'string') {
    return { refused: 'malformed deferred event' };
  }
  const expected = Buffer.from(macOf(secret, issuedAt, work));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { refused: 'deferred event not sealed by this function' };
  }
  if (nowMs - issuedAt > DEFERRED_MAX_AGE_MS || issuedAt - nowMs > 60_000) {
    return { refused: 'stale deferred event' };
  }
  if (!DEFERRED_KINDS.has(work.kind) || !/^https:\/\/|^http:\/\//.test(work.responseUrl)) {
    return { refused: 'unknown deferred work' };
  }
  return { work };
}

function invalid(error: ValidationError): SlackMessage {
  const said = escapeMrkdwn(error.message);
  return message(`${escapeMrkdwn(error.field)}: ${said}`, [
    section(`:warning: ${said}\n_\`/ir help\` shows every command._`),
  ]);
}

/** Runs the work and answers through its response_url; never throws (there is nobody left to throw to). */
export type DeferredRunner = (work: DeferredCommand) => Promise<void>;

/** The command's own code, by kind (the same functions the listener runs when nothing is deferred). */
function runWork(work: DeferredCommand, ctx: CommandContext): Promise<SlackMessage> {
  switch (work.kind) {
    case 'isolate':
      return isolateNow(work.args, ctx);
    case 'report':
      return reportNow(work.target, ctx);
    case 'stats':
      return statsNow(work.window, ctx);
  }
}

/**
 * Runs deferred work as the listener would have: the same command code (bot/commands/isolate.ts, report.ts,
 * stats.ts), a refusal
 * (ValidationError) answered as written, anything unexpected answered with an error id. The user was authorized
 * before the acknowledgement.
 */
export function deferredRunner(deps: BotDeps, client: () => WebClient): DeferredRunner {
  const authz = new Authorizer(deps.settings, deps.clock, deps.log.child({ component: 'authz' }));
  return async (work) => {
    const log: Logger = deps.log.child({ userId: work.userId, command: 'ir', deferred: work.kind });
    const ctx: CommandContext = {
      deps,
      authz,
      client: client(),
      userId: work.userId,
      teamDomain: work.teamDomain,
      channelId: work.channelId,
      log,
    };
    let reply: SlackMessage;
    try {
      reply = await runWork(work, ctx);
    } catch (error) {
      if (error instanceof ValidationError) {
        log.info({ reason: error.message }, 'request refused');
        reply = invalid(error);
      } else {
        const errorId = newErrorId();
        log.error({ errorId, err: error }, 'unexpected error in deferred work');
        reply = message(`Something went wrong. Error id ${errorId}`, [
          section(
            `:x: Something went wrong. Error id \`${errorId}\`: give it to your SOC lead (the details are in the logs).`,
          ),
        ]);
      }
    }
    try {
      await respondMessage(work.responseUrl, reply);
    } catch (error) {
      log.error({ err: error }, 'Slack notification lost: the deferred answer could not reach response_url');
    }
  };
}
