import type { IncidentRecord } from '../../workflow/ledger/types';
import { escapeMrkdwn, message, type SlackMessage, section } from './blocks';
import { accountRegion, channelMention, resourceText, statusLine, threadLink } from './format';

/** `/ir isolate` (or Contain now) opened an incident: the card itself is posted by the workflow's Notify task. */
export function isolateStarted(incident: IncidentRecord, socChannel: string): SlackMessage {
  const target = resourceText(incident.request.resource);
  const text =
    `:shield: Opened \`${incident.incidentId}\` for \`${target}\` in ${accountRegion(incident)}. ` +
    `Containment has started; the card is posted in ${channelMention(socChannel)} and every step goes to its thread.`;
  return message(`Opened ${incident.incidentId} for ${target}: card posted in #soc`, [section(text)]);
}

/** The resource already has an open incident: point at its thread (or say the card is not posted yet). */
export function alreadyOpen(incident: IncidentRecord, teamDomain: string): SlackMessage {
  const target = resourceText(incident.request.resource);
  const where = incident.slack
    ? `<${threadLink(teamDomain, incident.slack.channel, incident.slack.ts)}|open its thread>`
    : `its card is not posted yet; \`/ir status ${incident.incidentId}\` shows where it stands`;
  const text =
    `:information_source: \`${target}\` already has an open incident \`${incident.incidentId}\` ` +
    `(${statusLine(incident)}): ${where}. Nothing new was started.`;
  return message(`${target} already has an open incident ${incident.incidentId}`, [section(text)]);
}

export function isolateRefused(error: { message: string; field: string }): SlackMessage {
  const text = `:warning: ${escapeMrkdwn(error.field)}: ${escapeMrkdwn(error.message)}`;
  return message(`${escapeMrkdwn(error.field)}: ${escapeMrkdwn(error.message)}`, [
    section(`${text}\nNothing was started.`),
  ]);
}

export function isolateIgnored(incident: IncidentRecord | undefined): SlackMessage {
  const id = incident ? ` as \`${incident.incidentId}\`` : '';
  const why = incident ? `: ${escapeMrkdwn(incident.routeReason)}` : '';
  return message(`Recorded${id} but not contained${why}`, [
    section(`:zzz: Recorded${id} but routed to ignore${why}. Nothing was changed.`),
  ]);
}
