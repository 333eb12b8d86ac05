import {
  ticketUpdateFor,
  UpdateTicketInputSchema,
  updateTicket,
} from '../../../../../workflow/domain/incident/ticket-update';
import { ResourceNotFoundError } from '../../../../../workflow/errors';
import { makeRequest } from '../../../../helpers/requests';
import { makeHarness, seedIncident } from './harness';

describe('updateTicket (UpdateTicket task)', () => {
  it('records the decision on the ticket once and the update-ticket step', async () => {
    const h = makeHarness();
    const base = await seedIncident(h, makeRequest(), 'contain-ec2');
    const input = UpdateTicketInputSchema.parse({
      incidentId: base.incidentId,
      outcome: 'resolved',
      decision: {
        approvalId: 'apr-1',
        decision: 'approve',
        decidedBy: 'U0RESP1',
        decidedAt: '2025-03-01T12:05:00.000Z',
      },
    });

    const out = await updateTicket(h.deps, input);
    await updateTicket(h.deps, input);

    expect(out).toEqual({ ticketId: `AIRLOCK-${base.incidentId}`, commented: true, transitioned: false });
    const audit = await h.ledger.listAudit(base.incidentId);
    const updates = audit.filter((e) => e.action === 'ticket-updated');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.detail?.title).toBe(
      'Approved by Slack user U0RESP1 at 2025-03-01T12:05:00.000Z: the resource stays contained; incident resolved.',
    );
    const step = (await h.ledger.getIncident(base.incidentId))?.steps.find((s) => s.name === 'update-ticket');
    expect(step).toMatchObject({ status: 'ok', ids: [`AIRLOCK-${base.incidentId}`] });
  });

  it('rejects an outcome it does not know', () => {
    expect(UpdateTicketInputSchema.safeParse({ incidentId: 'inc-1', outcome: 'closed' }).success).toBe(false);
  });

  it('fails with ResourceNotFoundError for an incident the ledger does not know', async () => {
    const h = makeHarness();
    await expect(
      updateTicket(h.deps, { incidentId: 'inc-unknown', outcome: 'failed' }),
    ).rejects.toBeInstanceOf(ResourceNotFoundError);
  });

  it('words each outcome: rejection, release, nobody decided, failure with its step and error', async () => {
    const h = makeHarness();
    const base = await seedIncident(h, makeRequest(), 'contain-ec2');
    const incident = (await h.ledger.getIncident(base.incidentId))!;

    expect(ticketUpdateFor(incident, 'restored', { decidedBy: 'U9' }).title).toMatch(
      /^Rejected by Slack user U9 \(false positive\)/,
    );
    expect(
      ticketUpdateFor({ ...incident, settled: { how: 'release', by: 'U8', at: 't' } }, 'restored').title,
    ).toBe('Released by Slack user U8 at t: restored to its recorded pre-state.');
    expect(ticketUpdateFor(incident, 'unresolved').title).toMatch(/^Nobody decided/);
    const failed = ticketUpdateFor(
      { ...incident, failure: { step: 'tag-instance', error: 'AccessDenied', cause: 'no' } },
      'failed',
    );
    expect(failed.title).toBe(
      'Containment failed at tag-instance: what succeeded stays in place; the on-call is needed.',
    );
    expect(failed.lines).toContain('AccessDenied: no');
  });
});
