import type { BotTaskDeps } from '../deps';
import { reminderDm } from '../messages/reminder-dm';
import { loadIncident, postMessage } from './card';
import { slackCall } from './slack-call';

export const LEAD_REMINDED = 'lead-reminded';

export interface ReminderOutput {
  /** true: the state machine waits and calls again (still unresolved, re-pages left). */
  again: boolean;
  /** Re-pages sent so far. */
  reminded: number;
}

/**
 * Nobody is silent: after the last timer, while the incident stays ESCALATED_UNRESOLVED and nobody resolved or
 * released it, the SOC lead gets a DM, at most `maxReminders` times (the ASL's Wait sets the interval). The count
 * is the audit trail's `lead-reminded` events, so a retried run does not re-page beyond the bound.
 */
export async function remindLead(
  deps: BotTaskDeps,
  incidentId: string,
  maxReminders: number,
): Promise<ReminderOutput> {
  const log = deps.log.child({ incidentId, task: 'RemindLead' });
  const incident = await loadIncident(deps, incidentId);
  const audit = await deps.ledger.listAudit(incidentId);
  const reminded = audit.filter((e) => e.action === LEAD_REMINDED).length;
  if (incident.status !== 'ESCALATED_UNRESOLVED' || incident.settled) {
    log.info({ status: incident.status }, 'no longer unresolved: reminders stop');
    return { again: false, reminded };
  }
  if (reminded >= maxReminders) return { again: false, reminded };
  const lead = deps.settings.socLeadUserId;
  const n = reminded + 1;
  const slack = incident.slack;
  const threadUrl = slack
    ? await slackCall(deps, incidentId, 'get the thread permalink', () =>
        deps.slack.chat.getPermalink({ channel: slack.channel, message_ts: slack.ts }),
      )
        .then((r) => r.permalink)
        .catch(() => undefined)
    : undefined;
  const opened = await slackCall(deps, incidentId, 'open a DM with the SOC lead', () =>
    deps.slack.conversations.open({ users: lead }),
  );
  const channel = opened.channel?.id;
  if (!channel) throw new Error('conversations.open answered without a channel id');
  const m = reminderDm(incident, n, maxReminders, threadUrl ? { threadUrl } : {});
  const posted = await postMessage(deps, incidentId, 're-page the SOC lead', { channel, m });
  await deps.ledger.appendAudit({
    incidentId,
    at: deps.clock.now().toISOString(),
    actor: 'workflow',
    action: LEAD_REMINDED,
    detail: { n, max: maxReminders, lead, channel, ts: posted.ts },
  });
  log.info({ n, max: maxReminders }, 'SOC lead re-paged');
  return { again: n < maxReminders, reminded: n };
}
