import * as z from 'zod';
import { PagingConfigError, PagingThrottledError, PagingUnavailableError, ValidationError } from '../errors';
import type { IncidentRecord } from '../ledger/types';
import type { WorkflowTaskDeps } from '../tasks/deps';
import { runStep } from '../tasks/step';
import { buildPageEvent, PAGE_EVENTS, type PageEvent } from './event';
import type { PagerDutyEventsClient, SendResult } from './events-v2';

/** How a workflow task pages: set when a routing key secret is configured; unset = paging off. */
export interface Paging {
  client: PagerDutyEventsClient;
  /** The routing key, read once per container (workflow/paging/routing-key.ts). */
  routingKey: () => Promise<string>;
  /** `https://<workspace>.slack.com`: pages then link to the incident's thread. */
  slackWorkspaceUrl?: string;
  /**
   * A 429 whose Retry-After is at most this long is waited out in the task and sent once more; a longer one (or a
   * second 429) is PagingThrottledError, retried by the state machine. Default 10 s (the task's timeout is 30 s).
   */
  maxInPlaceWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const PageInputSchema = z.object({
  incidentId: z.string().min(1),
  event: z.enum(PAGE_EVENTS),
  /** `$.config`: only the evidence bucket is read (the evidence manifest's place). */
  config: z.object({ evidenceBucket: z.string().optional() }).loose().optional(),
});
export type PageInput = z.infer<typeof PageInputSchema>;

export type PageOutcome = 'accepted' | 'already-sent' | 'paging-off' | 'paging-off-recorded';
export interface PageOutput {
  event: PageEvent;
  outcome: PageOutcome;
  dedupKey?: string;
}

/** The step (thread line, /ir status) of each page: one per event, so a retry replaces only its own record. */
export const pageStepName = (event: PageEvent): string => `page-${event}`;
const PAGING_OFF = 'Paging is off: no PagerDuty routing key is configured (docs/DEPLOY.md, Paging)';

function describe(result: Exclude<SendResult, { kind: 'accepted' }>, action: string): string {
  switch (result.kind) {
    case 'rate-limited':
      return `PagerDuty rate-limited the ${action} (429${result.retryAfterSeconds !== undefined ? `, Retry-After ${result.retryAfterSeconds} s` : ''}); the workflow retries it`;
    case 'unavailable':
      return `PagerDuty did not take the ${action} (${result.status ? `HTTP ${result.status}: ` : ''}${result.message}); the workflow retries it`;
    case 'invalid':
      return `PagerDuty refused the ${action} (${result.status} ${result.message}${result.errors.length ? `: ${result.errors.join('; ')}` : ''})`;
  }
}

async function sendWithShortWait(paging: Paging, send: () => Promise<SendResult>): Promise<SendResult> {
  const first = await send();
  const maxWait = paging.maxInPlaceWaitMs ?? 10_000;
  if (first.kind !== 'rate-limited' || first.retryAfterSeconds === undefined) return first;
  const waitMs = first.retryAfterSeconds * 1000;
  if (waitMs > maxWait) return first;
  await (paging.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(waitMs);
  return send();
}

/**
 * Pages the on-call for one moment of an incident (or resolves its page), check-before-act:
 * - a page whose step already records `ok` is not sent again (a retried or re-run task sends nothing);
 * - paging off: recorded once per incident as a skipped step (audited), later events pass silently;
 * - otherwise one Events v2 event with `dedup_key` = the incident id, so a request whose response was lost and is
 *   sent again updates the same PagerDuty alert. Its outcome is the step (thread line) and the audit event;
 *   a 429 or 5xx throws a named error for the state machine's Retry, a refused event PagingConfigError.
 */
export async function pageIncident(deps: WorkflowTaskDeps, input: PageInput): Promise<PageOutput> {
  const { event, incidentId } = input;
  const incident = await deps.ledger.getIncident(incidentId);
  if (!incident) throw new ValidationError(`incident ${incidentId} not found`, 'incidentId');
  const name = pageStepName(event);
  const done = incident.steps.find((s) => s.name === name && s.status === 'ok');
  if (done) return { event, outcome: 'already-sent', ...(done.ids?.[0] ? { dedupKey: done.ids[0] } : {}) };

  const paging = deps.paging;
  if (!paging) {
    if (pagingOffRecorded(incident)) return { event, outcome: 'paging-off-recorded' };
    return runStep(deps, incidentId, name, input, async () => ({
      output: { event, outcome: 'paging-off' as const },
      status: 'skipped',
      summary: PAGING_OFF,
    }));
  }

  return runStep(deps, incidentId, name, input, async () => {
    const routingKey = await paging.routingKey();
    const request = buildPageEvent(incident, event, routingKey, {
      slackWorkspaceUrl: paging.slackWorkspaceUrl,
      evidenceBucket: input.config?.evidenceBucket,
      now: deps.clock.now(),
    });
    const action = request.event_action === 'resolve' ? 'resolve' : 'page';
    const result = await sendWithShortWait(paging, () => paging.client.send(request));
    switch (result.kind) {
      case 'accepted': {
        const severity = request.payload ? `, severity ${request.payload.severity}` : '';
        return {
          output: { event, outcome: 'accepted' as const, dedupKey: result.dedupKey },
          summary:
            action === 'resolve'
              ? `PagerDuty accepted the resolve of the on-call page (dedup key ${result.dedupKey})`
              : `PagerDuty accepted the page to the on-call (${event}${severity}, dedup key ${result.dedupKey})`,
          ids: [result.dedupKey],
        };
      }
      case 'rate-limited':
        throw new PagingThrottledError(describe(result, action));
      case 'unavailable':
        throw new PagingUnavailableError(describe(result, action));
      case 'invalid':
        deps.log.error(
          { incidentId, status: result.status, errors: result.errors },
          'PagerDuty paging misconfigured',
        );
        throw new PagingConfigError(describe(result, action));
    }
  });
}

function pagingOffRecorded(incident: IncidentRecord): boolean {
  return incident.steps.some(
    (s) => s.name.startsWith('page-') && s.status === 'skipped' && s.summary === PAGING_OFF,
  );
}
