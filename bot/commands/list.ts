import type { SlackMessage } from '../messages/blocks';
import { listSummary } from '../messages/list-summary';
import type { CommandContext } from './context';

/** `/ir list`: the open incidents and the unresolved ones (contained after the last timer, nobody decided). */
export async function listCommand(ctx: CommandContext): Promise<SlackMessage> {
  const { ledger } = ctx.deps;
  const [open, unresolved] = await Promise.all([
    ledger.listOpenIncidents(),
    ledger.listUnresolvedIncidents ? ledger.listUnresolvedIncidents() : Promise.resolve([]),
  ]);
  return listSummary([...open, ...unresolved], ctx.deps.clock.now(), {
    socLeadUserId: ctx.deps.settings.socLeadUserId,
    teamDomain: ctx.teamDomain,
  });
}
