import { message, type SlackMessage, section } from '../messages/blocks';
import { usage } from '../messages/usage';

/** Whether the on-call is paged besides Slack: PagerDuty when a routing key secret is configured. */
export type PagingStatus = 'pagerduty' | 'off';

/** `/ir help`, and the answer to anything `/ir` does not know; help says whether paging is on. */
export function helpCommand(problem?: string, paging?: PagingStatus): SlackMessage {
  const help = usage(problem);
  if (!paging) return help;
  const line =
    paging === 'pagerduty'
      ? ':pager: Paging is on: Airlock pages the on-call through PagerDuty when an incident is contained, escalated, left unresolved or fails, and resolves the page when it is decided.'
      : ':pager: Paging is off: no PagerDuty routing key is configured, so only Slack is notified.';
  return message(`${help.text} ${line}`, [...help.blocks, section(line)]);
}
