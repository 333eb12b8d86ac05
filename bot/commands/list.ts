import type { SlackMessage } from '../messages/blocks';
import { listSummary } from '../messages/list-summary';
import type { CommandContext } from './context';

/** `/ir list`: the open incidents. */
export async function listCommand(ctx: CommandContext): Promise<SlackMessage> {
  const incidents = await ctx.deps.ledger.listOpenIncidents();
  return listSummary(incidents, ctx.deps.clock.now(), {
    socLeadUserId: ctx.deps.settings.socLeadUserId,
    teamDomain: ctx.teamDomain,
  });
}
