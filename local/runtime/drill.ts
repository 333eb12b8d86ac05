import { ACTIONS } from '../../bot/ids';
import { ValidationError } from '../../workflow/errors';
import { normalizeAll } from '../../workflow/intake/normalize';
import type { IncidentRequest, Route } from '../../workflow/intake/types';
import { type IncidentStatus, TERMINAL_STATUSES } from '../../workflow/ledger/types';
import { seedFromRequest } from '../sim';
import { applyEstate } from '../sim/estate-apply';
import type { EstateFile } from '../sim/estate-file';
import { liveFlows } from '../sim/flows';
import { USERS } from '../slack/workspace';
import { blockActionBody, postSigned } from './slack-requests';
import { startOfflineStack } from './stack';
import type { OfflineStack, OfflineStackOptions } from './types';

export type DrillDecision = 'approve' | 'reject' | 'timeout' | 'none';

export interface DrillResult {
  route: Route;
  reason: string;
  incidentId?: string;
  /** The incident's final status in the ledger. */
  status: string;
  executionStatus?: string;
  statesVisited: string[];
  /** Every simulated AWS call, in order. */
  actions: { service: string; operation: string; input: unknown; error?: string }[];
  /** Every message the bot posted or updated, in order. */
  slack: { method: string; channel?: string; thread_ts?: string; ts?: string; text?: string }[];
  durationMs: number;
  transitions: number;
  /**
   * Whether the estate lacked what the event names (its instance, user or buckets), which was then added from
   * the event itself (seedFromRequest): true for a real finding's placeholder ids, false for the bundled samples.
   */
  seededFromEvent: boolean;
  /**
   * Connections of the incident's instance still alive when the drill ends (after isolation; after the restore
   * on the reject path): the approve path must end with none.
   */
  flowsAliveAfterIsolation: AliveFlow[];
}

export interface AliveFlow {
  flowId: string;
  networkInterfaceId: string;
  direction: string;
  protocol: string;
  peerIp: string;
  port: number;
  path: string;
  tracked: boolean;
}

/** The live flows of an instance's ENIs in the simulated estate (none when the request names no instance). */
export function aliveFlowsOf(stack: OfflineStack, request: IncidentRequest | undefined): AliveFlow[] {
  const instanceId = request?.resource.instanceId;
  const found = instanceId ? stack.sim.model.findInstance(instanceId) : undefined;
  if (!found) return [];
  const enis = new Set(found.instance.networkInterfaceIds);
  return liveFlows(stack.sim.model, found.target)
    .filter((f) => enis.has(f.networkInterfaceId))
    .map((f) => ({
      flowId: f.flowId,
      networkInterfaceId: f.networkInterfaceId,
      direction: f.direction,
      protocol: f.protocol,
      peerIp: f.peerIp,
      port: f.port,
      path: f.path,
      tracked: f.tracked,
    }));
}

export interface DrillOptions {
  event: unknown;
  decision: DrillDecision;
  /**
   * The simulated account to drill against (a validated estate file, local/sim/estate-file.ts). Default: the demo
   * estate, the one `npm start` shows. What the event names and the estate lacks is added from the event.
   */
  estate?: EstateFile;
  /** Applied to the simulated account after seeding (fault injection). */
  prepare?: (stack: OfflineStack) => void | Promise<void>;
  /** Applied to the simulated account before what the event names is seeded from it (e.g. an edge-case instance). */
  setup?: (stack: OfflineStack) => void;
  stack?: OfflineStackOptions;
  /** Keep the stack open (the caller closes it) — for tests that inspect it afterwards. */
  keepOpen?: boolean;
}

const WAIT_MS = 20_000;

/** The first normalizable request in an event; a bad event fails with the field that is wrong. */
export function requestOf(event: unknown): IncidentRequest | undefined {
  for (const result of normalizeAll(event)) {
    if (result.status === 'invalid') throw result.error;
    if (result.status === 'accepted') return result.request;
  }
  return undefined;
}

/** The value of a button on a message now (a later click may find the message re-rendered without it). */
export function buttonValue(
  stack: OfflineStack,
  ref: { channel: string; ts: string },
  actionId: string,
): string {
  const message = stack.slack.message(ref.channel, ref.ts);
  const button = (
    message?.blocks as { type: string; elements?: { action_id?: string; value?: string }[] }[] | undefined
  )
    ?.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
    .find((e) => e.action_id === actionId);
  if (!button?.value) throw new Error(`no ${actionId} button on message ${ref.channel}/${ref.ts}`);
  return button.value;
}

/** A signed block_actions click with a given button value (a value seen earlier is a click on a stale copy). */
export async function clickValue(
  stack: OfflineStack,
  ref: { channel: string; ts: string },
  actionId: string,
  value: string,
  userId: string,
): Promise<void> {
  const response = await postSigned(
    stack.bot.url,
    blockActionBody({
      actionId,
      value,
      userId,
      channel: ref.channel,
      messageTs: ref.ts,
      responseUrl: stack.slack.responseUrl({ userId, channel: ref.channel, messageTs: ref.ts }),
    }),
    { secret: stack.bot.signingSecret },
  );
  if (response.status !== 200)
    throw new Error(`bot answered ${response.status} to ${actionId}: ${response.text}`);
}

/** Clicks a button on the message that carries an approval, as a Slack user would (a signed block_actions). */
export async function clickApproval(
  stack: OfflineStack,
  ref: { channel: string; ts: string },
  actionId: string,
  userId: string,
): Promise<void> {
  await clickValue(stack, ref, actionId, buttonValue(stack, ref, actionId), userId);
}

const POLL_MS = 5;

/**
 * The Slack message that carries the incident's current approval. The callback task is pending as soon as it is
 * invoked, a moment before its handler has posted the buttons and recorded where, so this waits for that record.
 */
export async function approvalMessage(
  stack: OfflineStack,
  incidentId: string,
  timeoutMs = WAIT_MS,
): Promise<{ channel: string; ts: string }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const incident = await stack.ledger.getIncident(incidentId);
    const approvalId = incident?.approval?.approvalId;
    const approval = approvalId ? await stack.ledger.getApproval(approvalId) : undefined;
    const ref = approval?.slack?.at(-1);
    if (ref) return ref;
    if (performance.now() > deadline)
      throw new Error(`incident ${incidentId} has no approval message after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * One incident end to end, offline: builds the simulated account from the estate (default the demo estate; what
 * the event names and the estate lacks is seeded from the event), sends the event
 * through intake (as EventBridge would), and decides as a responder would in Slack (signed button clicks), or lets
 * the approval and the escalation time out on the virtual clock.
 */
export async function runDrill(options: DrillOptions): Promise<DrillResult & { stack: OfflineStack }> {
  const request = requestOf(options.event);
  const stack = await startOfflineStack({
    // Without an estate file, the demo estate, built by the stack exactly as for `npm start`.
    demoEstate: !options.estate,
    slackRateLimit: false,
    timeScale: 0,
    ...options.stack,
  });
  try {
    if (options.estate)
      applyEstate(stack.sim, options.estate, { evidenceBucket: stack.settings.workflow.evidenceBucket });
    options.setup?.(stack);
    const seeded = stack.sim.snapshot();
    if (request) seedFromRequest(stack.sim, request);
    const seededFromEvent = stack.sim.diff(seeded, stack.sim.snapshot()).length > 0;
    await options.prepare?.(stack);
    const started = performance.now();
    const [result] = await stack.inject(options.event);
    if (!result) throw new ValidationError('the event holds no finding', '(event)');
    const arn = result.executionArn;
    if (arn && result.decision.route.startsWith('contain-')) {
      await decide(stack, arn, result.incident?.incidentId ?? '', options.decision);
    }
    if (arn && options.decision !== 'none')
      await stack.engine.waitForStatus(arn, (d) => d.status !== 'RUNNING', { timeoutMs: WAIT_MS });
    const durationMs = performance.now() - started;
    const incident = result.incident ? await stack.ledger.getIncident(result.incident.incidentId) : undefined;
    return {
      stack,
      route: result.decision.route,
      reason: result.decision.reason,
      ...(incident ? { incidentId: incident.incidentId } : {}),
      status: incident?.status ?? (result.outcome === 'ignored' ? 'IGNORED' : result.outcome.toUpperCase()),
      ...(arn ? { executionStatus: stack.engine.describe(arn).status } : {}),
      statesVisited: arn ? stack.engine.statesVisited(arn) : [],
      actions: stack.sim.calls().map((c) => ({
        service: c.service,
        operation: c.operation,
        input: c.input,
        ...(c.error ? { error: c.error } : {}),
      })),
      slack: stack.slack
        .calls()
        .filter((c) => c.method.startsWith('chat.') || c.method === 'conversations.open')
        .map((c) => ({
          method: c.method,
          ...(typeof c.params.channel === 'string' ? { channel: c.params.channel } : {}),
          ...(typeof c.params.thread_ts === 'string' ? { thread_ts: c.params.thread_ts } : {}),
          ...(typeof c.params.ts === 'string' ? { ts: c.params.ts } : {}),
          ...(typeof c.params.text === 'string' ? { text: c.params.text } : {}),
        })),
      durationMs,
      transitions: arn ? stack.engine.transitionCount(arn) : 0,
      seededFromEvent,
      flowsAliveAfterIsolation: aliveFlowsOf(stack, request),
    };
  } finally {
    if (!options.keepOpen) await stack.close();
  }
}

/** Waits until the incident has `status` in the ledger (or has moved past it to a terminal status). */
async function waitForStatus(stack: OfflineStack, incidentId: string, status: IncidentStatus): Promise<void> {
  const deadline = performance.now() + WAIT_MS;
  for (;;) {
    const current = (await stack.ledger.getIncident(incidentId))?.status;
    if (current === status || (current && TERMINAL_STATUSES.has(current))) return;
    if (performance.now() > deadline) throw new Error(`incident ${incidentId} never reached ${status}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Waits until the incident's approval message is another one than `previous` (the escalation DM is posted). */
export async function waitForNewApprovalMessage(
  stack: OfflineStack,
  incidentId: string,
  previous: { channel: string; ts: string },
): Promise<{ channel: string; ts: string }> {
  const deadline = performance.now() + WAIT_MS;
  for (;;) {
    const ref = await approvalMessage(stack, incidentId);
    if (ref.channel !== previous.channel || ref.ts !== previous.ts) return ref;
    if (performance.now() > deadline) throw new Error(`incident ${incidentId}: no escalation message posted`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function decide(
  stack: OfflineStack,
  arn: string,
  incidentId: string,
  decision: DrillDecision,
): Promise<void> {
  const waitApproval = () =>
    stack.engine.waitForTask(arn, { stateName: 'RequestApproval', timeoutMs: WAIT_MS });
  const finishedEarly = () =>
    stack.engine.waitForStatus(arn, (d) => d.status !== 'RUNNING', { timeoutMs: WAIT_MS });
  // Containment may fail (compensation ends the execution) before any approval is requested.
  const first = await Promise.race([
    waitApproval().then(() => 'approval' as const),
    finishedEarly().then(() => 'ended' as const),
  ]);
  if (first === 'ended') return;
  // The buttons are posted (and where they are recorded) before anyone decides or the clock moves on.
  const ref = await approvalMessage(stack, incidentId);
  if (decision === 'none') return;
  if (decision === 'approve' || decision === 'reject') {
    await clickApproval(
      stack,
      ref,
      decision === 'approve' ? ACTIONS.approve : ACTIONS.reject,
      USERS.responder,
    );
    return;
  }
  const { approvalTimeoutSeconds, escalationTimeoutSeconds } = stack.settings.workflow;
  await stack.clock.fastForward(approvalTimeoutSeconds * 1000);
  await stack.engine.waitForTask(arn, { stateName: 'Escalate', timeoutMs: WAIT_MS });
  await waitForNewApprovalMessage(stack, incidentId, ref);
  // The escalation has finished (status ESCALATED) before its timer runs out, as it has on AWS within hours.
  await waitForStatus(stack, incidentId, 'ESCALATED');
  await stack.clock.fastForward(escalationTimeoutSeconds * 1000);
  await runOutReminders(stack, arn);
}

/**
 * After the last timer the SOC lead is re-paged (WaitToRemindLead → RemindLead) at most leadReminderMax times
 * while the incident stays unresolved: each time the execution waits, time moves on by one interval.
 */
export async function runOutReminders(stack: OfflineStack, arn: string): Promise<void> {
  const { leadReminderSeconds, leadReminderMax } = stack.settings.workflow;
  const deadline = performance.now() + WAIT_MS;
  for (let round = 1; round <= leadReminderMax + 1; round += 1) {
    for (;;) {
      const entered = stack.engine.statesVisited(arn).filter((s) => s === 'WaitToRemindLead').length;
      if (entered >= round) break;
      if (stack.engine.describe(arn).status !== 'RUNNING') return;
      if (performance.now() > deadline) throw new Error(`${arn}: no reminder wait after ${WAIT_MS} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await stack.clock.fastForward(leadReminderSeconds * 1000);
  }
}
