import { ValidationError } from '../../workflow/errors';
import type { SettleHow } from '../../workflow/ledger/types';
import { settleCheck } from '../actions/settle';
import { message, type SlackMessage, section } from '../messages/blocks';
import { notUnresolvedText, settlePrompt } from '../messages/settle';
import type { CommandContext } from './context';

/**
 * `/ir resolve|release <incident-id>`: checks what can be checked now (the incident is unresolved, the user may
 * do it), then answers with a button behind a confirmation dialog. Nothing changes before that button.
 */
export async function settleCommand(
  how: SettleHow,
  incidentId: string,
  ctx: CommandContext,
): Promise<SlackMessage> {
  const incident = await ctx.deps.ledger.getIncident(incidentId);
  if (!incident) {
    throw new ValidationError(
      `no incident \`${incidentId}\`: check the id (\`/ir list\` shows the open and unresolved ones)`,
      'incident-id',
    );
  }
  if (incident.status !== 'ESCALATED_UNRESOLVED' || incident.settled) {
    const text = `:information_source: ${notUnresolvedText(incident)}`;
    return message(text, [section(text)]);
  }
  // Responder already checked by the dispatcher; four-eyes is checked here and again at the click.
  const verdict = settleCheck(ctx.authz, how, incident, ctx.userId, true);
  if (!verdict.ok) {
    const text = `:no_entry: ${verdict.message}`;
    return message(text, [section(text)]);
  }
  return settlePrompt(how, incident);
}
