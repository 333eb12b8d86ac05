import type { AwsClients } from '../../aws/clients';
import type { IncidentRecord, IncidentStatus } from '../../ledger/types';
import type { WorkflowTaskDeps } from '../../tasks/deps';
import { runStep } from '../../tasks/step';
import { type DecisionInfo, resolveDecision } from './decision';
import type { CloseIncidentInput, CloseOutcome } from './input';
import { requireIncident } from './lifecycle';
import {
  type FindingVerificationState,
  type FindingWorkflowStatus,
  securityHubFindingOf,
  setFindingWorkflow,
} from './security-hub';

export const CLOSE_STATUS: Record<CloseOutcome, IncidentStatus> = {
  approved: 'RESOLVED',
  rejected: 'RESTORED',
  unresolved: 'ESCALATED_UNRESOLVED',
  notified: 'NOTIFIED',
  failed: 'FAILED',
};

/**
 * Security Hub Workflow.Status per outcome: only a decision or an unresolved escalation updates the finding (a
 * failed incident is left for the humans paged; a notify-only finding was neither decided nor escalated, so it
 * stays as Security Hub has it). A rejection is a false positive: SUPPRESSED ("reviewed, no action needed") with
 * VerificationState FALSE_POSITIVE — not RESOLVED, which says the finding was remediated.
 */
export const SECURITY_HUB_STATUS: Partial<Record<CloseOutcome, FindingWorkflowStatus>> = {
  approved: 'RESOLVED',
  rejected: 'SUPPRESSED',
  unresolved: 'NOTIFIED',
};

export const SECURITY_HUB_VERIFICATION: Partial<Record<CloseOutcome, FindingVerificationState>> = {
  approved: 'TRUE_POSITIVE',
  rejected: 'FALSE_POSITIVE',
};

/**
 * Audit action recording a BatchUpdateFindings that Security Hub applied (`-skipped` appended when it was skipped:
 * Security Hub off, or it never received the finding). Either record means a re-run does not call it again.
 */
export const SECURITY_HUB_AUDIT_ACTION = 'securityhub-workflow-updated';

/** The thread line of a skipped update. */
function skipLine(skipped: unknown, request: { accountId: string; region: string }): string {
  return skipped === 'not-enabled'
    ? `Security Hub update skipped: Security Hub is not enabled in ${request.accountId} ${request.region}`
    : 'Security Hub update skipped: Security Hub has no such finding (is its GuardDuty integration on?)';
}

export interface CloseIncidentOutput {
  status: IncidentStatus;
  /** containedAt − detectedAt, when the resource was contained. */
  timeToContainSeconds?: number;
  /** The Security Hub workflow status set (only for findings that came through Security Hub). */
  securityHubStatus?: FindingWorkflowStatus;
}

/** The note on the finding: what was decided, by whom (Slack user), when, and the incident id. */
export function securityHubNote(
  outcome: CloseOutcome,
  incidentId: string,
  decision: DecisionInfo,
  at?: string,
): string {
  const by = decision.decidedBy ?? 'unknown';
  const when = decision.decidedAt ?? 'unknown time';
  switch (outcome) {
    case 'approved':
      return `Airlock: contained and approved by Slack user ${by} at ${when}; incident ${incidentId}`;
    case 'rejected':
      return `Airlock: false positive, restored (rejected by Slack user ${by} at ${when}); incident ${incidentId}`;
    case 'unresolved':
      return `Airlock: contained; nobody answered the approval or the escalation by ${at ?? 'the deadline'}, left contained for review; incident ${incidentId}`;
    case 'notified':
      return `Airlock: responders notified; incident ${incidentId}`;
    case 'failed':
      return `Airlock: containment failed, on-call paged; incident ${incidentId}`;
  }
}

export function timeToContainSeconds(incident: Pick<IncidentRecord, 'detectedAt' | 'containedAt'>) {
  if (!incident.containedAt) return undefined;
  const ms = Date.parse(incident.containedAt) - Date.parse(incident.detectedAt);
  return Number.isFinite(ms) ? Math.max(0, Math.round(ms / 1000)) : undefined;
}

/**
 * Ends the incident: the ledger status for the outcome (with decidedAt and closedAt), time-to-contain in the
 * step summary, and — for Security Hub findings — the finding's workflow status with a note. Idempotent: the
 * status is set only when it changes, BatchUpdateFindings only when no earlier call is recorded.
 */
export async function closeIncident(
  clients: AwsClients | undefined,
  deps: WorkflowTaskDeps,
  input: CloseIncidentInput,
): Promise<CloseIncidentOutput> {
  const { incidentId, request, outcome } = input;
  const incident = await requireIncident(deps.ledger, incidentId);
  const status = CLOSE_STATUS[outcome];
  return runStep(deps, incidentId, 'close-incident', input, async () => {
    const decided = outcome === 'approved' || outcome === 'rejected';
    const decision = decided ? await resolveDecision(deps.ledger, incident, input.decision) : {};

    const finding = securityHubFindingOf(request);
    const shStatus = finding ? SECURITY_HUB_STATUS[outcome] : undefined;
    let shNote: string | undefined;
    let shSkip: string | undefined;
    if (finding && shStatus) {
      const audit = await deps.ledger.listAudit(incidentId);
      const recorded = audit.find(
        (e) =>
          (e.action === SECURITY_HUB_AUDIT_ACTION || e.action === `${SECURITY_HUB_AUDIT_ACTION}-skipped`) &&
          e.detail?.workflowStatus === shStatus &&
          e.detail?.findingId === finding.id,
      );
      // Already done (or skipped) for this status: the same output and thread line, no second call.
      if (recorded && recorded.action !== SECURITY_HUB_AUDIT_ACTION)
        shSkip = skipLine(recorded.detail?.skipped, request);
      if (!recorded) {
        if (!clients) throw new Error('closeIncident: AWS clients are required for a Security Hub finding');
        const at = deps.clock.now().toISOString();
        shNote = securityHubNote(outcome, incidentId, decision, at);
        const verificationState = SECURITY_HUB_VERIFICATION[outcome];
        const skip = await setFindingWorkflow(clients, finding, shStatus, shNote, {
          ...(decision.decidedBy ? { updatedBy: `airlock (Slack ${decision.decidedBy})` } : {}),
          ...(verificationState ? { verificationState } : {}),
        });
        if (skip) {
          shSkip = skipLine(skip.skipped, request);
          shNote = undefined;
        }
        await deps.ledger.appendAudit({
          incidentId,
          at,
          actor: 'workflow',
          action: skip ? `${SECURITY_HUB_AUDIT_ACTION}-skipped` : SECURITY_HUB_AUDIT_ACTION,
          detail: {
            findingId: finding.id,
            productArn: finding.productArn,
            workflowStatus: shStatus,
            ...(skip ? { skipped: skip.skipped, reason: skip.reason } : { note: shNote }),
          },
        });
      }
    }

    let closed = incident;
    if (incident.status !== status) {
      const extra: Partial<IncidentRecord> = { closedAt: deps.clock.now().toISOString() };
      if (decision.decidedAt) extra.decidedAt = decision.decidedAt;
      if (decided && decision.approvalId && decision.decidedBy && decision.decidedAt) {
        extra.approval = {
          approvalId: decision.approvalId,
          state: outcome === 'approved' ? 'approved' : 'rejected',
          decidedBy: decision.decidedBy,
          decidedAt: decision.decidedAt,
        };
      }
      closed = await deps.ledger.setStatus(incidentId, status, extra);
    }

    const ttc = timeToContainSeconds(closed);
    const parts = [`Closed ${status}`];
    if (decided)
      parts.push(`${outcome} by ${decision.decidedBy ?? 'unknown'} at ${decision.decidedAt ?? 'unknown'}`);
    if (ttc !== undefined) parts.push(`time to contain ${ttc} s`);
    if (shSkip) parts.push(shSkip);
    else if (shStatus) parts.push(`Security Hub workflow ${shStatus}${shNote ? '' : ' (already set)'}`);
    return {
      output: {
        status,
        ...(ttc !== undefined ? { timeToContainSeconds: ttc } : {}),
        ...(shStatus && !shSkip ? { securityHubStatus: shStatus } : {}),
      },
      summary: parts.join('; '),
      ids: [incidentId, ...(finding ? [finding.id] : [])],
    };
  });
}
