import { AccessKeyTaskInputSchema } from '../domain/iam/input';
import { type RestoreAccessKeyOutput, restoreAccessKey } from '../domain/iam/restore';
import type { TaskRun } from './deps';
import { parseInput } from './input';
import { lambdaHandler } from './lambda';

/** Reject: reactivate exactly the keys that were Active / remove Airlock's deny policy; verify an empty diff. */
export const run: TaskRun<RestoreAccessKeyOutput> = async (deps, input) => {
  const parsed = parseInput(AccessKeyTaskInputSchema, input);
  const clients = await deps.clients({
    accountId: parsed.request.accountId,
    region: parsed.request.region,
    incidentId: parsed.incidentId,
  });
  return restoreAccessKey(clients, deps, parsed);
};

export const handler = lambdaHandler(run);
