import { MetricsLogger } from 'aws-embedded-metrics';
import type { MetricsContext } from 'aws-embedded-metrics/lib/logger/MetricsContext';
import { LogSerializer } from 'aws-embedded-metrics/lib/serializers/LogSerializer';
import {
  emitIncidentMetrics,
  type IncidentMeasures,
  incidentMeasures,
  percentile,
  socStats,
} from '../../../../../workflow/domain/incident/metrics';
import { buildIncidentReport } from '../../../../../workflow/domain/incident/report';
import { failedLedger, rejectedLedger } from './report/ledgers';

/** A MetricsLogger whose sink keeps the serialized EMF documents instead of writing them. */
function capturingLogger(): { logger: MetricsLogger; documents: Record<string, unknown>[] } {
  const documents: Record<string, unknown>[] = [];
  const sink = {
    name: 'capture',
    accept: async (context: MetricsContext) => {
      for (const line of new LogSerializer().serialize(context)) documents.push(JSON.parse(line));
    },
  };
  const environment = {
    probe: async () => true,
    getName: () => 'test',
    getType: () => 'test',
    getLogGroupName: () => 'test',
    configureContext: () => {},
    getSink: () => sink,
  };
  return { logger: new MetricsLogger(async () => environment), documents };
}

describe('emitIncidentMetrics', () => {
  it('emits one EMF document: namespace Airlock, dimension sets {Route, Outcome}, {Outcome}, {Route}, seven metrics', async () => {
    const { logger, documents } = capturingLogger();
    await emitIncidentMetrics(incidentMeasures(buildIncidentReport(rejectedLedger())), logger);
    expect(documents).toHaveLength(1);
    const doc = documents[0] as Record<string, unknown> & { _aws: { CloudWatchMetrics: unknown[] } };
    const [directive] = doc._aws.CloudWatchMetrics as {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
    expect(doc._aws.CloudWatchMetrics).toHaveLength(1);
    expect(directive?.Namespace).toBe('Airlock');
    expect(directive?.Dimensions).toEqual([['Route', 'Outcome'], ['Outcome'], ['Route']]);
    expect([...(directive?.Metrics ?? [])].sort((a, b) => a.Name.localeCompare(b.Name))).toEqual([
      { Name: 'Decisions', Unit: 'Count' },
      { Name: 'Escalated', Unit: 'Count' },
      { Name: 'Failed', Unit: 'Count' },
      { Name: 'Incidents', Unit: 'Count' },
      { Name: 'Rejects', Unit: 'Count' },
      { Name: 'TimeToContainSeconds', Unit: 'Seconds' },
      { Name: 'TimeToDecisionSeconds', Unit: 'Seconds' },
    ]);
    expect(doc).toMatchObject({
      Route: 'contain-ec2',
      Outcome: 'RESTORED',
      TimeToContainSeconds: 120,
      TimeToDecisionSeconds: 900,
      Incidents: 1,
      Decisions: 1,
      Rejects: 1,
      Escalated: 0,
      Failed: 0,
      decision: 'reject',
    });
  });

  it('leaves out the times it has not measured, and counts the failure with its step', async () => {
    const { logger, documents } = capturingLogger();
    await emitIncidentMetrics(incidentMeasures(buildIncidentReport(failedLedger())), logger);
    expect(documents[0]).toMatchObject({
      Outcome: 'FAILED',
      Incidents: 1,
      Decisions: 0,
      Rejects: 0,
      Failed: 1,
      failedStep: 'snapshot-volumes',
    });
    expect(documents[0]).not.toHaveProperty('TimeToDecisionSeconds');
  });
});

const NOW = new Date('2026-11-22T12:00:00.000Z');

function measure(overrides: Partial<IncidentMeasures>): IncidentMeasures {
  return {
    incidentId: 'inc-1',
    route: 'contain-ec2',
    outcome: 'RESOLVED',
    closedAt: '2026-11-22T10:00:00.000Z',
    timeToContainSeconds: null,
    timeToDecisionSeconds: null,
    decision: null,
    decidedBy: null,
    escalated: false,
    failedStep: null,
    ...overrides,
  };
}

describe('socStats', () => {
  it('computes the figures over the window: per day by outcome, p50/p90, false-positive rate, escalations, failures', () => {
    const items = [
      measure({
        outcome: 'RESOLVED',
        decision: 'approve',
        timeToContainSeconds: 60,
        timeToDecisionSeconds: 300,
      }),
      measure({
        outcome: 'RESTORED',
        decision: 'reject',
        timeToContainSeconds: 90,
        timeToDecisionSeconds: 600,
        closedAt: '2026-11-21T09:00:00.000Z',
      }),
      measure({
        outcome: 'RESOLVED',
        decision: 'approve',
        timeToContainSeconds: 30,
        closedAt: '2026-11-20T09:00:00.000Z',
      }),
      measure({ outcome: 'ESCALATED_UNRESOLVED', escalated: true, timeToContainSeconds: 120 }),
      measure({ outcome: 'FAILED', failedStep: 'isolate-network' }),
      measure({ outcome: 'RESOLVED', closedAt: '2026-11-01T00:00:00.000Z' }),
    ];
    const stats = socStats(items, '7d', NOW);
    expect(stats.incidents).toBe(5);
    expect(stats.byOutcome).toEqual({ RESOLVED: 2, RESTORED: 1, ESCALATED_UNRESOLVED: 1, FAILED: 1 });
    expect(stats.perDay.find((d) => d.date === '2026-11-22')).toEqual({
      date: '2026-11-22',
      total: 3,
      byOutcome: { RESOLVED: 1, ESCALATED_UNRESOLVED: 1, FAILED: 1 },
    });
    expect(stats.perDay[0]?.date).toBe('2026-11-15');
    expect(stats.perDay.at(-1)?.date).toBe('2026-11-22');
    expect(stats.timeToContainSeconds).toEqual({ count: 4, p50: 60, p90: 120 });
    expect(stats.timeToDecisionSeconds).toEqual({ count: 2, p50: 300, p90: 600 });
    expect(stats).toMatchObject({ decisions: 3, rejects: 1, escalations: 1, failures: 1 });
    expect(stats.falsePositiveRate).toBeCloseTo(1 / 3);
  });

  it('answers null rates and percentiles for a quiet window', () => {
    const stats = socStats([], '30d', NOW);
    expect(stats).toMatchObject({
      incidents: 0,
      falsePositiveRate: null,
      timeToContainSeconds: { count: 0, p50: null, p90: null },
    });
    expect(stats.perDay).toHaveLength(31);
  });

  it('uses the nearest-rank percentile', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([5], 50)).toBe(5);
  });
});
