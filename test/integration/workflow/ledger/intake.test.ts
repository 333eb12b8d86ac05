import { incidentIdFor } from '../../../../workflow/intake/ids';
import type { IntakeResult } from '../../../../workflow/ledger/types';
import { testClock, useDynalite } from '../../../helpers/dynalite';
import { makeAccessKeyRequest, makeDecision, makeRequest } from '../../../helpers/requests';

const db = useDynalite();

function incidentItems(items: Record<string, unknown>[]): Record<string, unknown>[] {
  return items.filter((i) => String(i.pk).startsWith('INC#') && i.sk === 'META');
}

function outcomes(results: IntakeResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  return counts;
}

describe('DynamoLedger.recordIntake', () => {
  it('opens an incident for a new finding, takes the resource lock and lists it as open', async () => {
    const clock = testClock('2025-03-01T12:00:00.000Z');
    const ledger = await db.freshLedger(clock);
    const request = makeRequest({
      firstSeen: '2025-02-27T08:00:00.000Z',
      lastSeen: '2025-03-01T11:58:00.000Z',
    });

    const result = await ledger.recordIntake(request, makeDecision());

    expect(result.outcome).toBe('opened');
    expect(result.incident).toMatchObject({
      incidentId: incidentIdFor(request.dedupeKey),
      status: 'OPEN',
      route: 'contain-ec2',
      routeReason: makeDecision().reason,
      findingCount: 1,
      evidence: [],
      steps: [],
      detectedAt: '2025-03-01T12:00:00.000Z', // when Airlock received it
      createdAt: '2025-03-01T12:00:00.000Z',
      updatedAt: '2025-03-01T12:00:00.000Z',
    });
    expect(result.incident.request).toEqual(request);
    expect(result.incident).not.toHaveProperty('pk');
    expect(result.incident).not.toHaveProperty('gsi1pk');
    expect(await ledger.getIncident(result.incident.incidentId)).toEqual(result.incident);
    expect((await ledger.findOpenIncidentByResource(request.resourceKey))?.incidentId).toBe(
      result.incident.incidentId,
    );
    expect((await ledger.listOpenIncidents()).map((i) => i.incidentId)).toEqual([result.incident.incidentId]);
    const audit = await ledger.listAudit(result.incident.incidentId);
    expect(audit.map((e) => e.action)).toEqual(['incident-opened']);
    expect(audit[0]).toMatchObject({ actor: 'intake', detail: { route: 'contain-ec2', status: 'OPEN' } });
  });

  it('absorbs a repeat of the same finding without a second incident or audit event', async () => {
    const table = await db.freshTable(testClock());
    const request = makeRequest();
    const opened = await table.ledger.recordIntake(request, makeDecision());

    const repeat = await table.ledger.recordIntake(request, makeDecision());

    expect(repeat.outcome).toBe('repeat');
    expect(repeat.incident).toEqual(opened.incident);
    expect(incidentItems(await table.scan())).toHaveLength(1);
    expect((await table.ledger.listAudit(opened.incident.incidentId)).map((e) => e.action)).toEqual([
      'incident-opened',
    ]);
  });

  it('keeps the highest count of a republished finding and audits "finding-updated" once per increase', async () => {
    const clock = testClock();
    const ledger = await db.freshLedger(clock);
    const opened = await ledger.recordIntake(makeRequest({ count: 2 }), makeDecision());
    clock.advance(6 * 3600_000);

    const higher = await ledger.recordIntake(
      makeRequest({ count: 9, lastSeen: '2025-03-01T18:00:00.000Z' }),
      makeDecision(),
    );
    const lower = await ledger.recordIntake(makeRequest({ count: 5 }), makeDecision());

    expect(higher.outcome).toBe('repeat');
    expect(higher.incident.request.count).toBe(9);
    expect(higher.incident.request.lastSeen).toBe('2025-03-01T18:00:00.000Z');
    expect(higher.incident.findingCount).toBe(1);
    expect(lower.outcome).toBe('repeat');
    expect(lower.incident.request.count).toBe(9);
    const updates = (await ledger.listAudit(opened.incident.incidentId)).filter(
      (e) => e.action === 'finding-updated',
    );
    expect(updates).toHaveLength(1);
    expect(updates[0]?.detail).toMatchObject({ count: 9, previousCount: 2 });
  });

  it('attaches a different finding for a resource with an open incident (+1 finding)', async () => {
    const ledger = await db.freshLedger(testClock());
    const first = await ledger.recordIntake(makeRequest(), makeDecision());
    const second = makeRequest({ findingId: 'f-second', type: 'Backdoor:EC2/C&CActivity.B!DNS' });

    const attached = await ledger.recordIntake(second, makeDecision());
    const repeatOfAttached = await ledger.recordIntake({ ...second, count: 3 }, makeDecision());

    expect(attached.outcome).toBe('attached');
    expect(attached.incident.incidentId).toBe(first.incident.incidentId);
    expect(attached.incident.findingCount).toBe(2);
    expect(attached.incident.request.dedupeKey).toBe(first.incident.request.dedupeKey);
    expect(repeatOfAttached.outcome).toBe('repeat');
    expect(repeatOfAttached.incident.incidentId).toBe(first.incident.incidentId);
    expect(repeatOfAttached.incident.findingCount).toBe(2);
    const audit = await ledger.listAudit(first.incident.incidentId);
    expect(audit.map((e) => e.action)).toEqual(['incident-opened', 'finding-attached', 'finding-updated']);
    expect(audit[1]?.detail).toMatchObject({
      summary: '+1 finding',
      dedupeKey: second.dedupeKey,
      type: 'Backdoor:EC2/C&CActivity.B!DNS',
      findingCount: 2,
    });
    expect(await ledger.getIncident(incidentIdFor(second.dedupeKey))).toBeUndefined();
  });

  it('records an ignored finding as IGNORED and closed, without taking the resource lock', async () => {
    const clock = testClock();
    const ledger = await db.freshLedger(clock);

    const ignored = await ledger.recordIntake(makeRequest({ sample: true }), {
      route: 'ignore',
      reason: 'sample finding',
    });
    const real = await ledger.recordIntake(makeRequest({ findingId: 'f-real' }), makeDecision());

    expect(ignored.outcome).toBe('opened');
    expect(ignored.incident).toMatchObject({
      status: 'IGNORED',
      route: 'ignore',
      closedAt: ignored.incident.createdAt,
    });
    expect(real.outcome).toBe('opened');
    expect(real.incident.incidentId).not.toBe(ignored.incident.incidentId);
    expect((await ledger.listOpenIncidents()).map((i) => i.incidentId)).toEqual([real.incident.incidentId]);
    expect((await ledger.findOpenIncidentByResource(real.incident.request.resourceKey))?.incidentId).toBe(
      real.incident.incidentId,
    );
  });

  it('opens a new incident once a terminal status released the resource', async () => {
    const clock = testClock();
    const ledger = await db.freshLedger(clock);
    const first = await ledger.recordIntake(makeRequest(), makeDecision());
    await ledger.setStatus(first.incident.incidentId, 'RESOLVED');
    clock.advance(60_000);

    const later = await ledger.recordIntake(makeRequest({ findingId: 'f-later' }), makeDecision());

    expect(later.outcome).toBe('opened');
    expect(later.incident.incidentId).not.toBe(first.incident.incidentId);
    expect(later.incident.findingCount).toBe(1);
    expect((await ledger.getIncident(first.incident.incidentId))?.findingCount).toBe(1);
  });

  it('takes over a stale lock whose incident is terminal (a release that never happened)', async () => {
    const table = await db.freshTable(testClock());
    const first = await table.ledger.recordIntake(makeRequest(), makeDecision());
    const meta = (await table.scan()).find(
      (i) => i.pk === `INC#${first.incident.incidentId}` && i.sk === 'META',
    );
    // A crash between the status write and the lock delete: terminal incident, lock still in place.
    await table.put({ ...meta, status: 'FAILED', gsi1pk: undefined, gsi1sk: undefined });

    const next = await table.ledger.recordIntake(makeRequest({ findingId: 'f-next' }), makeDecision());

    expect(next.outcome).toBe('opened');
    expect(
      (await table.ledger.findOpenIncidentByResource(next.incident.request.resourceKey))?.incidentId,
    ).toBe(next.incident.incidentId);
  });

  it('keeps one open incident per resource kind: an access key and an instance do not collide', async () => {
    const ledger = await db.freshLedger(testClock());
    const ec2 = await ledger.recordIntake(makeRequest(), makeDecision());
    const key = await ledger.recordIntake(makeAccessKeyRequest(), makeDecision({ route: 'contain-iam' }));
    expect([ec2.outcome, key.outcome]).toEqual(['opened', 'opened']);
    expect(await ledger.listOpenIncidents()).toHaveLength(2);
  });

  describe('crash + retry converges', () => {
    it('finishes an incident when only the finding item was written', async () => {
      const table = await db.freshTable(testClock());
      const request = makeRequest();
      const incidentId = incidentIdFor(request.dedupeKey);
      await table.put({
        pk: `FINDING#${request.dedupeKey}`,
        sk: 'META',
        incidentId,
        dedupeKey: request.dedupeKey,
        count: 1,
        lastSeen: request.lastSeen,
      });

      const retry = await table.ledger.recordIntake(request, makeDecision());

      expect(retry.outcome).toBe('repeat');
      expect(retry.incident).toMatchObject({ incidentId, status: 'OPEN', findingCount: 1 });
      expect((await table.ledger.findOpenIncidentByResource(request.resourceKey))?.incidentId).toBe(
        incidentId,
      );
    });

    it('writes the lock holder’s incident from the lock when the opener crashed after locking', async () => {
      const table = await db.freshTable(testClock());
      const opener = makeRequest();
      const openerId = incidentIdFor(opener.dedupeKey);
      await table.put({ pk: `FINDING#${opener.dedupeKey}`, sk: 'META', incidentId: openerId, count: 1 });
      await table.put({
        pk: `RES#${opener.resourceKey}`,
        sk: 'OPEN',
        incidentId: openerId,
        request: opener,
        route: 'contain-ec2',
        routeReason: 'planted',
        createdAt: '2025-03-01T11:59:00.000Z',
      });

      const other = await table.ledger.recordIntake(makeRequest({ findingId: 'f-other' }), makeDecision());

      expect(other.outcome).toBe('attached');
      expect(other.incident).toMatchObject({
        incidentId: openerId,
        routeReason: 'planted',
        findingCount: 2,
        createdAt: '2025-03-01T11:59:00.000Z',
      });
      const openerRetry = await table.ledger.recordIntake(opener, makeDecision());
      expect(openerRetry.outcome).toBe('repeat');
      expect(openerRetry.incident.incidentId).toBe(openerId);
      expect(incidentItems(await table.scan())).toHaveLength(1);
    });

    it('does not count an attached finding twice when the crash came after counting', async () => {
      const table = await db.freshTable(testClock());
      const first = await table.ledger.recordIntake(makeRequest(), makeDecision());
      const second = makeRequest({ findingId: 'f-second' });
      await table.ledger.recordIntake(second, makeDecision());
      // Undo the last step (re-pointing the finding), as if the process died just before it.
      await table.put({
        pk: `FINDING#${second.dedupeKey}`,
        sk: 'META',
        incidentId: incidentIdFor(second.dedupeKey),
        count: 1,
      });

      const retry = await table.ledger.recordIntake(second, makeDecision());

      expect(retry.outcome).toBe('repeat');
      expect(retry.incident.incidentId).toBe(first.incident.incidentId);
      expect(retry.incident.findingCount).toBe(2);
      const finding = (await table.scan()).find((i) => i.pk === `FINDING#${second.dedupeKey}`);
      expect(finding?.incidentId).toBe(first.incident.incidentId);
    });
  });

  describe('under concurrency', () => {
    it('20 concurrent intakes of the same finding open exactly one incident (19 repeats)', async () => {
      const table = await db.freshTable(testClock());
      const request = makeRequest();

      const results = await Promise.all(
        Array.from({ length: 20 }, () => table.ledger.recordIntake(request, makeDecision())),
      );

      expect(outcomes(results)).toEqual({ opened: 1, repeat: 19 });
      expect(new Set(results.map((r) => r.incident.incidentId))).toEqual(
        new Set([incidentIdFor(request.dedupeKey)]),
      );
      expect(incidentItems(await table.scan())).toHaveLength(1);
      expect(results.every((r) => r.incident.findingCount === 1)).toBe(true);
      const audit = await table.ledger.listAudit(incidentIdFor(request.dedupeKey));
      expect(audit.map((e) => e.action)).toEqual(['incident-opened']);
    });

    it('concurrent different findings for one resource: exactly one opened, the rest attached', async () => {
      const table = await db.freshTable(testClock());
      const requests = Array.from({ length: 8 }, (_, i) => makeRequest({ findingId: `f-${i}` }));

      const results = await Promise.all(requests.map((r) => table.ledger.recordIntake(r, makeDecision())));

      expect(outcomes(results)).toEqual({ opened: 1, attached: 7 });
      const ids = new Set(results.map((r) => r.incident.incidentId));
      expect(ids.size).toBe(1);
      const [incidentId] = [...ids];
      expect(incidentItems(await table.scan())).toHaveLength(1);
      expect((await table.ledger.getIncident(String(incidentId)))?.findingCount).toBe(8);
      const attachedAudit = (await table.ledger.listAudit(String(incidentId))).filter(
        (e) => e.action === 'finding-attached',
      );
      expect(attachedAudit).toHaveLength(7);
    });

    it('a storm of 5 findings × 4 deliveries each converges on one incident counting 5 findings', async () => {
      const table = await db.freshTable(testClock());
      const requests = Array.from({ length: 5 }, (_, i) => makeRequest({ findingId: `storm-${i}` }));
      const deliveries = requests.flatMap((r) => [r, r, r, r]);

      const results = await Promise.all(deliveries.map((r) => table.ledger.recordIntake(r, makeDecision())));

      expect(outcomes(results)).toEqual({ opened: 1, attached: 4, repeat: 15 });
      expect(new Set(results.map((r) => r.incident.incidentId)).size).toBe(1);
      expect(incidentItems(await table.scan())).toHaveLength(1);
      expect((await table.ledger.getIncident(results[0]?.incident.incidentId ?? ''))?.findingCount).toBe(5);
    });
  });
});
