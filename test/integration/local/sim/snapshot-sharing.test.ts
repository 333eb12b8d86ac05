import {
  CopySnapshotCommand,
  CreateSnapshotCommand,
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
  ModifySnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';
import { SimulatedAws } from '../../../../local/sim';
import { DEMO, seedDemoEstate } from '../../../../local/sim/seed';
import { configureAwsRetry } from '../../../../workflow/aws/call';
import { WorkflowSettingsSchema } from '../../../../workflow/config';
import { applySnapshotCustody } from '../../../../workflow/domain/ec2/custody';
import { SnapshotPendingError } from '../../../../workflow/errors';

/** EBS snapshot sharing and cross-account copy in the simulator, and custody `copy` on top of it. */

const T = new Date('2026-03-01T12:00:00.000Z');
const member = { accountId: DEMO.accountId, region: DEMO.region };
const IR = { accountId: '999900001111', region: DEMO.region };
const MEMBER_KEY = 'arn:aws:kms:us-east-1:111122223333:key/1111aaaa-1111-4111-8111-111111111111';
const IR_KEY = 'arn:aws:kms:us-east-1:999900001111:key/9999bbbb-9999-4999-8999-999999999999';

function estate(options: { kmsKeyId?: string; pendingPolls?: number } = {}) {
  const sim = new SimulatedAws({
    now: () => T,
    seed: 1,
    sleep: async () => {},
    snapshotPendingPolls: options.pendingPolls ?? 0,
  });
  seedDemoEstate(sim);
  const volume = sim.model.ec2(member).volumes[DEMO.volumes.web1Root];
  if (!volume) throw new Error('demo volume missing');
  volume.encrypted = true;
  if (options.kmsKeyId) volume.kmsKeyId = options.kmsKeyId;
  else delete volume.kmsKeyId;
  return sim;
}

async function snapshot(sim: SimulatedAws): Promise<string> {
  const out = await sim
    .clients(member)
    .ec2.send(new CreateSnapshotCommand({ VolumeId: DEMO.volumes.web1Root }));
  return out.SnapshotId ?? '';
}

const share = (snapshotId: string) =>
  new ModifySnapshotAttributeCommand({
    SnapshotId: snapshotId,
    Attribute: 'createVolumePermission',
    CreateVolumePermission: { Add: [{ UserId: IR.accountId }] },
  });

const copyOf = (snapshotId: string, kmsKeyId?: string) =>
  new CopySnapshotCommand({
    SourceRegion: member.region,
    SourceSnapshotId: snapshotId,
    Encrypted: true,
    ...(kmsKeyId ? { KmsKeyId: kmsKeyId } : {}),
  });

beforeAll(() => configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0 }));
afterAll(() => configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000 }));

describe('simulated EBS snapshot sharing and copy', () => {
  it('rejects sharing a snapshot encrypted with the default aws/ebs key', async () => {
    const sim = estate();
    const id = await snapshot(sim);
    await expect(sim.clients(member).ec2.send(share(id))).rejects.toMatchObject({
      name: 'OperationNotPermitted',
    });
  });

  it('rejects a copy from an account the snapshot is not shared with', async () => {
    const sim = estate({ kmsKeyId: MEMBER_KEY });
    const id = await snapshot(sim);
    await expect(sim.clients(IR).ec2.send(copyOf(id, IR_KEY))).rejects.toMatchObject({
      name: 'InvalidSnapshot.NotFound',
    });
  });

  it('rejects a copy of a shared CMK-encrypted snapshot without a KmsKeyId of the copying account', async () => {
    const sim = estate({ kmsKeyId: MEMBER_KEY });
    const id = await snapshot(sim);
    await sim.clients(member).ec2.send(share(id));
    await expect(sim.clients(IR).ec2.send(copyOf(id))).rejects.toMatchObject({ name: 'InvalidParameter' });
  });

  it('rejects a copy of a pending snapshot', async () => {
    const sim = estate({ kmsKeyId: MEMBER_KEY, pendingPolls: 2 });
    const id = await snapshot(sim);
    await sim.clients(member).ec2.send(share(id));
    await expect(sim.clients(IR).ec2.send(copyOf(id, IR_KEY))).rejects.toMatchObject({
      name: 'IncorrectState',
    });
  });

  it('copies a shared, completed snapshot into the caller account, encrypted with its key', async () => {
    const sim = estate({ kmsKeyId: MEMBER_KEY });
    const id = await snapshot(sim);
    await sim.clients(member).ec2.send(share(id));
    const attribute = await sim
      .clients(member)
      .ec2.send(
        new DescribeSnapshotAttributeCommand({ SnapshotId: id, Attribute: 'createVolumePermission' }),
      );
    expect(attribute.CreateVolumePermissions).toEqual([{ UserId: IR.accountId }]);

    const out = await sim.clients(IR).ec2.send(copyOf(id, IR_KEY));

    expect(sim.model.ec2(IR).snapshots[out.SnapshotId ?? '']).toMatchObject({
      ownerId: IR.accountId,
      encrypted: true,
      kmsKeyId: IR_KEY,
    });
  });
});

describe('snapshot custody copy', () => {
  const config = WorkflowSettingsSchema.parse({
    snapshotCustody: 'copy',
    snapshotCopyAccountId: IR.accountId,
    snapshotCopyKmsKeyId: IR_KEY,
  });
  const context = (sim: SimulatedAws) => ({
    target: { ...member, incidentId: 'inc-00000000000000cc' },
    irClients: async (accountId: string) => sim.clients({ accountId, region: member.region }),
  });

  it('fails with SnapshotPendingError while the source is pending, then copies it once on the re-run', async () => {
    const sim = estate({ kmsKeyId: MEMBER_KEY, pendingPolls: 2 });
    const id = await snapshot(sim);

    await expect(
      applySnapshotCustody(sim.clients(member), [id], config, context(sim)),
    ).rejects.toBeInstanceOf(SnapshotPendingError);
    expect(Object.keys(sim.model.ec2(IR).snapshots)).toHaveLength(0);
    // EBS finishes the snapshot meanwhile.
    await sim.clients(member).ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [id] }));

    const out = await applySnapshotCustody(sim.clients(member), [id], config, context(sim));
    const again = await applySnapshotCustody(sim.clients(member), [id], config, context(sim));

    expect(out.copies).toHaveLength(1);
    expect(again.copies).toEqual(out.copies);
    expect(sim.calls({ operation: 'CopySnapshot' })).toHaveLength(1);
    expect(sim.calls({ operation: 'ModifySnapshotAttribute' })).toHaveLength(1);
  });

  it('rejects custody copy without the IR account key', async () => {
    const sim = estate({ kmsKeyId: MEMBER_KEY });
    const id = await snapshot(sim);
    const noKey = WorkflowSettingsSchema.parse({
      snapshotCustody: 'copy',
      snapshotCopyAccountId: IR.accountId,
    });
    await expect(applySnapshotCustody(sim.clients(member), [id], noKey, context(sim))).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'snapshotCopyKmsKeyId',
    });
  });
});
