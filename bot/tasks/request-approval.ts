import * as z from 'zod';
import { approvalIdFor } from '../../workflow/intake/ids';
import type { ApprovalRecord, IncidentRecord, IncidentStatus } from '../../workflow/ledger/types';
import type { BotTaskDeps } from '../deps';
import { approvalMessage, approvalView } from '../messages/approval';
import type { SlackMessage } from '../messages/blocks';
import { ensureCard, loadIncident, type PostedIncident, postInThread, refreshCard } from './card';
import { botTaskHandler } from './lambda';
import { postOneOff, postPendingSteps } from './notify';
import { slackCall } from './slack-call';

const BEFORE_APPROVAL: ReadonlySet<IncidentStatus> = new Set(['OPEN', 'CONTAINING', 'AWAITING_APPROVAL']);

export const CallbackInputSchema = z.object({
  incidentId: z.string().min(1),
  taskToken: z.string().min(1),
  timeoutSeconds: z.number().int().positive(),
});

export interface ApprovalTaskOutput {
  approvalId: string;
  /** The messages showing it (none when it was already stale before it could be posted). */
  messages: { channel: string; ts: string }[];
}

type SlackRef = { channel: string; ts: string };
export type ApprovalRender = (approval: ApprovalRecord, incident: PostedIncident, now: Date) => SlackMessage;

/** The approval and its incident as the ledger has them now: a message is rendered from these, never older. */
async function current(
  deps: BotTaskDeps,
  incident: PostedIncident,
  approval: ApprovalRecord,
): Promise<{ approval: ApprovalRecord; incident: PostedIncident; now: Date }> {
  const [a, i] = await Promise.all([
    deps.ledger.getApproval(approval.approvalId),
    deps.ledger.getIncident(incident.incidentId),
  ]);
  const fresh: IncidentRecord = i ?? incident;
  return { approval: a ?? approval, incident: { ...fresh, slack: incident.slack }, now: deps.clock.now() };
}

/**
 * Posts an approval message once: if the approval already shows one where `alreadyShownIn` matches (a re-run of
 * the task), that copy is re-rendered with chat.update instead of posting another. A request that went stale
 * while it waited for its post slot (decided, expired, past its deadline, or the incident closed) is never posted;
 * one that went stale while being posted is edited at once to its final state, so no live buttons outlive it.
 */
export async function showApproval(
  deps: BotTaskDeps,
  incident: PostedIncident,
  approval: ApprovalRecord,
  copy: {
    alreadyShownIn: (ref: SlackRef) => boolean;
    render: ApprovalRender;
    post: (m: SlackMessage) => Promise<SlackRef>;
  },
): Promise<SlackRef | undefined> {
  const update = (ref: SlackRef, m: SlackMessage) =>
    slackCall(deps, incident.incidentId, 'update the approval message', () =>
      deps.slack.chat.update({ channel: ref.channel, ts: ref.ts, text: m.text, blocks: m.blocks }),
    );
  const before = await current(deps, incident, approval);
  const existing = (before.approval.slack ?? []).find(copy.alreadyShownIn);
  if (existing) {
    await update(existing, copy.render(before.approval, before.incident, before.now));
    return existing;
  }
  if (approvalView(before.approval, before.incident, before.now) !== 'pending') {
    deps.log.info(
      { approvalId: approval.approvalId },
      'approval went stale before it was posted: not posted',
    );
    return undefined;
  }
  const ref = await copy.post(copy.render(before.approval, before.incident, before.now));
  await deps.ledger.addApprovalMessage(approval.approvalId, ref);
  const after = await current(deps, incident, approval);
  if (approvalView(after.approval, after.incident, after.now) !== 'pending') {
    await update(ref, copy.render(after.approval, after.incident, after.now));
  }
  return ref;
}

/**
 * RequestApproval (callback task, `waitForTaskToken`): store the token in the ledger (never in Slack), post
 * Approve/Reject in the incident's thread, mark the incident AWAITING_APPROVAL. The execution then waits for the
 * bot's SendTaskSuccess/SendTaskFailure or its own timeout (→ Escalate).
 */
export async function run(deps: BotTaskDeps, input: unknown): Promise<ApprovalTaskOutput> {
  const { incidentId, taskToken, timeoutSeconds } = CallbackInputSchema.parse(input);
  // The workflow's timer started when this attempt did: the deadline is that plus the timeout, however long
  // the posts below wait for their slots.
  const now = deps.clock.now();
  const log = deps.log.child({ incidentId, task: 'RequestApproval' });
  const { incident } = await ensureCard(deps, await loadIncident(deps, incidentId));
  const approvalId = approvalIdFor(incidentId, 'primary');
  const requester = incident.request.requester?.slackUserId;
  const approval = await deps.ledger.createApproval({
    approvalId,
    incidentId,
    taskToken,
    kind: 'primary',
    ...(requester ? { requesterSlackUserId: requester } : {}),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + timeoutSeconds * 1000).toISOString(),
  });
  if (approval.decision) log.warn({ decision: approval.decision }, 'approval was already decided');
  // Catch the thread up first (a Notify that Slack throttled steps past; this task is retried instead, since
  // containment is done): every step reply and the evidence manifest are in the thread before the buttons.
  await postPendingSteps(deps, incident);
  await postOneOff(deps, incident, 'contained', 'evidence-manifest');
  const ref = await showApproval(deps, incident, approval, {
    alreadyShownIn: (r) => r.channel === incident.slack.channel,
    render: (a, i, at) =>
      approvalMessage(a, i, at, {
        socLeadUserId: deps.settings.socLeadUserId,
        fourEyes: deps.settings.fourEyes,
      }),
    post: (m) => postInThread(deps, incident, 'post the approval request', m),
  });
  // Never move the status back: if the approval already timed out and Escalate ran (a slow run of this task), or
  // the incident closed, the later status stands.
  const current = await loadIncident(deps, incidentId);
  if (BEFORE_APPROVAL.has(current.status)) {
    const awaiting = await deps.ledger.setStatus(incidentId, 'AWAITING_APPROVAL', {
      approval: { approvalId, state: 'pending' },
    });
    await refreshCard(deps, { ...awaiting, slack: incident.slack });
  } else {
    log.warn({ status: current.status }, 'incident moved on before the approval request was posted');
  }
  log.info({ approvalId, expiresAt: approval.expiresAt }, 'approval requested');
  return { approvalId, messages: ref ? [ref] : [] };
}

export const handler = botTaskHandler(run);
