import type { IncidentRecord } from '../../workflow/ledger/types';
import { escapeMrkdwn, message, type SlackMessage, section } from './blocks';
import { accountRegion, hhmm, mention, resourceText } from './format';

/** The SOC lead's re-page after the last timer: still contained, nobody deciding, and the two ways out. */
export function reminderDm(
  incident: IncidentRecord,
  n: number,
  max: number,
  options: { threadUrl?: string } = {},
): SlackMessage {
  const since = incident.closedAt ? ` since ${hhmm(incident.closedAt)}` : '';
  const owner = incident.owner ? ` Owner: ${mention(incident.owner.userId)}.` : ' Nobody has claimed it.';
  const thread = options.threadUrl ? ` <${options.threadUrl}|Open the thread>.` : '';
  const text =
    `:bell: Reminder ${n} of ${max}: \`${incident.incidentId}\` (${resourceText(incident.request.resource)}, ` +
    `${accountRegion(incident)}) is still contained and unresolved${since}: nobody decided.${owner}${thread}\n` +
    `\`/ir resolve ${incident.incidentId}\` keeps it contained and closes it; ` +
    `\`/ir release ${incident.incidentId}\` restores it exactly, as Reject does.`;
  return message(
    `Reminder ${n} of ${max}: ${incident.incidentId} is still unresolved (${escapeMrkdwn(incident.request.type)})`,
    [section(text)],
  );
}
