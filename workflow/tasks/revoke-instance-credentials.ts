import { type RevokeOutput, revokeInstanceCredentials } from '../domain/ec2/credentials';
import { createdResourceRecorder } from '../ledger/created-resources';
import type { TaskRun } from './deps';
import { parseEc2Input } from './ec2-input';
import { lambdaHandler } from './lambda';
import { loadEc2PreState } from './pre-state';
import { runStep } from './step';

/** g. Forensic instance profile + deny on this instance's sessions (after volatile capture). */
export const run: TaskRun<RevokeOutput> = async (deps, input) => {
  const { target, config } = parseEc2Input(input);
  const pre = await loadEc2PreState(deps.ledger, target.incidentId);
  const clients = await deps.clients(target);
  return runStep(deps, target.incidentId, 'revoke-instance-credentials', input, () =>
    revokeInstanceCredentials(
      clients,
      pre,
      config,
      deps.clock.now(),
      createdResourceRecorder(deps.ledger, deps.clock, target.incidentId),
    ),
  );
};

export const handler = lambdaHandler(run);
