import { approvalIdFor } from '../../workflow/intake/ids';
import { TERMINAL_STATUSES } from '../../workflow/ledger/types';
import type { BotTaskDeps } from '../deps';
import { approvalMessage } from '../messages/approval';
import { message, section } from '../messages/blocks';
import { escalationDm } from '../messages/escalation-dm';
import { duration, mention } from '../messages/format';
import { ensureCard, loadIncident, postInThread, postMessage, refreshCard } from './card';
import { botTaskHandler } from './lambda';
import { type ApprovalTaskOutput, CallbackInputSchema, showApproval } from './request-approval';
import { slackCall } from './slack-call';

/**
 * Escalate (callback task): the primary approval timed out. Mark it expired (escalated to the SOC lead) and show
 * that on its thread copy; create the escalation approval (its own token); DM the lead the summary, the
 * unreviewed evidence and the same buttons; say "Escalated to @lead" in the thread, with the buttons too so a
 * responder arriving late can still decide. Status ESCALATED. Every message is posted once, even on a re-run.
 */
export async function run(deps: BotTaskDeps, input: unknown): Promise<ApprovalTaskOutput> {
  const { incidentId, taskToken, timeoutSeconds } = CallbackInputSchema.parse(input);
  // The escalation's timer started with this attempt: its deadline does not move with the posts' queue.
  const startedAt = deps.clock.now();
  const log = deps.log.child({ incidentId, task: 'Escalate' });
  const lead = deps.settings.socLeadUserId;
  const { incident } = await ensureCard(deps, await loadIncident(deps, incidentId));
  const render = { socLeadUserId: lead, fourEyes: deps.settings.fourEyes };

  const primaryId = approvalIdFor(incidentId, 'primary');
  // The primary approval is missing when RequestApproval itself failed (the ASL escalates on any error).
  let primary = await deps.ledger.getApproval(primaryId);
  if (primary) {
    await deps.ledger.expireApproval(primaryId, lead);
    primary = await deps.ledger.getApproval(primaryId);
  }
  if (primary) {
    const m = approvalMessage(primary, incident, deps.clock.now(), render);
    for (const ref of primary.slack ?? []) {
      await slackCall(deps, incidentId, 'mark the approval expired', () =>
        deps.slack.chat.update({ channel: ref.channel, ts: ref.ts, text: m.text, blocks: m.blocks }),
      );
    }
  }

  const now = startedAt;
  const escalationId = approvalIdFor(incidentId, 'escalation');
  const requester = primary?.requesterSlackUserId ?? incident.request.requester?.slackUserId;
  const escalation = await deps.ledger.createApproval({
    approvalId: escalationId,
    incidentId,
    taskToken,
    kind: 'escalation',
    ...(requester ? { requesterSlackUserId: requester } : {}),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + timeoutSeconds * 1000).toISOString(),
  });

  // The thread's permalink for the DM; a link is a convenience, so a failure here never blocks the escalation.
  const threadUrl = await slackCall(deps, incidentId, 'get the thread permalink', () =>
    deps.slack.chat.getPermalink({ channel: incident.slack.channel, message_ts: incident.slack.ts }),
  )
    .then((r) => r.permalink)
    .catch(() => undefined);
  const dm = await showApproval(deps, incident, escalation, {
    alreadyShownIn: (r) => r.channel.startsWith('D'),
    render: (a, i, at) => escalationDm(i, a, i.evidence, at, threadUrl ? { threadUrl } : {}),
    post: async (m) => {
      const opened = await slackCall(deps, incidentId, 'open a DM with the SOC lead', () =>
        deps.slack.conversations.open({ users: lead }),
      );
      const channel = opened.channel?.id;
      if (!channel) throw new Error('conversations.open answered without a channel id');
      const posted = await postMessage(deps, incidentId, 'DM the SOC lead', { channel, m });
      if (!posted.ts) throw new Error('chat.postMessage answered without ts');
      return { channel, ts: posted.ts };
    },
  });

  const waited = primary
    ? duration(new Date(primary.expiresAt).getTime() - new Date(primary.createdAt).getTime())
    : '';
  const note = `:rotating_light: Escalated to ${mention(lead)}: no decision${waited ? ` within ${waited}` : ''}. Any responder can still decide here.`;
  const thread = await showApproval(deps, incident, escalation, {
    alreadyShownIn: (r) => r.channel === incident.slack.channel,
    render: (a, i, at) => message(note, [section(note), ...approvalMessage(a, i, at, render).blocks]),
    post: (m) => postInThread(deps, incident, 'post the escalation notice', m),
  });

  // Never move a closed incident back (a slow run of this task, after the escalation's own timer fired).
  const latest = await loadIncident(deps, incidentId);
  if (TERMINAL_STATUSES.has(latest.status)) {
    log.warn({ status: latest.status }, 'incident closed before the escalation was posted');
  } else {
    const escalated = await deps.ledger.setStatus(incidentId, 'ESCALATED', {
      approval: { approvalId: escalationId, state: 'escalated' },
    });
    await refreshCard(deps, { ...escalated, slack: incident.slack });
  }
  log.info({ approvalId: escalationId, lead }, 'escalated');
  return {
    approvalId: escalationId,
    messages: [dm, thread].filter((r): r is { channel: string; ts: string } => r !== undefined),
  };
}

export const handler = botTaskHandler(run);
