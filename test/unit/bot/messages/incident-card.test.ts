import { ACTIONS } from '../../../../bot/ids';
import { incidentCard } from '../../../../bot/messages/incident-card';
import { makeIncident, makeRequest } from '../../../helpers/fake-ledger';
import { allText, buttons, expectValidMessage } from './expect-valid';

const now = new Date('2026-11-22T08:05:00.000Z');

describe('incidentCard', () => {
  it('shows severity, finding type, account AND region, resource and a one-line status', () => {
    const m = incidentCard(makeIncident(), now);
    expectValidMessage(m);
    const text = allText(m);
    expect(text).toContain('HIGH 8.0');
    expect(text).toContain('Backdoor:EC2/C&amp;CActivity.B!DNS');
    expect(text).toContain('123456789012 / us-east-1');
    expect(text).toContain('i-0abc1234def567890');
    expect(text).toContain('Containing');
    expect(m.blocks[0]?.type).toBe('header');
  });

  it('shows time-to-contain once contained, and +N findings when more than one finding is attached', () => {
    const incident = makeIncident({
      status: 'AWAITING_APPROVAL',
      containedAt: '2026-11-22T08:02:42.000Z',
      findingCount: 3,
    });
    const text = allText(incidentCard(incident, now));
    expect(text).toContain('Time to contain');
    expect(text).toContain('1 min 42 s');
    expect(text).toContain('+2 findings');
  });

  it('does not show +N findings or time-to-contain before they apply', () => {
    const text = allText(incidentCard(makeIncident(), now));
    expect(text).not.toContain('Time to contain');
    expect(text).not.toMatch(/\+\d+ finding/);
  });

  it('puts a Contain now button (with a confirm dialog) on an ask-before-contain card', () => {
    const m = incidentCard(makeIncident({ route: 'ask-before-contain', status: 'NOTIFIED' }), now);
    expectValidMessage(m);
    const [button] = buttons(m);
    expect(button?.action_id).toBe(ACTIONS.containNow);
    expect(button?.confirm).toBeDefined();
  });

  it('renders a mention-free plain_text header for manual requests', () => {
    const request = makeRequest({
      source: 'manual',
      title: 'Isolation of i-0abc1234def567890 requested by <@U0RESP1>',
    });
    const m = incidentCard(makeIncident({ request }), now);
    const header = m.blocks[0] as { text: { text: string } };
    expect(header.text.text).not.toContain('<@');
  });

  it('stays within limits with a 10 kB finding title', () => {
    const request = makeRequest({ title: 'x'.repeat(10_000) });
    expectValidMessage(incidentCard(makeIncident({ request }), now));
  });

  it('says what a notify-only, review or ask-before-contain incident is from the first post (status OPEN)', () => {
    expect(allText(incidentCard(makeIncident({ status: 'OPEN', route: 'notify' }), now))).toContain(
      'Notify only: no action taken',
    );
    expect(
      allText(incidentCard(makeIncident({ status: 'OPEN', route: 'ask-before-contain' }), now)),
    ).toContain('press Contain now');
    expect(allText(incidentCard(makeIncident({ status: 'OPEN', route: 'contain-ec2' }), now))).toContain(
      'starting the runbook',
    );
  });

  it('shows "contained in" as soon as containment is verified, before the approval is requested', () => {
    const text = allText(
      incidentCard(makeIncident({ status: 'CONTAINING', containedAt: '2026-11-22T08:01:30.000Z' }), now),
    );
    expect(text).toContain('Contained in 30 s');
  });

  it('renders every status with a status line', () => {
    for (const status of [
      'OPEN',
      'CONTAINING',
      'AWAITING_APPROVAL',
      'ESCALATED',
      'RESOLVED',
      'RESTORED',
      'ESCALATED_UNRESOLVED',
      'NOTIFIED',
      'IGNORED',
      'FAILED',
    ] as const) {
      const m = incidentCard(makeIncident({ status }), now);
      expectValidMessage(m);
      expect((m.blocks[2] as { text: { text: string } }).text.text.length).toBeGreaterThan(5);
    }
  });
});

describe('incidentCard: words for people (§3)', () => {
  it('shows the source by name and no router internals in the context line', () => {
    const m = incidentCard(
      makeIncident({ routeReason: 'severity 8.0 >= containMinSeverity 7 and role TARGET' }),
      now,
    );
    const text = allText(m);
    expect(text).not.toContain('containMinSeverity');
    expect(text).toContain('GuardDuty');
  });
});
