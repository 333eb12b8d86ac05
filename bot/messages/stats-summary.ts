import type { Distribution, SocStats } from '../../workflow/domain/incident/metrics';
import { escapeMrkdwn, message, type SlackMessage, section } from './blocks';
import { duration, timestamp } from './format';

function spread(d: Distribution): string {
  if (d.count === 0 || d.p50 === null || d.p90 === null) return 'no measurements';
  return `p50 ${duration(d.p50 * 1000)}, p90 ${duration(d.p90 * 1000)} (${d.count} measured)`;
}

function percent(rate: number | null): string {
  return rate === null ? 'no decisions' : `${(rate * 100).toFixed(rate === 0 || rate === 1 ? 0 : 1)} %`;
}

/**
 * `/ir stats`: the SOC's figures over the window, from socStats (the same computation as the Metrics view):
 * incidents by outcome, time to contain and to decision (p50/p90), the false-positive rate (rejects ÷
 * decisions), escalations and failures. Statuses are escaped like any ledger value.
 */
export function statsSummary(stats: SocStats): SlackMessage {
  const outcomes = Object.entries(stats.byOutcome)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${escapeMrkdwn(status)} ${n}`)
    .join(', ');
  const lines = [
    `:bar_chart: *Airlock, last ${stats.window}* (${timestamp(stats.from)} → ${timestamp(stats.to)})`,
    `• Incidents closed: *${stats.incidents}*${outcomes ? ` (${outcomes})` : ''}`,
    `• Time to contain: ${spread(stats.timeToContainSeconds)}`,
    `• Time to decision: ${spread(stats.timeToDecisionSeconds)}`,
    `• False-positive rate: ${percent(stats.falsePositiveRate)} (${stats.rejects} rejected of ${stats.decisions} decided)`,
    `• Escalations: ${stats.escalations}, failures: ${stats.failures}`,
  ];
  return message(
    `Airlock, last ${stats.window}: ${stats.incidents} incidents closed, ${stats.escalations} escalations, ${stats.failures} failures`,
    [section(lines.join('\n'))],
  );
}
