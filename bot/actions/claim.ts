import type { WebClient } from '@slack/web-api';
import type { IncidentRecord } from '../../workflow/ledger/types';
import type { Authorizer } from '../authz';
import { refuseNotResponder } from '../authz';
import type { BotDeps } from '../deps';
import { mention } from '../messages/format';
import { incidentCard } from '../messages/incident-card';
import { postEphemeral, whereFromAction } from '../reply';
import { parseIncidentValue } from './button-value';
import type { ButtonArgs } from './decide';

/** Re-renders the incident's card in place (not for the review notice, which shows no owner). */
export async function refreshCardFromBot(
  deps: BotDeps,
  client: WebClient,
  incident: IncidentRecord,
): Promise<void> {
  if (!incident.slack || incident.route === 'review') return;
  const card = incidentCard(incident, deps.clock.now(), { socLeadUserId: deps.settings.socLeadUserId });
  await client.chat.update({
    channel: incident.slack.channel,
    ts: incident.slack.ts,
    text: card.text,
    blocks: card.blocks,
  });
}

/**
 * Claim (the card's button or `/ir claim <id>`): responders only; one conditional write on the owner it read,
 * so concurrent claims land in order; a new owner replacing another is audited `owner-reassigned` with both.
 * The card is re-rendered with the owner. Returns the answer for the user.
 */
export async function claimIncident(
  deps: BotDeps,
  authz: Authorizer,
  client: WebClient,
  incidentId: string,
  userId: string,
): Promise<string> {
  const log = deps.log.child({ incidentId, userId, action: 'claim' });
  const [responder, incident] = await Promise.all([
    authz.isResponder(userId, client),
    deps.ledger.getIncident(incidentId),
  ]);
  if (!incident)
    return `:warning: No incident \`${incidentId}\`: check the id (\`/ir list\` shows the open ones).`;
  const audit = (action: string, detail: Record<string, unknown>) =>
    deps.ledger.appendAudit({
      incidentId,
      at: deps.clock.now().toISOString(),
      actor: `slack:${userId}`,
      action,
      detail,
    });
  if (!responder) {
    log.warn('claim refused: not a responder');
    await audit('claim-refused', { reason: 'not-a-responder' });
    return `:no_entry: ${refuseNotResponder(deps.settings).message}`;
  }
  if (!deps.ledger.claimIncident) throw new Error('this ledger cannot record owners');
  const result = await deps.ledger.claimIncident(incidentId, userId, deps.clock.now());
  switch (result.outcome) {
    case 'not-found':
      return `:warning: No incident \`${incidentId}\`. Nothing was done.`;
    case 'already-owner':
      return `:information_source: You already own \`${incidentId}\`.`;
    case 'claimed': {
      await audit(result.previous ? 'owner-reassigned' : 'owner-claimed', {
        owner: userId,
        ...(result.previous ? { previous: result.previous } : {}),
      });
      log.info({ previous: result.previous }, 'incident claimed');
      try {
        await refreshCardFromBot(deps, client, result.incident);
      } catch (error) {
        // The owner is recorded (the ledger is the truth); the next card update shows it.
        log.error({ err: error }, 'claimed, but the card update failed');
      }
      return result.previous
        ? `:bust_in_silhouette: You own \`${incidentId}\` now (was ${mention(result.previous)}).`
        : `:bust_in_silhouette: You own \`${incidentId}\` now.`;
    }
  }
}

/** The card's Claim button: ack at once, claim, answer ephemerally. */
export async function claimAction(args: ButtonArgs, deps: BotDeps, authz: Authorizer): Promise<void> {
  const { ack, body, action, client } = args;
  await ack();
  const { incidentId } = parseIncidentValue(action.value);
  const answer = await claimIncident(deps, authz, client, incidentId, body.user.id);
  const where = whereFromAction(body);
  if (where) await postEphemeral(client, where, answer);
}
