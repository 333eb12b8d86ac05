import { ConditionalWriteLostError, ResourceNotFoundError } from '../../../../workflow/errors';
import type { DynamoLedger } from '../../../../workflow/ledger/dynamo-ledger';
import { EVIDENCE_CAP, STEP_SUMMARY_MAX, STEPS_CAP } from '../../../../workflow/ledger/lists';
import type { EvidenceItem, IncidentRecord, StepRecord } from '../../../../workflow/ledger/types';
import { type TestClock, testClock, useDynalite } from '../../../helpers/dynalite';
import { makeDecision, makeRequest } from '../../../helpers/requests';

const db = useDynalite();

async function openIncident(
  ledger: DynamoLedger,
  overrides: Parameters<typeof makeRequest>[0] = {},
): Promise<IncidentRecord> {
  return (await ledger.recordIntake(makeRequest(overrides), makeDecision())).incident;
}

function evidence(id: string): EvidenceItem {
  return { id, kind: 'snapshot', at: '2025-03-01T12:01:00.000Z' };
}

function step(name: string, overrides: Partial<StepRecord> = {}): StepRecord {
  return {
    name,
    status: 'ok',
    summary: `${name} done`,
    startedAt: '2025-03-01T12:01:00.000Z',
    endedAt: '2025-03-01T12:01:02.000Z',
    ...overrides,
  };
}

describe('DynamoLedger incidents', () => {
  let clock: TestClock;
  let ledger: DynamoLedger;
  beforeEach(async () => {
    clock = testClock('2025-03-01T12:00:00.000Z');
    ledger = await db.freshLedger(clock);
  });

  it('returns undefined for an unknown incident and resource', async () => {
    expect(await ledger.getIncident('inc-0000000000000000')).toBeUndefined();
    expect(
      await ledger.findOpenIncidentByResource('123456789012:us-east-1:ec2-instance:i-nope'),
    ).toBeUndefined();
  });

  describe('setStatus', () => {
    it('moves a non-terminal status and merges extra fields, staying open', async () => {
      const incident = await openIncident(ledger);
      clock.advance(5_000);

      const updated = await ledger.setStatus(incident.incidentId, 'CONTAINING', {
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:airlock:inc-1',
      });

      expect(updated).toMatchObject({
        status: 'CONTAINING',
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:airlock:inc-1',
        updatedAt: '2025-03-01T12:00:05.000Z',
      });
      expect(updated.closedAt).toBeUndefined();
      expect((await ledger.listOpenIncidents()).map((i) => i.status)).toEqual(['CONTAINING']);
    });

    it('closes on a terminal status: closedAt from the clock, off the open list, lock released', async () => {
      const incident = await openIncident(ledger);
      clock.advance(60_000);

      const closed = await ledger.setStatus(incident.incidentId, 'RESTORED', {
        decidedAt: '2025-03-01T12:00:30.000Z',
      });
      clock.advance(60_000);
      const again = await ledger.setStatus(incident.incidentId, 'RESTORED');

      expect(closed).toMatchObject({
        status: 'RESTORED',
        closedAt: '2025-03-01T12:01:00.000Z',
        decidedAt: '2025-03-01T12:00:30.000Z',
      });
      expect(again.closedAt).toBe('2025-03-01T12:01:00.000Z');
      expect(await ledger.listOpenIncidents()).toEqual([]);
      expect(await ledger.findOpenIncidentByResource(incident.request.resourceKey)).toBeUndefined();
    });

    it('rejects a missing incident with ResourceNotFoundError', async () => {
      await expect(ledger.setStatus('inc-0000000000000000', 'CONTAINING')).rejects.toBeInstanceOf(
        ResourceNotFoundError,
      );
      await expect(ledger.setStatus('inc-0000000000000000', 'RESOLVED')).rejects.toBeInstanceOf(
        ResourceNotFoundError,
      );
    });

    it('rejects moving a terminal incident back to an active status', async () => {
      const incident = await openIncident(ledger);
      await ledger.setStatus(incident.incidentId, 'FAILED', {
        failure: { step: 'isolate-network', error: 'VerificationFailedError', cause: 'eni still has sg-1' },
      });

      await expect(ledger.setStatus(incident.incidentId, 'CONTAINING')).rejects.toBeInstanceOf(
        ConditionalWriteLostError,
      );
      expect((await ledger.getIncident(incident.incidentId))?.status).toBe('FAILED');
    });
  });

  describe('update', () => {
    it('shallow-merges fields and keeps the rest', async () => {
      const incident = await openIncident(ledger);
      await ledger.update(incident.incidentId, { slack: { channel: 'C1', ts: '1.1', reviewChannel: 'C2' } });
      clock.advance(1_000);

      const updated = await ledger.update(incident.incidentId, {
        slack: { channel: 'C1', ts: '1.2' },
        containedAt: '2025-03-01T12:00:01.000Z',
      });

      expect(updated.slack).toEqual({ channel: 'C1', ts: '1.2' });
      expect(updated).toMatchObject({
        status: 'OPEN',
        containedAt: '2025-03-01T12:00:01.000Z',
        updatedAt: '2025-03-01T12:00:01.000Z',
        route: 'contain-ec2',
      });
      expect(await ledger.getIncident(incident.incidentId)).toEqual(updated);
    });

    it('rejects a missing incident with ResourceNotFoundError', async () => {
      await expect(ledger.update('inc-0000000000000000', { containedAt: 'x' })).rejects.toBeInstanceOf(
        ResourceNotFoundError,
      );
    });
  });

  it('lists open incidents oldest first', async () => {
    const ids: string[] = [];
    for (const instance of ['i-0c', 'i-0a', 'i-0b']) {
      ids.push(
        (await openIncident(ledger, { findingId: `f-${instance}`, resource: { instanceId: instance } }))
          .incidentId,
      );
      clock.advance(1_000);
    }
    await ledger.setStatus(String(ids[1]), 'NOTIFIED');

    const open = await ledger.listOpenIncidents();

    expect(open.map((i) => i.incidentId)).toEqual([ids[0], ids[2]]);
  });

  describe('recordPreState', () => {
    it('records the pre-state once; a second call gets the first value back', async () => {
      const incident = await openIncident(ledger);
      const first = { securityGroups: { 'eni-1': ['sg-1'] }, terminationProtection: false };

      const stored = await ledger.recordPreState(incident.incidentId, first);
      const retry = await ledger.recordPreState(incident.incidentId, {
        securityGroups: { 'eni-1': ['sg-isolation'] },
      });

      expect(stored).toEqual(first);
      expect(retry).toEqual(first);
      expect((await ledger.getIncident(incident.incidentId))?.preState).toEqual(first);
    });

    it('keeps exactly one of several concurrent pre-states', async () => {
      const incident = await openIncident(ledger);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => ledger.recordPreState(incident.incidentId, { attempt: i })),
      );
      const stored = (await ledger.getIncident(incident.incidentId))?.preState;
      expect(results.every((r) => JSON.stringify(r) === JSON.stringify(stored))).toBe(true);
    });

    it('rejects a missing incident with ResourceNotFoundError', async () => {
      await expect(ledger.recordPreState('inc-0000000000000000', {})).rejects.toBeInstanceOf(
        ResourceNotFoundError,
      );
    });
  });

  describe('addEvidence', () => {
    it('adds items once: ids already present are skipped', async () => {
      const incident = await openIncident(ledger);

      await ledger.addEvidence(incident.incidentId, [evidence('snap-1'), evidence('snap-2')]);
      await ledger.addEvidence(incident.incidentId, [
        evidence('snap-2'),
        evidence('snap-3'),
        evidence('snap-3'),
      ]);

      const stored = await ledger.getIncident(incident.incidentId);
      expect(stored?.evidence.map((e) => e.id)).toEqual(['snap-1', 'snap-2', 'snap-3']);
    });

    it('lands every item from 4 concurrent snapshot tasks', async () => {
      const incident = await openIncident(ledger);
      const tasks = Array.from({ length: 4 }, (_, t) =>
        ledger.addEvidence(incident.incidentId, [
          evidence(`snap-${t}-a`),
          evidence(`snap-${t}-b`),
          evidence('shared'),
        ]),
      );

      await Promise.all(tasks);

      const ids = (await ledger.getIncident(incident.incidentId))?.evidence.map((e) => e.id) ?? [];
      expect(ids).toHaveLength(9);
      expect(new Set(ids)).toEqual(
        new Set(['shared', ...[0, 1, 2, 3].flatMap((t) => [`snap-${t}-a`, `snap-${t}-b`])]),
      );
    });

    it(`keeps at most ${EVIDENCE_CAP} items and writes the overflow to the audit trail`, async () => {
      const incident = await openIncident(ledger);
      const items = Array.from({ length: EVIDENCE_CAP + 3 }, (_, i) => evidence(`s3://evidence/${i}`));

      await ledger.addEvidence(incident.incidentId, items);

      expect((await ledger.getIncident(incident.incidentId))?.evidence).toHaveLength(EVIDENCE_CAP);
      const overflow = (await ledger.listAudit(incident.incidentId)).find(
        (e) => e.action === 'evidence-overflow',
      );
      expect(overflow?.detail?.items).toEqual(items.slice(EVIDENCE_CAP));
    });

    it('rejects a missing incident with ResourceNotFoundError', async () => {
      await expect(ledger.addEvidence('inc-0000000000000000', [evidence('x')])).rejects.toBeInstanceOf(
        ResourceNotFoundError,
      );
    });
  });

  describe('recordStep', () => {
    it('appends steps and replaces a retried step in place', async () => {
      const incident = await openIncident(ledger);

      await ledger.recordStep(
        incident.incidentId,
        step('isolate-network', { status: 'failed', summary: 'throttled' }),
      );
      await ledger.recordStep(incident.incidentId, step('snapshot-volumes'));
      await ledger.recordStep(incident.incidentId, step('isolate-network', { ids: ['sg-isolation'] }));

      const steps = (await ledger.getIncident(incident.incidentId))?.steps;
      expect(steps?.map((s) => [s.name, s.status])).toEqual([
        ['isolate-network', 'ok'],
        ['snapshot-volumes', 'ok'],
      ]);
      expect(steps?.[0]?.ids).toEqual(['sg-isolation']);
    });

    it('lands every step recorded concurrently', async () => {
      const incident = await openIncident(ledger);
      const names = ['a', 'b', 'c', 'd', 'e', 'f'];

      await Promise.all(names.map((n) => ledger.recordStep(incident.incidentId, step(n))));

      const steps = (await ledger.getIncident(incident.incidentId))?.steps ?? [];
      expect(steps.map((s) => s.name).sort()).toEqual(names);
    });

    it(`keeps the ${STEPS_CAP} most recent steps with summaries cut to ${STEP_SUMMARY_MAX} chars`, async () => {
      const incident = await openIncident(ledger);
      for (let i = 0; i < STEPS_CAP + 2; i += 1) {
        await ledger.recordStep(
          incident.incidentId,
          step(`step-${i}`, { summary: 'x'.repeat(STEP_SUMMARY_MAX + 50) }),
        );
      }

      const steps = (await ledger.getIncident(incident.incidentId))?.steps ?? [];

      expect(steps).toHaveLength(STEPS_CAP);
      expect(steps[0]?.name).toBe('step-2');
      expect(steps.every((s) => s.summary.length === STEP_SUMMARY_MAX)).toBe(true);
    });

    it('rejects a missing incident with ResourceNotFoundError', async () => {
      await expect(ledger.recordStep('inc-0000000000000000', step('x'))).rejects.toBeInstanceOf(
        ResourceNotFoundError,
      );
    });
  });

  it('keeps evidence and steps written concurrently with other updates', async () => {
    const incident = await openIncident(ledger);

    await Promise.all([
      ledger.addEvidence(incident.incidentId, [evidence('snap-a')]),
      ledger.recordStep(incident.incidentId, step('snapshot-volumes')),
      ledger.setStatus(incident.incidentId, 'CONTAINING'),
      ledger.update(incident.incidentId, { slack: { channel: 'C1', ts: '1.1' } }),
      ledger.addEvidence(incident.incidentId, [evidence('snap-b')]),
    ]);

    const stored = await ledger.getIncident(incident.incidentId);
    expect(stored).toMatchObject({ status: 'CONTAINING', slack: { channel: 'C1', ts: '1.1' } });
    expect(stored?.evidence.map((e) => e.id).sort()).toEqual(['snap-a', 'snap-b']);
    expect(stored?.steps.map((s) => s.name)).toEqual(['snapshot-volumes']);
  });
});
