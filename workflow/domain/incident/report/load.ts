import { ResourceNotFoundError } from '../../../errors';
import { approvalIdFor } from '../../../intake/ids';
import type { Ledger } from '../../../ledger/ledger';
import type { ApprovalRecord } from '../../../ledger/types';
import type { ReportInput } from './build';

/**
 * Reads what the report is built from, through the Ledger interface only: the incident, its audit trail, and its
 * approvals (their ids are deterministic: primary and escalation). Fails with ResourceNotFoundError for an
 * incident the ledger does not know.
 */
export async function loadReportInput(ledger: Ledger, incidentId: string): Promise<ReportInput> {
  const [incident, audit, primary, escalation] = await Promise.all([
    ledger.getIncident(incidentId),
    ledger.listAudit(incidentId),
    ledger.getApproval(approvalIdFor(incidentId, 'primary')),
    ledger.getApproval(approvalIdFor(incidentId, 'escalation')),
  ]);
  if (!incident) throw new ResourceNotFoundError(`incident ${incidentId} is not in the ledger`);
  const approvals = [primary, escalation].filter((a): a is ApprovalRecord => a !== undefined);
  return { incident, audit, approvals };
}
