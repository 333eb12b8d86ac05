import { message, type SlackMessage, section } from '../messages/blocks';
import { statsSummary } from '../messages/stats-summary';
import { socStatsFromLedger } from '../report/measures';
import type { CommandContext } from './context';
import type { StatsWindow } from './parse';

/**
 * `/ir stats [7d|30d]`: the SOC's figures from the ledger (socStats over the incidents closed in the window), for
 * the asker only. Building each incident's measures reads the ledger per incident: acknowledged at once and
 * answered through response_url when a deferral port is set.
 */
export async function statsCommand(window: StatsWindow, ctx: CommandContext): Promise<SlackMessage> {
  if (ctx.deps.defer && ctx.responseUrl) {
    await ctx.deps.defer({
      kind: 'stats',
      window,
      userId: ctx.userId,
      channelId: ctx.channelId,
      teamDomain: ctx.teamDomain,
      responseUrl: ctx.responseUrl,
    });
    const text = `Counting the last ${window}…`;
    return message(text, [section(`:hourglass_flowing_sand: ${text} The answer follows here.`)]);
  }
  return statsNow(window, ctx);
}

export async function statsNow(window: StatsWindow, ctx: CommandContext): Promise<SlackMessage> {
  const stats = await socStatsFromLedger(ctx.deps.ledger, window, ctx.deps.clock.now());
  ctx.log.info({ window, incidents: stats.incidents }, '/ir stats');
  return statsSummary(stats);
}
