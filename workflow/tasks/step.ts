import { createHash } from 'node:crypto';
import type { StepRecord } from '../ledger/types';
import type { WorkflowTaskDeps } from './deps';

/** sha256 of a value's canonical JSON: audit events carry digests of input and output, not the data. */
export function digest(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value ?? null))
    .digest('hex');
}

export interface StepOutcome<O> {
  output: O;
  status?: StepRecord['status'];
  summary: string;
  ids?: string[];
  /** Links shown with the step in the thread (e.g. the ticket): text and an http(s) URL. */
  links?: { text: string; url: string }[];
}

/**
 * Runs one runbook step: times it, records the step (for the Slack thread and /ir status) and an audit
 * event with input/output digests. A failure is recorded as a failed step and rethrown unchanged.
 */
export async function runStep<O>(
  deps: WorkflowTaskDeps,
  incidentId: string,
  name: string,
  input: unknown,
  fn: () => Promise<StepOutcome<O>>,
): Promise<O> {
  const startedAt = deps.clock.now().toISOString();
  const log = deps.log.child({ incidentId, step: name });
  try {
    const result = await fn();
    const endedAt = deps.clock.now().toISOString();
    await deps.ledger.recordStep(incidentId, {
      name,
      status: result.status ?? 'ok',
      summary: result.summary,
      startedAt,
      endedAt,
      ...(result.ids ? { ids: result.ids } : {}),
      ...(result.links?.length ? { links: result.links } : {}),
    });
    await deps.ledger.appendAudit({
      incidentId,
      at: endedAt,
      actor: 'workflow',
      action: name,
      detail: { status: result.status ?? 'ok', summary: result.summary, ids: result.ids ?? [] },
      inputDigest: digest(input),
      outputDigest: digest(result.output),
    });
    log.info({ status: result.status ?? 'ok', ids: result.ids }, result.summary);
    return result.output;
  } catch (error) {
    const endedAt = deps.clock.now().toISOString();
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    log.warn({ err: error }, `step ${name} failed`);
    // Recorded before the state machine decides what happens next: a Retry that succeeds replaces this record;
    // a Catch that goes on (capture) or compensates leaves it, so the thread and /ir status show what failed.
    await Promise.all([
      deps.ledger.recordStep(incidentId, {
        name,
        status: 'failed',
        summary: `Failed: ${message}`,
        startedAt,
        endedAt,
      }),
      deps.ledger.appendAudit({
        incidentId,
        at: endedAt,
        actor: 'workflow',
        action: `${name}-failed`,
        detail: { error: message },
        inputDigest: digest(input),
      }),
    ]).catch((recordError: unknown) => log.error({ err: recordError }, 'could not record step failure'));
    throw error;
  }
}
