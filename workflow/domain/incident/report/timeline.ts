import type { AuditEvent, StepRecord } from '../../../ledger/types';
import { COMPENSATE_AUDIT } from '../failure';
import { compare } from './evidence';
import type { TimelineEntry, TimelineKind } from './schema';

/** Audit actions that record the report itself: never part of the report (it cannot contain its own hash). */
export const REPORT_AUDIT_ACTION = 'report-written';
/** A report write that failed after the workflow's retries (WriteReport's ReportFailed state). */
export const REPORT_FAILED_AUDIT_ACTION = 'report-failed';
/** The incident's close metrics were emitted (once per incident). */
export const METRICS_AUDIT_ACTION = 'metrics-emitted';

/**
 * Audit actions that are not timeline events of their own: the report's own records (recording one must never
 * change the report, or every regeneration would give a new version) and evidence overflow (in `evidence`).
 */
const NOT_IN_TIMELINE = new Set([
  REPORT_AUDIT_ACTION,
  REPORT_FAILED_AUDIT_ACTION,
  METRICS_AUDIT_ACTION,
  'evidence-overflow',
]);

const SLACK_OTHER = new Set(['decision-duplicate', 'decision-expired', 'decision-delivery-failed']);
const NOTIFICATION = new Set([
  'slack-posted',
  'notification-deferred',
  'notification-failed',
  'on-call-paged',
]);
const COMPENSATION = new Set<string>(Object.values(COMPENSATE_AUDIT));

type Detail = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

export function slackUserOf(actor: string): string | null {
  return actor.startsWith('slack:') ? actor.slice('slack:'.length) || null : null;
}

function kindOf(event: AuditEvent, stepNames: ReadonlySet<string>): TimelineKind {
  const a = event.action;
  if (a === 'incident-opened') return 'finding-received';
  if (a === 'finding-attached') return 'finding-attached';
  if (a === 'finding-updated') return 'finding-updated';
  if (slackUserOf(event.actor)) {
    if (a === 'decision') return 'decision';
    if (a === 'decision-refused') return 'refusal';
    if (SLACK_OTHER.has(a)) return 'decision-not-counted';
    return 'event';
  }
  if (NOTIFICATION.has(a)) return 'notification';
  if (COMPENSATION.has(a)) return 'compensation';
  if (event.actor === 'workflow') {
    if (a === 'close-incident') return 'closed';
    if (a.endsWith('-failed') && !a.startsWith('compensat')) return 'step-failed';
    if (stepNames.has(a) || typeof event.detail?.status === 'string') return 'step-ended';
  }
  return 'event';
}

function outcomeOf(kind: TimelineKind, detail: Detail): string | null {
  switch (kind) {
    case 'decision':
      return str(detail.decision);
    case 'refusal':
      return str(detail.reason) ?? 'refused';
    case 'decision-not-counted':
      return str(detail.decided) ?? str(detail.decision);
    case 'step-ended':
    case 'closed':
      return str(detail.status) ?? 'ok';
    case 'step-failed':
      return 'failed';
    default:
      return str(detail.status) ?? str(detail.outcome);
  }
}

function summaryOf(event: AuditEvent, kind: TimelineKind, detail: Detail): string {
  const given = str(detail.summary) ?? str(detail.error) ?? str(detail.note);
  if (given) return given;
  switch (kind) {
    case 'finding-received':
      return `Finding received; routed ${str(detail.route) ?? 'unknown'}${str(detail.reason) ? `: ${str(detail.reason)}` : ''}`;
    case 'finding-attached':
      return `Finding ${str(detail.findingId) ?? 'unknown'} attached`;
    case 'finding-updated':
      return `Finding ${str(detail.findingId) ?? 'unknown'} seen again (count ${String(detail.count ?? '?')})`;
    case 'decision':
      return `${str(detail.decision) ?? 'decision'} by ${slackUserOf(event.actor) ?? event.actor}`;
    case 'refusal':
      return `Click refused (${str(detail.reason) ?? 'no reason recorded'})`;
    case 'notification':
      return `${event.action}${str(detail.message) ? `: ${str(detail.message)}` : ''}`;
    default:
      return event.action;
  }
}

/** One audit event as a timeline entry (undefined for the report's own records and evidence overflow). */
export function auditEntry(event: AuditEvent, stepNames: ReadonlySet<string>): TimelineEntry | undefined {
  if (NOT_IN_TIMELINE.has(event.action)) return undefined;
  const detail: Detail = event.detail ?? {};
  const kind = kindOf(event, stepNames);
  return {
    at: event.at,
    kind,
    actor: event.actor,
    slackUser: slackUserOf(event.actor),
    action: event.action,
    outcome: outcomeOf(kind, detail),
    summary: summaryOf(event, kind, detail),
  };
}

/** The start of each recorded step (its end is in the audit trail). */
export function stepStartEntry(step: StepRecord): TimelineEntry {
  return {
    at: step.startedAt,
    kind: 'step-started',
    actor: 'workflow',
    slackUser: null,
    action: step.name,
    outcome: null,
    summary: `${step.name} started`,
  };
}

const KIND_RANK: Record<TimelineKind, number> = {
  'finding-received': 0,
  'finding-attached': 1,
  'finding-updated': 2,
  'step-started': 3,
  'step-ended': 4,
  'step-failed': 5,
  escalation: 6,
  'approval-expired': 7,
  decision: 8,
  refusal: 9,
  'decision-not-counted': 10,
  notification: 11,
  compensation: 12,
  event: 13,
  closed: 14,
};

/** Time order; ties by kind, then action, actor and summary, so the same ledger always gives the same order. */
export function sortTimeline(entries: TimelineEntry[]): TimelineEntry[] {
  return entries.sort(
    (a, b) =>
      compare(a.at, b.at) ||
      KIND_RANK[a.kind] - KIND_RANK[b.kind] ||
      compare(a.action, b.action) ||
      compare(a.actor, b.actor) ||
      compare(a.summary, b.summary),
  );
}
