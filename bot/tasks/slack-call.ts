import { NotificationError } from '../../workflow/errors';
import type { BotTaskDeps } from '../deps';
import { realTimers, type TakeOptions } from './pace';

/** 429s one call waits out (Retry-After each time) before it fails as NotificationError for the state machine. */
export const RATE_LIMITED_RETRIES = 3;
/**
 * The most an unpaced call (chat.update, conversations.open) sleeps on Retry-After in all, well under the task
 * functions' 30-second timeout: a longer wait fails at once as a clean NotificationError, which the state
 * machine retries, instead of a Lambda timeout.
 */
export const MAX_UNPACED_WAIT_MS = 10_000;

/** Retry-After in ms when the WebClient rejected a rate-limited call (TASK_CLIENT.rejectRateLimitedCalls). */
export function rateLimitedRetryAfterMs(error: unknown): number | undefined {
  const e = error as { code?: string; retryAfter?: number } | null;
  if (e?.code !== 'slack_webapi_rate_limited_error') return undefined;
  return Math.max(1, e.retryAfter ?? 1) * 1000;
}

/** A readable reason from a WebClient error: the platform error code, the HTTP status, or the message. */
export function describeSlackError(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { code?: string; data?: { error?: string }; statusCode?: number; message?: string };
    if (e.data?.error) return e.data.error;
    if (e.statusCode) return `HTTP ${e.statusCode}`;
    if (e.message) return e.message;
  }
  return String(error);
}

/**
 * Runs one Slack call (the WebClient has already retried 5xx within its bounds). A `paced` call (chat.postMessage)
 * first takes its channel's slot from the pacer; a SlackPacedError from the pacer is not a Slack failure and goes
 * to the state machine as it is. A 429 is waited out here, Retry-After each time (for a paced call, by holding
 * the channel for every container), up to RATE_LIMITED_RETRIES. Any other failure is recorded as an audit event
 * 'notification-failed' and thrown as NotificationError, which the state machine retries and then steps past:
 * containment never waits on Slack.
 */
export async function slackCall<T>(
  deps: BotTaskDeps,
  incidentId: string,
  what: string,
  call: () => Promise<T>,
  paced?: { channel: string } & TakeOptions,
): Promise<T> {
  let waitedMs = 0;
  for (let limited = 0; ; limited += 1) {
    if (paced) await deps.pacer.take(paced.channel, { ...paced, label: `${incidentId}: ${what}` });
    try {
      return await call();
    } catch (error) {
      const retryAfterMs = rateLimitedRetryAfterMs(error);
      if (retryAfterMs === undefined || limited >= RATE_LIMITED_RETRIES)
        throw await notificationFailed(deps, incidentId, what, error);
      if (!paced && waitedMs + retryAfterMs > MAX_UNPACED_WAIT_MS) {
        const reason = `rate limited: Retry-After ${retryAfterMs / 1000} s is beyond the ${MAX_UNPACED_WAIT_MS / 1000} s this call may wait`;
        throw await notificationFailed(deps, incidentId, what, new Error(reason, { cause: error }));
      }
      deps.log.info({ incidentId, what, retryAfterMs }, 'Slack answered 429: waiting out Retry-After');
      if (paced) await deps.pacer.holdOff(paced.channel, retryAfterMs);
      else await realTimers.sleep(retryAfterMs);
      waitedMs += retryAfterMs;
    }
  }
}

async function notificationFailed(
  deps: BotTaskDeps,
  incidentId: string,
  what: string,
  error: unknown,
): Promise<NotificationError> {
  const reason = describeSlackError(error);
  deps.log.warn({ incidentId, what, reason }, 'Slack call failed');
  await deps.ledger
    .appendAudit({
      incidentId,
      at: deps.clock.now().toISOString(),
      actor: 'system',
      action: 'notification-failed',
      detail: { what, reason },
    })
    .catch((auditError: unknown) =>
      deps.log.error({ incidentId, err: auditError }, 'could not record notification-failed'),
    );
  return new NotificationError(`${what} failed: ${reason}`, { cause: error });
}
