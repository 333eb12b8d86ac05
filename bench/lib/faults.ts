import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIONS } from '../../bot/ids';
import { escapeMrkdwn } from '../../bot/messages/blocks';
import { stepTitle } from '../../bot/messages/step-names';
import {
  approvalMessage,
  buttonValue,
  clickApproval,
  clickValue,
  type DrillDecision,
  runDrill,
  runOutReminders,
  waitForNewApprovalMessage,
} from '../../local/runtime/drill';
import type { OfflineStack, TaskInvocation } from '../../local/runtime/types';
import { diffEstates, type EstateSnapshot, type ServiceName } from '../../local/sim';
import { SERVER_ERROR } from '../../local/sim/errors';
import type { FakeSlackApi } from '../../local/slack/fake-api';
import { USERS } from '../../local/slack/workspace';
import { configureAwsRetry } from '../../workflow/aws/call';
import { approvalIdFor } from '../../workflow/intake/ids';
import { CREATED_RESOURCE_ACTION, CreatedResourceSchema } from '../../workflow/ledger/created-resources';
import type { ApprovalRecord, AuditEvent, IncidentRecord } from '../../workflow/ledger/types';
import { createLogger, type Logger } from '../../workflow/log';
import type { ApprovalOutcome } from '../../workflow/tasks/state';

/**
 * The fault matrix over the EC2 drill (issue 7): one high-severity EC2 finding, contained and then approved (or
 * left to time out), once without faults and once per fault. Every faulty run must end where the fault-free run
 * ends: the same final estate, ledger, Slack threads, execution path and counts. Each fault also has to have
 * happened (a row whose fault was never injected is not ok).
 */

/** The drill's event: UnauthorizedAccess:EC2/TorClient (severity 8) on the demo web instance. */
export const EVENT_FILE = join(__dirname, '../../local/workspace/samples/ec2-high-web1.json');
/** One virtual instant for every run, so seeded content (boot log, evidence) and message times are identical. */
const START = new Date('2026-11-02T03:00:00.000Z');
const WAIT_MS = 20_000;
const POLL_MS = 5;
/** The product's per-call retry (workflow/aws/call.ts), without its real backoff delays. */
const AWS_ATTEMPTS = 4;

/** `approve-jira`: approved, with tickets in the fake Jira (the Jira sink through jira.js). */
export type FaultPath = 'approve' | 'timeout' | 'approve-jira';

export interface FaultContext {
  stack: OfflineStack;
  arn: string;
  incidentId: string;
}

/** One row of the matrix. */
export interface FaultCase {
  fault: string;
  /** The fault-free run it is compared with: approved, or approval and escalation both timing out. */
  path: FaultPath;
  /** Per-call attempts (workflow/aws/call.ts) for this run; 1 sends every injected AWS error to the Retry. */
  awsAttempts?: number;
  /** Faults to install once the account is seeded (runDrill's prepare). */
  install?: (stack: OfflineStack) => void;
  /** Sees each task invocation before the engine gets its outcome. */
  onTask?: (stack: OfflineStack, task: TaskInvocation) => void | Promise<void>;
  /**
   * Decides instead of the drill (which then stops once the approval is posted) and waits until the execution
   * ends. Returns what it found wrong on the way, and how many faulty deliveries it made.
   */
  decide?: (context: FaultContext) => Promise<{ problems: string[]; injected: number }>;
  /** Runs after the drill, before the comparison: the negative control changes the estate here. */
  tamper?: (stack: OfflineStack) => void | Promise<void>;
  /** Audit actions this fault adds on purpose (e.g. the refused second click), left out of the comparison. */
  extraAudit?: string[];
}

/** A run reduced to what must not depend on faults. Generated ids and Slack timestamps are placeholders. */
export interface RunView {
  status: string;
  executionStatus: string;
  statesVisited: string[];
  counts: Record<string, number>;
  estate: EstateSnapshot;
  ledger: EstateSnapshot;
  narrative: Record<string, string>;
  /** Channel, thread and text (or step and status) → the messages with it. */
  slack: Record<string, unknown[]>;
}

export interface FaultRow {
  fault: string;
  ok: boolean;
  /** Differences from the fault-free run (and failed expectations); empty when ok. */
  diff: string[];
  /** Step summaries that read differently (a re-run reports "already …"); informational, never a failure. */
  notes: string[];
  /** Faults injected (AWS, Slack, refused deliveries) plus state retries the engine made. */
  retries: number;
  injected: number;
  stateRetries: number;
  ms: number;
}

export interface Baselines {
  approve: RunView;
  timeout: RunView;
  'approve-jira': RunView;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function loadEvent(): unknown {
  return JSON.parse(readFileSync(EVENT_FILE, 'utf8'));
}

// ── Normalisation ─────────────────────────────────────────────────────────────────────────────────────────

/** Ledger fields that only record when something happened (a manual clock makes them equal anyway). */
const LEDGER_TIMES = new Set([
  'at',
  'createdAt',
  'updatedAt',
  'startedAt',
  'endedAt',
  'containedAt',
  'decidedAt',
  'closedAt',
  'expiresAt',
  'expiredAt',
]);

/** `incidents/<id>/report/v<n>-<first 16 hex of the SHA-256>.json|.md` (workflow/domain/incident/report/store.ts). */
const REPORT_KEY = /\/report\/(v\d+)-([0-9a-f]{16})\.(?:json|md)$/;

/** The estate without the incident report's objects (compared by count; their bytes record the run itself). */
function withoutReports(estate: EstateSnapshot): EstateSnapshot {
  const buckets = estate.buckets as Record<string, Record<string, Record<string, Json> | Json>> | undefined;
  for (const bucket of Object.values(buckets ?? {})) {
    for (const part of ['objects', 'versions'] as const) {
      const entries = bucket[part];
      if (!entries || typeof entries !== 'object' || Array.isArray(entries)) continue;
      for (const key of Object.keys(entries)) if (key.includes('/report/')) delete entries[key];
    }
  }
  return estate;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Renames generated ids to placeholders that do not depend on creation order: snapshots by volume, security
 * groups by VPC and name, SSM commands by document (numbered in id order). Concurrent calls and retried
 * creates may hand out the same ids in another order; what was created must still be the same.
 */
function idPlaceholders(stack: OfflineStack): Map<string, string> {
  const names = new Map<string, string>();
  const add = (id: string, base: string) => {
    let name = base;
    for (let n = 2; [...names.values()].includes(name); n++) name = `${base}#${n}`;
    names.set(id, name);
  };
  // The incident report records the run's own history (a faulty run's failed attempts are in it), so its hash
  // differs from the fault-free run's by design: its JSON's SHA-256 (and the key prefix made of it) is a placeholder.
  for (const bucket of Object.values(stack.sim.model.state.buckets)) {
    for (const [key, object] of Object.entries(bucket.objects)) {
      const report = REPORT_KEY.exec(key);
      if (!report?.[1] || !report[2] || !key.endsWith('.json')) continue;
      add(Buffer.from(object.checksumSha256, 'base64').toString('hex'), `<report-sha256:${report[1]}>`);
      add(report[2], `<report-hash:${report[1]}>`);
    }
  }
  for (const account of Object.values(stack.sim.model.state.accounts)) {
    for (const region of Object.values(account.regions)) {
      const snapshots = Object.values(region.ec2.snapshots).sort((a, b) =>
        a.snapshotId.localeCompare(b.snapshotId),
      );
      for (const s of snapshots) add(s.snapshotId, `<snap:${s.volumeId}>`);
      const groups = Object.values(region.ec2.securityGroups).sort((a, b) =>
        a.groupId.localeCompare(b.groupId),
      );
      for (const g of groups) add(g.groupId, `<sg:${g.vpcId}/${g.groupName}>`);
      const commands = Object.values(region.ssm.commands).sort((a, b) =>
        a.commandId.localeCompare(b.commandId),
      );
      for (const c of commands) add(c.commandId, `<cmd:${c.documentName}>`);
    }
  }
  return names;
}

/** Slack message ts → a placeholder from the channel and the message's opening text, numbered in ts order. */
function tsPlaceholders(slack: FakeSlackApi): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Map<string, number>();
  for (const m of slack.allMessages()) {
    const base = `<ts:${m.channel}:${m.text.slice(0, 48)}>`;
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    names.set(m.ts, n === 1 ? base : `${base}#${n}`);
  }
  return names;
}

/** Deep copy with ids renamed (in keys and inside strings), ts values renamed, and `drop` keys removed. */
function rename(value: unknown, ids: Map<string, string>, ts: Map<string, string>, drop: Set<string>): Json {
  const pattern = ids.size ? new RegExp([...ids.keys()].map(escapeRegExp).join('|'), 'g') : undefined;
  const inString = (s: string) => ts.get(s) ?? (pattern ? s.replace(pattern, (id) => ids.get(id) ?? id) : s);
  const walk = (v: unknown): Json => {
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return inString(v);
    if (typeof v === 'number' || typeof v === 'boolean') return v;
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Set) return [...v].map(walk).sort((a, b) => String(a).localeCompare(String(b)));
    if (typeof v === 'object') {
      const out: { [key: string]: Json } = {};
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        if (drop.has(k) || item === undefined) continue;
        out[inString(k)] = walk(item);
      }
      return out;
    }
    return String(v);
  };
  return walk(value);
}

/** Audit events that faults add on their own: failed step attempts (a retry replaces the step) and Slack give-ups. */
function isFaultNoise(event: AuditEvent): boolean {
  return (
    (event.actor === 'workflow' && event.action.endsWith('-failed')) || event.action === 'notification-failed'
  );
}

/**
 * Lists whose order only says which concurrent call finished first: bullet lines in a message and the
 * evidence manifest's fallback text. Sorted (after ids became placeholders) so that order compares equal.
 */
function canonicalText(text: string): string {
  const manifest = /^(Evidence manifest for [^:]+: )(.*)$/s.exec(text);
  if (manifest) return `${manifest[1]}${(manifest[2] ?? '').split(', ').sort().join(', ')}`;
  const lines = text.split('\n');
  if (lines.length > 1 && lines.every((l) => l.startsWith('• '))) return lines.sort().join('\n');
  return text;
}

function canonicalStrings(value: Json): Json {
  if (typeof value === 'string') return canonicalText(value);
  if (Array.isArray(value)) return value.map(canonicalStrings);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [canonicalText(k), canonicalStrings(v)]));
  return value;
}

const byJson = (a: Json, b: Json) => JSON.stringify(a).localeCompare(JSON.stringify(b));

interface LedgerParts {
  ledger: Json;
  /** Step name → its summary: what the last attempt did (a retry says "already …"), compared as notes. */
  narrative: Record<string, string>;
  stepNames: string[];
}

async function ledgerView(
  stack: OfflineStack,
  incidentId: string,
  extraAudit: ReadonlySet<string>,
  names: (value: unknown) => Json,
): Promise<LedgerParts> {
  const incident: IncidentRecord | undefined = await stack.ledger.getIncident(incidentId);
  const approvals: Record<string, unknown> = {};
  for (const kind of ['primary', 'escalation'] as const) {
    const approval: ApprovalRecord | undefined = await stack.ledger.getApproval(
      approvalIdFor(incidentId, kind),
    );
    if (!approval) continue;
    approvals[kind] = {
      ...approval,
      taskToken: approval.taskToken ? '<token>' : '<none>',
      expiredAt: approval.expiredAt ? '<set>' : '<unset>',
    };
  }
  const audit: Record<string, number> = {};
  for (const event of await stack.ledger.listAudit(incidentId)) {
    if (isFaultNoise(event) || extraAudit.has(event.action)) continue;
    if (event.action === CREATED_RESOURCE_ACTION) {
      // Recorded before it is created, so a step retried after a failed create records it again; readers
      // deduplicate (workflow/ledger/created-resources.ts). Compared as the set of resources, each by identity.
      const r = CreatedResourceSchema.parse(event.detail);
      audit[`${event.actor} ${event.action}:${r.kind} ${r.parent} ${r.name}${r.value ? `=${r.value}` : ''}`] =
        1;
      continue;
    }
    const what =
      typeof event.detail?.message === 'string' ? `${event.action}:${event.detail.message}` : event.action;
    const key = `${event.actor} ${what}`;
    audit[key] = (audit[key] ?? 0) + 1;
  }
  const narrative: Record<string, string> = {};
  for (const step of incident?.steps ?? []) narrative[step.name] = String(names(step.summary));
  const view = incident
    ? {
        ...incident,
        steps: (names(incident.steps.map(({ summary: _, ...step }) => step)) as Json[]).sort(byJson),
        evidence: (names(incident.evidence) as Json[]).sort(byJson),
      }
    : null;
  return {
    ledger: names({ incident: view, approvals, audit }),
    narrative,
    stepNames: incident?.steps.map((s) => s.name) ?? [],
  };
}

/**
 * Every message in the fake workspace, keyed by channel, thread and text: a lost or doubled message shows. A step
 * reply is keyed by its step and status only (its summary is the step's narrative, compared as a note).
 */
function slackView(
  slack: FakeSlackApi,
  ts: Map<string, string>,
  stepNames: string[],
  names: (value: unknown) => Json,
): Record<string, Json[]> {
  const messages: Record<string, Json[]> = {};
  // A step reply opens with the step's title for people and " · " (bot/messages/step-reply.ts).
  const titles = new Map<string, string>();
  for (const name of stepNames)
    for (const status of ['ok', 'skipped', 'failed'] as const)
      titles.set(escapeMrkdwn(stepTitle(name, status)), `${name} ${status}`);
  for (const m of slack.allMessages()) {
    const thread = m.threadTs ? (ts.get(m.threadTs) ?? m.threadTs) : '-';
    const text = canonicalText(String(names(m.text)));
    const step = [...titles].find(([title]) => text.startsWith(`${title} · `))?.[1];
    const key = step ? `${m.channel} ${thread} step ${step}` : `${m.channel} ${thread} ${text}`;
    const list = messages[key] ?? [];
    list.push(step ? { user: m.user } : { user: m.user, blocks: canonicalStrings(names(m.blocks)) });
    messages[key] = list;
  }
  return messages;
}

function counts(stack: OfflineStack): Record<string, number> {
  const c = {
    snapshots: 0,
    securityGroups: 0,
    instanceTags: 0,
    ssmCommands: 0,
    evidenceObjects: 0,
    slackMessages: 0,
    jiraIssues: 0,
    jiraComments: 0,
    jiraIssuesDone: 0,
    /** PagerDuty alerts the on-call received (the fake), and those still open at the end. */
    pagerDutyAlerts: 0,
    pagerDutyOpen: 0,
    /** Events PagerDuty took (202): a lost or doubled page shows here. */
    pagerDutyAccepted: 0,
  };
  for (const account of Object.values(stack.sim.model.state.accounts)) {
    for (const region of Object.values(account.regions)) {
      c.snapshots += Object.keys(region.ec2.snapshots).length;
      c.securityGroups += Object.keys(region.ec2.securityGroups).length;
      c.ssmCommands += Object.keys(region.ssm.commands).length;
      for (const instance of Object.values(region.ec2.instances))
        c.instanceTags += Object.keys(instance.tags).length;
    }
  }
  for (const bucket of Object.values(stack.sim.model.state.buckets))
    c.evidenceObjects += Object.keys(bucket.objects).length;
  c.slackMessages = stack.slack.allMessages().length;
  for (const issue of stack.jira?.issues.values() ?? []) {
    c.jiraIssues += 1;
    c.jiraComments += issue.comments.length;
    if (issue.status === 'Done') c.jiraIssuesDone += 1;
  }
  const pd = stack.pagerDuty;
  c.pagerDutyAlerts = pd?.alerts.length ?? 0;
  c.pagerDutyOpen = pd?.alerts.filter((a) => a.status !== 'resolved').length ?? 0;
  c.pagerDutyAccepted = pd?.requests.filter((r) => r.status === 202).length ?? 0;
  return c;
}

/** The final estate, ledger and Slack workspace of a run, with generated ids and timestamps made comparable. */
export async function captureView(
  stack: OfflineStack,
  arn: string,
  incidentId: string,
  extraAudit: readonly string[] = [],
): Promise<RunView> {
  const ids = idPlaceholders(stack);
  // The fake Jira listens on a random port: its URLs (ticket links) compare as one placeholder.
  if (stack.jira) ids.set(stack.jira.baseUrl, '<jira>');
  const ts = tsPlaceholders(stack.slack);
  const none = new Set<string>();
  const ledgerNames = (value: unknown) => rename(value, ids, ts, new Set([...LEDGER_TIMES, 'slackRefs']));
  const parts = await ledgerView(stack, incidentId, new Set(extraAudit), ledgerNames);
  const incident = await stack.ledger.getIncident(incidentId);
  return {
    status: incident?.status ?? '(no incident)',
    executionStatus: arn ? stack.engine.describe(arn).status : '(no execution)',
    statesVisited: arn ? stack.engine.statesVisited(arn) : [],
    counts: counts(stack),
    estate: withoutReports(rename(stack.sim.snapshot(), ids, ts, none) as EstateSnapshot),
    ledger: canonicalStrings(parts.ledger) as EstateSnapshot,
    narrative: parts.narrative,
    slack: slackView(stack.slack, ts, parts.stepNames, (value) => rename(value, ids, ts, none)),
  };
}

/** Step summaries that differ from the fault-free run: the state is the same, the story of the last attempt is not. */
export function narrativeNotes(expected: RunView, found: RunView): string[] {
  const notes: string[] = [];
  for (const [step, summary] of Object.entries(expected.narrative)) {
    const other = found.narrative[step];
    if (other !== undefined && other !== summary)
      notes.push(`step ${step}: ${JSON.stringify(summary)} → ${JSON.stringify(other)}`);
  }
  return notes;
}

/** Messages missing, doubled or changed, per channel, thread and text. */
function diffSlack(expected: RunView['slack'], found: RunView['slack']): string[] {
  const diff: string[] = [];
  for (const key of [...new Set([...Object.keys(expected), ...Object.keys(found)])].sort()) {
    const a = expected[key] ?? [];
    const b = found[key] ?? [];
    if (a.length !== b.length) {
      diff.push(`slack ${JSON.stringify(key)}: expected ${a.length} message(s), found ${b.length}`);
      continue;
    }
    const lines = diffEstates({ messages: a } as EstateSnapshot, { messages: b } as EstateSnapshot, {
      ignoreVolatile: false,
    });
    diff.push(...lines.map((line) => `slack ${JSON.stringify(key)} ${line}`));
  }
  return diff;
}

/** Every difference from `expected` to `found`, as readable lines (empty when the runs ended the same). */
export function compareViews(expected: RunView, found: RunView): string[] {
  const diff: string[] = [];
  for (const key of ['status', 'executionStatus'] as const) {
    if (expected[key] !== found[key]) diff.push(`${key}: expected ${expected[key]}, found ${found[key]}`);
  }
  if (JSON.stringify(expected.statesVisited) !== JSON.stringify(found.statesVisited))
    diff.push(
      `statesVisited: expected ${expected.statesVisited.join('>')}, found ${found.statesVisited.join('>')}`,
    );
  for (const [name, n] of Object.entries(expected.counts)) {
    if (found.counts[name] !== n) diff.push(`count ${name}: expected ${n}, found ${found.counts[name]}`);
  }
  diff.push(...diffEstates(expected.estate, found.estate).map((line) => `estate ${line}`));
  diff.push(
    ...diffEstates(expected.ledger, found.ledger, { ignoreVolatile: false }).map((l) => `ledger ${l}`),
  );
  diff.push(...diffSlack(expected.slack, found.slack));
  return diff;
}

// ── Running ───────────────────────────────────────────────────────────────────────────────────────────────

interface RunOutcome {
  view: RunView;
  problems: string[];
  injected: number;
  stateRetries: number;
}

function silentLog(): Logger {
  return createLogger('bench-faults', { level: 'silent' });
}

/** One drill: the fault-free run when `spec` has no faults, else the faulty run; always closes its stack. */
async function runOne(event: unknown, spec: FaultCase, log: Logger): Promise<RunOutcome> {
  configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0, maxAttempts: spec.awsAttempts ?? AWS_ATTEMPTS });
  let current: OfflineStack | undefined;
  const decision: DrillDecision = spec.decide ? 'none' : spec.path === 'approve-jira' ? 'approve' : spec.path;
  const drill = await runDrill({
    event,
    decision,
    keepOpen: true,
    stack: {
      startAt: START,
      log,
      ...(spec.path === 'approve-jira' ? { tickets: 'jira' as const } : {}),
      ...(spec.onTask
        ? {
            onTask: (task: TaskInvocation) =>
              current && spec.onTask ? spec.onTask(current, task) : Promise.resolve(),
          }
        : {}),
    },
    prepare: (stack) => {
      current = stack;
      spec.install?.(stack);
    },
  });
  const { stack } = drill;
  try {
    const arn = stack.engine.list()[0]?.executionArn ?? '';
    const incidentId = drill.incidentId ?? '';
    const problems: string[] = [];
    let injected = 0;
    if (spec.decide) {
      const decided = await spec.decide({ stack, arn, incidentId });
      problems.push(...decided.problems);
      injected += decided.injected;
    }
    if (arn) await stack.engine.waitForStatus(arn, (d) => d.status !== 'RUNNING', { timeoutMs: WAIT_MS });
    await spec.tamper?.(stack);
    injected += stack.sim.faults.stats().total;
    injected += stack.slack.calls().filter((c) => c.status >= 429).length;
    injected += stack.jira?.calls().filter((c) => c.status >= 429).length ?? 0;
    injected += stack.pagerDuty?.requests.filter((r) => r.status >= 429).length ?? 0;
    const stateRetries = arn ? stack.engine.history(arn).filter((e) => e.type === 'StateRetried').length : 0;
    return {
      view: await captureView(stack, arn, incidentId, spec.extraAudit),
      problems,
      injected,
      stateRetries,
    };
  } finally {
    await stack.close();
    configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0, maxAttempts: AWS_ATTEMPTS });
  }
}

/** The two fault-free runs every row is compared with. */
export async function runBaselines(
  options: { event?: unknown; log?: Logger; paths?: FaultPath[] } = {},
): Promise<Partial<Baselines>> {
  const event = options.event ?? loadEvent();
  const log = options.log ?? silentLog();
  const out: Partial<Baselines> = {};
  for (const path of options.paths ?? (['approve', 'timeout'] as const)) {
    out[path] = (await runOne(event, { fault: `baseline ${path}`, path }, log)).view;
  }
  return out;
}

/** Runs one fault and compares its end with the fault-free run of the same path. */
export async function runFaultCase(
  spec: FaultCase,
  baseline: RunView,
  options: { event?: unknown; log?: Logger } = {},
): Promise<FaultRow> {
  const started = performance.now();
  const event = options.event ?? loadEvent();
  let outcome: RunOutcome;
  try {
    outcome = await runOne(event, spec, options.log ?? silentLog());
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      fault: spec.fault,
      ok: false,
      diff: [`run failed: ${message}`],
      notes: [],
      retries: 0,
      injected: 0,
      stateRetries: 0,
      ms: Math.round(performance.now() - started),
    };
  }
  const diff = [...outcome.problems, ...compareViews(baseline, outcome.view)];
  if (outcome.injected === 0 && !spec.tamper) diff.unshift('the fault was never injected');
  return {
    fault: spec.fault,
    ok: diff.length === 0,
    diff,
    notes: narrativeNotes(baseline, outcome.view),
    retries: outcome.injected + outcome.stateRetries,
    injected: outcome.injected,
    stateRetries: outcome.stateRetries,
    ms: Math.round(performance.now() - started),
  };
}

// ── Slack helpers for the decision faults ─────────────────────────────────────────────────────────────────

/** Waits for the n-th ephemeral to a user (the bot answers a click after its ack). */
async function ephemeralTo(stack: OfflineStack, userId: string, n: number): Promise<string | undefined> {
  const deadline = performance.now() + WAIT_MS;
  while (performance.now() < deadline) {
    const list = stack.slack.ephemerals(userId);
    if (list.length >= n) return list[n - 1]?.text;
    await sleep(POLL_MS);
  }
  return undefined;
}

async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = performance.now() + WAIT_MS;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

async function auditCount(stack: OfflineStack, incidentId: string, action: string): Promise<number> {
  return (await stack.ledger.listAudit(incidentId)).filter((e) => e.action === action).length;
}

/**
 * Approve is clicked twice at once by the same responder, then the ledger's task token is delivered again
 * (SendTaskSuccess with a spent token). Exactly one click decides; the other is told "Already decided"; the engine
 * refuses the reused token.
 */
async function duplicateDecision({ stack, arn, incidentId }: FaultContext) {
  const problems: string[] = [];
  const ref = await approvalMessage(stack, incidentId);
  const value = buttonValue(stack, ref, ACTIONS.approve);
  await Promise.all([
    clickValue(stack, ref, ACTIONS.approve, value, USERS.responder),
    clickValue(stack, ref, ACTIONS.approve, value, USERS.responder),
  ]);
  const answer = await ephemeralTo(stack, USERS.responder, 1);
  if (!answer?.includes('Already decided')) problems.push(`second click answered ${JSON.stringify(answer)}`);
  await until('the decision to reach the engine', () => stack.engine.pendingTasks(arn).length === 0);
  const approval = await stack.ledger.getApproval(approvalIdFor(incidentId, 'primary'));
  const token = approval?.taskToken ?? '';
  const outcome: ApprovalOutcome = {
    approvalId: approval?.approvalId ?? '',
    decision: 'approve',
    decidedBy: USERS.responder,
    decidedAt: approval?.decidedAt ?? '',
  };
  let injected = 1;
  for (const [name, send, expected] of [
    ['engine.sendTaskSuccess', () => stack.engine.sendTaskSuccess(token, outcome), 'ApprovalExpiredError'],
    [
      'tokens.sendTaskSuccess',
      async () => stack.engine.tokens.sendTaskSuccess(token, outcome),
      'TaskTimedOut',
    ],
  ] as const) {
    injected += 1;
    try {
      await send();
      problems.push(`${name} accepted the spent token`);
    } catch (error) {
      const got = error instanceof Error ? error.name : String(error);
      if (got !== expected) problems.push(`${name} with the spent token threw ${got}, expected ${expected}`);
    }
  }
  await stack.engine.waitForStatus(arn, (d) => d.status !== 'RUNNING', { timeoutMs: WAIT_MS });
  const decisions = await auditCount(stack, incidentId, 'decision');
  const duplicates = await auditCount(stack, incidentId, 'decision-duplicate');
  if (decisions !== 1 || duplicates !== 1)
    problems.push(
      `audit: ${decisions} decision(s) and ${duplicates} decision-duplicate(s), expected 1 and 1`,
    );
  return { problems, injected };
}

/**
 * The approval times out and escalates; then a responder clicks Approve on the original (primary) message. The
 * bot answers that the approval expired and nothing changes; the escalation then times out as well and the
 * lead's reminders run out.
 */
async function clickAfterTimeout({ stack, arn, incidentId }: FaultContext) {
  const problems: string[] = [];
  const { approvalTimeoutSeconds, escalationTimeoutSeconds } = stack.settings.workflow;
  const ref = await approvalMessage(stack, incidentId);
  const value = buttonValue(stack, ref, ACTIONS.approve);
  await stack.clock.fastForward(approvalTimeoutSeconds * 1000);
  await stack.engine.waitForTask(arn, { stateName: 'Escalate', timeoutMs: WAIT_MS });
  await waitForNewApprovalMessage(stack, incidentId, ref);
  const estateBefore = stack.sim.snapshot();
  const incidentBefore = await stack.ledger.getIncident(incidentId);
  await clickValue(stack, ref, ACTIONS.approve, value, USERS.responder);
  const answer = await ephemeralTo(stack, USERS.responder, 1);
  if (!answer?.includes('expired') || !answer.includes('changed nothing'))
    problems.push(`late click answered ${JSON.stringify(answer)}`);
  const primary = await stack.ledger.getApproval(approvalIdFor(incidentId, 'primary'));
  if (primary?.decision) problems.push(`the late click decided the primary approval: ${primary.decision}`);
  const incidentAfter = await stack.ledger.getIncident(incidentId);
  if (incidentAfter?.status !== incidentBefore?.status || incidentAfter?.status !== 'ESCALATED')
    problems.push(`status after the late click: ${incidentAfter?.status} (before ${incidentBefore?.status})`);
  problems.push(...diffEstates(estateBefore, stack.sim.snapshot()).map((l) => `the late click changed ${l}`));
  if (!stack.engine.pendingTasks(arn).some((t) => t.stateName === 'Escalate'))
    problems.push('the escalation stopped waiting after the late click');
  if ((await auditCount(stack, incidentId, 'decision-expired')) !== 1)
    problems.push('the late click was not audited as decision-expired');
  await stack.clock.fastForward(escalationTimeoutSeconds * 1000);
  // Then the lead is re-paged until the reminders run out, as on the drill's timeout path.
  await runOutReminders(stack, arn);
  await stack.engine.waitForStatus(arn, (d) => d.status !== 'RUNNING', { timeoutMs: WAIT_MS });
  return { problems, injected: 1 };
}

/** A 5xx and 429 storm on the fake Slack while RequestApproval posts its message and refreshes the card. */
function slackStorm(): Pick<FaultCase, 'onTask' | 'decide'> {
  let stormed = false;
  return {
    onTask: (stack, task) => {
      const phase = (task.input as { phase?: string } | null)?.phase;
      if (stormed || task.key !== 'Notify' || phase !== 'contained') return;
      stormed = true;
      stack.slack.fail({ method: 'chat.postMessage', status: 503, times: 3 });
      stack.slack.fail({ method: 'chat.postMessage', status: 429, times: 2, retryAfter: 1 });
      stack.slack.fail({ method: 'chat.update', status: 500, times: 2 });
      stack.slack.fail({ method: 'chat.update', status: 429, times: 1, retryAfter: 1 });
    },
    decide: async ({ stack, arn, incidentId }) => {
      const problems: string[] = [];
      await stack.engine.waitForTask(arn, { stateName: 'RequestApproval', timeoutMs: WAIT_MS });
      const ref = await approvalMessage(stack, incidentId);
      if (!stormed) problems.push('RequestApproval ran before the storm was raised');
      // The responder clicks once the card shows the wait (its update retried through the storm): a click while
      // RequestApproval still retries that update races it with NotifyResolved's, and the stale one can land last.
      await until('the card to show the wait for a responder', () =>
        stack.slack.allMessages().some((m) => !m.threadTs && m.text.includes('waiting for a responder')),
      );
      await clickApproval(stack, ref, ACTIONS.approve, USERS.responder);
      await stack.engine.waitForStatus(arn, (d) => d.status !== 'RUNNING', { timeoutMs: WAIT_MS });
      return { problems, injected: 0 };
    },
  };
}

// ── The matrix ────────────────────────────────────────────────────────────────────────────────────────────

/** The task "crashes" after the call's side effect: it fails with a Lambda service error and is retried whole. */
function crashAfter(service: ServiceName, operation: string, n = 1): FaultCase {
  return {
    fault: `crash after ${service}:${operation}${n > 1 ? ` #${n}` : ''}, task retried`,
    path: 'approve',
    install: (stack) => {
      const error = new Error(`injected: the task's Lambda died after ${service}:${operation} took effect`);
      error.name = 'Lambda.ServiceException';
      stack.sim.faults.crashAfter({ service, operation, n, error });
    },
  };
}

/**
 * The call takes effect but its response is lost (a 5xx after the side effect): the per-call retry may send it
 * again, or (for calls that must not be sent twice) the task fails and is retried whole.
 */
function lostResponse(service: ServiceName, operation: string): FaultCase {
  return {
    fault: `lost response (5xx) after ${service}:${operation}`,
    path: 'approve',
    install: (stack) => {
      stack.sim.faults.crashAfter({ service, operation, n: 1, error: SERVER_ERROR[service].code });
    },
  };
}

export function faultMatrix(): FaultCase[] {
  const throttles: FaultCase[] = [];
  for (const service of ['ec2', 'iam', 'ssm'] as const) {
    for (const rate of [0.1, 0.3, 0.6]) {
      throttles.push({
        fault: `throttle ${service} ${Math.round(rate * 100)}%`,
        path: 'approve',
        install: (stack) => {
          stack.sim.faults.throttle({ service, rate, seed: 7 });
        },
      });
    }
  }
  const errors5xx: FaultCase[] = (['ec2', 'iam', 'ssm', 's3'] as const).map((service) => ({
    fault: `5xx ${service} 30%`,
    path: 'approve',
    install: (stack) => {
      stack.sim.faults.error5xx({ service, rate: 0.3, seed: 7 });
    },
  }));
  const crashes: FaultCase[] = [
    crashAfter('ssm', 'SendCommand'),
    crashAfter('s3', 'PutObject'),
    crashAfter('ec2', 'CreateSecurityGroup'),
    crashAfter('ec2', 'AuthorizeSecurityGroupIngress'),
    crashAfter('ec2', 'RevokeSecurityGroupEgress'),
    crashAfter('ec2', 'ModifyNetworkInterfaceAttribute'),
    crashAfter('ec2', 'ModifyInstanceAttribute'),
    crashAfter('ec2', 'CreateNetworkAclEntry'),
    crashAfter('ec2', 'CreateSnapshots'),
    crashAfter('ec2', 'LockSnapshot'),
    crashAfter('ec2', 'CreateTags'),
    crashAfter('ec2', 'ReplaceIamInstanceProfileAssociation'),
    crashAfter('iam', 'PutRolePolicy'),
  ];
  const lost: FaultCase[] = [
    lostResponse('ssm', 'SendCommand'),
    lostResponse('s3', 'PutObject'),
    lostResponse('ec2', 'CreateSecurityGroup'),
    lostResponse('ec2', 'AuthorizeSecurityGroupIngress'),
    lostResponse('ec2', 'ModifyNetworkInterfaceAttribute'),
    lostResponse('ec2', 'ModifyInstanceAttribute'),
    lostResponse('ec2', 'CreateNetworkAclEntry'),
    lostResponse('ec2', 'CreateSnapshots'),
    lostResponse('ec2', 'LockSnapshot'),
    lostResponse('ec2', 'CreateTags'),
    lostResponse('ec2', 'ReplaceIamInstanceProfileAssociation'),
    lostResponse('iam', 'PutRolePolicy'),
  ];
  const mapOnce: FaultCase[] = [1].map((n) => ({
    fault: `SnapshotVolumes fails once (ec2:CreateSnapshots #${n}, InternalError)`,
    path: 'approve',
    awsAttempts: 1,
    install: (stack) => {
      stack.sim.faults.failNth({ service: 'ec2', operation: 'CreateSnapshots', n, error: 'InternalError' });
    },
  }));
  return [
    ...throttles,
    ...errors5xx,
    ...crashes,
    ...lost,
    ...mapOnce,
    { fault: 'Slack 5xx/429 storm during approval', path: 'approve', ...slackStorm() },
    // PagerDuty (issue 18): the page is retried by the Page states' Retry and lands once; containment, the
    // approval and the thread end as without the fault.
    {
      fault: 'PagerDuty 5xx storm (3 × 503 on the containment page)',
      path: 'approve',
      install: (stack) => stack.pagerDuty?.inject({ status: 503, times: 3 }),
    },
    {
      fault: 'PagerDuty 429 storm (3 × 429, Retry-After 60 s)',
      path: 'approve',
      install: (stack) => stack.pagerDuty?.inject({ status: 429, times: 3, retryAfter: 60 }),
    },
    {
      fault: 'PagerDuty 5xx storm on the escalation page (timeout path)',
      path: 'timeout',
      onTask: (stack, task) => {
        const event = (task.input as { event?: string } | null)?.event;
        // Raised once the containment page has landed: the next page is the escalation.
        if (task.key === 'Page' && event === 'opened' && !task.error)
          stack.pagerDuty?.inject({ status: 502, times: 2 });
      },
    },
    {
      fault: 'duplicate SendTaskSuccess (double click, spent token resent)',
      path: 'approve',
      decide: duplicateDecision,
      extraAudit: ['decision-duplicate'],
    },
    {
      fault:
        'Jira 5xx storm (503 on the next 4 calls): containment and approval unaffected, ticketing retried',
      path: 'approve-jira',
      install: (stack) => stack.jira?.inject({ status: 503, times: 4 }),
    },
    {
      fault: 'Jira 429 storm (Retry-After 30 s on the next 3 calls): ticketing retried by the state machine',
      path: 'approve-jira',
      install: (stack) => stack.jira?.inject({ status: 429, times: 3, retryAfter: 30 }),
      // A 429 that lands on the create itself is recorded as refused (nothing was created): expected here.
      extraAudit: ['ticket-create-refused'],
    },
    {
      fault: 'approval click after the timeout',
      path: 'timeout',
      decide: clickAfterTimeout,
      extraAudit: ['decision-expired'],
    },
  ];
}

/** The whole matrix (or the rows whose names include one of `only`), each row as it completes. */
export async function runFaultMatrix(
  options: { only?: string[]; onRow?: (row: FaultRow) => void; log?: Logger } = {},
): Promise<FaultRow[]> {
  const event = loadEvent();
  const log = options.log ?? silentLog();
  const cases = faultMatrix().filter(
    (c) => !options.only?.length || options.only.some((o) => c.fault.includes(o)),
  );
  const paths = [...new Set(cases.map((c) => c.path))];
  const baselines = await runBaselines({ event, log, paths });
  const rows: FaultRow[] = [];
  for (const spec of cases) {
    const baseline = baselines[spec.path];
    if (!baseline) throw new Error(`no baseline for ${spec.path}`);
    const row = await runFaultCase(spec, baseline, { event, log });
    rows.push(row);
    options.onRow?.(row);
  }
  return rows;
}
