import { ValidationError } from '../../../../workflow/errors';
import { REJECTED_RAW_MAX } from '../../../../workflow/ledger/rejected-store';
import { testClock, useDynalite } from '../../../helpers/dynalite';

const db = useDynalite();

describe('DynamoLedger audit trail', () => {
  it('lists an incident’s events in time order, whatever the append order', async () => {
    const ledger = await db.freshLedger(testClock());
    const at = (s: number) => new Date(Date.UTC(2025, 2, 1, 12, 0, s)).toISOString();

    await ledger.appendAudit({
      incidentId: 'inc-a',
      at: at(30),
      actor: 'workflow',
      action: 'snapshot-volumes',
    });
    await ledger.appendAudit({ incidentId: 'inc-a', at: at(10), actor: 'intake', action: 'incident-opened' });
    await ledger.appendAudit({
      incidentId: 'inc-a',
      at: at(20),
      actor: 'workflow',
      action: 'isolate-network',
      detail: { ids: ['sg-isolation'] },
      inputDigest: 'a'.repeat(64),
      outputDigest: 'b'.repeat(64),
    });
    await ledger.appendAudit({ incidentId: 'inc-b', at: at(15), actor: 'slack:U0X', action: 'approve' });

    const audit = await ledger.listAudit('inc-a');

    expect(audit.map((e) => e.action)).toEqual(['incident-opened', 'isolate-network', 'snapshot-volumes']);
    expect(audit[1]).toEqual({
      incidentId: 'inc-a',
      at: at(20),
      actor: 'workflow',
      action: 'isolate-network',
      detail: { ids: ['sg-isolation'] },
      inputDigest: 'a'.repeat(64),
      outputDigest: 'b'.repeat(64),
    });
    expect(await ledger.listAudit('inc-none')).toEqual([]);
  });

  it('keeps every event with the same timestamp, in append order', async () => {
    const ledger = await db.freshLedger(testClock());
    const at = '2025-03-01T12:00:00.000Z';

    for (const action of ['one', 'two', 'three', 'four']) {
      await ledger.appendAudit({ incidentId: 'inc-a', at, actor: 'workflow', action });
    }
    await Promise.all(
      ['p1', 'p2', 'p3'].map((action) =>
        ledger.appendAudit({ incidentId: 'inc-a', at, actor: 'workflow', action }),
      ),
    );

    const actions = (await ledger.listAudit('inc-a')).map((e) => e.action);
    expect(actions.slice(0, 4)).toEqual(['one', 'two', 'three', 'four']);
    expect(actions.slice(4).sort()).toEqual(['p1', 'p2', 'p3']);
  });

  it('rejects an event without an incidentId', async () => {
    const ledger = await db.freshLedger(testClock());
    await expect(
      ledger.appendAudit({ incidentId: '', at: '2025-03-01T12:00:00.000Z', actor: 'system', action: 'x' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('DynamoLedger rejected events', () => {
  it('keeps rejected raw events with reason and field, oldest first', async () => {
    const ledger = await db.freshLedger(testClock());
    const raw = {
      'detail-type': 'GuardDuty Finding',
      detail: { id: '', severity: 8.0, big: 12345678901234567890n },
    };
    const readable = { 'detail-type': 'GuardDuty Finding', detail: { id: '' } };

    await ledger.recordRejectedEvent({
      rejectedAt: '2025-03-01T12:00:05.000Z',
      reason: 'finding id is empty',
      field: 'detail.id',
      raw: readable,
    });
    await ledger.recordRejectedEvent({
      rejectedAt: '2025-03-01T12:00:01.000Z',
      reason: 'not JSON',
      field: 'body',
      raw: '{"truncated',
    });
    await ledger.recordRejectedEvent({
      rejectedAt: '2025-03-01T12:00:09.000Z',
      reason: 'severity out of range',
      field: 'detail.big',
      raw,
    });

    const rejected = await ledger.listRejectedEvents();

    expect(rejected.map((r) => r.field)).toEqual(['body', 'detail.id', 'detail.big']);
    expect(rejected[0]).toEqual({
      rejectedAt: '2025-03-01T12:00:01.000Z',
      reason: 'not JSON',
      field: 'body',
      raw: '{"truncated',
    });
    expect(rejected[1]?.raw).toEqual(readable);
    expect(rejected[2]?.raw).toEqual({
      'detail-type': 'GuardDuty Finding',
      detail: { id: '', severity: 8, big: '12345678901234567890' },
    });
  });

  it(`cuts a raw event longer than ${REJECTED_RAW_MAX} characters and keeps its text`, async () => {
    const ledger = await db.freshLedger(testClock());
    const raw = { blob: 'x'.repeat(REJECTED_RAW_MAX + 10) };

    await ledger.recordRejectedEvent({
      rejectedAt: '2025-03-01T12:00:00.000Z',
      reason: 'too big',
      field: '',
      raw,
    });

    const [stored] = await ledger.listRejectedEvents();
    expect(typeof stored?.raw).toBe('string');
    expect(String(stored?.raw)).toHaveLength(REJECTED_RAW_MAX);
    expect(String(stored?.raw).startsWith('{"blob":"xxx')).toBe(true);
  });
});
