import { BucketTaskInputSchema } from '../domain/s3/input';
import { type RestoreBucketOutput, restoreBucket } from '../domain/s3/restore';
import type { TaskRun } from './deps';
import { parseInput } from './input';
import { lambdaHandler } from './lambda';

/** Reject: put back each bucket's recorded Block Public Access configuration (or none); verify an empty diff. */
export const run: TaskRun<RestoreBucketOutput> = async (deps, input) => {
  const parsed = parseInput(BucketTaskInputSchema, input);
  const clients = await deps.clients({
    accountId: parsed.request.accountId,
    region: parsed.request.region,
    incidentId: parsed.incidentId,
  });
  return restoreBucket(clients, deps, parsed);
};

export const handler = lambdaHandler(run);
