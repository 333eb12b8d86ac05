import { type RestoreOutput, restoreEc2 } from '../domain/ec2/restore';
import { listCreatedResources } from '../ledger/created-resources';
import type { TaskRun } from './deps';
import { parseEc2Input } from './ec2-input';
import { lambdaHandler } from './lambda';
import { loadEc2PreState } from './pre-state';
import { runStep } from './step';

/** Reject: restore exactly the recorded pre-state, verify, record the (empty) diff. */
export const run: TaskRun<RestoreOutput> = async (deps, input) => {
  const { target } = parseEc2Input(input);
  const pre = await loadEc2PreState(deps.ledger, target.incidentId);
  const created = await listCreatedResources(deps.ledger, target.incidentId);
  const clients = await deps.clients(target);
  return runStep(deps, target.incidentId, 'restore', input, () => restoreEc2(clients, pre, target, created));
};

export const handler = lambdaHandler(run);
