import type { ApprovalRecord, AuditEvent, IncidentRecord, StepRecord } from '../../../ledger/types';
import { TERMINAL_STATUSES } from '../../../ledger/types';
import { failedStepFromAudit } from '../failure';
import { compare, evidenceManifest, type LedgerEvidence } from './evidence';
import {
  type IncidentReport,
  IncidentReportSchema,
  REPORT_SCHEMA_VERSION,
  type ReportApproval,
  type ReportFinding,
  type ReportMeasures,
  type ReportRestore,
  type ReportStep,
  type TimelineEntry,
} from './schema';
import { auditEntry, sortTimeline, stepStartEntry } from './timeline';

/** Everything the report is a pure function of: what the ledger holds for one incident. */
export interface ReportInput {
  incident: IncidentRecord;
  /** The incident's audit trail (any order). */
  audit: readonly AuditEvent[];
  /** The incident's approvals (primary and escalation) that exist. */
  approvals: readonly ApprovalRecord[];
}

type Detail = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

const RESTORE_STEP = 'restore';
const CLOSE_STEP = 'close-incident';

function seconds(from: string | null | undefined, to: string | null | undefined): number | null {
  if (!from || !to) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? Math.max(0, Math.round(ms / 1000)) : null;
}

function findingsOf(incident: IncidentRecord, audit: readonly AuditEvent[]): ReportFinding[] {
  const first: ReportFinding = {
    order: 1,
    how: 'opened',
    findingId: incident.request.findingId,
    dedupeKey: incident.request.dedupeKey,
    type: incident.request.type,
    severity: incident.request.severity.label,
    receivedAt: incident.detectedAt,
  };
  const attached = audit
    .filter((e) => e.action === 'finding-attached')
    .map((e) => ({ at: e.at, detail: (e.detail ?? {}) as Detail }))
    .sort(
      (a, b) =>
        compare(a.at, b.at) ||
        compare(
          str(a.detail.dedupeKey) ?? str(a.detail.findingId) ?? '',
          str(b.detail.dedupeKey) ?? str(b.detail.findingId) ?? '',
        ),
    );
  return [
    first,
    ...attached.map(
      ({ at, detail }, i): ReportFinding => ({
        order: i + 2,
        how: 'attached',
        findingId: str(detail.findingId),
        dedupeKey: str(detail.dedupeKey),
        type: str(detail.type),
        severity: str(detail.severity),
        receivedAt: at,
      }),
    ),
  ];
}

function stepsOf(steps: readonly StepRecord[]): ReportStep[] {
  return [...steps]
    .sort((a, b) => compare(a.startedAt, b.startedAt) || compare(a.name, b.name))
    .map((s) => ({
      name: s.name,
      status: s.status,
      startedAt: s.startedAt,
      endedAt: s.endedAt,
      durationSeconds: Math.max(0, (Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000) || 0,
      summary: s.summary,
      ids: [...(s.ids ?? [])],
    }));
}

function approvalsOf(approvals: readonly ApprovalRecord[]): ReportApproval[] {
  return [...approvals]
    .sort((a, b) => compare(a.createdAt, b.createdAt) || compare(a.approvalId, b.approvalId))
    .map((a) => ({
      approvalId: a.approvalId,
      kind: a.kind,
      requestedAt: a.createdAt,
      expiresAt: a.expiresAt,
      decision: a.decision ?? null,
      decidedBy: a.decidedBy ?? null,
      decidedAt: a.decidedAt ?? null,
      escalatedTo: a.escalatedTo ?? null,
      expiredAt: a.expiredAt ?? null,
    }));
}

/** Escalations and expiries come from the approval records (the bot does not audit them as such). */
function approvalEntries(approvals: readonly ReportApproval[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const a of approvals) {
    if (a.kind === 'escalation') {
      entries.push({
        at: a.requestedAt,
        kind: 'escalation',
        actor: 'workflow',
        slackUser: a.escalatedTo,
        action: 'escalated',
        outcome: null,
        summary: `Escalated${a.escalatedTo ? ` to ${a.escalatedTo}` : ''}; answer by ${a.expiresAt}`,
      });
    }
    if (a.expiredAt) {
      entries.push({
        at: a.expiredAt,
        kind: 'approval-expired',
        actor: 'workflow',
        slackUser: null,
        action: 'approval-expired',
        outcome: a.escalatedTo ? 'escalated' : 'expired',
        summary: `${a.kind} approval expired unanswered${a.escalatedTo ? `; escalated to ${a.escalatedTo}` : ''}`,
      });
    }
  }
  return entries;
}

const DIFFERENCES = /difference\(s\)(?: from the pre-state)?: (.*)$/s;

function restoreOf(steps: readonly ReportStep[]): ReportRestore | null {
  const step = steps.find((s) => s.name === RESTORE_STEP);
  if (!step) return null;
  const listed = step.status === 'failed' ? DIFFERENCES.exec(step.summary)?.[1] : undefined;
  const differences =
    step.status === 'failed' ? (listed ? listed.split('; ').filter(Boolean) : [step.summary]) : [];
  return { status: step.status, differences, summary: step.summary };
}

function decisionOf(approvals: readonly ReportApproval[], incident: IncidentRecord) {
  const decided =
    approvals.find((a) => a.decision && a.kind === 'primary') ?? approvals.find((a) => a.decision);
  if (decided?.decision) {
    return { decision: decided.decision, decidedBy: decided.decidedBy, decidedAt: decided.decidedAt };
  }
  const summary = incident.approval;
  if (summary && (summary.state === 'approved' || summary.state === 'rejected')) {
    return {
      decision: summary.state === 'approved' ? ('approve' as const) : ('reject' as const),
      decidedBy: summary.decidedBy ?? null,
      decidedAt: summary.decidedAt ?? incident.decidedAt ?? null,
    };
  }
  return { decision: null, decidedBy: null, decidedAt: null };
}

function measuresOf(input: ReportInput, approvals: readonly ReportApproval[]): ReportMeasures {
  const { incident, audit } = input;
  const decided = decisionOf(approvals, incident);
  const primary = approvals.find((a) => a.kind === 'primary');
  const escalated =
    incident.status === 'ESCALATED_UNRESOLVED' ||
    incident.approval?.state === 'escalated' ||
    approvals.some((a) => a.kind === 'escalation');
  const failedStep =
    incident.failure?.step ??
    (incident.status === 'FAILED' ? (failedStepFromAudit([...audit]) ?? null) : null);
  return {
    timeToContainSeconds: seconds(incident.detectedAt, incident.containedAt),
    timeToDecisionSeconds: decided.decision ? seconds(primary?.requestedAt, decided.decidedAt) : null,
    decision: decided.decision,
    decidedBy: decided.decidedBy,
    escalated,
    failedStep,
  };
}

/** Evidence on the incident, then every item the ledger moved to `evidence-overflow` audit events past its cap. */
function evidenceItems(input: ReportInput): LedgerEvidence[] {
  const overflow: LedgerEvidence[] = [];
  for (const e of input.audit) {
    if (e.action !== 'evidence-overflow' || !Array.isArray(e.detail?.items)) continue;
    for (const item of e.detail.items as unknown[]) {
      if (typeof item === 'object' && item !== null && typeof (item as LedgerEvidence).id === 'string') {
        overflow.push(item as LedgerEvidence);
      }
    }
  }
  return [...(input.incident.evidence ?? []), ...overflow];
}

/**
 * The incident report: a pure function of the ledger (no clock, no I/O), so the same ledger always gives the same
 * report, byte for byte once rendered. Validated against IncidentReportSchema before it is returned.
 */
export function buildIncidentReport(input: ReportInput): IncidentReport {
  const { incident } = input;
  const audit = [...input.audit].filter((e) => e.incidentId === incident.incidentId);
  const steps = stepsOf(incident.steps ?? []);
  const stepNames = new Set(steps.map((s) => s.name));
  const approvals = approvalsOf(input.approvals.filter((a) => a.incidentId === incident.incidentId));
  const timeline = sortTimeline([
    ...audit.map((e) => auditEntry(e, stepNames)).filter((e): e is TimelineEntry => e !== undefined),
    ...steps.map(stepStartEntry),
    ...approvalEntries(approvals),
  ]);
  const request = incident.request;
  const report: IncidentReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    incident: {
      incidentId: incident.incidentId,
      status: incident.status,
      final: TERMINAL_STATUSES.has(incident.status),
      route: incident.route,
      routeReason: incident.routeReason,
      source: request.source,
      title: request.title,
      type: request.type,
      severity: { value: request.severity.value, label: request.severity.label },
      accountId: request.accountId,
      region: request.region,
      resourceKind: request.resource.kind,
      resourceKey: request.resourceKey,
      executionArn: incident.executionArn ?? null,
      detectedAt: incident.detectedAt,
      containedAt: incident.containedAt ?? null,
      decidedAt: incident.decidedAt ?? null,
      closedAt: incident.closedAt ?? null,
      failure: incident.failure
        ? { step: incident.failure.step, error: incident.failure.error, cause: incident.failure.cause }
        : null,
    },
    findingCount: incident.findingCount,
    findings: findingsOf(incident, audit),
    timeline,
    steps,
    approvals,
    evidence: evidenceManifest(evidenceItems({ ...input, audit })),
    changes: {
      actions: steps
        .filter((s) => s.name !== RESTORE_STEP && s.name !== CLOSE_STEP)
        .map((s) => ({ step: s.name, status: s.status, summary: s.summary })),
      restore: restoreOf(steps),
    },
    measures: measuresOf({ ...input, audit }, approvals),
  };
  return IncidentReportSchema.parse(report);
}
