import { type IsolateOutput, isolateNetwork } from '../domain/ec2/isolate';
import type { TaskRun } from './deps';
import { parseEc2Input } from './ec2-input';
import { lambdaHandler } from './lambda';
import { loadEc2PreState } from './pre-state';
import { runStep } from './step';

/** c. Two-step SG swap per ENI (allow-all, then isolation), verified. Marks the incident contained. */
export const run: TaskRun<IsolateOutput> = async (deps, input) => {
  const { target, config } = parseEc2Input(input);
  const pre = await loadEc2PreState(deps.ledger, target.incidentId);
  const clients = await deps.clients(target);
  const output = await runStep(deps, target.incidentId, 'isolate-network', input, () =>
    isolateNetwork(clients, pre, config),
  );
  const incident = await deps.ledger.getIncident(target.incidentId);
  if (!incident?.containedAt) {
    await deps.ledger.update(target.incidentId, { containedAt: deps.clock.now().toISOString() });
  }
  return output;
};

export const handler = lambdaHandler(run);
