import { ValidationError } from '../../../../workflow/errors';
import { run } from '../../../../workflow/tasks/open-ticket';
import { makeRequest } from '../../../helpers/requests';
import { makeHarness, seedIncident } from '../domain/incident/harness';

describe('OpenTicket task', () => {
  it('opens the ticket without touching the target account', async () => {
    const h = makeHarness();
    const base = await seedIncident(h, makeRequest(), 'contain-ec2');

    const out = await run(h.deps, JSON.parse(JSON.stringify(base)));

    expect(out).toEqual({ ticketId: `AIRLOCK-${base.incidentId}` });
    expect(h.targets).toEqual([]);
  });

  it('rejects an input without an incident id, naming the field', async () => {
    const h = makeHarness();
    const base = await seedIncident(h, makeRequest(), 'contain-ec2');

    const error = await run(h.deps, { ...base, incidentId: '' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('incidentId');
  });
});
