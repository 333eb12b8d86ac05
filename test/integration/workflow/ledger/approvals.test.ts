import { ResourceNotFoundError, ValidationError } from '../../../../workflow/errors';
import type { DynamoLedger } from '../../../../workflow/ledger/dynamo-ledger';
import type { ApprovalRecord } from '../../../../workflow/ledger/types';
import { type TestClock, testClock, useDynalite } from '../../../helpers/dynalite';

const db = useDynalite();

function makeApproval(overrides: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    approvalId: 'apr-0123456789abcdef',
    incidentId: 'inc-0123456789abcdef',
    taskToken: 'AQCEAAAAKgAAAAMAAAAAAAAAAfirst+token/==',
    kind: 'primary',
    requesterSlackUserId: 'U0REQUEST',
    createdAt: '2025-03-01T12:00:00.000Z',
    expiresAt: '2025-03-01T16:00:00.000Z',
    ...overrides,
  };
}

const BEFORE_EXPIRY = new Date('2025-03-01T13:00:00.000Z');

describe('DynamoLedger approvals', () => {
  let clock: TestClock;
  let ledger: DynamoLedger;
  beforeEach(async () => {
    clock = testClock('2025-03-01T12:00:00.000Z');
    ledger = await db.freshLedger(clock);
  });

  describe('createApproval', () => {
    it('stores the approval with its task token and returns it', async () => {
      const created = await ledger.createApproval(makeApproval());

      expect(created).toEqual(makeApproval());
      expect(await ledger.getApproval(created.approvalId)).toEqual(makeApproval());
      expect(await ledger.getApproval('apr-ffffffffffffffff')).toBeUndefined();
    });

    it('is idempotent, and a retry with a new task token replaces token and expiry', async () => {
      await ledger.createApproval(makeApproval());

      const same = await ledger.createApproval(makeApproval());
      const retried = await ledger.createApproval(
        makeApproval({ taskToken: 'second-token', expiresAt: '2025-03-01T17:00:00.000Z' }),
      );

      expect(same).toEqual(makeApproval());
      expect(retried).toMatchObject({ taskToken: 'second-token', expiresAt: '2025-03-01T17:00:00.000Z' });
      expect((await ledger.getApproval(retried.approvalId))?.taskToken).toBe('second-token');
    });

    it('returns a decided approval as it is (its token is spent)', async () => {
      await ledger.createApproval(makeApproval());
      await ledger.decide('apr-0123456789abcdef', 'approve', 'U0APPROVER', BEFORE_EXPIRY);

      const again = await ledger.createApproval(makeApproval({ taskToken: 'late-token' }));

      expect(again).toMatchObject({ taskToken: makeApproval().taskToken, decision: 'approve' });
    });

    it('rejects an expiresAt that is not a timestamp', async () => {
      await expect(
        ledger.createApproval(makeApproval({ expiresAt: 'in four hours' })),
      ).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('decide', () => {
    it('records the first decision', async () => {
      await ledger.createApproval(makeApproval());

      const result = await ledger.decide('apr-0123456789abcdef', 'reject', 'U0APPROVER', BEFORE_EXPIRY);

      expect(result).toEqual({
        outcome: 'won',
        approval: {
          ...makeApproval(),
          decision: 'reject',
          decidedBy: 'U0APPROVER',
          decidedAt: BEFORE_EXPIRY.toISOString(),
        },
      });
    });

    it('10 concurrent decisions: exactly one wins, nine learn who decided', async () => {
      await ledger.createApproval(makeApproval());
      const clickers = Array.from({ length: 10 }, (_, i) => `U0CLICK${i}`);

      const results = await Promise.all(
        clickers.map((user, i) =>
          ledger.decide('apr-0123456789abcdef', i % 2 ? 'approve' : 'reject', user, BEFORE_EXPIRY),
        ),
      );

      const won = results.filter((r) => r.outcome === 'won');
      const lost = results.filter((r) => r.outcome === 'already-decided');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(9);
      const winner = won[0]?.outcome === 'won' ? won[0].approval : undefined;
      expect(clickers).toContain(winner?.decidedBy);
      for (const r of lost) {
        expect(r.outcome === 'already-decided' && r.approval.decidedBy).toBe(winner?.decidedBy);
        expect(r.outcome === 'already-decided' && r.approval.decision).toBe(winner?.decision);
      }
      expect((await ledger.getApproval('apr-0123456789abcdef'))?.decidedBy).toBe(winner?.decidedBy);
    });

    it('fails as expired at or after expiresAt', async () => {
      await ledger.createApproval(makeApproval());

      const atExpiry = await ledger.decide(
        'apr-0123456789abcdef',
        'approve',
        'U0LATE',
        new Date('2025-03-01T16:00:00.000Z'),
      );

      expect(atExpiry.outcome).toBe('expired');
      expect(atExpiry.outcome === 'expired' && atExpiry.approval.decision).toBeUndefined();
    });

    it('fails as expired once the workflow expired it, even before expiresAt', async () => {
      await ledger.createApproval(makeApproval());
      clock.set('2025-03-01T12:30:00.000Z');
      await ledger.expireApproval('apr-0123456789abcdef', 'U0SOCLEAD');

      const result = await ledger.decide('apr-0123456789abcdef', 'approve', 'U0LATE', BEFORE_EXPIRY);

      expect(result.outcome).toBe('expired');
      expect(result.outcome === 'expired' && result.approval).toMatchObject({
        expiredAt: '2025-03-01T12:30:00.000Z',
        escalatedTo: 'U0SOCLEAD',
      });
    });

    it('fails as not-found for an unknown approval', async () => {
      expect(await ledger.decide('apr-ffffffffffffffff', 'approve', 'U0X', BEFORE_EXPIRY)).toEqual({
        outcome: 'not-found',
      });
    });
  });

  describe('expireApproval', () => {
    it('keeps the first expiry time when called again', async () => {
      await ledger.createApproval(makeApproval());
      await ledger.expireApproval('apr-0123456789abcdef');
      clock.advance(60_000);

      await ledger.expireApproval('apr-0123456789abcdef', 'U0SOCLEAD');

      expect(await ledger.getApproval('apr-0123456789abcdef')).toMatchObject({
        expiredAt: '2025-03-01T12:00:00.000Z',
        escalatedTo: 'U0SOCLEAD',
      });
    });

    it('leaves a decided approval alone', async () => {
      await ledger.createApproval(makeApproval());
      await ledger.decide('apr-0123456789abcdef', 'approve', 'U0APPROVER', BEFORE_EXPIRY);

      await ledger.expireApproval('apr-0123456789abcdef', 'U0SOCLEAD');

      const stored = await ledger.getApproval('apr-0123456789abcdef');
      expect(stored).toMatchObject({ decision: 'approve', decidedBy: 'U0APPROVER' });
      expect(stored?.expiredAt).toBeUndefined();
      expect(stored?.escalatedTo).toBeUndefined();
    });

    it('rejects an unknown approval with ResourceNotFoundError', async () => {
      await expect(ledger.expireApproval('apr-ffffffffffffffff')).rejects.toBeInstanceOf(
        ResourceNotFoundError,
      );
    });
  });

  describe('addApprovalMessage', () => {
    it('adds each (channel, ts) once', async () => {
      await ledger.createApproval(makeApproval());

      await ledger.addApprovalMessage('apr-0123456789abcdef', { channel: 'C0IR', ts: '1740830400.000100' });
      await ledger.addApprovalMessage('apr-0123456789abcdef', { channel: 'D0LEAD', ts: '1740830401.000200' });
      await ledger.addApprovalMessage('apr-0123456789abcdef', { channel: 'C0IR', ts: '1740830400.000100' });

      expect((await ledger.getApproval('apr-0123456789abcdef'))?.slack).toEqual([
        { channel: 'C0IR', ts: '1740830400.000100' },
        { channel: 'D0LEAD', ts: '1740830401.000200' },
      ]);
    });

    it('keeps every reference added concurrently, without duplicates', async () => {
      await ledger.createApproval(makeApproval());
      const refs = Array.from({ length: 6 }, (_, i) => ({ channel: `D0USER${i}`, ts: `17408304${i}.0001` }));

      await Promise.all(
        [...refs, ...refs].map((ref) => ledger.addApprovalMessage('apr-0123456789abcdef', ref)),
      );

      const stored = (await ledger.getApproval('apr-0123456789abcdef'))?.slack ?? [];
      expect(stored).toHaveLength(6);
      expect(new Set(stored.map((r) => r.channel))).toEqual(new Set(refs.map((r) => r.channel)));
    });

    it('rejects an unknown approval with ResourceNotFoundError', async () => {
      await expect(
        ledger.addApprovalMessage('apr-ffffffffffffffff', { channel: 'C0IR', ts: '1.1' }),
      ).rejects.toBeInstanceOf(ResourceNotFoundError);
    });
  });
});
