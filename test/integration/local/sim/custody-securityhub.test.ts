import {
  CreateSnapshotCommand,
  DeleteSnapshotCommand,
  DescribeLockedSnapshotsCommand,
  LockSnapshotCommand,
} from '@aws-sdk/client-ec2';
import { SimulatedAws } from '../../../../local/sim';
import { addFinding } from '../../../../local/sim/build';
import { DEMO, seedDemoEstate } from '../../../../local/sim/seed';
import { configureAwsRetry } from '../../../../workflow/aws/call';
import { WorkflowSettingsSchema } from '../../../../workflow/config';
import { applySnapshotCustody } from '../../../../workflow/domain/ec2/custody';
import { setFindingWorkflow } from '../../../../workflow/domain/incident/security-hub';

/** Snapshot custody and Security Hub updates against the simulated account (the real SDK clients). */

const T = new Date('2026-03-01T12:00:00.000Z');
const target = { accountId: DEMO.accountId, region: DEMO.region };

function estate() {
  const sim = new SimulatedAws({ now: () => T, seed: 1, sleep: async () => {} });
  seedDemoEstate(sim);
  return sim;
}

beforeAll(() => configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0 }));
afterAll(() => configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000 }));

describe('snapshot custody', () => {
  it('locks each evidence snapshot (governance, evidenceRetentionDays by default), and DeleteSnapshot is refused', async () => {
    const sim = estate();
    const clients = sim.clients();
    const volumeId = Object.keys(sim.model.ec2(target).volumes)[0] ?? '';
    const created = await clients.ec2.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    const snapshotId = created.SnapshotId ?? '';
    const config = WorkflowSettingsSchema.parse({});

    const out = await applySnapshotCustody(clients, [snapshotId], config);

    expect(out).toEqual({
      custody: 'lock',
      locked: [snapshotId],
      lockMode: 'governance',
      retentionDays: 90,
      // The lock's expiry as EC2 answered it (LockSnapshot): the report's snapshot-lock retention.
      lockedUntil: { [snapshotId]: '2026-05-30T12:00:00.000Z' },
    });
    expect(sim.model.ec2(target).snapshots[snapshotId]?.lock).toEqual({
      mode: 'governance',
      expiresAt: '2026-05-30T12:00:00.000Z',
      lockedAt: '2026-03-01T12:00:00.000Z',
      durationDays: 90,
    });
    await expect(
      clients.ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })),
    ).rejects.toMatchObject({
      name: 'SnapshotLocked',
    });
    expect(sim.model.ec2(target).snapshots[snapshotId]).toBeDefined();
  });

  it('locks only what is not locked as wanted yet: a re-run makes no second LockSnapshot, a shorter lock is renewed', async () => {
    const sim = estate();
    const clients = sim.clients();
    const volumeId = Object.keys(sim.model.ec2(target).volumes)[0] ?? '';
    const snap = async () =>
      (await clients.ec2.send(new CreateSnapshotCommand({ VolumeId: volumeId }))).SnapshotId ?? '';
    const [a, b] = [await snap(), await snap()];
    const config = WorkflowSettingsSchema.parse({});
    // b is already locked, but for less than evidenceRetentionDays.
    await clients.ec2.send(
      new LockSnapshotCommand({ SnapshotId: b, LockMode: 'governance', LockDuration: 7 }),
    );
    sim.clearCalls();

    expect(await applySnapshotCustody(clients, [a, b], config)).toMatchObject({ locked: [a, b] });
    expect(
      sim.calls({ operation: 'LockSnapshot' }).map((c) => (c.input as { SnapshotId: string }).SnapshotId),
    ).toEqual([a, b]);
    const described = await clients.ec2.send(new DescribeLockedSnapshotsCommand({ SnapshotIds: [a, b] }));
    expect(described.Snapshots?.map((s) => [s.SnapshotId, s.LockState, s.LockDuration])).toEqual([
      [a, 'governance', 90],
      [b, 'governance', 90],
    ]);

    sim.clearCalls();
    expect(await applySnapshotCustody(clients, [a, b], config)).toEqual({
      custody: 'lock',
      locked: [a, b],
      lockMode: 'governance',
      retentionDays: 90,
      // Found locked as wanted (DescribeLockedSnapshots): their expiry, unchanged.
      lockedUntil: { [a]: '2026-05-30T12:00:00.000Z', [b]: '2026-05-30T12:00:00.000Z' },
    });
    expect(sim.mutations()).toEqual([]);
    // Compliance wanted: a governance lock is not enough.
    await applySnapshotCustody(
      clients,
      [a],
      WorkflowSettingsSchema.parse({ snapshotLockMode: 'compliance' }),
    );
    expect(sim.mutations().map((c) => c.operation)).toEqual(['LockSnapshot']);
  });

  it('custody none: leaves the snapshot unlocked (and then it can be deleted)', async () => {
    const sim = estate();
    const clients = sim.clients();
    const volumeId = Object.keys(sim.model.ec2(target).volumes)[0] ?? '';
    const snapshotId =
      (await clients.ec2.send(new CreateSnapshotCommand({ VolumeId: volumeId }))).SnapshotId ?? '';

    const out = await applySnapshotCustody(
      clients,
      [snapshotId],
      WorkflowSettingsSchema.parse({ snapshotCustody: 'none' }),
    );

    expect(out).toEqual({ custody: 'none', locked: [] });
    await clients.ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
    expect(sim.model.ec2(target).snapshots[snapshotId]).toBeUndefined();
  });
});

describe('Security Hub BatchUpdateFindings (simulated)', () => {
  const finding = {
    id: `arn:aws:guardduty:${DEMO.region}:${DEMO.accountId}:detector/12abc34d567e8fa901bc2d34e56789f0/finding/abc`,
    productArn: `arn:aws:securityhub:${DEMO.region}::product/aws/guardduty`,
    derived: true,
  };

  it('sets the workflow status, verification state and note of a GuardDuty finding', async () => {
    const sim = estate();
    addFinding(sim.model, target, { id: finding.id, productArn: finding.productArn });

    const skip = await setFindingWorkflow(sim.clients(), finding, 'SUPPRESSED', 'false positive', {
      updatedBy: 'airlock (Slack U1)',
      verificationState: 'FALSE_POSITIVE',
    });

    expect(skip).toBeUndefined();
    expect(sim.model.region(target).securityhub.findings[finding.id]).toMatchObject({
      workflowStatus: 'SUPPRESSED',
      verificationState: 'FALSE_POSITIVE',
      note: { text: 'false positive', updatedBy: 'airlock (Slack U1)' },
    });
  });

  it('skips (not-enabled) when Security Hub is not enabled: InvalidAccessException "not subscribed"', async () => {
    const sim = estate();
    sim.model.region(target).securityhub.disabled = true;

    const skip = await setFindingWorkflow(sim.clients(), finding, 'RESOLVED', 'approved');

    expect(skip).toMatchObject({ skipped: 'not-enabled' });
    expect(skip?.reason).toMatch(/not subscribed to AWS Security Hub/);
  });

  it('skips (finding-not-found) a derived GuardDuty finding Security Hub never received (UnprocessedFindings)', async () => {
    const skip = await setFindingWorkflow(estate().clients(), finding, 'RESOLVED', 'approved');
    expect(skip).toEqual({ skipped: 'finding-not-found', reason: 'Finding Not Found' });
  });

  it('fails with SecurityHubUpdateError when a finding that came from Security Hub is unprocessed', async () => {
    await expect(
      setFindingWorkflow(estate().clients(), { ...finding, derived: false }, 'RESOLVED', 'approved'),
    ).rejects.toMatchObject({ name: 'SecurityHubUpdateError' });
  });
});
