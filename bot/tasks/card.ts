import { ValidationError } from '../../workflow/errors';
import type { IncidentRecord } from '../../workflow/ledger/types';
import type { BotTaskDeps } from '../deps';
import type { SlackMessage } from '../messages/blocks';
import { incidentCard } from '../messages/incident-card';
import { reviewNotice } from '../messages/review-notice';
import { slackCall } from './slack-call';

export type PostedIncident = IncidentRecord & { slack: NonNullable<IncidentRecord['slack']> };

export async function loadIncident(deps: BotTaskDeps, incidentId: string): Promise<IncidentRecord> {
  const incident = await deps.ledger.getIncident(incidentId);
  if (!incident) throw new ValidationError(`incident ${incidentId} is not in the ledger`, 'incidentId');
  return incident;
}

/** The top-level message for an incident: the review notice for the review route, the card otherwise. */
export function topMessage(deps: BotTaskDeps, incident: IncidentRecord): SlackMessage {
  return incident.route === 'review'
    ? reviewNotice(incident)
    : incidentCard(incident, deps.clock.now(), { socLeadUserId: deps.settings.socLeadUserId });
}

/**
 * Posts the card (or the review notice, in the review channel) if the incident has none yet, and stores its
 * `{channel, ts}`: every later message is threaded under that ts. Returns the incident with its slack ref.
 */
export async function ensureCard(
  deps: BotTaskDeps,
  incident: IncidentRecord,
): Promise<{ incident: PostedIncident; posted: boolean }> {
  if (incident.slack) return { incident: incident as PostedIncident, posted: false };
  const review = incident.route === 'review';
  const channel = review ? deps.settings.reviewChannel : deps.settings.socChannel;
  const m = topMessage(deps, incident);
  const result = await postMessage(deps, incident.incidentId, 'post the incident card', { channel, m });
  if (!result.ts || !result.channel) throw new Error('chat.postMessage answered without channel/ts');
  const slack = review
    ? { channel: result.channel, ts: result.ts, reviewChannel: result.channel, reviewTs: result.ts }
    : { channel: result.channel, ts: result.ts };
  const updated = await deps.ledger.update(incident.incidentId, { slack });
  return { incident: { ...updated, slack } as PostedIncident, posted: true };
}

/** How many times refreshCard re-reads and re-renders when the incident keeps changing under it. */
const CARD_CONVERGE_ATTEMPTS = 3;

/**
 * Re-renders the card from the ledger (the review notice is not re-rendered). The caller's copy gives only the id
 * and the card's place: tasks run concurrently (a click can resolve the incident while RequestApproval is still
 * finishing), and chat.update has no compare-and-set, so the last update to land wins. Rendering the ledger's
 * current record, then reading it again after Slack answered and updating once more if it changed meanwhile, makes
 * the last update to finish show the latest status, whichever task sends it.
 */
export async function refreshCard(deps: BotTaskDeps, incident: PostedIncident): Promise<void> {
  if (incident.route === 'review') return;
  let shown: string | undefined;
  for (let attempt = 0; attempt < CARD_CONVERGE_ATTEMPTS; attempt += 1) {
    const latest = {
      ...((await deps.ledger.getIncident(incident.incidentId)) ?? incident),
      slack: incident.slack,
    };
    const version = `${latest.status}|${latest.updatedAt}`;
    if (version === shown) return;
    const m = topMessage(deps, latest);
    await slackCall(deps, incident.incidentId, 'update the incident card', () =>
      deps.slack.chat.update({
        channel: incident.slack.channel,
        ts: incident.slack.ts,
        text: m.text,
        blocks: m.blocks,
      }),
    );
    shown = version;
  }
}

/** A reply in the incident's thread: thread_ts is always the card's ts. */
export async function postInThread(
  deps: BotTaskDeps,
  incident: PostedIncident,
  what: string,
  m: SlackMessage,
): Promise<{ channel: string; ts: string }> {
  const result = await postMessage(deps, incident.incidentId, what, {
    channel: incident.slack.channel,
    threadTs: incident.slack.ts,
    m,
  });
  if (!result.ts) throw new Error('chat.postMessage answered without ts');
  return { channel: result.channel ?? incident.slack.channel, ts: result.ts };
}

/** chat.postMessage, once the channel's pacer gives this post its slot (see slackCall). */
export async function postMessage(
  deps: BotTaskDeps,
  incidentId: string,
  what: string,
  post: { channel: string; threadTs?: string; m: SlackMessage },
): Promise<{ ts?: string; channel?: string }> {
  return slackCall(
    deps,
    incidentId,
    what,
    () =>
      deps.slack.chat.postMessage({
        channel: post.channel,
        ...(post.threadTs ? { thread_ts: post.threadTs } : {}),
        text: post.m.text,
        blocks: post.m.blocks,
        unfurl_links: false,
      }),
    { channel: post.channel, ...deps.postWait },
  );
}
