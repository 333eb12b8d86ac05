import { createMetricsLogger, type MetricsLogger, Unit } from 'aws-embedded-metrics';
import type { Route } from '../../intake/types';
import type { IncidentStatus } from '../../ledger/types';
import type { IncidentReport } from './report/schema';

export const METRICS_NAMESPACE = 'Airlock';

/**
 * The metric names and dimension sets emitIncidentMetrics writes (the dashboard in infra/lib/incident-dashboard.ts
 * reads exactly these). Each incident is written under three dimension sets: {Route, Outcome}, {Outcome} (incidents
 * per day by outcome) and {Route} (percentiles and rates per route; a percentile cannot be summed across
 * dimension values, so the route is the coarsest set kept).
 */
export const INCIDENT_METRICS = {
  incidents: 'Incidents',
  timeToContain: 'TimeToContainSeconds',
  timeToDecision: 'TimeToDecisionSeconds',
  decisions: 'Decisions',
  rejects: 'Rejects',
  escalated: 'Escalated',
  failed: 'Failed',
} as const;
export const INCIDENT_DIMENSION_SETS = [['Route', 'Outcome'], ['Outcome'], ['Route']] as const;

/** The figures one closed incident contributes to the SOC's numbers (metrics and /ir stats). */
export interface IncidentMeasures {
  incidentId: string;
  route: Route;
  /** The final status (RESOLVED, RESTORED, ESCALATED_UNRESOLVED, FAILED, NOTIFIED, IGNORED). */
  outcome: IncidentStatus;
  /** When the incident closed (or was detected, when the ledger has no close time). */
  closedAt: string;
  timeToContainSeconds: number | null;
  timeToDecisionSeconds: number | null;
  decision: 'approve' | 'reject' | null;
  decidedBy: string | null;
  escalated: boolean;
  failedStep: string | null;
}

export function incidentMeasures(report: IncidentReport): IncidentMeasures {
  const { incident, measures } = report;
  return {
    incidentId: incident.incidentId,
    route: incident.route,
    outcome: incident.status,
    closedAt: incident.closedAt ?? incident.detectedAt,
    timeToContainSeconds: measures.timeToContainSeconds,
    timeToDecisionSeconds: measures.timeToDecisionSeconds,
    decision: measures.decision,
    decidedBy: measures.decidedBy,
    escalated: measures.escalated,
    failedStep: measures.failedStep,
  };
}

/**
 * Emits one incident's close metrics in CloudWatch embedded metric format (aws-embedded-metrics): namespace
 * Airlock, dimension sets INCIDENT_DIMENSION_SETS; Incidents (1), TimeToContainSeconds and TimeToDecisionSeconds
 * (only when measured), Decisions and Rejects (0/1: the false-positive rate is Rejects ÷ Decisions), Escalated and
 * Failed (0/1). The incident id, decision, decider and failed step are properties (searchable in Logs Insights,
 * not dimensions). `metrics` defaults to the library's logger for the detected environment (in Lambda: stdout,
 * which CloudWatch Logs turns into metrics). Call it once per incident (WriteReport guards it with the ledger).
 */
export async function emitIncidentMetrics(
  measures: IncidentMeasures,
  metrics: MetricsLogger = createMetricsLogger(),
): Promise<void> {
  metrics.setNamespace(METRICS_NAMESPACE);
  // No default dimensions (ServiceName, ServiceType, LogGroup): the dashboard names exactly these sets.
  metrics.setDimensions(
    [
      { Route: measures.route, Outcome: measures.outcome },
      { Outcome: measures.outcome },
      { Route: measures.route },
    ],
    false,
  );
  const m = INCIDENT_METRICS;
  metrics.putMetric(m.incidents, 1, Unit.Count);
  if (measures.timeToContainSeconds !== null)
    metrics.putMetric(m.timeToContain, measures.timeToContainSeconds, Unit.Seconds);
  if (measures.timeToDecisionSeconds !== null)
    metrics.putMetric(m.timeToDecision, measures.timeToDecisionSeconds, Unit.Seconds);
  metrics.putMetric(m.decisions, measures.decision ? 1 : 0, Unit.Count);
  metrics.putMetric(m.rejects, measures.decision === 'reject' ? 1 : 0, Unit.Count);
  metrics.putMetric(m.escalated, measures.escalated ? 1 : 0, Unit.Count);
  metrics.putMetric(m.failed, measures.outcome === 'FAILED' ? 1 : 0, Unit.Count);
  metrics.setProperty('incidentId', measures.incidentId);
  metrics.setProperty('closedAt', measures.closedAt);
  if (measures.decision) metrics.setProperty('decision', measures.decision);
  if (measures.decidedBy) metrics.setProperty('decidedBy', measures.decidedBy);
  if (measures.failedStep) metrics.setProperty('failedStep', measures.failedStep);
  await metrics.flush();
}

export type StatsWindow = '7d' | '30d';
export const WINDOW_DAYS: Record<StatsWindow, number> = { '7d': 7, '30d': 30 };
const DAY_MS = 86_400_000;

export interface Distribution {
  count: number;
  p50: number | null;
  p90: number | null;
}

export interface SocStats {
  window: StatsWindow;
  /** Exclusive start and inclusive end of the window (closedAt in (from, to]). */
  from: string;
  to: string;
  incidents: number;
  byOutcome: Partial<Record<IncidentStatus, number>>;
  /** One row per UTC day the window touches, oldest first, days without incidents included. */
  perDay: { date: string; total: number; byOutcome: Partial<Record<IncidentStatus, number>> }[];
  timeToContainSeconds: Distribution;
  timeToDecisionSeconds: Distribution;
  decisions: number;
  rejects: number;
  /** rejects ÷ decisions; null when nobody decided. */
  falsePositiveRate: number | null;
  escalations: number;
  failures: number;
}

/** Nearest-rank percentile of sorted values (p in (0, 100]); null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}

function distribution(values: (number | null)[]): Distribution {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90) };
}

function bump(counts: Partial<Record<IncidentStatus, number>>, outcome: IncidentStatus): void {
  counts[outcome] = (counts[outcome] ?? 0) + 1;
}

/**
 * The SOC's numbers over a window ending `now`, from the measures of incidents that closed in it: incidents per
 * day by outcome, time to contain and time to decision (p50/p90, nearest rank), false-positive rate (rejects ÷
 * decisions), escalations and failures. Pure: /ir stats and the dashboard render it.
 */
export function socStats(items: readonly IncidentMeasures[], window: StatsWindow, now: Date): SocStats {
  const days = WINDOW_DAYS[window];
  const to = now.getTime();
  const from = to - days * DAY_MS;
  const inWindow = items.filter((m) => {
    const t = Date.parse(m.closedAt);
    return t > from && t <= to;
  });
  const perDay = new Map<
    string,
    { date: string; total: number; byOutcome: Partial<Record<IncidentStatus, number>> }
  >();
  // Every UTC day the window touches, oldest first (a window that does not start at midnight touches days + 1).
  for (let t = Date.parse(new Date(from + 1).toISOString().slice(0, 10)); t <= to; t += DAY_MS) {
    const date = new Date(t).toISOString().slice(0, 10);
    perDay.set(date, { date, total: 0, byOutcome: {} });
  }
  const byOutcome: Partial<Record<IncidentStatus, number>> = {};
  for (const m of inWindow) {
    bump(byOutcome, m.outcome);
    const date = new Date(Date.parse(m.closedAt)).toISOString().slice(0, 10);
    const day = perDay.get(date) ?? { date, total: 0, byOutcome: {} };
    day.total += 1;
    bump(day.byOutcome, m.outcome);
    perDay.set(date, day);
  }
  const decisions = inWindow.filter((m) => m.decision !== null).length;
  const rejects = inWindow.filter((m) => m.decision === 'reject').length;
  return {
    window,
    from: new Date(from).toISOString(),
    to: now.toISOString(),
    incidents: inWindow.length,
    byOutcome,
    perDay: [...perDay.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)),
    timeToContainSeconds: distribution(inWindow.map((m) => m.timeToContainSeconds)),
    timeToDecisionSeconds: distribution(inWindow.map((m) => m.timeToDecisionSeconds)),
    decisions,
    rejects,
    falsePositiveRate: decisions > 0 ? rejects / decisions : null,
    escalations: inWindow.filter((m) => m.escalated).length,
    failures: inWindow.filter((m) => m.outcome === 'FAILED').length,
  };
}
