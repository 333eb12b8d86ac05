import type { KnownBlock } from '@slack/web-api';
import type { ApprovalRecord, EvidenceItem, IncidentRecord } from '../../workflow/ledger/types';
import { approvalMessage } from './approval';
import { escapeMrkdwn, fields, header, linesToSections, message, type SlackMessage, section } from './blocks';
import {
  accountRegion,
  between,
  duration,
  hhmm,
  plainTitle,
  resourceLabel,
  resourceText,
  severityLabel,
  statusLine,
} from './format';

/**
 * The DM to the SOC lead when nobody decided in time: the incident summary, the evidence nobody has reviewed
 * yet (with its age), and the same Approve/Reject buttons (an escalation approval with its own token).
 */
export function escalationDm(
  incident: IncidentRecord,
  approval: ApprovalRecord,
  unreviewedEvidence: EvidenceItem[],
  now: Date,
  options: { threadUrl?: string } = {},
): SlackMessage {
  const { request } = incident;
  const lines = unreviewedEvidence.map((item) => {
    const sha = item.sha256 ? ` sha256 \`${item.sha256.slice(0, 12)}…\`` : '';
    return `• ${item.kind} \`${escapeMrkdwn(item.id)}\`${sha}, taken ${duration(between(item.at, now))} ago`;
  });
  const approvalBlocks = approvalMessage(approval, incident, now).blocks;
  // A permalink from chat.getPermalink (https only): the lead opens the thread with every step in one click.
  const thread =
    options.threadUrl?.startsWith('https://') && !/[<>|]/.test(options.threadUrl)
      ? ` <${options.threadUrl}|incident thread>`
      : '';
  const blocks: KnownBlock[] = [
    header(`Escalation: ${plainTitle(request.title)}`),
    section(
      `No responder decided on \`${incident.incidentId}\` in time, so it is yours. It ${
        incident.containedAt ? `has been contained since ${hhmm(incident.containedAt)}` : 'is contained'
      }.${thread}\n${statusLine(incident)}`,
    ),
    fields([
      ['Severity', severityLabel(incident)],
      ['Finding type', `\`${escapeMrkdwn(request.type)}\``],
      ['Account / region', accountRegion(incident)],
      ['Resource', resourceLabel(request.resource)],
    ]),
    section(
      lines.length
        ? `*Unreviewed evidence* (${lines.length} item${lines.length === 1 ? '' : 's'}):`
        : '*Unreviewed evidence*: none recorded.',
    ),
    ...linesToSections(lines, 50 - 4 - approvalBlocks.length),
    ...approvalBlocks,
  ];
  return message(
    `Escalation: containment of ${resourceText(request.resource)} (${incident.incidentId}) needs your decision`,
    blocks,
  );
}
