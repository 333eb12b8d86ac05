import { RestoreMismatchError } from '../../errors';
import type { WorkflowTaskDeps } from '../../tasks/deps';

/**
 * A restore re-read the resource and found it differs from the recorded pre-state: records the step as failed
 * with the diff in its summary (so the Slack thread and /ir status show what is left) and throws
 * RestoreMismatchError (not retried; compensation pages on-call).
 */
export async function failRestore(
  deps: WorkflowTaskDeps,
  incidentId: string,
  what: string,
  diff: string[],
  startedAt: string,
  ids: string[],
): Promise<never> {
  const summary = `Restore of ${what} left ${diff.length} difference(s) from the pre-state: ${diff.join('; ')}`;
  await deps.ledger.recordStep(incidentId, {
    name: 'restore',
    status: 'failed',
    summary,
    startedAt,
    endedAt: deps.clock.now().toISOString(),
    ids,
  });
  throw new RestoreMismatchError(summary);
}
