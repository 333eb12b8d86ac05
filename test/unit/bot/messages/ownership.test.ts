import { ACTIONS } from '../../../../bot/ids';
import { incidentCard } from '../../../../bot/messages/incident-card';
import { reminderDm } from '../../../../bot/messages/reminder-dm';
import { settlePrompt } from '../../../../bot/messages/settle';
import { makeIncident } from '../../../helpers/fake-ledger';
import { allText, buttons, expectValidMessage } from './expect-valid';

const now = new Date('2026-11-22T08:05:00.000Z');

describe('ownership and the way out: message builders', () => {
  it('the card shows the owner and offers Take over instead of Claim once claimed', () => {
    const card = incidentCard(
      makeIncident({ status: 'AWAITING_APPROVAL', owner: { userId: 'U0RESP1', at: now.toISOString() } }),
      now,
    );
    expectValidMessage(card);
    expect(allText(card)).toContain('<@U0RESP1>');
    expect(buttons(card).map((b) => b.action_id)).toContain(ACTIONS.claim);
    expect(allText(card)).toContain('Take over');
  });

  it('an unresolved card names the two ways out; a closed card has no Claim', () => {
    const unresolved = incidentCard(makeIncident({ status: 'ESCALATED_UNRESOLVED' }), now);
    expect(allText(unresolved)).toContain('/ir resolve');
    expect(allText(unresolved)).toContain('/ir release');
    const resolved = incidentCard(makeIncident({ status: 'RESOLVED' }), now);
    expect(buttons(resolved).map((b) => b.action_id)).not.toContain(ACTIONS.claim);
  });

  it('the resolve and release prompts are one button behind a confirmation dialog', () => {
    const incident = makeIncident({ status: 'ESCALATED_UNRESOLVED' });
    for (const how of ['resolve', 'release'] as const) {
      const m = settlePrompt(how, incident);
      expectValidMessage(m);
      const [button] = buttons(m);
      expect(button?.action_id).toBe(
        how === 'resolve' ? ACTIONS.resolveUnresolved : ACTIONS.releaseUnresolved,
      );
      expect(button?.confirm).toBeDefined();
    }
  });

  it('the re-page DM escapes the finding type and says how many re-pages are left', () => {
    const incident = makeIncident({ status: 'ESCALATED_UNRESOLVED' });
    const m = reminderDm(incident, 2, 8, { threadUrl: 'https://acme.slack.com/archives/C1/p1' });
    expectValidMessage(m);
    expect(m.text).toContain('Reminder 2 of 8');
    expect(m.text).toContain('C&amp;C');
    expect(allText(m)).toContain('Open the thread');
  });
});
