import {
  type IncidentMeasures,
  incidentMeasures,
  type SocStats,
  type StatsWindow,
  socStats,
  WINDOW_DAYS,
} from '../../workflow/domain/incident/metrics';
import { buildIncidentReport } from '../../workflow/domain/incident/report/build';
import { loadReportInput } from '../../workflow/domain/incident/report/load';
import { ValidationError } from '../../workflow/errors';
import type { Ledger } from '../../workflow/ledger/ledger';

const DAY_MS = 86_400_000;
/** Incidents read from the ledger at once while computing the figures. */
const READ_CONCURRENCY = 8;

/**
 * The measures of every incident closed in (now − window, now], each built from the ledger the way its report is
 * (loadReportInput → buildIncidentReport → incidentMeasures), so `/ir stats`, the Metrics view and the reports
 * agree. Fails with ValidationError when the ledger cannot list closed incidents.
 */
export async function closedIncidentMeasures(
  ledger: Ledger,
  window: StatsWindow,
  now: Date,
): Promise<IncidentMeasures[]> {
  if (!ledger.listClosedIncidents) {
    throw new ValidationError('this ledger cannot list closed incidents, so there are no figures', 'window');
  }
  const from = new Date(now.getTime() - WINDOW_DAYS[window] * DAY_MS);
  const closed = await ledger.listClosedIncidents(from, now);
  const measures: IncidentMeasures[] = [];
  for (let i = 0; i < closed.length; i += READ_CONCURRENCY) {
    const batch = closed.slice(i, i + READ_CONCURRENCY);
    const built = await Promise.all(
      batch.map(async (incident) =>
        incidentMeasures(buildIncidentReport(await loadReportInput(ledger, incident.incidentId))),
      ),
    );
    measures.push(...built);
  }
  return measures;
}

/** The SOC's figures over a window ending now: socStats over closedIncidentMeasures. */
export async function socStatsFromLedger(ledger: Ledger, window: StatsWindow, now: Date): Promise<SocStats> {
  return socStats(await closedIncidentMeasures(ledger, window, now), window, now);
}
