import { requestOf } from '../../local/runtime/drill';
import { startOfflineStack } from '../../local/runtime/stack';
import type { OfflineStack } from '../../local/runtime/types';
import { seedFromRequest } from '../../local/sim';
import type { FakeCall } from '../../local/slack/fake-api';
import type { AcceptResult } from '../../workflow/intake/service';
import type { IncidentRecord } from '../../workflow/ledger/types';
import { createLogger, type Logger } from '../../workflow/log';
import { percentile, round } from './stats';
import { generateStorm, type StormEvent, type StormInputOptions } from './storm-input';

export interface StormOptions extends StormInputOptions {
  /** Events in flight at once on the intake path (EventBridge → Lambda concurrency). Default 16. */
  concurrency?: number;
  /** Virtual clock speed (the stack's timeScale). Default 10. */
  timeScale?: number;
  /** Fake Slack chat.postMessage limit per channel. Default: the stack's (1/s, burst 3). */
  slackRateLimit?: { perSecond: number; burst: number };
  /** Real ms to wait for every execution to reach its resting state after intake. Default 240 s. */
  settleTimeoutMs?: number;
  /** Real ms with no Slack call that counts as "Slack is idle". Default 4,000. */
  quietMs?: number;
  log?: Logger;
}

export interface StormResult {
  events: number;
  distinctFindings: number;
  instances: number;
  seed: number;
  approvals: 'pending';
  incidentsOpened: number;
  expectedIncidents: number;
  reviewIncidents: number;
  outcomes: Record<string, number>;
  duplicateExecutions: number;
  duplicateSnapshots: number;
  lostEvents: number;
  intakeErrors: number;
  intakeP50Ms: number;
  intakeP99Ms: number;
  intakeEventsPerSecond: number;
  slackMessages: number;
  slackUpdates: number;
  slack429s: number;
  /** Messages the incidents' threads should hold at rest but do not (card, step replies, manifest, approval). */
  slackUndelivered: number;
  /** Logical messages whose last attempt was a 429 (never followed by a success with the same content). */
  slackGaveUp: number;
  /** Slack calls that gave up after the WebClient's retries (audit 'notification-failed'; the workflow retries). */
  notificationFailures: number;
  /** Why each failed Slack call failed (after the WebClient's own bounded retries; the state machine then retries). */
  notificationFailureReasons: string[];
  /** Contain executions that left RequestApproval for Escalate without anyone deciding (an approval post failed). */
  escalatedWithoutDecision: number;
  /**
   * The longest a message waited, in simulated seconds: in its channel's queue (the pacer: first take to its slot,
   * across refusals, retries and deferrals; real ms × the clock's speed-up) or from a first 429 to its delivery.
   */
  maxSlackQueueDelayS: number;
  /** Posts the per-channel pacer gave a slot. */
  slackPacedPosts: number;
  /** Takes the pacer handed back to the state machine (SlackPacedError, retried by the workflow). */
  slackPaceRefusals: number;
  /** Pre-containment notifies that left their posts to the next notify because the channel was busy. */
  slackDeferrals: number;
  /** Contain incidents whose card does not show "+N findings" for the ledger's count at the end. */
  staleCards: number;
  settled: boolean;
  wallMs: number;
}

const CONTAIN = new Set(['contain-ec2', 'contain-iam', 'contain-s3']);
const INTAKE_ACTIONS = new Set(['intake-opened', 'intake-attached', 'intake-repeat', 'intake-ignored']);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Seeds each storm instance in the simulated account from its first well-formed event. */
function seedInstances(stack: OfflineStack, events: StormEvent[]): void {
  const seeded = new Set<string>();
  for (const event of events) {
    if (event.kind === 'invalid' || seeded.has(event.instanceId)) continue;
    const request = requestOf(event.raw);
    if (request) seedFromRequest(stack.sim, request);
    seeded.add(event.instanceId);
  }
}

interface Delivered {
  event: StormEvent;
  results?: AcceptResult[];
  error?: string;
  ms: number;
}

/** Sends every event through intake with `concurrency` in flight, in input order; per-event latency. */
async function intake(stack: OfflineStack, events: StormEvent[], concurrency: number): Promise<Delivered[]> {
  const delivered: Delivered[] = new Array(events.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < events.length; i = next++) {
      const event = events[i] as StormEvent;
      const started = performance.now();
      try {
        const results = await stack.inject(event.raw);
        delivered[i] = { event, results, ms: performance.now() - started };
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        delivered[i] = { event, error: message, ms: performance.now() - started };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, events.length) }, worker));
  return delivered;
}

/**
 * Resting state with nobody deciding: every contain execution waits at RequestApproval with its approval message
 * posted, every other execution has ended, and the fake Slack has seen no call for `quietMs`.
 */
async function settle(
  stack: OfflineStack,
  containArns: string[],
  timeoutMs: number,
  quietMs: number,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  let lastCount = -1;
  let quietSince = performance.now();
  while (performance.now() < deadline) {
    const running = stack.engine.list({ status: 'RUNNING' }).map((e) => e.executionArn);
    const waiting = new Set(
      stack.engine
        .pendingTasks()
        .filter((t) => t.stateName === 'RequestApproval')
        .map((t) => t.executionArn),
    );
    const resting = running.every((arn) => waiting.has(arn)) && containArns.every((arn) => waiting.has(arn));
    let posted = resting;
    if (resting) {
      for (const arn of containArns) {
        const incident = await stack.ledger.getIncident(stack.engine.describe(arn).name);
        const approvalId = incident?.approval?.approvalId;
        const approval = approvalId ? await stack.ledger.getApproval(approvalId) : undefined;
        if (!approval?.slack?.length) {
          posted = false;
          break;
        }
      }
    }
    const count = stack.slack.calls().length;
    if (count !== lastCount) {
      lastCount = count;
      quietSince = performance.now();
    }
    if (posted && performance.now() - quietSince >= quietMs) return true;
    if (process.env.STORM_DEBUG)
      process.stderr.write(
        `settle: running=${running.length} waiting=${waiting.size} contain=${containArns.length} resting=${resting} posted=${posted} calls=${count}\n`,
      );
    await sleep(100);
  }
  return false;
}

/** Per logical message (method, channel, thread, text): first attempt → success, and attempts never delivered. */
function slackQueueStats(calls: FakeCall[]): { maxDelayS: number; undelivered: number } {
  const firstAttempt = new Map<string, number>();
  let maxDelayMs = 0;
  for (const call of calls) {
    if (call.method !== 'chat.postMessage' && call.method !== 'chat.update') continue;
    const p = call.params;
    const key = JSON.stringify([call.method, p.channel, p.thread_ts, p.ts, p.text, p.blocks]);
    const at = Date.parse(call.at);
    if (call.status === 429) {
      if (!firstAttempt.has(key)) firstAttempt.set(key, at);
      continue;
    }
    if (call.ok) {
      const first = firstAttempt.get(key);
      if (first !== undefined) maxDelayMs = Math.max(maxDelayMs, at - first);
      firstAttempt.delete(key);
    }
  }
  return { maxDelayS: maxDelayMs / 1000, undelivered: firstAttempt.size };
}

function duplicateSnapshots(stack: OfflineStack): number {
  let duplicates = 0;
  for (const account of Object.values(stack.sim.model.state.accounts)) {
    for (const region of Object.values(account.regions)) {
      const perVolumeIncident = new Map<string, number>();
      for (const snap of Object.values(region.ec2.snapshots)) {
        const key = `${snap.volumeId}|${snap.tags['airlock:incident-id'] ?? '-'}`;
        perVolumeIncident.set(key, (perVolumeIncident.get(key) ?? 0) + 1);
      }
      for (const n of perVolumeIncident.values()) duplicates += Math.max(0, n - 1);
    }
  }
  return duplicates;
}

/**
 * Events not accounted for in the ledger: an intake that threw, or a finding whose incident's audit trail holds
 * fewer intake records (opened / attached / repeat / ignored) for its dedupe key than deliveries; a malformed
 * event missing from the rejected events.
 */
async function lostEvents(stack: OfflineStack, delivered: Delivered[]): Promise<number> {
  let lost = 0;
  const deliveries = new Map<string, { incidentId: string; n: number }>();
  let rejected = 0;
  for (const d of delivered) {
    const result = d.results?.[0];
    if (!result) {
      lost += 1;
      continue;
    }
    if (result.outcome === 'rejected') {
      rejected += 1;
      continue;
    }
    const incident = result.incident;
    if (!incident) {
      lost += 1;
      continue;
    }
    const dedupeKey = `${incident.request.accountId}:${incident.request.region}:${d.event.findingId}`;
    const entry = deliveries.get(dedupeKey) ?? { incidentId: incident.incidentId, n: 0 };
    entry.n += 1;
    deliveries.set(dedupeKey, entry);
  }
  const audits = new Map<string, Map<string, number>>();
  for (const { incidentId } of deliveries.values()) {
    if (audits.has(incidentId)) continue;
    const perKey = new Map<string, number>();
    for (const event of await stack.ledger.listAudit(incidentId)) {
      if (!INTAKE_ACTIONS.has(event.action)) continue;
      const key = String(event.detail?.dedupeKey);
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
    }
    audits.set(incidentId, perKey);
  }
  for (const [dedupeKey, { incidentId, n }] of deliveries) {
    lost += Math.max(0, n - (audits.get(incidentId)?.get(dedupeKey) ?? 0));
  }
  lost += Math.max(0, rejected - (await stack.ledger.listRejectedEvents()).length);
  return lost;
}

/**
 * What the Slack threads should hold at rest but do not (each item a message that never arrived): the card of
 * every non-ignored incident, a reply for each recorded step, the evidence manifest and the approval message of
 * every contain incident.
 */
async function missingMessages(
  stack: OfflineStack,
  incidentIds: string[],
): Promise<{ missing: number; detail: string[] }> {
  const detail: string[] = [];
  for (const id of incidentIds) {
    const incident = await stack.ledger.getIncident(id);
    if (!incident || incident.route === 'ignore') continue;
    const ref = incident.slack;
    if (!ref || !stack.slack.message(ref.channel, ref.ts)) detail.push(`${id}: card`);
    if (!CONTAIN.has(incident.route)) continue;
    for (const step of incident.steps) if (!step.notified) detail.push(`${id}: step ${step.name}`);
    const audit = await stack.ledger.listAudit(id);
    if (!audit.some((e) => e.action === 'slack-posted' && e.detail?.message === 'evidence-manifest'))
      detail.push(`${id}: evidence manifest`);
    const approvalId = incident.approval?.approvalId;
    const approval = approvalId ? await stack.ledger.getApproval(approvalId) : undefined;
    if (!approval?.slack?.length) detail.push(`${id}: approval`);
  }
  return { missing: detail.length, detail };
}

/**
 * Contain incidents whose Slack card does not show the ledger's finding count ("+N findings"): the card follows
 * the ledger at each Notify / RequestApproval (bot/tasks/card.ts refreshCard), not at attach time.
 */
async function staleCards(stack: OfflineStack, containArns: string[]): Promise<number> {
  let stale = 0;
  for (const arn of containArns) {
    const incident = await stack.ledger.getIncident(stack.engine.describe(arn).name);
    const ref = incident?.slack;
    const card = ref ? stack.slack.message(ref.channel, ref.ts) : undefined;
    if (!incident || !card) {
      stale += 1;
      continue;
    }
    const extra = incident.findingCount - 1;
    const text = JSON.stringify(card.blocks ?? []);
    const shown = text.includes(`+${extra} finding${extra === 1 ? '' : 's'} on this resource`);
    if (extra > 0 ? !shown : /\+\d+ findings? on this resource/.test(text)) stale += 1;
  }
  return stale;
}

/** Executions beyond one per incident id, and contain executions beyond one per resource. */
async function duplicateExecutions(stack: OfflineStack): Promise<number> {
  const executions = stack.engine.list();
  const names = new Set(executions.map((e) => e.name));
  let duplicates = executions.length - names.size;
  const perResource = new Map<string, number>();
  for (const name of names) {
    const incident: IncidentRecord | undefined = await stack.ledger.getIncident(name);
    if (!incident || !CONTAIN.has(incident.route)) continue;
    const key = incident.request.resourceKey;
    perResource.set(key, (perResource.get(key) ?? 0) + 1);
  }
  for (const n of perResource.values()) duplicates += Math.max(0, n - 1);
  return duplicates;
}

/**
 * A GuardDuty storm through the offline stack (EventBridge intake → ledger → local Step Functions → bot tasks →
 * fake Slack with its per-channel rate limit). Nobody decides: approvals stay pending. Measures intake latency
 * and throughput, and checks the invariants: one incident per instance with a contain finding, no duplicate
 * executions or snapshots, no lost event, every Slack message delivered, paced per channel (few or no 429s).
 */
export async function runStorm(options: StormOptions): Promise<StormResult> {
  const wallStarted = performance.now();
  const input = generateStorm(options);
  const stack = await startOfflineStack({
    demoEstate: false,
    timeScale: options.timeScale ?? 10,
    log: options.log ?? createLogger('bench', { level: 'silent' }),
    ...(options.slackRateLimit ? { slackRateLimit: options.slackRateLimit } : {}),
  });
  try {
    seedInstances(stack, input.events);
    const intakeStarted = performance.now();
    const delivered = await intake(stack, input.events, options.concurrency ?? 16);
    const intakeMs = performance.now() - intakeStarted;
    if (process.env.STORM_DEBUG) process.stderr.write(`intake done ${intakeMs} ms\n`);

    const outcomes: Record<string, number> = {};
    const opened = new Map<string, AcceptResult>();
    for (const d of delivered) {
      const result = d.results?.[0];
      const outcome = result?.outcome ?? 'error';
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      if (result?.outcome === 'opened' && result.incident) opened.set(result.incident.incidentId, result);
    }
    const containArns = [...opened.values()]
      .filter((r) => CONTAIN.has(r.decision.route) && r.executionArn)
      .map((r) => r.executionArn as string);
    const settled = await settle(
      stack,
      containArns,
      options.settleTimeoutMs ?? 240_000,
      options.quietMs ?? 4_000,
    );

    const latencies = delivered.map((d) => d.ms).sort((a, b) => a - b);
    const calls = stack.slack.calls();
    const queue = slackQueueStats(calls);
    const audit = (await Promise.all([...opened.keys()].map((id) => stack.ledger.listAudit(id)))).flat();
    const notificationFailures = audit.filter((e) => e.action === 'notification-failed');
    const pacedQueueS = (stack.pace.maxQueueMs * (options.timeScale ?? 10)) / 1000;
    const missing = await missingMessages(stack, [...opened.keys()]);
    if (process.env.STORM_DEBUG)
      process.stderr.write(`${JSON.stringify({ notificationFailures, missing: missing.detail })}\n`);
    return {
      events: input.events.length,
      distinctFindings: input.distinctFindings,
      instances: options.instances,
      seed: options.seed,
      approvals: 'pending',
      incidentsOpened: containArns.length,
      expectedIncidents: input.expectedIncidents,
      reviewIncidents: [...opened.values()].filter((r) => r.decision.route === 'review').length,
      outcomes,
      duplicateExecutions: await duplicateExecutions(stack),
      duplicateSnapshots: duplicateSnapshots(stack),
      lostEvents: await lostEvents(stack, delivered),
      intakeErrors: delivered.filter((d) => d.error).length,
      intakeP50Ms: round(percentile(latencies, 50)),
      intakeP99Ms: round(percentile(latencies, 99)),
      intakeEventsPerSecond: round(input.events.length / (intakeMs / 1000), 1),
      slackMessages: calls.filter((c) => c.method === 'chat.postMessage' && c.ok).length,
      slackUpdates: calls.filter((c) => c.method === 'chat.update' && c.ok).length,
      slack429s: calls.filter((c) => c.status === 429).length,
      slackUndelivered: missing.missing,
      slackGaveUp: queue.undelivered,
      escalatedWithoutDecision: containArns.filter((arn) =>
        stack.engine.statesVisited(arn).includes('Escalate'),
      ).length,
      notificationFailures: notificationFailures.length,
      notificationFailureReasons: notificationFailures.map((e) => String(e.detail?.reason ?? '')),
      maxSlackQueueDelayS: round(Math.max(queue.maxDelayS, pacedQueueS), 1),
      slackPacedPosts: stack.pace.posts,
      slackPaceRefusals: stack.pace.refusals,
      slackDeferrals: audit.filter((e) => e.action === 'notification-deferred').length,
      staleCards: await staleCards(stack, containArns),
      settled,
      wallMs: Math.round(performance.now() - wallStarted),
    };
  } finally {
    await stack.close();
  }
}
