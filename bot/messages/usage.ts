import { COMMANDS } from '../ids';
import { escapeMrkdwn, message, type SlackMessage, section } from './blocks';

const c = COMMANDS.ir;

/** `/ir help`, and the answer to anything `/ir` does not understand. */
export function usage(problem?: string): SlackMessage {
  const lines = [
    `\`${c} isolate <instance-id> [account <12 digits>] [region <name>] [reason …] [--plan]\`: contain an EC2 instance (\`--plan\` shows what would change, and changes nothing)`,
    `\`${c} status <incident-id | instance-id>\`: steps, evidence and approval of one incident`,
    `\`${c} list\`: open and unresolved incidents and whom they wait on`,
    `\`${c} claim <incident-id>\`: become the incident's owner (shown on the card; a takeover is audited)`,
    `\`${c} resolve <incident-id>\`: after the last timer, keep it contained and close it (confirmed first)`,
    `\`${c} release <incident-id>\`: after the last timer, restore it exactly, as Reject does (confirmed first)`,
    `\`${c} report <incident-id | instance-id>\`: the closed incident's report (regenerated if the ledger changed since)`,
    `\`${c} stats [7d|30d]\`: the SOC's figures over the last 7 (default) or 30 days`,
    `\`${c} help\`: this help`,
  ];
  const said = problem ? escapeMrkdwn(problem) : undefined;
  const head = said ? `:warning: ${said}\n\n` : '';
  return message(
    `${said ? `${said} ` : ''}Usage: ${c} isolate | status | list | claim | resolve | release | report | stats | help`,
    [section(`${head}*Airlock* commands:\n${lines.map((l) => `• ${escapeMrkdwn(l)}`).join('\n')}`)],
  );
}
