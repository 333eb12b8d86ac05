import * as z from 'zod';
import { SlackPacedError } from '../../workflow/errors';
import { approvalIdFor } from '../../workflow/intake/ids';
import { CONTAIN_ROUTES } from '../../workflow/intake/route';
import type { ApprovalRecord, IncidentRecord } from '../../workflow/ledger/types';
import type { BotTaskDeps } from '../deps';
import { approvalMessage } from '../messages/approval';
import { escapeMrkdwn, message, section } from '../messages/blocks';
import { evidenceManifest } from '../messages/evidence-manifest';
import { failureNotice } from '../messages/failure-notice';
import { stepReply } from '../messages/step-reply';
import { type ShareOutcome, shareLatestReport } from '../report/share';
import { ensureCard, loadIncident, type PostedIncident, postInThread, refreshCard } from './card';
import { botTaskHandler } from './lambda';
import { remindLead } from './remind';
import { slackCall } from './slack-call';

/** Phases the state machine notifies (workflow/definition.asl.json) plus the ones other callers use. */
export const NOTIFY_PHASES = [
  'opened',
  'progress',
  'isolated',
  'contained',
  'awaiting-approval',
  'decided',
  'restored',
  'resolved',
  'escalated',
  'unresolved',
  'failed',
  'notice',
  'reminder',
  'report',
] as const;
export type NotifyPhase = (typeof NOTIFY_PHASES)[number];

export const NotifyInputSchema = z.object({
  incidentId: z.string().min(1),
  phase: z.enum(NOTIFY_PHASES),
  /** phase `reminder` (RemindLead): the bound on re-pages. */
  maxReminders: z.number().int().min(0).optional(),
});

/** Phases after which every copy of the approval message (thread, lead's DM) shows the outcome. */
const APPROVAL_OUTCOME_PHASES: ReadonlySet<NotifyPhase> = new Set([
  'decided',
  'resolved',
  'restored',
  'unresolved',
  'failed',
]);
/**
 * Final phases: the workflow has written the incident's report (or recorded why not) just before, so the thread
 * gets its summary and the Markdown file (bot/report/share.ts). `report` is the notify-only path's final phase.
 */
const REPORT_PHASES: ReadonlySet<NotifyPhase> = new Set([
  'resolved',
  'restored',
  'unresolved',
  'failed',
  'report',
]);

/** Phases with a one-off message in the thread (posted once, tracked in the audit trail). */
const ONE_OFF: Partial<Record<NotifyPhase, 'evidence-manifest' | 'failure-notice'>> = {
  contained: 'evidence-manifest',
  failed: 'failure-notice',
};

/**
 * Phases that run before containment is done (Announce before RecordPreState, NotifyIsolated before the
 * snapshots). Their posts wait at most DEFERRED_POST_WAIT for a slot: on a busy channel they are deferred to the
 * next Notify, which posts whatever is missing, so a Slack queue never delays containment.
 */
const DEFERRABLE: ReadonlySet<NotifyPhase> = new Set(['opened', 'isolated']);
export const DEFERRED_POST_WAIT = { maxWaitMs: 1_000, refusedPauseMs: 0 };

export interface NotifyOutput {
  /** The channel was busy: this phase's posts are left to the next Notify. */
  deferred?: true;
  cardPosted: boolean;
  stepsPosted: string[];
  oneOff?: string;
  approvalCopiesUpdated: number;
  /** Final phases: what became of the incident report in the thread. */
  report?: ShareOutcome['outcome'];
  /** phase `reminder`: whether the state machine waits and re-pages again. */
  again?: boolean;
  reminded?: number;
}

export async function postOneOff(
  deps: BotTaskDeps,
  incident: PostedIncident,
  phase: NotifyPhase,
  kind: 'evidence-manifest' | 'failure-notice',
): Promise<boolean> {
  const audit = await deps.ledger.listAudit(incident.incidentId);
  if (audit.some((e) => e.action === 'slack-posted' && e.detail?.message === kind)) return false;
  const m =
    kind === 'evidence-manifest'
      ? evidenceManifest(incident)
      : failureNotice(incident, deps.settings.socLeadUserId);
  const ref = await postInThread(deps, incident, `post the ${kind}`, m);
  await deps.ledger.appendAudit({
    incidentId: incident.incidentId,
    at: deps.clock.now().toISOString(),
    actor: 'system',
    action: 'slack-posted',
    detail: { message: kind, phase, channel: ref.channel, ts: ref.ts },
  });
  return true;
}

/**
 * One threaded reply per recorded step not yet posted (then marked `notified`): a re-run never posts twice.
 * Each name is pushed to `posted` as it goes, so a caller that catches a failure midway knows what went out.
 */
export async function postPendingSteps(
  deps: BotTaskDeps,
  incident: PostedIncident,
  posted: string[] = [],
): Promise<string[]> {
  for (const step of incident.steps) {
    if (step.notified) continue;
    await postInThread(deps, incident, `post step ${step.name}`, stepReply(step));
    await deps.ledger.recordStep(incident.incidentId, { ...step, notified: true });
    posted.push(step.name);
  }
  return posted;
}

async function refreshApprovalCopies(deps: BotTaskDeps, incident: PostedIncident): Promise<number> {
  const approvals = (
    await Promise.all(
      (['primary', 'escalation'] as const).map((kind) =>
        deps.ledger.getApproval(approvalIdFor(incident.incidentId, kind)),
      ),
    )
  ).filter((a): a is ApprovalRecord => a !== undefined);
  let updated = 0;
  for (const approval of approvals) {
    const m = approvalMessage(approval, incident, deps.clock.now(), {
      socLeadUserId: deps.settings.socLeadUserId,
      fourEyes: deps.settings.fourEyes,
    });
    for (const ref of approval.slack ?? []) {
      await slackCall(deps, incident.incidentId, 'update an approval message', () =>
        deps.slack.chat.update({ channel: ref.channel, ts: ref.ts, text: m.text, blocks: m.blocks }),
      );
      updated += 1;
    }
  }
  return updated;
}

/**
 * Notify: the incident's Slack thread follows the ledger. Posts the card once (storing its ts), then one threaded
 * reply per step not yet posted (marked `notified` in the ledger, so a re-run never posts twice), the phase's
 * one-off message (evidence manifest, failure notice paging the SOC lead), the outcome on every approval copy,
 * on a final phase the incident report (its Markdown file and summary, or why there is none: bot/report/share.ts),
 * and finally the card's status line.
 */
export async function run(deps: BotTaskDeps, input: unknown): Promise<NotifyOutput> {
  const { incidentId, phase, maxReminders } = NotifyInputSchema.parse(input);
  const log = deps.log.child({ incidentId, phase, task: 'Notify' });
  if (phase === 'reminder') {
    const reminder = await remindLead(deps, incidentId, maxReminders ?? 0);
    return { cardPosted: false, stepsPosted: [], approvalCopiesUpdated: 0, ...reminder };
  }
  const loaded = await loadIncident(deps, incidentId);
  const output: NotifyOutput = { cardPosted: false, stepsPosted: [], approvalCopiesUpdated: 0 };
  if (loaded.route === 'ignore') {
    log.info('ignored incident: nothing to post');
    return output;
  }
  // Only a containment run has a later Notify to catch up (a notice-only run ends after Announce).
  if (!DEFERRABLE.has(phase) || !CONTAIN_ROUTES.has(loaded.route)) {
    try {
      return await notify(deps, loaded, phase, output, log);
    } catch (error) {
      if (error instanceof SlackPacedError) await markQueued(deps, incidentId, phase, error.message);
      throw error;
    }
  }
  try {
    return await notify({ ...deps, postWait: DEFERRED_POST_WAIT }, loaded, phase, output, log);
  } catch (error) {
    if (!(error instanceof SlackPacedError)) throw error;
    // What was posted before the refusal is recorded (card ts, steps marked notified); the rest waits.
    output.deferred = true;
    log.info({ ...output, reason: error.message }, 'channel busy: posts deferred to the next notify');
    await deps.ledger.appendAudit({
      incidentId,
      at: deps.clock.now().toISOString(),
      actor: 'system',
      action: 'notification-deferred',
      detail: { phase, reason: error.message },
    });
    return output;
  }
}

async function notify(
  deps: BotTaskDeps,
  loaded: IncidentRecord,
  phase: NotifyPhase,
  output: NotifyOutput,
  log: BotTaskDeps['log'],
): Promise<NotifyOutput> {
  const { incident, posted } = await ensureCard(deps, loaded);
  output.cardPosted = posted;

  await postPendingSteps(deps, incident, output.stepsPosted);
  await reportLost(deps, incident, phase, log);

  const oneOff = ONE_OFF[phase];
  if (oneOff && (await postOneOff(deps, incident, phase, oneOff))) output.oneOff = oneOff;

  if (APPROVAL_OUTCOME_PHASES.has(phase))
    output.approvalCopiesUpdated = await refreshApprovalCopies(deps, incident);

  if (REPORT_PHASES.has(phase)) output.report = (await shareLatestReport(deps, incident)).outcome;

  if (!posted) await refreshCard(deps, incident);
  log.info(output, 'notified');
  return output;
}

const QUEUED = 'notification-queued';
const LOST = 'notification-lost';
const DONE = 'notification-done';

/**
 * A phase whose posts the pacer refused: audited once (`notification-queued`). The state machine retries it;
 * if its retries run out, its Catch steps past, and the next Notify that gets through reports it (reportLost).
 */
async function markQueued(
  deps: BotTaskDeps,
  incidentId: string,
  phase: NotifyPhase,
  reason: string,
): Promise<void> {
  const audit = await deps.ledger.listAudit(incidentId);
  if (audit.some((e) => e.action === QUEUED && e.detail?.phase === phase && !settled(audit, phase, e.at)))
    return;
  await deps.ledger.appendAudit({
    incidentId,
    at: deps.clock.now().toISOString(),
    actor: 'system',
    action: QUEUED,
    detail: { phase, reason },
  });
}

/** A queued phase is settled once posted (`notification-done`) or reported lost after it was queued. */
function settled(
  audit: { action: string; at: string; detail?: Record<string, unknown> }[],
  phase: string,
  since: string,
): boolean {
  return audit.some(
    (e) => (e.action === DONE || e.action === LOST) && e.detail?.phase === phase && e.at >= since,
  );
}

/**
 * The workflow is sequential: when this Notify runs, an earlier phase still queued was stepped past by its
 * Catch (its pacer retries ran out). Each such phase is audited `notification-lost`, logged at error level (the
 * failure alarm's metric filter matches `"Slack notification lost"`), and said in the thread; this phase, once it
 * gets through, is marked done.
 */
async function reportLost(
  deps: BotTaskDeps,
  incident: PostedIncident,
  phase: NotifyPhase,
  log: BotTaskDeps['log'],
): Promise<void> {
  const audit = await deps.ledger.listAudit(incident.incidentId);
  const queued = audit.filter((e) => e.action === QUEUED && !settled(audit, String(e.detail?.phase), e.at));
  const at = () => deps.clock.now().toISOString();
  for (const event of queued) {
    const lost = String(event.detail?.phase);
    if (lost === phase) {
      await deps.ledger.appendAudit({
        incidentId: incident.incidentId,
        at: at(),
        actor: 'system',
        action: DONE,
        detail: { phase },
      });
      continue;
    }
    log.error({ lostPhase: lost, since: event.at }, 'Slack notification lost: its post retries ran out');
    const text =
      `:warning: Slack was throttling this channel: the *${escapeMrkdwn(lost)}* update was not posted at the time. ` +
      'The steps above and the card show where the incident stands now.';
    await postInThread(deps, incident, `say the ${lost} update was missed`, message(text, [section(text)]));
    await deps.ledger.appendAudit({
      incidentId: incident.incidentId,
      at: at(),
      actor: 'system',
      action: LOST,
      detail: { phase: lost, queuedAt: event.at },
    });
  }
}

export const handler = botTaskHandler(run);
