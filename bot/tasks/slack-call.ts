import { NotificationError } from '../../workflow/errors';
import type { BotTaskDeps } from '../deps';

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
 * Runs one Slack call (the WebClient has already retried 429s and 5xx within its bounds). A failure is recorded
 * as an audit event 'notification-failed' and thrown as NotificationError, which the state machine retries and then
 * steps past: containment never waits on Slack.
 */
export async function slackCall<T>(
  deps: BotTaskDeps,
  incidentId: string,
  what: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
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
    throw new NotificationError(`${what} failed: ${reason}`, { cause: error });
  }
}
