import { type IsolateOutput, isolateNetwork } from '../domain/ec2/isolate';
import { cutTrackedFlows, type TrackedCutOutput } from '../domain/ec2/tracked-cut';
import { createdResourceRecorder } from '../ledger/created-resources';
import type { TaskRun } from './deps';
import { parseEc2Input } from './ec2-input';
import { lambdaHandler } from './lambda';
import { loadEc2PreState } from './pre-state';
import { runStep } from './step';

/**
 * c. Two-step SG swap per ENI (allow-all, then isolation), verified; then the stateless cut that also drops
 * tracked flows (network ACL denies for the instance's addresses) and low idle tracking timeouts. Marks the
 * incident contained.
 */
export const run: TaskRun<IsolateOutput & TrackedCutOutput> = async (deps, input) => {
  const { target, config } = parseEc2Input(input);
  const pre = await loadEc2PreState(deps.ledger, target.incidentId);
  const clients = await deps.clients(target);
  const recorder = createdResourceRecorder(deps.ledger, deps.clock, target.incidentId);
  const output = await runStep(deps, target.incidentId, 'isolate-network', input, async () => {
    const swap = await isolateNetwork(clients, pre, config);
    const cut = await cutTrackedFlows(clients, pre, recorder);
    return {
      output: { ...swap.output, ...cut.output },
      summary: `${swap.summary}. ${cut.summary}`,
      ids: [...(swap.ids ?? []), ...(cut.ids ?? [])],
    };
  });
  const incident = await deps.ledger.getIncident(target.incidentId);
  if (!incident?.containedAt) {
    await deps.ledger.update(target.incidentId, { containedAt: deps.clock.now().toISOString() });
  }
  return output;
};

export const handler = lambdaHandler(run);
