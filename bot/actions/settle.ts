import type { WebClient } from '@slack/web-api';
import type { IncidentRecord, SettleHow } from '../../workflow/ledger/types';
import type { Authorizer } from '../authz';
import type { BotDeps } from '../deps';
import { notUnresolvedText, settledText } from '../messages/settle';
import { postEphemeral, whereFromAction } from '../reply';
import { parseIncidentValue } from './button-value';
import { refreshCardFromBot } from './claim';
import type { ButtonArgs } from './decide';

/** Who may end this unresolved incident this way: the approval rules (responder; four-eyes for resolve). */
export function settleCheck(
  authz: Authorizer,
  how: SettleHow,
  incident: IncidentRecord,
  userId: string,
  responder: boolean,
) {
  return authz.settleVerdict(userId, how, incident.request.requester?.slackUserId, responder);
}

/**
 * The confirmed Resolve / Release button of `/ir resolve|release`: authorized again at the click, then one
 * conditional write (status still ESCALATED_UNRESOLVED, not settled) so exactly one resolve or release wins.
 * Resolve closes it RESOLVED at once; release starts the release execution, which restores exactly as Reject
 * does and closes it RESTORED. Every outcome is audited; the card is re-rendered.
 */
export async function settleIncident(
  deps: BotDeps,
  authz: Authorizer,
  client: WebClient,
  how: SettleHow,
  incidentId: string,
  userId: string,
): Promise<string> {
  const log = deps.log.child({ incidentId, userId, action: how });
  const [responder, incident] = await Promise.all([
    authz.isResponder(userId, client),
    deps.ledger.getIncident(incidentId),
  ]);
  if (!incident) return `:warning: No incident \`${incidentId}\`. Nothing was done.`;
  const audit = (action: string, detail: Record<string, unknown> = {}) =>
    deps.ledger.appendAudit({
      incidentId,
      at: deps.clock.now().toISOString(),
      actor: `slack:${userId}`,
      action,
      detail: { how, ...detail },
    });
  const verdict = settleCheck(authz, how, incident, userId, responder);
  if (!verdict.ok) {
    log.warn({ reason: verdict.reason }, `${how} refused`);
    await audit('settle-refused', { reason: verdict.reason });
    return `:no_entry: ${verdict.message}`;
  }
  if (!deps.ledger.settleUnresolved) throw new Error('this ledger cannot settle unresolved incidents');
  const now = deps.clock.now();
  const result = await deps.ledger.settleUnresolved(incidentId, how, userId, now);
  if (result.outcome === 'not-found') return `:warning: No incident \`${incidentId}\`. Nothing was done.`;
  const current = result.incident;
  // A release whose execution did not start (a failure after the write) is started again by its releaser's retry.
  const retryRelease =
    result.outcome === 'lost' &&
    how === 'release' &&
    current.status === 'ESCALATED_UNRESOLVED' &&
    current.settled?.how === 'release' &&
    current.settled.by === userId;
  if (result.outcome === 'lost' && !retryRelease) {
    await audit('settle-lost', { status: current.status, settled: current.settled });
    return `:information_source: ${notUnresolvedText(current)}`;
  }
  if (how === 'release') {
    if (!deps.releaseIncident) throw new Error('release is not wired in this deployment');
    const at = current.settled?.at ?? now.toISOString();
    const started = await deps.releaseIncident(current, userId, at);
    await audit('released', { executionArn: started.executionArn, alreadyRunning: started.alreadyRunning });
  } else {
    await audit('resolved-after-escalation', { status: current.status });
  }
  log.info(`${how} after the last timer`);
  try {
    await refreshCardFromBot(deps, client, current);
  } catch (error) {
    log.error({ err: error }, `${how} recorded, but the card update failed`);
  }
  return settledText(how, current, userId);
}

/** The prompt's confirmed button: ack, settle, then answer under the prompt (a second press says who won). */
export async function settleAction(
  args: ButtonArgs,
  how: SettleHow,
  deps: BotDeps,
  authz: Authorizer,
): Promise<void> {
  const { ack, body, action, client, respond } = args;
  await ack();
  const { incidentId } = parseIncidentValue(action.value);
  const answer = await settleIncident(deps, authz, client, how, incidentId, body.user.id);
  if (body.response_url) {
    await respond({ response_type: 'ephemeral', replace_original: false, text: answer });
    return;
  }
  const where = whereFromAction(body);
  if (where) await postEphemeral(client, where, answer);
}
