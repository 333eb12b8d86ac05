import { type BlockBucketPublicAccessOutput, blockBucketPublicAccess } from '../domain/s3/block';
import { BucketTaskInputSchema } from '../domain/s3/input';
import type { TaskRun } from './deps';
import { parseInput } from './input';
import { lambdaHandler } from './lambda';

/** S3: record each bucket's Block Public Access configuration, then turn all four settings on. */
export const run: TaskRun<BlockBucketPublicAccessOutput> = async (deps, input) => {
  const parsed = parseInput(BucketTaskInputSchema, input);
  const clients = await deps.clients({
    accountId: parsed.request.accountId,
    region: parsed.request.region,
    incidentId: parsed.incidentId,
  });
  return blockBucketPublicAccess(clients, deps, parsed);
};

export const handler = lambdaHandler(run);
