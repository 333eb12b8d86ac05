import type { KnownBlock } from '@slack/web-api';
import type { IncidentRecord } from '../../workflow/ledger/types';
import { encodeContainNowValue } from '../actions/button-value';
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
  plainTitle,
  requesterReason,
  resourceId,
  resourceLabel,
  resourceText,
  severityLabel,
  statusLine,
  timeToContainMs,
} from './format';

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
  if (options.containNow) blocks.push(section(containNowStartedLine(options.containNow)));
  else if (incident.route === 'ask-before-contain' && incident.request.resource.instanceId) {
    blocks.push(containNowButton(incident));
  }
  const text = `${request.severity.label} ${escapeMrkdwn(request.type)} on ${resourceText(request.resource)} (${accountRegion(incident)}): ${statusLine(incident, options.socLeadUserId)}`;
  return message(text, blocks);
}
