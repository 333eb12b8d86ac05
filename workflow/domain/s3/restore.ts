import type { AwsClients } from '../../aws/clients';
import type { WorkflowTaskDeps } from '../../tasks/deps';
import { runStep } from '../../tasks/step';
import { loadPreState } from '../incident/pre-state';
import { failRestore } from '../incident/restore-check';
import type { BucketTaskInput } from './input';
import { S3PreStateSchema } from './pre-state';
import {
  deletePublicAccessBlock,
  diffPublicAccessBlock,
  putPublicAccessBlock,
  readPublicAccessBlock,
} from './public-access-block';

export interface RestoreBucketOutput {
  restored: true;
  /** Always empty: a non-empty diff throws RestoreMismatchError. */
  diff: string[];
  /** What this run changed (empty on a re-run). */
  changes: string[];
}

/**
 * Reject (false positive): puts back each bucket's recorded Block Public Access configuration exactly (or deletes
 * it if the bucket had none), re-reads, and requires an empty diff against the pre-state.
 */
export async function restoreBucket(
  clients: AwsClients,
  deps: WorkflowTaskDeps,
  input: BucketTaskInput,
): Promise<RestoreBucketOutput> {
  const { incidentId, request } = input;
  const ownerAccountId = request.accountId;
  const pre = await loadPreState(deps.ledger, incidentId, S3PreStateSchema);
  const startedAt = deps.clock.now().toISOString();
  const names = pre.buckets.map((b) => b.name);
  return runStep(deps, incidentId, 'restore', input, async () => {
    const changes: string[] = [];
    for (const { name, publicAccessBlock: before } of pre.buckets) {
      const ref = { bucket: name, ownerAccountId };
      const now = await readPublicAccessBlock(clients, ref);
      if (diffPublicAccessBlock(name, before, now).length === 0) continue;
      if (before === null) {
        await deletePublicAccessBlock(clients, ref);
        changes.push(`removed the Block Public Access configuration of ${name}`);
      } else {
        await putPublicAccessBlock(clients, ref, before);
        changes.push(`restored the Block Public Access configuration of ${name}`);
      }
    }
    const diff: string[] = [];
    for (const { name, publicAccessBlock: before } of pre.buckets) {
      const now = await readPublicAccessBlock(clients, { bucket: name, ownerAccountId });
      diff.push(...diffPublicAccessBlock(name, before, now));
    }
    if (diff.length)
      return failRestore(deps, incidentId, `bucket(s) ${names.join(', ')}`, diff, startedAt, names);
    return {
      output: { restored: true as const, diff, changes },
      summary: `Restored Block Public Access on ${names.join(', ')} to the pre-state (${
        changes.length ? changes.join('; ') : 'nothing to change'
      }); verified: diff empty ([])`,
      ids: names,
    };
  });
}
