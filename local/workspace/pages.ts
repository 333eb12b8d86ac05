import type { FakePagerDuty } from '../vendors/pagerduty/fake-events-api';

export interface PagesView {
  /** Whether the drill pages at all (the Page task has a routing key). */
  enabled: boolean;
  alerts: {
    id: string;
    dedupKey: string;
    status: string;
    summary: string;
    severity: string;
    source: string;
    createdAt: string;
    resolvedAt?: string;
    links: { href: string; text?: string }[];
    events: { action: string; at: string; summary?: string; severity?: string; airlockEvent?: string }[];
  }[];
  /** What PagerDuty answered, by status: how many were throttled, failed or refused. */
  requests: { total: number; accepted: number; rateLimited: number; serverErrors: number; refused: number };
}

/** The Pages panel's data: alerts still open first (newest first), then resolved ones. */
export function pagesView(pd: Pick<FakePagerDuty, 'alerts' | 'requests'> | undefined): PagesView {
  if (!pd) {
    return {
      enabled: false,
      alerts: [],
      requests: { total: 0, accepted: 0, rateLimited: 0, serverErrors: 0, refused: 0 },
    };
  }
  const order = (status: string) => (status === 'resolved' ? 1 : 0);
  const alerts = [...pd.alerts]
    .sort((a, b) => order(a.status) - order(b.status) || b.createdAt.localeCompare(a.createdAt))
    .map((a) => ({
      id: a.id,
      dedupKey: a.dedupKey,
      status: a.status,
      summary: a.summary,
      severity: a.severity,
      source: a.source,
      createdAt: a.createdAt,
      ...(a.resolvedAt ? { resolvedAt: a.resolvedAt } : {}),
      links: a.links,
      events: a.events.map((e) => {
        const airlockEvent = e.customDetails?.airlock_event;
        return {
          action: e.action,
          at: e.at,
          ...(e.summary ? { summary: e.summary } : {}),
          ...(e.severity ? { severity: e.severity } : {}),
          ...(typeof airlockEvent === 'string' ? { airlockEvent } : {}),
        };
      }),
    }));
  const count = (test: (status: number) => boolean) => pd.requests.filter((r) => test(r.status)).length;
  return {
    enabled: true,
    alerts,
    requests: {
      total: pd.requests.length,
      accepted: count((s) => s === 202),
      rateLimited: count((s) => s === 429),
      serverErrors: count((s) => s >= 500),
      refused: count((s) => s >= 400 && s < 500 && s !== 429),
    },
  };
}
