import type { KnownBlock } from '@slack/web-api';
import type { ApprovalRecord, IncidentRecord } from '../../workflow/ledger/types';
import { approvalView, expiredText } from './approval';
import { escapeMrkdwn, fields, linesToSections, message, type SlackMessage, section } from './blocks';
import { evidenceLine } from './evidence-manifest';
import {
  accountRegion,
  between,
  duration,
  hhmm,
  mention,
  requesterReason,
  resourceLabel,
  resourceText,
  severityLabel,
  statusLine,
  threadLink,
  timestamp,
  timeToContainMs,
} from './format';
import { stepTitle } from './step-names';

const STEP_MARK = { ok: ':white_check_mark:', skipped: ':fast_forward:', failed: ':x:' } as const;

function approvalLine(
  approval: ApprovalRecord,
  incident: IncidentRecord,
  now: Date,
  socLead: string,
): string {
  const label = approval.kind === 'escalation' ? 'Escalation approval' : 'Approval';
  switch (approvalView(approval, incident, now)) {
    case 'approved':
      return `${label}: approved by ${mention(approval.decidedBy ?? 'unknown')} at ${hhmm(approval.decidedAt ?? '')}`;
    case 'rejected':
      return `${label}: rejected by ${mention(approval.decidedBy ?? 'unknown')} at ${hhmm(approval.decidedAt ?? '')}`;
    case 'expired':
      return `${label}: ${expiredText(approval, socLead).replace(/^:hourglass: This approval /, '')}`;
    case 'pending':
      return `${label}: pending, expires at ${hhmm(approval.expiresAt)}`;
  }
}

function reasonField(incident: IncidentRecord): [string, string][] {
  const reason = requesterReason(incident);
  return reason ? [['Reason', reason]] : [];
}

/** `/ir status`: where an incident stands, step by step, with evidence ids and who decided. */
export function statusSummary(
  incident: IncidentRecord,
  approvals: ApprovalRecord[],
  now: Date,
  options: { socLeadUserId: string; teamDomain?: string },
): SlackMessage {
  const ttc = timeToContainMs(incident);
  const thread =
    incident.slack && options.teamDomain
      ? ` · <${threadLink(options.teamDomain, incident.slack.channel, incident.slack.ts)}|thread>`
      : '';
  const blocks: KnownBlock[] = [
    section(`*\`${incident.incidentId}\`*${thread}\n${statusLine(incident, options.socLeadUserId)}`),
    fields([
      ['Severity', severityLabel(incident)],
      ['Finding type', `\`${escapeMrkdwn(incident.request.type)}\``],
      ['Account / region', accountRegion(incident)],
      ['Resource', resourceLabel(incident.request.resource)],
      ['Opened', `${timestamp(incident.createdAt)} (${duration(between(incident.createdAt, now))} ago)`],
      ['Time to contain', ttc !== undefined ? duration(ttc) : 'not contained yet'],
      ...reasonField(incident),
      ...(incident.owner ? ([['Owner', mention(incident.owner.userId)]] as [string, string][]) : []),
    ]),
  ];
  const stepLines = incident.steps.map(
    (s) =>
      `${STEP_MARK[s.status]} *${escapeMrkdwn(stepTitle(s.name, s.status))}* ${hhmm(s.startedAt)} (${duration(between(s.startedAt, s.endedAt))}): ${escapeMrkdwn(s.summary)}`,
  );
  blocks.push(section(stepLines.length ? `*Steps* (${stepLines.length})` : '*Steps*: none yet'));
  blocks.push(...linesToSections(stepLines, 15));
  const evidence = incident.evidence.map(evidenceLine);
  blocks.push(section(evidence.length ? `*Evidence* (${evidence.length})` : '*Evidence*: none yet'));
  blocks.push(...linesToSections(evidence, 15));
  const approvalLines = approvals.map((a) => approvalLine(a, incident, now, options.socLeadUserId));
  blocks.push(section(approvalLines.length ? approvalLines.join('\n') : 'Approval: not requested yet'));
  if (incident.failure) {
    blocks.push(
      section(
        `:x: Failed at *${escapeMrkdwn(incident.failure.step)}*: \`${escapeMrkdwn(incident.failure.error)}\``,
      ),
    );
  }
  return message(
    `${incident.incidentId} (${resourceText(incident.request.resource)}): ${statusLine(incident, options.socLeadUserId)}`,
    blocks,
  );
}
