import { type ProtectOutput, protectEvidence } from '../domain/ec2/protect';
import type { TaskRun } from './deps';
import { parseEc2Input } from './ec2-input';
import { lambdaHandler } from './lambda';
import { runStep } from './step';

/** d. Termination protection, shutdown=stop, DeleteOnTermination=false, ASG detach, TG deregister, EIPs. */
export const run: TaskRun<ProtectOutput> = async (deps, input) => {
  const { target } = parseEc2Input(input);
  const clients = await deps.clients(target);
  return runStep(deps, target.incidentId, 'protect-evidence', input, () => protectEvidence(clients, target));
};

export const handler = lambdaHandler(run);
