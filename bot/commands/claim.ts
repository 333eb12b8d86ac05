import { claimIncident } from '../actions/claim';
import { message, type SlackMessage, section } from '../messages/blocks';
import type { CommandContext } from './context';

/** `/ir claim <incident-id>`: the same claim as the card's button. */
export async function claimCommand(incidentId: string, ctx: CommandContext): Promise<SlackMessage> {
  const answer = await claimIncident(ctx.deps, ctx.authz, ctx.client, incidentId, ctx.userId);
  return message(answer, [section(answer)]);
}
