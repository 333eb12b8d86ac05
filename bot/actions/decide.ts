import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { ApprovalExpiredError } from '../../workflow/errors';
import type { ApprovalRecord, Decision, IncidentRecord } from '../../workflow/ledger/types';
import { TERMINAL_STATUSES } from '../../workflow/ledger/types';
import type { ApprovalOutcome } from '../../workflow/tasks/state';
import type { Authorizer } from '../authz';
import type { BotDeps } from '../deps';
import { approvalMessage, decidedText, expiredText } from '../messages/approval';
import { hhmm, mention } from '../messages/format';
import { postEphemeral, type Where, whereFromAction } from '../reply';
import { parseApprovalValue } from './button-value';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

const PAST = { approve: 'approved', reject: 'rejected' } as const;

/**
 * Approve / Reject. Ack at once; authorize the clicker (responder, four-eyes); one conditional write decides
 * (exactly one click wins, however many arrive); the winner hands the decision to Step Functions and updates the
 * clicked message; every other outcome is an ephemeral answer. Every click is audited (actor `slack:<user>`).
 * Budget: a few fast AWS calls and one Slack call, well inside Slack's 3 seconds.
 */
export async function decideAction(
  args: ButtonArgs,
  decision: Decision,
  deps: BotDeps,
  authz: Authorizer,
): Promise<void> {
  const { ack, body, action, client } = args;
  await ack();
  const userId = body.user.id;
  const value = parseApprovalValue(action.value);
  const where = whereFromAction(body);
  const log = deps.log.child({
    incidentId: value.incidentId,
    approvalId: value.approvalId,
    userId,
    decision,
  });
  const actor = `slack:${userId}`;
  const audit = (what: string, detail: Record<string, unknown> = {}) =>
    deps.ledger.appendAudit({
      incidentId: value.incidentId,
      at: deps.clock.now().toISOString(),
      actor,
      action: what,
      detail: { approvalId: value.approvalId, decision, ...detail },
    });
  const tell = async (text: string) => {
    if (where) await postEphemeral(client, where, text);
  };

  const [approval, incident, responder] = await Promise.all([
    deps.ledger.getApproval(value.approvalId),
    deps.ledger.getIncident(value.incidentId),
    authz.isResponder(userId, client),
  ]);
  if (!approval || !incident || approval.incidentId !== value.incidentId) {
    log.warn('click on an unknown approval');
    if (incident) await audit('decision-refused', { reason: 'unknown-approval' });
    await tell(
      ':warning: Airlock does not know this approval: it may belong to another deployment. Nothing was done.',
    );
    return;
  }

  // A decision counts only from the approval's own message (thread copy or the lead's DM), never from a body
  // that names the approval with another channel or a made-up message ts.
  const shown = approval.slack ?? [];
  if (!where?.messageTs || !shown.some((r) => r.channel === where.channel && r.ts === where.messageTs)) {
    log.warn(
      { channel: where?.channel, messageTs: where?.messageTs },
      'click from outside the approval message',
    );
    await Promise.all([
      audit('decision-refused', {
        reason: 'wrong-message',
        channel: where?.channel,
        messageTs: where?.messageTs,
      }),
      tell(':no_entry: This is not where that approval was posted: decide from the approval message itself.'),
    ]);
    return;
  }

  const verdict = authz.verdict(userId, decision, approval, responder);
  if (!verdict.ok) {
    log.warn({ reason: verdict.reason }, 'decision refused');
    await Promise.all([
      audit('decision-refused', { reason: verdict.reason }),
      tell(`:no_entry: ${verdict.message}`),
    ]);
    return;
  }

  const now = deps.clock.now();
  // The incident closed (or the workflow expired this approval) before the click: nothing may be recorded.
  if (!approval.decision && (TERMINAL_STATUSES.has(incident.status) || approval.expiredAt !== undefined)) {
    await Promise.all([
      audit('decision-expired', { expiresAt: approval.expiresAt, status: incident.status }),
      tell(`${expiredText(approval, deps.settings.socLeadUserId)}. Your click changed nothing.`),
    ]);
    return;
  }
  const result = await deps.ledger.decide(value.approvalId, decision, userId, now);
  switch (result.outcome) {
    case 'not-found':
      await tell(':warning: Airlock does not know this approval. Nothing was done.');
      return;
    case 'already-decided': {
      const a = result.approval;
      const by = a.decidedBy ? mention(a.decidedBy) : 'someone';
      const what = a.decision ? PAST[a.decision] : 'decided';
      await Promise.all([
        audit('decision-duplicate', { decidedBy: a.decidedBy, decided: a.decision }),
        tell(
          `:information_source: Already decided by ${by} (${what} at ${a.decidedAt ? hhmm(a.decidedAt) : 'an unknown time'}).`,
        ),
      ]);
      return;
    }
    case 'expired':
      await Promise.all([
        audit('decision-expired', { expiresAt: result.approval.expiresAt }),
        tell(`${expiredText(result.approval, deps.settings.socLeadUserId)}. Your click changed nothing.`),
      ]);
      return;
    case 'won':
      await deliver(result.approval, incident, { deps, client, where, log, audit, tell, decision, userId });
      return;
  }
}

async function deliver(
  approval: ApprovalRecord,
  incident: IncidentRecord,
  c: {
    deps: BotDeps;
    client: ButtonArgs['client'];
    where: Where | undefined;
    log: BotDeps['log'];
    audit: (action: string, detail?: Record<string, unknown>) => Promise<void>;
    tell: (text: string) => Promise<void>;
    decision: Decision;
    userId: string;
  },
): Promise<void> {
  const decidedAt = approval.decidedAt ?? c.deps.clock.now().toISOString();
  try {
    if (c.decision === 'approve') {
      const outcome: ApprovalOutcome = {
        approvalId: approval.approvalId,
        decision: 'approve',
        decidedBy: c.userId,
        decidedAt,
      };
      await c.deps.executions.sendTaskSuccess(approval.taskToken, outcome);
    } else {
      const cause = JSON.stringify({
        approvalId: approval.approvalId,
        incidentId: incident.incidentId,
        decidedBy: c.userId,
        decidedAt,
      });
      await c.deps.executions.sendTaskFailure(approval.taskToken, 'DecisionRejected', cause);
    }
  } catch (error) {
    if (error instanceof ApprovalExpiredError) {
      // The workflow timed the approval out between our read and SendTask: the click changes nothing.
      c.log.warn('decision won in the ledger but the task token had expired: withdrawn');
      // The timer won: the ledger must not keep a decision the workflow never received.
      await c.deps.ledger.withdrawDecision?.(approval.approvalId, c.userId);
      await Promise.all([
        c.audit('decision-expired', { after: 'send-task', expiresAt: approval.expiresAt }),
        c.tell(`${expiredText(approval, c.deps.settings.socLeadUserId)}. Your click changed nothing.`),
      ]);
      return;
    }
    await c
      .audit('decision-delivery-failed', { error: error instanceof Error ? error.name : 'unknown' })
      .catch(() => {});
    throw error;
  }
  c.log.info('decision delivered');
  const rendered = approvalMessage(approval, incident);
  const state = c.decision === 'approve' ? 'approved' : 'rejected';
  // After the hand-off nothing may turn this into an error for the user: the decision took effect.
  const results = await Promise.allSettled([
    c.audit('decision', { decidedAt }),
    c.deps.ledger.update(incident.incidentId, {
      approval: { approvalId: approval.approvalId, state, decidedBy: c.userId, decidedAt },
      decidedAt,
    }),
    c.where?.messageTs
      ? c.client.chat.update({
          channel: c.where.channel,
          ts: c.where.messageTs,
          text: rendered.text,
          blocks: rendered.blocks,
        })
      : Promise.resolve(),
  ]);
  for (const r of results) {
    if (r.status === 'rejected')
      c.log.error({ err: r.reason }, `decision delivered, but a follow-up failed (${decidedText(approval)})`);
  }
}
