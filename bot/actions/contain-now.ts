import type { Authorizer } from '../authz';
import type { BotDeps } from '../deps';
import type { SlackMessage } from '../messages/blocks';
import { incidentCard } from '../messages/incident-card';
import { alreadyOpen, isolateIgnored, isolateRefused, isolateStarted } from '../messages/isolate-replies';
import { reviewNotice } from '../messages/review-notice';
import { postEphemeral, whereFromAction } from '../reply';
import { parseContainNowValue } from './button-value';
import type { ButtonArgs } from './decide';

/**
 * "Contain now" on a review notice (or an ask-before-contain card): the same path and checks as `/ir isolate`:
 * responder check, then the single intake path (which dedupes against an open incident for the instance).
 * The clicked message is updated to say who pressed it; every other answer is ephemeral.
 */
export async function containNowAction(args: ButtonArgs, deps: BotDeps, authz: Authorizer): Promise<void> {
  const { ack, body, action, client } = args;
  await ack();
  const userId = body.user.id;
  const { incidentId } = parseContainNowValue(action.value);
  const where = whereFromAction(body);
  const log = deps.log.child({ incidentId, userId, action: 'contain-now' });
  const teamDomain = body.team?.domain ?? 'app';
  const audit = (what: string, detail: Record<string, unknown> = {}) =>
    deps.ledger.appendAudit({
      incidentId,
      at: deps.clock.now().toISOString(),
      actor: `slack:${userId}`,
      action: what,
      detail,
    });
  const tell = async (reply: string | SlackMessage) => {
    if (!where) return;
    if (typeof reply === 'string') await postEphemeral(client, where, reply);
    else await postEphemeral(client, where, reply.text, reply.blocks);
  };

  const [authorized, incident] = await Promise.all([
    authz.isResponder(userId, client),
    deps.ledger.getIncident(incidentId),
  ]);
  if (!incident) {
    await tell(':warning: Airlock does not know this incident. Nothing was done.');
    return;
  }
  if (!authorized) {
    log.warn('contain-now refused: not a responder');
    await Promise.all([
      audit('contain-now-refused', { reason: 'not-a-responder' }),
      tell(
        `:no_entry: You are not an Airlock responder, so Airlock did nothing. Ask <@${deps.settings.socLeadUserId}> to add you to the responders.`,
      ),
    ]);
    return;
  }
  const { resource, accountId, region } = incident.request;
  if (resource.kind !== 'ec2-instance' || !resource.instanceId) {
    await tell(':warning: Contain now works for EC2 instances; contain this resource from its runbook.');
    return;
  }
  const result = await deps.startIncident({
    instanceId: resource.instanceId,
    accountId,
    region,
    reason: `Contain now from ${incident.incidentId} (${incident.request.type})`,
    requesterSlackUserId: userId,
    fromIncidentId: incident.incidentId,
  });
  log.info({ outcome: result.outcome, newIncidentId: result.incident?.incidentId }, 'contain-now');
  await audit('contain-now', { outcome: result.outcome, newIncidentId: result.incident?.incidentId });
  switch (result.outcome) {
    case 'opened': {
      if (!result.incident) throw new Error('intake opened an incident but returned none');
      const started = {
        by: userId,
        at: deps.clock.now().toISOString(),
        incidentId: result.incident.incidentId,
      };
      const rendered =
        incident.route === 'review'
          ? reviewNotice(incident, started)
          : incidentCard(incident, deps.clock.now(), { containNow: started });
      if (where?.messageTs) {
        await client.chat.update({
          channel: where.channel,
          ts: where.messageTs,
          text: rendered.text,
          blocks: rendered.blocks,
        });
      } else {
        await tell(isolateStarted(result.incident, deps.settings.socChannel));
      }
      return;
    }
    case 'repeat':
    case 'attached':
      if (result.incident?.incidentId === incident.incidentId) {
        // The notice's own incident still holds the resource (it closes a moment after the notice is posted).
        await tell(
          ':hourglass: This notice is still being recorded; press Contain now again in a few seconds.',
        );
      } else if (result.incident) {
        await tell(alreadyOpen(result.incident, teamDomain));
      }
      return;
    case 'rejected':
      await tell(isolateRefused(result.error ?? { message: 'the request was rejected', field: 'request' }));
      return;
    case 'ignored':
      await tell(isolateIgnored(result.incident));
      return;
  }
}
