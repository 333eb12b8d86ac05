import { awsErrorCode } from '../aws/call';
import type { RoutingPolicy, Scope, WorkflowSettings } from '../config';
import { REPORT_FAILED_AUDIT_ACTION } from '../domain/incident/report/timeline';
import type { Ledger } from '../ledger/ledger';
import { type IncidentRecord, type IntakeResult, TERMINAL_STATUSES } from '../ledger/types';
import type { Logger } from '../log';
import type { Clock, Executions } from '../ports';
import type { ExecutionInput } from '../tasks/state';
import { dedupeKeyFor } from './ids';
import { manualFindingId } from './manual';
import { type NormalizeResult, normalizeAll } from './normalize';
import { type RouteOptions, route } from './route';
import type { IncidentRequest, RouteDecision } from './types';

/** What the single intake path needs. Production: DynamoDB + Step Functions; offline: dynalite + local engine. */
export interface IntakeDeps {
  ledger: Ledger;
  executions: Executions;
  policy: RoutingPolicy;
  settings: WorkflowSettings;
  clock: Clock;
  log: Logger;
  /** Home account and allowed accounts/regions, for manual requests that omit them. */
  scope?: Scope;
  /** Region for manual requests that name none. */
  defaultRegion?: string;
  /**
   * Writes a closed incident's report (writeIncidentReport over the evidence bucket). An incident routed to ignore
   * closes here, IGNORED, without an execution, so intake writes its report; unset = not written at intake.
   */
  writeReport?: (incidentId: string) => Promise<unknown>;
}

export type IntakeOutcome = 'rejected' | 'opened' | 'repeat' | 'attached' | 'ignored';

/**
 * What intake did with one finding (or manual request):
 * - `opened`: a new incident; its execution started (`executionArn`);
 * - `repeat`: the same finding again (a GuardDuty update): absorbed, no new execution;
 * - `attached`: another finding for a resource with an open incident: attached (+1 finding), no new execution;
 * - `ignored`: routed to ignore: recorded (`incident`) and closed as IGNORED, or recognized as not actionable
 *   (a Security Hub control finding, insight results …: no incident);
 * - `rejected`: invalid input, kept in the ledger's rejected events; `error` names the field.
 */
export interface AcceptResult {
  outcome: IntakeOutcome;
  decision: RouteDecision;
  incident?: IncidentRecord;
  executionArn?: string;
  error?: { message: string; field: string };
}

export interface AcceptOptions extends RouteOptions {
  /** The incident whose "Contain now" button led here (audit trail). */
  fromIncidentId?: string;
}

/** Bound on the manual-request chain (see followManualChain): a re-isolation per closed incident of the instance. */
const MAX_MANUAL_CHAIN = 50;

/** One raw input (EventBridge event, bare finding or manual request) → the result for its first finding. */
export async function acceptEvent(raw: unknown, deps: IntakeDeps): Promise<AcceptResult> {
  const [first] = await acceptEventAll(raw, deps);
  if (!first) throw new Error('intake produced no result');
  return first;
}

/**
 * Every finding of one raw input, in order. Invalid input is recorded as a rejected event (nothing is lost) and
 * answered `rejected`; infrastructure errors (ledger, Step Functions) propagate so the caller can retry.
 */
export async function acceptEventAll(raw: unknown, deps: IntakeDeps): Promise<AcceptResult[]> {
  const normalized = normalizeAll(raw, {
    scope: deps.scope,
    defaultRegion: deps.defaultRegion,
    now: deps.clock.now(),
  });
  const results: AcceptResult[] = [];
  for (const item of normalized) results.push(await acceptNormalized(item, raw, deps));
  return results;
}

async function acceptNormalized(
  item: NormalizeResult,
  raw: unknown,
  deps: IntakeDeps,
): Promise<AcceptResult> {
  switch (item.status) {
    case 'invalid': {
      const { message, field } = item.error;
      await deps.ledger.recordRejectedEvent({
        rejectedAt: deps.clock.now().toISOString(),
        reason: message,
        field,
        raw,
      });
      deps.log.warn({ field, reason: message }, 'intake rejected an event (kept in the ledger)');
      return {
        outcome: 'rejected',
        decision: { route: 'ignore', reason: `rejected: ${field}: ${message}` },
        error: { message, field },
      };
    }
    case 'not-actionable':
      deps.log.info(
        { findingId: item.findingId, accountId: item.accountId, region: item.region, reason: item.reason },
        'intake: not actionable',
      );
      return { outcome: 'ignored', decision: { route: 'ignore', reason: item.reason } };
    case 'accepted':
      return acceptRequest(
        item.request,
        deps,
        item.fromIncidentId ? { fromIncidentId: item.fromIncidentId } : {},
      );
  }
}

/** A normalized request: route, record (dedupe), start the execution when a new incident opened. */
export async function acceptRequest(
  request: IncidentRequest,
  deps: IntakeDeps,
  opts: AcceptOptions = {},
): Promise<AcceptResult> {
  const decision = route(request, deps.policy, opts);
  let recorded = await deps.ledger.recordIntake(request, decision);
  if (request.source === 'manual') recorded = await followManualChain(request, decision, recorded, deps);
  const { incident } = recorded;
  const log = deps.log.child({ incidentId: incident.incidentId, findingId: request.findingId });
  const detail = {
    findingId: request.findingId,
    dedupeKey: request.dedupeKey,
    source: request.source,
    type: request.type,
    severity: request.severity.value,
    count: request.count,
    route: decision.route,
    reason: decision.reason,
    ...(opts.fromIncidentId ? { fromIncidentId: opts.fromIncidentId } : {}),
  };

  if (recorded.outcome === 'attached') {
    await audit(deps, incident.incidentId, 'intake-attached', detail);
    log.info({ route: decision.route }, 'intake: finding attached to the open incident of its resource');
    return { outcome: 'attached', decision, incident };
  }
  if (recorded.outcome === 'repeat') {
    await audit(deps, incident.incidentId, 'intake-repeat', detail);
    log.info({ count: request.count }, 'intake: repeat of a recorded finding absorbed');
    if (needsExecution(incident)) {
      // A previous attempt recorded the incident but crashed before StartExecution: converge (same name, same input).
      log.warn('intake: recorded incident has no execution yet: starting it');
      const started = await startExecution(incident, deps, log);
      return { outcome: 'repeat', decision, ...started };
    }
    return {
      outcome: 'repeat',
      decision,
      incident,
      ...(incident.executionArn ? { executionArn: incident.executionArn } : {}),
    };
  }
  if (incident.route === 'ignore') {
    // Close it at once so the resource lock never holds back a later, actionable finding.
    const closed = TERMINAL_STATUSES.has(incident.status)
      ? incident
      : await deps.ledger.setStatus(incident.incidentId, 'IGNORED');
    await audit(deps, incident.incidentId, 'intake-ignored', detail);
    log.info({ reason: decision.reason }, 'intake: recorded and ignored');
    await writeClosedReport(deps, closed.incidentId, log);
    return { outcome: 'ignored', decision, incident: closed };
  }
  await audit(deps, incident.incidentId, 'intake-opened', detail);
  log.info({ route: incident.route }, 'intake: incident opened');
  const started = await startExecution(incident, deps, log);
  return { outcome: 'opened', decision, ...started };
}

/** An incident still OPEN, routed somewhere, with no execution recorded. */
function needsExecution(incident: IncidentRecord): boolean {
  return incident.status === 'OPEN' && incident.route !== 'ignore' && !incident.executionArn;
}

async function startExecution(
  incident: IncidentRecord,
  deps: IntakeDeps,
  log: Logger,
): Promise<{ incident: IncidentRecord; executionArn?: string }> {
  const input: ExecutionInput = {
    incidentId: incident.incidentId,
    route: incident.route,
    request: incident.request,
    config: deps.settings,
  };
  try {
    const { executionArn, alreadyRunning } = await deps.executions.start({
      name: incident.incidentId,
      input: canonical(input),
    });
    const updated = await deps.ledger.update(incident.incidentId, { executionArn });
    await audit(deps, incident.incidentId, 'execution-started', { executionArn, alreadyRunning });
    log.info({ executionArn, alreadyRunning }, 'intake: execution started');
    return { incident: updated, executionArn };
  } catch (error) {
    if (awsErrorCode(error) !== 'ExecutionAlreadyExists') throw error;
    // The execution name is the incident id: an execution for this incident exists already. That is the
    // dedupe working, not a failure; record where it is if the error says.
    const existing = (error as { executionArn?: unknown }).executionArn;
    const executionArn = typeof existing === 'string' ? existing : undefined;
    log.warn({ executionArn, err: error }, 'intake: an execution for this incident already exists');
    await audit(deps, incident.incidentId, 'execution-exists', { ...(executionArn ? { executionArn } : {}) });
    const updated =
      executionArn && !incident.executionArn
        ? await deps.ledger.update(incident.incidentId, { executionArn })
        : incident;
    return { incident: updated, ...(executionArn ? { executionArn } : {}) };
  }
}

/**
 * A manual request's finding id is `manual:<instanceId>`, so a second request while the first incident is open
 * dedupes. Once that incident is closed, the next request for the instance is a new incident: it takes the id
 * `manual:<instanceId>:after:<closed incident id>`, and so on. Deterministic, so a retry converges.
 */
async function followManualChain(
  request: IncidentRequest,
  decision: RouteDecision,
  first: IntakeResult,
  deps: IntakeDeps,
): Promise<IntakeResult> {
  let current = first;
  for (let step = 0; step < MAX_MANUAL_CHAIN; step++) {
    if (current.outcome !== 'repeat' || !TERMINAL_STATUSES.has(current.incident.status)) return current;
    const instanceId = request.resource.instanceId ?? '';
    const findingId = `${manualFindingId(instanceId)}:after:${current.incident.incidentId}`;
    current = await deps.ledger.recordIntake(
      { ...request, findingId, dedupeKey: dedupeKeyFor(request.accountId, request.region, findingId) },
      decision,
    );
  }
  throw new Error(
    `manual request for ${request.resource.instanceId}: more than ${MAX_MANUAL_CHAIN} closed incidents`,
  );
}

/**
 * The report of an incident intake closed itself (IGNORED). A failed write never loses the finding, which is
 * already recorded: it is audited (`report-failed`, as WriteReport audits its own) and logged at error level, and
 * `/ir report` writes it later.
 */
async function writeClosedReport(deps: IntakeDeps, incidentId: string, log: Logger): Promise<void> {
  if (!deps.writeReport) return;
  try {
    await deps.writeReport(incidentId);
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    log.error({ err: error }, "intake: the ignored incident's report was not written");
    await audit(deps, incidentId, REPORT_FAILED_AUDIT_ACTION, {
      error: name,
      cause: message.slice(0, 300),
      summary: `Incident report not written: ${name}`,
    });
  }
}

async function audit(
  deps: IntakeDeps,
  incidentId: string,
  action: string,
  detail: Record<string, unknown>,
): Promise<void> {
  await deps.ledger.appendAudit({
    incidentId,
    at: deps.clock.now().toISOString(),
    actor: 'intake',
    action,
    detail,
  });
}

/** Deep copy with object keys sorted, so the same execution input always serializes to the same text. */
export function canonical<T>(value: T): T {
  if (Array.isArray(value)) return value.map(canonical) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    ) as T;
  }
  return value;
}
