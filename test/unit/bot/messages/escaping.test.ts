import { approvalMessage } from '../../../../bot/messages/approval';
import type { SlackMessage } from '../../../../bot/messages/blocks';
import { escalationDm } from '../../../../bot/messages/escalation-dm';
import { incidentCard } from '../../../../bot/messages/incident-card';
import { alreadyOpen, isolateIgnored, isolateStarted } from '../../../../bot/messages/isolate-replies';
import { listSummary } from '../../../../bot/messages/list-summary';
import { reviewNotice } from '../../../../bot/messages/review-notice';
import { statusSummary } from '../../../../bot/messages/status-summary';
import { usage } from '../../../../bot/messages/usage';
import type { ApprovalRecord } from '../../../../workflow/ledger/types';
import { makeIncident, makeRequest } from '../../../helpers/fake-ledger';

const EVIL = '<!channel> <@UEVIL1> <https://evil.example|x>';
const now = new Date('2026-11-22T08:05:00.000Z');

/** Every string Slack parses as mrkdwn: the top-level text and every mrkdwn text object (plain_text is not parsed). */
function parsedTexts(m: SlackMessage): string[] {
  const out = [m.text];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'plain_text') return;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
      for (const x of Object.values(o)) walk(x);
    }
  };
  walk(m.blocks);
  return out;
}

function expectNoLiveMarkup(name: string, m: SlackMessage): void {
  for (const text of parsedTexts(m)) {
    for (const live of ['<!channel>', '<@UEVIL1>', '<https://evil', 'evil.example|x>']) {
      if (text.includes(live)) throw new Error(`${name} carries a live ${live}: ${text}`);
    }
  }
}

function evilIncident() {
  const request = makeRequest({
    type: EVIL,
    title: EVIL,
    description: EVIL,
    region: EVIL,
    resource: { kind: 'other', rawType: EVIL },
    requester: { slackUserId: 'U0RESP1', reason: EVIL },
  });
  return makeIncident({
    request,
    routeReason: EVIL,
    status: 'AWAITING_APPROVAL',
    containedAt: '2026-11-22T08:02:00.000Z',
    slack: { channel: 'C0SOC', ts: '1700000000.000100' },
  });
}

function approval(kind: 'primary' | 'escalation'): ApprovalRecord {
  return {
    approvalId: `apr-${kind}`,
    incidentId: 'inc-0123456789abcdef',
    kind,
    taskToken: 'token',
    createdAt: '2026-11-22T08:03:00.000Z',
    expiresAt: '2026-11-22T12:03:00.000Z',
    messages: [],
    requesterSlackUserId: 'U0RESP1',
  } as ApprovalRecord;
}

describe('text that cannot be abused (§4)', () => {
  it('rejects live mentions and links from finding and user fields in every message', () => {
    const incident = evilIncident();
    const messages: Record<string, SlackMessage> = {
      card: incidentCard(incident, now),
      review: reviewNotice({ ...incident, route: 'review', status: 'NOTIFIED' }),
      approval: approvalMessage(approval('primary'), incident, now),
      dm: escalationDm(incident, approval('escalation'), [], now),
      status: statusSummary(incident, [approval('primary')], now, { socLeadUserId: 'U0LEAD' }),
      list: listSummary([incident], now, { socLeadUserId: 'U0LEAD' }),
      started: isolateStarted(incident, 'C0SOC'),
      alreadyOpen: alreadyOpen(incident, 'airlock'),
      ignored: isolateIgnored(incident),
      usageProblem: usage(`Unknown subcommand \`${EVIL}\`.`),
    };
    for (const [name, m] of Object.entries(messages)) expectNoLiveMarkup(name, m);
    // the reason a responder typed is shown (escaped) on the card and in /ir status
    expect(parsedTexts(messages.card as SlackMessage).join('\n')).toContain('&lt;!channel&gt;');
    expect(parsedTexts(messages.status as SlackMessage).join('\n')).toContain('Reason');
  });

  it('shows <instance-id> in /ir help as text, not as a Slack link', () => {
    const texts = parsedTexts(usage()).join('\n');
    expect(texts).toContain('&lt;instance-id&gt;');
    expect(texts).not.toMatch(/<(instance-id|incident-id|12 digits|name)/);
  });
});
