import { CreateSnapshotCommand, DescribeSnapshotsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { AwsClients } from '../../../../../workflow/aws/clients';
import { snapshotVolume } from '../../../../../workflow/domain/ec2/snapshot';

const ec2 = mockClient(EC2Client);
const clients = { ec2: new EC2Client({ region: 'us-east-1' }) } as unknown as AwsClients;
const target = {
  incidentId: 'inc-1',
  findingId: 'f-1',
  instanceId: 'i-12345678',
  volumeId: 'vol-1',
  deviceName: '/dev/xvda',
};

beforeEach(() => ec2.reset());

describe('snapshotVolume', () => {
  it('looks for this incident’s snapshot by tag first, then creates one tagged at creation', async () => {
    ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    ec2.on(CreateSnapshotCommand).resolves({ SnapshotId: 'snap-1' });
    const result = await snapshotVolume(clients, target);
    expect(result.output).toEqual({ volumeId: 'vol-1', snapshotId: 'snap-1', created: true });
    expect(ec2).toHaveReceivedCommandWith(DescribeSnapshotsCommand, {
      OwnerIds: ['self'],
      Filters: [
        { Name: 'volume-id', Values: ['vol-1'] },
        { Name: 'tag:airlock:incident-id', Values: ['inc-1'] },
      ],
    });
    const tags = ec2.commandCalls(CreateSnapshotCommand)[0]?.args[0].input.TagSpecifications?.[0]?.Tags;
    expect(tags).toEqual(
      expect.arrayContaining([
        { Key: 'airlock:incident-id', Value: 'inc-1' },
        { Key: 'airlock:finding-id', Value: 'f-1' },
      ]),
    );
  });

  it('never snapshots twice: a retry reuses the snapshot it finds', async () => {
    ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: 'snap-1', State: 'pending' }] });
    const result = await snapshotVolume(clients, target);
    expect(result.output.created).toBe(false);
    expect(ec2).not.toHaveReceivedCommand(CreateSnapshotCommand);
  });
});
