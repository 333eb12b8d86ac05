import type { ReportInput } from '../../../../../../workflow/domain/incident/report';
import { approvalIdFor } from '../../../../../../workflow/intake/ids';
import type {
  ApprovalRecord,
  AuditEvent,
  EvidenceItem,
  IncidentRecord,
  StepRecord,
} from '../../../../../../workflow/ledger/types';
import { makeIncident } from '../../../../../helpers/fake-ledger';
import { makeRequest } from '../../../../../helpers/requests';

/** Minutes after the finding was received (2026-11-22T08:01:00Z), as ISO. */
export const at = (minutes: number, seconds = 0) =>
  new Date(Date.parse('2026-11-22T08:01:00.000Z') + (minutes * 60 + seconds) * 1000).toISOString();

export const BUCKET = 'airlock-evidence-123456789012';
export const RESPONDER = 'U0RESPOND1';
export const LEAD = 'U0SOCLEAD1';

const request = makeRequest();
const incidentId = makeIncident({ request }).incidentId;

function step(name: string, startMin: number, endMin: number, extra: Partial<StepRecord> = {}): StepRecord {
  return {
    name,
    status: 'ok',
    summary: `${name} done`,
    startedAt: at(startMin),
    endedAt: at(endMin),
    ...extra,
  };
}

function stepAudit(s: StepRecord): AuditEvent {
  return s.status === 'failed'
    ? {
        incidentId,
        at: s.endedAt,
        actor: 'workflow',
        action: `${s.name}-failed`,
        detail: { error: s.summary },
      }
    : {
        incidentId,
        at: s.endedAt,
        actor: 'workflow',
        action: s.name,
        detail: { status: s.status, summary: s.summary, ids: s.ids ?? [] },
      };
}

const opened: AuditEvent = {
  incidentId,
  at: at(0),
  actor: 'intake',
  action: 'incident-opened',
  detail: { status: 'OPEN', route: 'contain-ec2', reason: 'HIGH severity', dedupeKey: request.dedupeKey },
};

export const PRE_STATE_EVIDENCE: EvidenceItem[] = [
  {
    id: `s3://${BUCKET}/incidents/${incidentId}/pre-state/describe-instances.json`,
    kind: 'instance-metadata',
    sha256: 'a'.repeat(64),
    at: at(0, 20),
  },
  { id: 'snap-0123456789abcdef0', kind: 'snapshot', at: at(3) },
];

const CONTAINMENT: StepRecord[] = [
  step('record-pre-state', 0, 0.5),
  step('isolate-network', 1, 2, { ids: ['sg-0isolation'] }),
  step('snapshot-volumes', 2, 3, { ids: ['snap-0123456789abcdef0'] }),
];

function primaryApproval(extra: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    approvalId: approvalIdFor(incidentId, 'primary'),
    incidentId,
    taskToken: 'token-never-in-the-report',
    kind: 'primary',
    createdAt: at(5),
    expiresAt: at(245),
    ...extra,
  };
}

function shape(
  incident: Partial<IncidentRecord>,
  steps: StepRecord[],
  audit: AuditEvent[],
  approvals: ApprovalRecord[],
): ReportInput {
  return {
    incident: makeIncident({
      request,
      status: 'RESOLVED',
      steps,
      evidence: PRE_STATE_EVIDENCE,
      containedAt: at(2),
      ...incident,
    }),
    audit: [opened, ...steps.map(stepAudit), ...audit],
    approvals,
  };
}

const decisionAudit = (minutes: number, decision: 'approve' | 'reject', user = RESPONDER): AuditEvent => ({
  incidentId,
  at: at(minutes),
  actor: `slack:${user}`,
  action: 'decision',
  detail: { approvalId: approvalIdFor(incidentId, 'primary'), decision, decidedAt: at(minutes) },
});

/** Contained, approved by the responder 10 minutes after the approval was asked (a refusal first). */
export function approvedLedger(): ReportInput {
  const close = step('close-incident', 15, 15);
  return shape(
    { status: 'RESOLVED', decidedAt: at(15), closedAt: at(15) },
    [...CONTAINMENT, close],
    [
      {
        incidentId,
        at: at(9),
        actor: 'slack:U0OUTSIDER',
        action: 'decision-refused',
        detail: {
          approvalId: approvalIdFor(incidentId, 'primary'),
          decision: 'approve',
          reason: 'not-responder',
        },
      },
      decisionAudit(15, 'approve'),
    ],
    [primaryApproval({ decision: 'approve', decidedBy: RESPONDER, decidedAt: at(15) })],
  );
}

/** Rejected (false positive): restored, diff empty. */
export function rejectedLedger(): ReportInput {
  const restore = step('restore', 21, 22, {
    summary: 'Restored i-0a1b2c3d4e5f67890 (4 change(s)); verified: diff empty',
  });
  return shape(
    { status: 'RESTORED', decidedAt: at(20), closedAt: at(22) },
    [...CONTAINMENT, restore, step('close-incident', 22, 22)],
    [decisionAudit(20, 'reject')],
    [primaryApproval({ decision: 'reject', decidedBy: RESPONDER, decidedAt: at(20) })],
  );
}

/** Nobody answered: escalated to the lead, who did not answer either. */
export function timedOutLedger(): ReportInput {
  return shape(
    {
      status: 'ESCALATED_UNRESOLVED',
      closedAt: at(485),
      approval: { approvalId: approvalIdFor(incidentId, 'escalation'), state: 'expired' },
    },
    [...CONTAINMENT, step('close-incident', 485, 485)],
    [],
    [
      primaryApproval({ expiredAt: at(245), escalatedTo: LEAD }),
      {
        approvalId: approvalIdFor(incidentId, 'escalation'),
        incidentId,
        taskToken: 'token-2',
        kind: 'escalation',
        createdAt: at(245),
        expiresAt: at(485),
        escalatedTo: LEAD,
        expiredAt: at(485),
      },
    ],
  );
}

/** Snapshots failed; compensation ran. */
export function failedLedger(): ReportInput {
  const failed = step('snapshot-volumes', 2, 3, {
    status: 'failed',
    summary: 'Failed: ThrottledError: ec2:CreateSnapshot',
  });
  return shape(
    {
      status: 'FAILED',
      closedAt: at(4),
      failure: { step: 'snapshot-volumes', error: 'ThrottledError', cause: 'ec2:CreateSnapshot throttled' },
      evidence: [PRE_STATE_EVIDENCE[0] as EvidenceItem],
    },
    [step('record-pre-state', 0, 0.5), step('isolate-network', 1, 2), failed],
    [
      {
        incidentId,
        at: at(4),
        actor: 'workflow',
        action: 'compensated',
        detail: { step: 'snapshot-volumes' },
      },
    ],
    [],
  );
}

/** Notify-only: nothing contained, nothing decided. */
export function notifiedLedger(): ReportInput {
  const { containedAt: _omit, ...rest } = makeIncident({ request });
  return {
    incident: {
      ...rest,
      status: 'NOTIFIED',
      route: 'notify',
      closedAt: at(1),
      evidence: [],
      steps: [step('close-incident', 1, 1)],
    },
    audit: [
      opened,
      { incidentId, at: at(1), actor: 'workflow', action: 'slack-posted', detail: { message: 'notice' } },
      stepAudit(step('close-incident', 1, 1)),
    ],
    approvals: [],
  };
}

/** The approved ledger with `findings` attached findings and `snapshots` snapshots (some past the evidence cap). */
export function largeLedger(findings: number, snapshots: number): ReportInput {
  const base = approvedLedger();
  const attached: AuditEvent[] = Array.from({ length: findings }, (_, i) => ({
    incidentId,
    at: at(0, 1 + (i % 50)),
    actor: 'intake',
    action: 'finding-attached',
    detail: {
      summary: '+1 finding',
      dedupeKey: `123456789012:us-east-1:finding-${String(i).padStart(4, '0')}`,
      findingId: `finding-${String(i).padStart(4, '0')}`,
      type: 'Recon:EC2/Portscan',
      severity: 'MEDIUM',
      findingCount: i + 2,
    },
  }));
  const snaps: EvidenceItem[] = Array.from({ length: snapshots }, (_, i) => ({
    id: `snap-${i.toString(16).padStart(17, '0')}`,
    kind: 'snapshot',
    at: at(3),
  }));
  return {
    incident: {
      ...base.incident,
      findingCount: findings + 1,
      evidence: [...base.incident.evidence, ...snaps.slice(0, 30)],
    },
    audit: [
      ...base.audit,
      ...attached,
      {
        incidentId,
        at: at(3),
        actor: 'system',
        action: 'evidence-overflow',
        detail: { items: snaps.slice(30) },
      },
    ],
    approvals: base.approvals,
  };
}

export const SHAPES = {
  approved: approvedLedger,
  rejected: rejectedLedger,
  timedOut: timedOutLedger,
  failed: failedLedger,
  notified: notifiedLedger,
} as const;
