import type { IncidentRecord } from '../../workflow/ledger/types';
import { context, escapeMrkdwn, message, type SlackMessage, section, truncate } from './blocks';
import { mention, resourceId } from './format';

/** Containment failed: say where, keep what succeeded, and page the SOC lead by mentioning them. */
export function failureNotice(incident: IncidentRecord, socLeadUserId: string): SlackMessage {
  const failure = incident.failure;
  const where = failure ? ` at *${escapeMrkdwn(failure.step)}*` : '';
  const error = failure
    ? `\n\`${escapeMrkdwn(failure.error)}\`: ${escapeMrkdwn(truncate(failure.cause, 1500))}`
    : '';
  const done = incident.steps.filter((s) => s.status === 'ok').map((s) => s.name);
  const kept = done.length ? `Completed steps stay in place: ${done.join(', ')}.` : 'No step completed.';
  const text = `:x: ${mention(socLeadUserId)} containment of \`${escapeMrkdwn(resourceId(incident.request.resource))}\` failed${where}.${error}`;
  return message(`Containment failed for ${incident.incidentId}: paging ${mention(socLeadUserId)}`, [
    section(text),
    section(`${kept} Continue by hand from the runbook; the audit trail has every call.`),
    context([`\`${incident.incidentId}\``]),
  ]);
}
