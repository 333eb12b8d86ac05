import type { KnownBlock } from '@slack/web-api';
import type { ApprovalRecord, IncidentRecord } from '../../workflow/ledger/types';
import { TERMINAL_STATUSES } from '../../workflow/ledger/types';
import { encodeApprovalValue } from '../actions/button-value';
import { ACTIONS, BLOCKS } from '../ids';
import { button, confirmDialog, context, escapeMrkdwn, message, type SlackMessage, section } from './blocks';
import { accountRegion, hhmm, mention, resourceId, resourceText } from './format';

export type ApprovalView = 'pending' | 'approved' | 'rejected' | 'expired';

/**
 * Where an approval stands, from state alone: decided if a decision is recorded; expired once the workflow
 * escalated it, its time passed (`now` given), or the incident closed without a decision.
 */
export function approvalView(approval: ApprovalRecord, incident: IncidentRecord, now?: Date): ApprovalView {
  if (approval.decision === 'approve') return 'approved';
  if (approval.decision === 'reject') return 'rejected';
  if (approval.expiredAt !== undefined || approval.escalatedTo !== undefined) return 'expired';
  if (now !== undefined && now.getTime() >= new Date(approval.expiresAt).getTime()) return 'expired';
  if (TERMINAL_STATUSES.has(incident.status)) return 'expired';
  return 'pending';
}

/** When an approval stopped accepting decisions: its deadline, or earlier if the workflow expired it first. */
export function expiredAt(approval: ApprovalRecord): string {
  return approval.expiredAt && approval.expiredAt < approval.expiresAt
    ? approval.expiredAt
    : approval.expiresAt;
}

/** "This approval expired at 18:05 UTC (escalated to <@U0LEAD>)": the card copy and the ephemeral say the same. */
export function expiredText(approval: ApprovalRecord, fallbackLead?: string): string {
  const lead = approval.escalatedTo ?? (approval.kind === 'primary' ? fallbackLead : undefined);
  const tail = lead ? ` (escalated to ${mention(lead)})` : ': nobody answered, the resource stays contained';
  return `:hourglass: This approval expired at ${hhmm(expiredAt(approval))}${tail}`;
}

export function decidedText(approval: ApprovalRecord): string {
  const who = approval.decidedBy ? mention(approval.decidedBy) : 'someone';
  const at = approval.decidedAt ? hhmm(approval.decidedAt) : 'an unknown time';
  return approval.decision === 'reject'
    ? `:leftwards_arrow_with_hook: Rejected by ${who} at ${at}: false positive, restoring the pre-containment state`
    : `:white_check_mark: Approved by ${who} at ${at}: stays contained, finding resolved`;
}

function approvalButtons(approval: ApprovalRecord, incident: IncidentRecord): KnownBlock {
  const value = encodeApprovalValue({ incidentId: incident.incidentId, approvalId: approval.approvalId });
  const target = `\`${escapeMrkdwn(resourceId(incident.request.resource))}\` (${accountRegion(incident)})`;
  return {
    type: 'actions',
    block_id: BLOCKS.approval,
    elements: [
      button({
        text: 'Approve',
        actionId: ACTIONS.approve,
        value,
        style: 'primary',
        confirm: confirmDialog(
          'Approve containment?',
          `${target} stays contained and the finding is marked resolved.`,
          'Approve',
        ),
      }),
      button({
        text: 'Reject (false positive)',
        actionId: ACTIONS.reject,
        value,
        style: 'danger',
        confirm: confirmDialog(
          'Reject as a false positive?',
          `${target} is restored exactly to its recorded pre-containment state.`,
          'Reject and restore',
        ),
      }),
    ],
  };
}

/**
 * The approval message (thread copy and the lead's DM copy). Pending: Approve and Reject, both behind a confirm
 * dialog. Decided or expired: the same builder renders the outcome and the buttons are gone.
 */
export function approvalMessage(
  approval: ApprovalRecord,
  incident: IncidentRecord,
  now?: Date,
  options: { socLeadUserId?: string; fourEyes?: boolean } = {},
): SlackMessage {
  const view = approvalView(approval, incident, now);
  const target = `\`${escapeMrkdwn(resourceId(incident.request.resource))}\``;
  const idLine = `\`${incident.incidentId}\` · ${accountRegion(incident)}`;
  if (view === 'approved' || view === 'rejected') {
    const text = decidedText(approval);
    return message(`${text} (${incident.incidentId})`, [section(text), context([idLine])]);
  }
  if (view === 'expired') {
    const text = expiredText(approval, options.socLeadUserId);
    return message(`${text} (${incident.incidentId})`, [section(text), context([idLine])]);
  }
  const title =
    approval.kind === 'escalation'
      ? `:rotating_light: *Escalated: containment of ${target} needs your decision*`
      : `:lock: *Containment of ${target} needs a decision*`;
  const notes = [`expires at ${hhmm(approval.expiresAt)}`];
  if (approval.requesterSlackUserId) {
    const fourEyes = options.fourEyes === false ? '' : ', who cannot approve it (four-eyes)';
    notes.push(`requested by ${mention(approval.requesterSlackUserId)}${fourEyes}`);
  }
  return message(
    `Containment of ${resourceText(incident.request.resource)} needs a decision (${incident.incidentId})`,
    [
      section(
        `${title}\n*Approve*: keep it contained and resolve the finding.\n` +
          '*Reject*: false positive, restore exactly the recorded pre-containment state.',
      ),
      context([idLine, ...notes]),
      approvalButtons(approval, incident),
    ],
  );
}
