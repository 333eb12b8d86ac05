import {
  CreateSnapshotCommand,
  CreateSnapshotsCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { AwsClients } from '../../../../../workflow/aws/clients';
import { snapshotInstanceVolumes } from '../../../../../workflow/domain/ec2/snapshot';

const ec2 = mockClient(EC2Client);
const clients = { ec2: new EC2Client({ region: 'us-east-1' }) } as unknown as AwsClients;
const target = { incidentId: 'inc-1', findingId: 'f-1', instanceId: 'i-12345678' };
const device = (deviceName: string, volumeId: string) => ({
  deviceName,
  volumeId,
  deleteOnTermination: true,
});
const preState = { blockDevices: [device('/dev/sdf', 'vol-2'), device('/dev/xvda', 'vol-1')] };
const attached = (...volumes: [string, string][]) => ({
  Reservations: [
    {
      Instances: [
        {
          InstanceId: 'i-12345678',
          RootDeviceName: '/dev/xvda',
          BlockDeviceMappings: volumes.map(([DeviceName, VolumeId]) => ({ DeviceName, Ebs: { VolumeId } })),
        },
      ],
    },
  ],
});

beforeEach(() => ec2.reset());

describe('snapshotInstanceVolumes', () => {
  it('looks for this incident’s snapshots by tag, then snapshots the volumes together, tagged at creation', async () => {
    ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    ec2.on(DescribeInstancesCommand).resolves(attached(['/dev/xvda', 'vol-1'], ['/dev/sdf', 'vol-2']));
    ec2.on(CreateSnapshotsCommand).resolves({
      Snapshots: [
        { SnapshotId: 'snap-1', VolumeId: 'vol-1' },
        { SnapshotId: 'snap-2', VolumeId: 'vol-2' },
      ],
    });
    const result = await snapshotInstanceVolumes(clients, target, preState);
    expect(result.output).toEqual({ instanceId: 'i-12345678', snapshotCount: 2, createdCount: 2 });
    expect(result.snapshots).toEqual([
      { volumeId: 'vol-2', snapshotId: 'snap-2' },
      { volumeId: 'vol-1', snapshotId: 'snap-1' },
    ]);
    expect(ec2).toHaveReceivedCommandWith(DescribeSnapshotsCommand, {
      OwnerIds: ['self'],
      Filters: [{ Name: 'tag:airlock:incident-id', Values: ['inc-1'] }],
    });
    const input = ec2.commandCalls(CreateSnapshotsCommand)[0]?.args[0].input;
    expect(input?.InstanceSpecification).toEqual({
      InstanceId: 'i-12345678',
      ExcludeBootVolume: false,
      ExcludeDataVolumeIds: [],
    });
    expect(input?.TagSpecifications?.[0]?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'airlock:incident-id', Value: 'inc-1' },
        { Key: 'airlock:finding-id', Value: 'f-1' },
      ]),
    );
    expect(ec2).not.toHaveReceivedCommand(CreateSnapshotCommand);
  });

  it('never snapshots twice: a retry reuses the snapshots it finds', async () => {
    ec2.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [
        { SnapshotId: 'snap-1', VolumeId: 'vol-1', State: 'pending' },
        { SnapshotId: 'snap-2', VolumeId: 'vol-2', State: 'completed' },
      ],
    });
    const result = await snapshotInstanceVolumes(clients, target, preState);
    expect(result.output.createdCount).toBe(0);
    expect(result.summary).toBe('2 snapshot(s) of i-12345678 already taken');
    expect(ec2).not.toHaveReceivedCommand(CreateSnapshotsCommand);
    expect(ec2).not.toHaveReceivedCommand(DescribeInstancesCommand);
  });

  it('snapshots only the pre-state volumes still missing one, and excludes volumes attached since', async () => {
    ec2.on(DescribeSnapshotsCommand).resolves({
      Snapshots: [{ SnapshotId: 'snap-1', VolumeId: 'vol-1', State: 'completed' }],
    });
    ec2
      .on(DescribeInstancesCommand)
      .resolves(attached(['/dev/xvda', 'vol-1'], ['/dev/sdf', 'vol-2'], ['/dev/sdg', 'vol-new']));
    ec2.on(CreateSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: 'snap-2', VolumeId: 'vol-2' }] });
    const result = await snapshotInstanceVolumes(clients, target, preState);
    expect(ec2.commandCalls(CreateSnapshotsCommand)[0]?.args[0].input.InstanceSpecification).toEqual({
      InstanceId: 'i-12345678',
      ExcludeBootVolume: true,
      ExcludeDataVolumeIds: ['vol-new'],
    });
    expect(result.output).toEqual({ instanceId: 'i-12345678', snapshotCount: 2, createdCount: 1 });
  });

  it('snapshots a pre-state volume detached since on its own', async () => {
    ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    ec2.on(DescribeInstancesCommand).resolves(attached(['/dev/xvda', 'vol-1']));
    ec2.on(CreateSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: 'snap-1', VolumeId: 'vol-1' }] });
    ec2.on(CreateSnapshotCommand).resolves({ SnapshotId: 'snap-2' });
    const result = await snapshotInstanceVolumes(clients, target, preState);
    expect(ec2).toHaveReceivedCommandWith(CreateSnapshotCommand, { VolumeId: 'vol-2' });
    expect(result.output.snapshotCount).toBe(2);
  });

  it('fails when a pre-state volume is left without a snapshot', async () => {
    ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    ec2.on(DescribeInstancesCommand).resolves(attached(['/dev/xvda', 'vol-1'], ['/dev/sdf', 'vol-2']));
    ec2.on(CreateSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: 'snap-1', VolumeId: 'vol-1' }] });
    await expect(snapshotInstanceVolumes(clients, target, preState)).rejects.toMatchObject({
      name: 'VerificationFailedError',
    });
  });
});
