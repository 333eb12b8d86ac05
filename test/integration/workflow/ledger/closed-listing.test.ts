import type { DynamoLedger } from '../../../../workflow/ledger/dynamo-ledger';
import type { IncidentRecord } from '../../../../workflow/ledger/types';
import { type TestClock, testClock, useDynalite } from '../../../helpers/dynalite';
import { FakeLedger } from '../../../helpers/fake-ledger';
import { makeDecision, makeRequest } from '../../../helpers/requests';

const db = useDynalite();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** `/ir stats` lists the incidents closed in a window: gsi1 CLOSED#<day> partitions, one Query per day. */
describe('DynamoLedger.listClosedIncidents (dynalite)', () => {
  let clock: TestClock;
  let ledger: DynamoLedger;
  let n = 0;
  beforeEach(async () => {
    clock = testClock('2025-03-01T12:00:00.000Z');
    ledger = await db.freshLedger(clock);
  });

  async function open(): Promise<IncidentRecord> {
    n += 1;
    const request = makeRequest({
      findingId: `finding-${n}`,
      resource: { kind: 'ec2-instance', instanceId: `i-0000000000000${String(n).padStart(4, '0')}` },
    });
    return (await ledger.recordIntake(request, makeDecision())).incident;
  }

  it('lists incidents closed in (from, to] across days, oldest first, and leaves open ones and /ir list alone', async () => {
    const early = await open();
    await ledger.setStatus(early.incidentId, 'RESOLVED'); // 2025-03-01T12:00 = from: out
    clock.advance(HOUR);
    const a = await open();
    await ledger.setStatus(a.incidentId, 'RESTORED'); // 03-01 13:00
    clock.advance(DAY);
    const b = await open();
    await ledger.setStatus(b.incidentId, 'FAILED'); // 03-02 13:00
    const stillOpen = await open();
    clock.advance(DAY);
    const c = await open();
    await ledger.setStatus(c.incidentId, 'RESOLVED'); // 03-03 13:00 = to: in
    const to = clock.now();
    clock.advance(HOUR);
    const late = await open();
    await ledger.setStatus(late.incidentId, 'RESOLVED'); // after the window

    const listed = await ledger.listClosedIncidents(new Date('2025-03-01T12:00:00.000Z'), to);
    expect(listed.map((i) => i.incidentId)).toEqual([a.incidentId, b.incidentId, c.incidentId]);
    expect(listed.map((i) => i.status)).toEqual(['RESTORED', 'FAILED', 'RESOLVED']);
    expect((await ledger.listOpenIncidents()).map((i) => i.incidentId)).toEqual([stillOpen.incidentId]);
  });

  it('lists an ESCALATED_UNRESOLVED incident (still under UNRESOLVED for /ir list), and once resolved, by its new close', async () => {
    const u = await open();
    await ledger.setStatus(u.incidentId, 'ESCALATED_UNRESOLVED');
    const from = new Date(clock.now().getTime() - DAY);
    expect((await ledger.listClosedIncidents(from, clock.now())).map((i) => i.incidentId)).toEqual([
      u.incidentId,
    ]);
    expect((await ledger.listUnresolvedIncidents()).map((i) => i.incidentId)).toEqual([u.incidentId]);
    clock.advance(2 * DAY);
    await ledger.settleUnresolved(u.incidentId, 'resolve', 'U1', clock.now());
    const later = await ledger.listClosedIncidents(new Date(clock.now().getTime() - HOUR), clock.now());
    expect(later.map((i) => [i.incidentId, i.status])).toEqual([[u.incidentId, 'RESOLVED']]);
    expect(await ledger.listUnresolvedIncidents()).toEqual([]);
  });

  it('windows a released incident by the closedAt it keeps, not by when the release wrote RESTORED', async () => {
    const u = await open();
    await ledger.setStatus(u.incidentId, 'ESCALATED_UNRESOLVED');
    const closedAt = clock.now().toISOString();
    clock.advance(2 * DAY);
    await ledger.setStatus(u.incidentId, 'RESTORED'); // the release execution, two days later
    const recent = await ledger.listClosedIncidents(new Date(clock.now().getTime() - DAY), clock.now());
    expect(recent).toEqual([]);
    const all = await ledger.listClosedIncidents(new Date(clock.now().getTime() - 3 * DAY), clock.now());
    expect(all.map((i) => [i.incidentId, i.status, i.closedAt])).toEqual([
      [u.incidentId, 'RESTORED', closedAt],
    ]);
  });

  it('follows every page of a day (LastEvaluatedKey)', async () => {
    // Items of ~3 KB each: 400+ of them pass dynalite's 1 MB page, so one day's Query needs a second page.
    const ids: string[] = [];
    for (let i = 0; i < 420; i += 1) {
      const incident = await open();
      await ledger.update(incident.incidentId, { preState: { padding: 'x'.repeat(3_000) } });
      await ledger.setStatus(incident.incidentId, 'RESOLVED');
      ids.push(incident.incidentId);
      clock.advance(100);
    }
    const listed = await ledger.listClosedIncidents(new Date(clock.now().getTime() - DAY), clock.now());
    expect(listed).toHaveLength(420);
    expect(new Set(listed.map((i) => i.incidentId))).toEqual(new Set(ids));
  }, 60_000);

  it('lists IGNORED incidents (closed at intake)', async () => {
    const request = makeRequest({ findingId: 'ignored-1' });
    const { incident } = await ledger.recordIntake(request, { route: 'ignore', reason: 'sample finding' });
    expect(incident.status).toBe('IGNORED');
    const listed = await ledger.listClosedIncidents(new Date(clock.now().getTime() - HOUR), clock.now());
    expect(listed.map((i) => i.incidentId)).toEqual([incident.incidentId]);
  });
});

describe('FakeLedger.listClosedIncidents', () => {
  it('has the same window semantics: (from, to] on closedAt, oldest first', async () => {
    const clock = testClock('2025-03-01T12:00:00.000Z');
    const ledger = new FakeLedger({ clock });
    const first = await ledger.recordIntake(makeRequest({ findingId: 'f1' }), makeDecision());
    await ledger.setStatus(first.incident.incidentId, 'RESOLVED');
    clock.advance(HOUR);
    const second = await ledger.recordIntake(
      makeRequest({ findingId: 'f2', resource: { kind: 'ec2-instance', instanceId: 'i-00000000000000002' } }),
      makeDecision(),
    );
    await ledger.setStatus(second.incident.incidentId, 'RESTORED');
    const listed = await ledger.listClosedIncidents(new Date('2025-03-01T12:00:00.000Z'), clock.now());
    expect(listed.map((i) => i.incidentId)).toEqual([second.incident.incidentId]);
  });
});
