import * as z from 'zod';
import { approvalIdFor } from '../../workflow/intake/ids';
import type { ApprovalRecord, IncidentStatus } from '../../workflow/ledger/types';
import type { BotTaskDeps } from '../deps';
import { approvalMessage } from '../messages/approval';
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
  messages: { channel: string; ts: string }[];
}

/**
 * Posts an approval message once: if the approval already shows one where `alreadyShownIn` matches (a re-run of
 * the task), that copy is re-rendered with chat.update instead of posting another.
 */
export async function showApproval(
  deps: BotTaskDeps,
  incident: PostedIncident,
  approval: ApprovalRecord,
  copy: {
    alreadyShownIn: (ref: { channel: string; ts: string }) => boolean;
    render: () => SlackMessage;
    post: (m: SlackMessage) => Promise<{ channel: string; ts: string }>;
  },
): Promise<{ channel: string; ts: string }> {
  const existing = (approval.slack ?? []).find(copy.alreadyShownIn);
  const m = copy.render();
  if (existing) {
    await slackCall(deps, incident.incidentId, 'update the approval message', () =>
      deps.slack.chat.update({ channel: existing.channel, ts: existing.ts, text: m.text, blocks: m.blocks }),
    );
    return existing;
  }
  const ref = await copy.post(m);
  await deps.ledger.addApprovalMessage(approval.approvalId, ref);
  return ref;
}

/**
 * RequestApproval (callback task, `waitForTaskToken`): store the token in the ledger (never in Slack), post
 * Approve/Reject in the incident's thread, mark the incident AWAITING_APPROVAL. The execution then waits for the
 * bot's SendTaskSuccess/SendTaskFailure or its own timeout (→ Escalate).
 */
export async function run(deps: BotTaskDeps, input: unknown): Promise<ApprovalTaskOutput> {
  const { incidentId, taskToken, timeoutSeconds } = CallbackInputSchema.parse(input);
  const log = deps.log.child({ incidentId, task: 'RequestApproval' });
  const { incident } = await ensureCard(deps, await loadIncident(deps, incidentId));
  const now = deps.clock.now();
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
    render: () =>
      approvalMessage(approval, incident, now, {
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
  return { approvalId, messages: [ref] };
}

export const handler = botTaskHandler(run);
