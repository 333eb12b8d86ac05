import type { IncidentRecord } from '../../workflow/ledger/types';
import { context, linesToSections, message, type SlackMessage, section } from './blocks';
import { accountRegion, between, duration, resourceLabel, threadLink, waitingOn } from './format';

/** `/ir list`: the open incidents, oldest first: status, age, resource, whom it waits on. */
export function listSummary(
  incidents: IncidentRecord[],
  now: Date,
  options: { socLeadUserId: string; teamDomain?: string },
): SlackMessage {
  if (incidents.length === 0) {
    return message('No open incidents.', [section(':sunny: No open incidents.')]);
  }
  const sorted = [...incidents].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const lines = sorted.map((incident) => {
    const id =
      incident.slack && options.teamDomain
        ? `<${threadLink(options.teamDomain, incident.slack.channel, incident.slack.ts)}|${incident.incidentId}>`
        : `\`${incident.incidentId}\``;
    return (
      `• ${id} *${incident.status}* · ${duration(between(incident.createdAt, now))} old · ` +
      `${resourceLabel(incident.request.resource)} in ${accountRegion(incident)} · waiting on ${waitingOn(incident, options.socLeadUserId)}`
    );
  });
  return message(`${incidents.length} open incident${incidents.length === 1 ? '' : 's'}`, [
    section(`*${incidents.length} open incident${incidents.length === 1 ? '' : 's'}*`),
    ...linesToSections(lines, 45, (n) => `_+${n} more_`),
    context(['`/ir status <incident-id>` for the steps and evidence of one incident.']),
  ]);
}
