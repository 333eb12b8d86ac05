import type { IncidentRecord, SettleHow } from '../../workflow/ledger/types';
import { encodeIncidentValue } from '../actions/button-value';
import { ACTIONS, BLOCKS } from '../ids';
import { button, confirmDialog, escapeMrkdwn, message, type SlackMessage, section } from './blocks';
import { accountRegion, mention, resourceId } from './format';

const VERB: Record<SettleHow, string> = { resolve: 'Resolve', release: 'Release' };

/** What each way out does, in one sentence (the prompt and its dialog say the same). */
function effect(how: SettleHow, incident: IncidentRecord): string {
  const what = `\`${escapeMrkdwn(resourceId(incident.request.resource))}\` in ${accountRegion(incident)}`;
  return how === 'resolve'
    ? `${what} stays contained and \`${incident.incidentId}\` is closed as resolved.`
    : `${what} is restored exactly as it was before containment (as Reject does), then \`${incident.incidentId}\` is closed.`;
}

/**
 * `/ir resolve|release <id>` answers with this: one button whose confirmation dialog says what happens. Nothing
 * changes until the button is pressed and confirmed (the click is authorized again).
 */
export function settlePrompt(how: SettleHow, incident: IncidentRecord): SlackMessage {
  const verb = VERB[how];
  const actionId = how === 'resolve' ? ACTIONS.resolveUnresolved : ACTIONS.releaseUnresolved;
  return message(`${verb} ${incident.incidentId}? ${effect(how, incident)}`, [
    section(`*${verb} \`${incident.incidentId}\`?* ${effect(how, incident)}`),
    {
      type: 'actions',
      block_id: BLOCKS.settle,
      elements: [
        button({
          text: `${verb} ${incident.incidentId}`,
          actionId,
          value: encodeIncidentValue(incident.incidentId),
          ...(how === 'release' ? { style: 'danger' as const } : { style: 'primary' as const }),
          confirm: confirmDialog(`${verb} this incident?`, effect(how, incident), verb),
        }),
      ],
    },
  ]);
}

/** Why an incident cannot be resolved or released from Slack right now. */
export function notUnresolvedText(incident: IncidentRecord): string {
  if (incident.settled) {
    const past = incident.settled.how === 'resolve' ? 'resolved' : 'released';
    return `\`${incident.incidentId}\` was already ${past} by ${mention(incident.settled.by)}. Nothing was done.`;
  }
  return (
    `\`${incident.incidentId}\` is ${incident.status}, not ESCALATED_UNRESOLVED: ` +
    '`/ir resolve` and `/ir release` end an incident only after the last timer. ' +
    (incident.status === 'AWAITING_APPROVAL' || incident.status === 'ESCALATED'
      ? 'Decide with Approve or Reject in the thread.'
      : 'Nothing was done.')
  );
}

export function settledText(how: SettleHow, incident: IncidentRecord, by: string): string {
  return how === 'resolve'
    ? `:white_check_mark: ${mention(by)} resolved \`${incident.incidentId}\`: it stays contained and is closed.`
    : `:leftwards_arrow_with_hook: ${mention(by)} released \`${incident.incidentId}\`: the restore has started (the thread reports it).`;
}
