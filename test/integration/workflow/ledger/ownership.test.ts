import type { DynamoLedger } from '../../../../workflow/ledger/dynamo-ledger';
import type { IncidentRecord } from '../../../../workflow/ledger/types';
import { type TestClock, testClock, useDynalite } from '../../../helpers/dynalite';
import { makeDecision, makeRequest } from '../../../helpers/requests';

const db = useDynalite();

/** The ledger side of issue 16 §3: owners, the unresolved listing, the latest incident of a resource, settling. */
describe('DynamoLedger ownership and unresolved incidents', () => {
  let clock: TestClock;
  let ledger: DynamoLedger;
  beforeEach(async () => {
    clock = testClock('2025-03-01T12:00:00.000Z');
    ledger = await db.freshLedger(clock);
  });

  async function open(overrides: Parameters<typeof makeRequest>[0] = {}): Promise<IncidentRecord> {
    return (await ledger.recordIntake(makeRequest(overrides), makeDecision())).incident;
  }

  it('lists ESCALATED_UNRESOLVED incidents apart from the open ones, until resolved', async () => {
    const a = await open();
    await ledger.setStatus(a.incidentId, 'ESCALATED_UNRESOLVED');
    expect(await ledger.listOpenIncidents()).toEqual([]);
    expect((await ledger.listUnresolvedIncidents()).map((i) => i.incidentId)).toEqual([a.incidentId]);
    await ledger.settleUnresolved(a.incidentId, 'resolve', 'U1', clock.now());
    expect(await ledger.listUnresolvedIncidents()).toEqual([]);
  });

  it('settles an unresolved incident once: of concurrent resolves and releases exactly one wins', async () => {
    const a = await open();
    await ledger.setStatus(a.incidentId, 'ESCALATED_UNRESOLVED');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        ledger.settleUnresolved(a.incidentId, i % 2 ? 'release' : 'resolve', `U${i}`, clock.now()),
      ),
    );
    const won = results.filter((r) => r.outcome === 'won');
    expect(won).toHaveLength(1);
    const stored = await ledger.getIncident(a.incidentId);
    expect(won[0]?.outcome === 'won' && won[0].incident.settled).toEqual(stored?.settled);
    expect(stored?.status).toBe(stored?.settled?.how === 'resolve' ? 'RESOLVED' : 'ESCALATED_UNRESOLVED');
  });

  it('rejects settling an incident that is not ESCALATED_UNRESOLVED', async () => {
    const a = await open();
    await expect(ledger.settleUnresolved(a.incidentId, 'resolve', 'U1', clock.now())).resolves.toMatchObject({
      outcome: 'lost',
    });
    expect((await ledger.getIncident(a.incidentId))?.status).toBe('OPEN');
  });

  it('claims: a repeat is a no-op, a takeover returns the replaced owner', async () => {
    const a = await open();
    expect(await ledger.claimIncident(a.incidentId, 'U1', clock.now())).toMatchObject({ outcome: 'claimed' });
    expect(await ledger.claimIncident(a.incidentId, 'U1', clock.now())).toMatchObject({
      outcome: 'already-owner',
    });
    expect(await ledger.claimIncident(a.incidentId, 'U2', clock.now())).toMatchObject({
      outcome: 'claimed',
      previous: 'U1',
    });
    expect((await ledger.getIncident(a.incidentId))?.owner?.userId).toBe('U2');
  });

  it('finds the latest incident of a resource, closed or open', async () => {
    const first = await open({ findingId: 'f-1' });
    await ledger.setStatus(first.incidentId, 'RESTORED');
    expect((await ledger.findLatestIncidentByResource(first.request.resourceKey))?.incidentId).toBe(
      first.incidentId,
    );
    clock.advance(60_000);
    const second = await open({ findingId: 'f-2' });
    expect(second.incidentId).not.toBe(first.incidentId);
    expect((await ledger.findLatestIncidentByResource(first.request.resourceKey))?.incidentId).toBe(
      second.incidentId,
    );
  });
});
