import { TAG_STEP, tagQuarantined } from '../domain/ec2/tag';
import { createdResourceRecorder } from '../ledger/created-resources';
import type { TaskRun } from './deps';
import { parseEc2Input } from './ec2-input';
import { lambdaHandler } from './lambda';
import { runStep } from './step';

/** f. IncidentStatus=Quarantined, airlock:incident-id, airlock:finding-id. */
export const run: TaskRun<{ tagged: string[] }> = async (deps, input) => {
  const { target } = parseEc2Input(input);
  const clients = await deps.clients(target);
  const recorder = createdResourceRecorder(deps.ledger, deps.clock, target.incidentId);
  return runStep(deps, target.incidentId, TAG_STEP, input, () => tagQuarantined(clients, target, recorder));
};

export const handler = lambdaHandler(run);
