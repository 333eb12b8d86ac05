import { OpenTicketInputSchema } from '../../../../../workflow/domain/incident/input';
import { openTicket } from '../../../../../workflow/domain/incident/ticket';
import { ResourceNotFoundError } from '../../../../../workflow/errors';
import { makeRequest } from '../../../../helpers/requests';
import { auditActions, makeHarness, seedIncident } from './harness';

describe('openTicket', () => {
  it('opens the ticket in the sink and records the open-ticket step with the ticket id', async () => {
    const h = makeHarness();
    const base = await seedIncident(h, makeRequest(), 'contain-ec2');

    const out = await openTicket(h.deps, OpenTicketInputSchema.parse(base));

    expect(out).toEqual({ ticketId: `AIRLOCK-${base.incidentId}` });
    const step = (await h.ledger.getIncident(base.incidentId))?.steps.find((s) => s.name === 'open-ticket');
    expect(step).toMatchObject({ status: 'ok', ids: [`AIRLOCK-${base.incidentId}`] });
  });

  it('returns the same ticket on a re-run without opening a second one', async () => {
    const h = makeHarness();
    const base = await seedIncident(h, makeRequest(), 'contain-ec2');
    const first = await openTicket(h.deps, OpenTicketInputSchema.parse(base));

    const second = await openTicket(h.deps, OpenTicketInputSchema.parse(base));

    expect(second).toEqual(first);
    expect((await auditActions(h, base.incidentId)).filter((a) => a === 'ticket-opened')).toHaveLength(1);
  });

  it('passes a sink’s url through', async () => {
    const h = makeHarness();
    const base = await seedIncident(h, makeRequest(), 'contain-ec2');
    h.deps.ticketSink = {
      name: 'jira',
      open: async () => ({ ticketId: 'SEC-42', url: 'https://jira.example.com/browse/SEC-42' }),
      update: async () => ({ ticketId: 'SEC-42', commented: true, transitioned: false }),
    };

    const out = await openTicket(h.deps, OpenTicketInputSchema.parse(base));

    expect(out).toEqual({ ticketId: 'SEC-42', url: 'https://jira.example.com/browse/SEC-42' });
  });

  it('fails with ResourceNotFoundError for an incident the ledger does not know', async () => {
    const h = makeHarness();
    const base = await seedIncident(h, makeRequest(), 'contain-ec2');

    await expect(
      openTicket(h.deps, { ...OpenTicketInputSchema.parse(base), incidentId: 'inc-unknown' }),
    ).rejects.toBeInstanceOf(ResourceNotFoundError);
  });
});
