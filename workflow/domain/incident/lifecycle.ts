import { ResourceNotFoundError } from '../../errors';
import type { Ledger } from '../../ledger/ledger';
import type { IncidentRecord } from '../../ledger/types';
import type { WorkflowTaskDeps } from '../../tasks/deps';

/** The incident, or ResourceNotFoundError: a task for an incident the ledger does not know cannot proceed. */
export async function requireIncident(ledger: Ledger, incidentId: string): Promise<IncidentRecord> {
  const incident = await ledger.getIncident(incidentId);
  if (!incident) throw new ResourceNotFoundError(`incident ${incidentId} is not in the ledger`);
  return incident;
}

/** OPEN → CONTAINING when a branch's first containment task starts (a retry finds it CONTAINING already). */
export async function markContaining(deps: WorkflowTaskDeps, incidentId: string): Promise<void> {
  const incident = await requireIncident(deps.ledger, incidentId);
  if (incident.status === 'OPEN') await deps.ledger.setStatus(incidentId, 'CONTAINING');
}

/** Sets containedAt once (time-to-contain is measured to the first moment the resource was contained). */
export async function markContained(deps: WorkflowTaskDeps, incidentId: string): Promise<void> {
  const incident = await requireIncident(deps.ledger, incidentId);
  if (!incident.containedAt) {
    await deps.ledger.update(incidentId, { containedAt: deps.clock.now().toISOString() });
  }
}
