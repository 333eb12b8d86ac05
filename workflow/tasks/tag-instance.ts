import { tagQuarantined } from '../domain/ec2/tag';
import type { TaskRun } from './deps';
import { parseEc2Input } from './ec2-input';
import { lambdaHandler } from './lambda';
import { runStep } from './step';

/** f. IncidentStatus=Quarantined, airlock:incident-id, airlock:finding-id. */
export const run: TaskRun<{ tagged: string[] }> = async (deps, input) => {
  const { target } = parseEc2Input(input);
  const clients = await deps.clients(target);
  return runStep(deps, target.incidentId, 'tag-instance', input, () => tagQuarantined(clients, target));
};

export const handler = lambdaHandler(run);
