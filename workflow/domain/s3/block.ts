import type { AwsClients } from '../../aws/clients';
import { VerificationFailedError } from '../../errors';
import type { WorkflowTaskDeps } from '../../tasks/deps';
import { runStep } from '../../tasks/step';
import { markContained, markContaining } from '../incident/lifecycle';
import { parsePreState } from '../incident/pre-state';
import type { BucketTaskInput } from './input';
import { S3PreStateSchema } from './pre-state';
import {
  ALL_BLOCKED,
  describeBlock,
  isAllBlocked,
  putPublicAccessBlock,
  readPublicAccessBlock,
} from './public-access-block';

export interface BlockBucketPublicAccessOutput {
  buckets: string[];
  /** Buckets this run changed (empty on a re-run). */
  changed: string[];
}

/**
 * S3 branch: records every bucket's Block Public Access configuration (once), then turns all four settings on
 * where they are not, and verifies by re-reading.
 */
export async function blockBucketPublicAccess(
  clients: AwsClients,
  deps: WorkflowTaskDeps,
  input: BucketTaskInput,
): Promise<BlockBucketPublicAccessOutput> {
  const { incidentId, request } = input;
  const names = [...new Set(request.resource.bucketNames)];
  const ownerAccountId = request.accountId;
  await markContaining(deps, incidentId);
  const output = await runStep(deps, incidentId, 'block-bucket-public-access', input, async () => {
    const current = [];
    for (const name of names) {
      current.push({
        name,
        publicAccessBlock: await readPublicAccessBlock(clients, { bucket: name, ownerAccountId }),
      });
    }
    const pre = parsePreState(
      S3PreStateSchema,
      await deps.ledger.recordPreState(incidentId, { kind: 's3-bucket', buckets: current }),
      incidentId,
    );

    const changed: string[] = [];
    for (const { name, publicAccessBlock } of current) {
      if (isAllBlocked(publicAccessBlock)) continue;
      await putPublicAccessBlock(clients, { bucket: name, ownerAccountId }, ALL_BLOCKED);
      changed.push(name);
    }
    for (const name of changed) {
      const after = await readPublicAccessBlock(clients, { bucket: name, ownerAccountId });
      if (!isAllBlocked(after)) {
        throw new VerificationFailedError(
          `bucket ${name} has ${describeBlock(after)} after PutPublicAccessBlock`,
        );
      }
    }
    const was = pre.buckets.map((b) => `${b.name}: ${describeBlock(b.publicAccessBlock)}`).join('; ');
    return {
      output: { buckets: names, changed },
      summary: changed.length
        ? `Blocked all public access on ${changed.join(', ')} (verified); before: ${was}`
        : `Public access already fully blocked on ${names.join(', ')}`,
      ids: names,
    };
  });
  await markContained(deps, incidentId);
  return output;
}
