import type { SlackMessage } from '../../../../bot/messages/blocks';
import { incidentCard } from '../../../../bot/messages/incident-card';
import { stepReply } from '../../../../bot/messages/step-reply';
import { mrkdwnLink, ticketField } from '../../../../bot/messages/ticket-link';
import { makeIncident } from '../../../helpers/fake-ledger';

const now = new Date('2026-11-22T08:05:00.000Z');
const texts = (m: SlackMessage) => JSON.stringify(m.blocks);

describe('ticket links in Slack', () => {
  it('links the key to the ticket as <url|KEY>', () => {
    expect(mrkdwnLink('https://acme.atlassian.net/browse/SEC-7', 'SEC-7')).toBe(
      '<https://acme.atlassian.net/browse/SEC-7|SEC-7>',
    );
  });

  it('escapes both parts: no live markup, and a | in the URL cannot end it early', () => {
    const link = mrkdwnLink('https://x.example/browse/A-1?q=<b>&c|<!channel>', '<!channel> & <@U1>');
    expect(link).toBe(
      '<https://x.example/browse/A-1?q=&lt;b&gt;&amp;c%7C&lt;!channel&gt;|&lt;!channel&gt; &amp; &lt;@U1&gt;>',
    );
  });

  it('refuses non-http(s) URLs: the text alone, escaped', () => {
    expect(mrkdwnLink('javascript:alert(1)', 'SEC-1')).toBe('SEC-1');
    expect(mrkdwnLink(undefined, '<b>')).toBe('&lt;b&gt;');
  });

  it('shows the ticket on the card once the sink opened it, and not before', () => {
    const incident = makeIncident();
    expect(ticketField(incident)).toBeUndefined();
    expect(texts(incidentCard(incident, now))).not.toContain('Ticket');

    const withTicket = {
      ...incident,
      ticket: { id: 'SEC-7', url: 'https://acme.atlassian.net/browse/SEC-7', sink: 'jira' },
    };

    expect(texts(incidentCard(withTicket, now))).toContain('*Ticket*');
    expect(texts(incidentCard(withTicket, now))).toContain('<https://acme.atlassian.net/browse/SEC-7|SEC-7>');
  });

  it('links a step’s ticket in its thread reply', () => {
    const reply = stepReply({
      name: 'open-ticket',
      status: 'ok',
      summary: 'Ticket SEC-7 opened (jira)',
      startedAt: '2026-11-22T08:00:00.000Z',
      endedAt: '2026-11-22T08:00:01.000Z',
      ids: ['SEC-7'],
      links: [{ text: 'SEC-7', url: 'https://acme.atlassian.net/browse/SEC-7' }],
    });
    expect(texts(reply)).toContain(
      'Opened the ticket*: Ticket SEC-7 opened (jira) <https://acme.atlassian.net/browse/SEC-7|SEC-7>',
    );
  });
});
