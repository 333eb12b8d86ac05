import { LedgerTicketSink } from '../../../../workflow/ticket-sinks';
import { FakeLedger } from '../../../helpers/fake-ledger';
import { makeRequest } from '../../../helpers/requests';

async function setup() {
  const ledger = new FakeLedger();
  const { incident } = await ledger.recordIntake(makeRequest(), { route: 'contain-ec2', reason: 'test' });
  return { ledger, incident, sink: new LedgerTicketSink(ledger) };
}

describe('the ledger ticket sink (the default)', () => {
  it('opens AIRLOCK-<incident> once', async () => {
    const { ledger, incident, sink } = await setup();
    expect(await sink.open(incident)).toEqual({ ticketId: `AIRLOCK-${incident.incidentId}` });
    await sink.open(incident);
    const opened = (await ledger.listAudit(incident.incidentId)).filter((e) => e.action === 'ticket-opened');
    expect(opened).toHaveLength(1);
  });

  it('records each update as one audit event with its text; a re-run of the same outcome adds nothing', async () => {
    const { ledger, incident, sink } = await setup();
    const update = {
      outcome: 'resolved' as const,
      title: 'Approved by Slack user U1',
      lines: ['Contained.'],
    };

    const first = await sink.update(incident, update);
    const again = await sink.update(incident, update);
    await sink.update(incident, { outcome: 'restored', title: 'Released', lines: [] });

    expect(first).toEqual({
      ticketId: `AIRLOCK-${incident.incidentId}`,
      commented: true,
      transitioned: false,
    });
    expect(again.commented).toBe(false);
    const updates = (await ledger.listAudit(incident.incidentId)).filter(
      (e) => e.action === 'ticket-updated',
    );
    expect(updates.map((e) => e.detail)).toEqual([
      {
        ticketId: `AIRLOCK-${incident.incidentId}`,
        sink: 'ledger',
        outcome: 'resolved',
        title: 'Approved by Slack user U1',
        lines: ['Contained.'],
      },
      expect.objectContaining({ outcome: 'restored' }),
    ]);
  });
});
