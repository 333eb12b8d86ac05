import { type LocalDynamo, startDynalite } from '../../../local/dynalite';
import { approvalIdFor, dedupeKeyFor, resourceKeyFor } from '../../../workflow/intake/ids';
import { DynamoLedger } from '../../../workflow/ledger/dynamo-ledger';
import type { Ledger } from '../../../workflow/ledger/ledger';
import type { ApprovalRecord } from '../../../workflow/ledger/types';
import { FakeLedger, makeRequest } from '../../helpers/fake-ledger';

/**
 * The in-memory FakeLedger must behave like DynamoLedger wherever the bot relies on it: the same scenarios run
 * against both (DynamoLedger on dynalite).
 */
let dynamo: LocalDynamo;
let tables = 0;
let now = new Date('2026-11-22T08:00:00.000Z');
const clock = { now: () => now };

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

const ledgers: [string, () => Promise<Ledger>][] = [
  ['FakeLedger', async () => new FakeLedger({ clock })],
  [
    'DynamoLedger',
    async () => {
      const tableName = `contract-${++tables}`;
      await dynamo.createTable(tableName);
      return new DynamoLedger({ doc: dynamo.doc, tableName, clock });
    },
  ],
];

function request(findingId: string, instanceId = 'i-0abc1234def567890') {
  return makeRequest({
    findingId,
    dedupeKey: dedupeKeyFor('123456789012', 'us-east-1', findingId),
    resourceKey: resourceKeyFor('123456789012', 'us-east-1', 'ec2-instance', instanceId),
    resource: { kind: 'ec2-instance', rawType: 'Instance', instanceId },
  });
}

describe.each(ledgers)('%s', (_name, make) => {
  let ledger: Ledger;
  beforeEach(async () => {
    now = new Date('2026-11-22T08:00:00.000Z');
    ledger = await make();
  });

  async function approval(): Promise<ApprovalRecord> {
    const { incident } = await ledger.recordIntake(request('f-1'), { route: 'contain-ec2', reason: 'r' });
    return ledger.createApproval({
      approvalId: approvalIdFor(incident.incidentId, 'primary'),
      incidentId: incident.incidentId,
      taskToken: 'token-1',
      kind: 'primary',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 3600_000).toISOString(),
    });
  }

  it('opens one incident per finding, absorbs repeats, attaches other findings of the resource', async () => {
    const a = await ledger.recordIntake(request('f-1'), { route: 'contain-ec2', reason: 'r' });
    const b = await ledger.recordIntake(request('f-1'), { route: 'contain-ec2', reason: 'r' });
    const c = await ledger.recordIntake(request('f-2'), { route: 'contain-ec2', reason: 'r' });
    expect([a.outcome, b.outcome, c.outcome]).toEqual(['opened', 'repeat', 'attached']);
    expect(c.incident.incidentId).toBe(a.incident.incidentId);
    expect((await ledger.getIncident(a.incident.incidentId))?.findingCount).toBe(2);
    expect(a.incident.detectedAt).toBe(a.incident.createdAt);
  });

  it('releases the resource on a terminal status', async () => {
    const a = await ledger.recordIntake(request('f-1'), { route: 'contain-ec2', reason: 'r' });
    const key = a.incident.request.resourceKey;
    expect((await ledger.findOpenIncidentByResource(key))?.incidentId).toBe(a.incident.incidentId);
    await ledger.setStatus(a.incident.incidentId, 'RESOLVED');
    expect(await ledger.findOpenIncidentByResource(key)).toBeUndefined();
    expect(await ledger.listOpenIncidents()).toHaveLength(0);
  });

  it('decide: exactly one of 10 concurrent decisions wins; the others learn who won', async () => {
    const a = await approval();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        ledger.decide(a.approvalId, i % 2 ? 'approve' : 'reject', `U${i}`, now),
      ),
    );
    expect(results.filter((r) => r.outcome === 'won')).toHaveLength(1);
    const won = results.find((r) => r.outcome === 'won');
    for (const r of results.filter((x) => x.outcome !== 'won')) {
      expect(r).toMatchObject({
        outcome: 'already-decided',
        approval: { decidedBy: won && 'approval' in won ? won.approval.decidedBy : '' },
      });
    }
  });

  it('decide: expired at expiresAt, and once expireApproval ran (with whom it escalated to)', async () => {
    const a = await approval();
    expect((await ledger.decide(a.approvalId, 'approve', 'U1', new Date(a.expiresAt))).outcome).toBe(
      'expired',
    );
    await ledger.expireApproval(a.approvalId, 'U0LEAD');
    const r = await ledger.decide(a.approvalId, 'approve', 'U1', now);
    expect(r).toMatchObject({ outcome: 'expired', approval: { escalatedTo: 'U0LEAD' } });
    expect((await ledger.getApproval(a.approvalId))?.expiredAt).toBeDefined();
    expect((await ledger.decide('apr-0000000000000000', 'approve', 'U1', now)).outcome).toBe('not-found');
  });

  it('createApproval is idempotent; a retried task brings a new token that replaces the undecided one', async () => {
    const a = await approval();
    const again = await ledger.createApproval({ ...a, taskToken: 'token-2' });
    expect(again.taskToken).toBe('token-2');
    await ledger.decide(a.approvalId, 'approve', 'U1', now);
    expect((await ledger.createApproval({ ...a, taskToken: 'token-3' })).taskToken).toBe('token-2');
  });

  it('addApprovalMessage keeps each message once', async () => {
    const a = await approval();
    await ledger.addApprovalMessage(a.approvalId, { channel: 'C1', ts: '1.000100' });
    await ledger.addApprovalMessage(a.approvalId, { channel: 'C1', ts: '1.000100' });
    await ledger.addApprovalMessage(a.approvalId, { channel: 'D1', ts: '1.000200' });
    expect((await ledger.getApproval(a.approvalId))?.slack).toEqual([
      { channel: 'C1', ts: '1.000100' },
      { channel: 'D1', ts: '1.000200' },
    ]);
  });

  it('recordStep replaces a step by name (keeping `notified` only if the new record has it)', async () => {
    const { incident } = await ledger.recordIntake(request('f-1'), { route: 'contain-ec2', reason: 'r' });
    const step = {
      name: 's',
      status: 'ok' as const,
      summary: 'one',
      startedAt: now.toISOString(),
      endedAt: now.toISOString(),
    };
    await ledger.recordStep(incident.incidentId, step);
    await ledger.recordStep(incident.incidentId, { ...step, notified: true });
    expect((await ledger.getIncident(incident.incidentId))?.steps).toEqual([{ ...step, notified: true }]);
    await ledger.recordStep(incident.incidentId, { ...step, summary: 'retried' });
    expect((await ledger.getIncident(incident.incidentId))?.steps).toEqual([{ ...step, summary: 'retried' }]);
  });
});
