import { type CompensateOutput, compensate } from '../domain/incident/compensate';
import { CompensateInputSchema } from '../domain/incident/input';
import type { TaskRun } from './deps';
import { parseInput } from './input';
import { lambdaHandler } from './lambda';
import { run as revokeInstanceCredentials } from './revoke-instance-credentials';

/**
 * j. Keep what succeeded, make sure the instance's sessions are denied and no ENI is left on the allow-all group
 * (EC2), tag the failure, record it, page on-call. Clients are obtained lazily inside: the failure being
 * compensated may be that the responder role could not be assumed.
 */
export const run: TaskRun<CompensateOutput> = async (deps, input) => {
  const parsed = parseInput(CompensateInputSchema, input);
  const target = {
    accountId: parsed.request.accountId,
    region: parsed.request.region,
    incidentId: parsed.incidentId,
  };
  const { incidentId, request, config } = parsed;
  return compensate(() => deps.clients(target), deps, parsed, {
    // The revoke step itself (check-before-act): whatever it does to deny the sessions, compensation does too.
    ensureRevoked: async () => {
      const revoked = await revokeInstanceCredentials(deps, { incidentId, request, config });
      return revoked.denyPolicy ? `${revoked.denyPolicy} in place` : 'no role to deny';
    },
  });
};

export const handler = lambdaHandler(run);
