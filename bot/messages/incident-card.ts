import type { KnownBlock } from '@slack/web-api';
import { type IncidentRecord, TERMINAL_STATUSES } from '../../workflow/ledger/types';
import { encodeContainNowValue, encodeIncidentValue } from '../actions/button-value';
import { ACTIONS, BLOCKS } from '../ids';
import {
  button,
  confirmDialog,
  context,
  escapeMrkdwn,
  fields,
  header,
  message,
  type SlackMessage,
  section,
} from './blocks';
import {
  accountRegion,
  duration,
  hhmm,
  mention,
  plainTitle,
  requesterReason,
  resourceId,
  resourceLabel,
  resourceText,
  severityLabel,
  statusLine,
  timeToContainMs,
} from './format';
import { ticketField } from './ticket-link';

const SOURCE_LABEL: Record<IncidentRecord['request']['source'], string> = {
  guardduty: 'GuardDuty',
  securityhub: 'Security Hub',
  manual: '/ir isolate',
};

/** Who pressed Contain now, and the incident it opened (rendered in place of the button). */
export interface ContainNowStarted {
  by: string;
  at: string;
  incidentId: string;
}

export function containNowStartedLine(started: ContainNowStarted): string {
  return `:shield: Contain now pressed by <@${started.by}> at ${hhmm(started.at)}: \`${started.incidentId}\``;
}

/** The Contain now button (review notice, ask-before-contain card): confirm first, value = incident id only. */
export function containNowButton(incident: IncidentRecord): KnownBlock {
  return {
    type: 'actions',
    block_id: BLOCKS.review,
    elements: [
      button({
        text: 'Contain now',
        actionId: ACTIONS.containNow,
        value: encodeContainNowValue(incident.incidentId),
        style: 'danger',
        confirm: confirmDialog(
          'Contain this instance?',
          `Isolate \`${escapeMrkdwn(resourceId(incident.request.resource))}\` in ${accountRegion(incident)} now: ` +
            'network isolation, snapshots and credential revocation. A responder can restore it later with Reject.',
          'Contain now',
        ),
      }),
    ],
  };
}

/** A card shows Claim while someone still has to act: the incident is running, or unresolved after the last timer. */
export function claimable(incident: IncidentRecord): boolean {
  return incident.status === 'ESCALATED_UNRESOLVED' || !TERMINAL_STATUSES.has(incident.status);
}

/** The Claim button: the clicker becomes the owner (a new owner replaces the old one, audited). */
export function claimButton(incident: IncidentRecord): KnownBlock {
  const mine = incident.owner ? 'Take over' : 'Claim';
  return {
    type: 'actions',
    block_id: BLOCKS.ownership,
    elements: [
      button({
        text: mine,
        actionId: ACTIONS.claim,
        value: encodeIncidentValue(incident.incidentId),
        confirm: confirmDialog(
          incident.owner ? 'Take over this incident?' : 'Claim this incident?',
          incident.owner
            ? `${mention(incident.owner.userId)} owns \`${incident.incidentId}\`. You become its owner; the change is audited.`
            : `You become the owner of \`${incident.incidentId}\`: the one who sees it through.`,
          mine,
        ),
      }),
    ],
  };
}

/**
 * The incident card: the top-level message in #soc whose thread carries every step. A pure function of the
 * incident; the Notify task posts it once and updates it as the status moves.
 */
export function incidentCard(
  incident: IncidentRecord,
  now: Date,
  options: { socLeadUserId?: string; containNow?: ContainNowStarted } = {},
): SlackMessage {
  const { request } = incident;
  const ttc = timeToContainMs(incident);
  const pairs: [string, string][] = [
    ['Severity', severityLabel(incident)],
    ['Finding type', `\`${escapeMrkdwn(request.type)}\``],
    ['Account / region', accountRegion(incident)],
    ['Resource', resourceLabel(request.resource)],
  ];
  const reason = requesterReason(incident);
  if (reason) pairs.push(['Reason', reason]);
  if (incident.owner) pairs.push(['Owner', mention(incident.owner.userId)]);
  const ticket = ticketField(incident);
  if (ticket) pairs.push(ticket);
  if (ttc !== undefined) pairs.push(['Time to contain', duration(ttc)]);
  if (incident.findingCount > 1) {
    const extra = incident.findingCount - 1;
    pairs.push(['Findings', `+${extra} finding${extra === 1 ? '' : 's'} on this resource`]);
  }
  const requester = request.requester ? ` · requested by <@${request.requester.slackUserId}>` : '';
  const blocks: KnownBlock[] = [
    header(`${request.severity.label}: ${plainTitle(request.title)}`),
    fields(pairs),
    section(statusLine(incident, options.socLeadUserId)),
    context([
      `\`${incident.incidentId}\` · ${SOURCE_LABEL[request.source]}${requester} · updated ${now
        .toISOString()
        .slice(11, 16)} UTC`,
    ]),
  ];
  if (incident.status === 'ESCALATED_UNRESOLVED' && !incident.settled) {
    blocks.push(
      context([
        `Still contained, nobody decided: \`/ir resolve ${incident.incidentId}\` keeps it contained and closes it, ` +
          `\`/ir release ${incident.incidentId}\` restores it as Reject does.`,
      ]),
    );
  }
  if (claimable(incident) && incident.route !== 'review') blocks.push(claimButton(incident));
  if (options.containNow) blocks.push(section(containNowStartedLine(options.containNow)));
  else if (incident.route === 'ask-before-contain' && incident.request.resource.instanceId) {
    blocks.push(containNowButton(incident));
  }
  const text = `${request.severity.label} ${escapeMrkdwn(request.type)} on ${resourceText(request.resource)} (${accountRegion(incident)}): ${statusLine(incident, options.socLeadUserId)}`;
  return message(text, blocks);
}
