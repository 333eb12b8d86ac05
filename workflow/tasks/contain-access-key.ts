import { type ContainAccessKeyOutput, containAccessKey } from '../domain/iam/contain';
import { AccessKeyTaskInputSchema } from '../domain/iam/input';
import type { TaskRun } from './deps';
import { parseInput } from './input';
import { lambdaHandler } from './lambda';

/** IAM: deactivate the finding's access key (IAM user), or deny the role's sessions issued before lastSeen. */
export const run: TaskRun<ContainAccessKeyOutput> = async (deps, input) => {
  const parsed = parseInput(AccessKeyTaskInputSchema, input);
  const clients = await deps.clients({
    accountId: parsed.request.accountId,
    region: parsed.request.region,
    incidentId: parsed.incidentId,
  });
  return containAccessKey(clients, deps, parsed);
};

export const handler = lambdaHandler(run);
