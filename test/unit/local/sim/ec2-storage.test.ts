import { CreateSnapshotCommand, DescribeSnapshotsCommand, DescribeVolumesCommand } from '@aws-sdk/client-ec2';
import { DEMO } from '../../../../local/sim/seed';
import { demoSim, errorOf } from './helpers';

const tagged = (incidentId: string) => ({
  VolumeId: DEMO.volumes.web1Data,
  Description: `Airlock ${incidentId}`,
  TagSpecifications: [
    { ResourceType: 'snapshot' as const, Tags: [{ Key: 'airlock:incident-id', Value: incidentId }] },
  ],
});

describe('EC2 volumes and snapshots', () => {
  it("describes an instance's volumes with their attachment", async () => {
    const { clients } = demoSim();
    const out = await clients.ec2.send(
      new DescribeVolumesCommand({
        Filters: [{ Name: 'attachment.instance-id', Values: [DEMO.instances.web1] }],
      }),
    );
    expect(
      out.Volumes?.map((v) => [
        v.VolumeId,
        v.State,
        v.Attachments?.[0]?.Device,
        v.Attachments?.[0]?.DeleteOnTermination,
      ]),
    ).toEqual([
      [DEMO.volumes.web1Root, 'in-use', '/dev/xvda', true],
      [DEMO.volumes.web1Data, 'in-use', '/dev/sdf', false],
    ]);
    expect(
      (await errorOf(clients.ec2.send(new DescribeVolumesCommand({ VolumeIds: ['vol-0000000000000dead'] }))))
        .name,
    ).toBe('InvalidVolume.NotFound');
  });

  it('creates a snapshot tagged at creation (pending in the response) and finds it by tag and volume', async () => {
    const { clients } = demoSim();
    const created = await clients.ec2.send(new CreateSnapshotCommand(tagged('inc-1')));
    expect(created).toMatchObject({
      SnapshotId: expect.stringMatching(/^snap-[0-9a-f]{17}$/),
      VolumeId: DEMO.volumes.web1Data,
      State: 'pending',
      OwnerId: DEMO.accountId,
      VolumeSize: 100,
      Tags: [{ Key: 'airlock:incident-id', Value: 'inc-1' }],
    });
    await clients.ec2.send(new CreateSnapshotCommand(tagged('inc-2')));
    const found = await clients.ec2.send(
      new DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [
          { Name: 'volume-id', Values: [DEMO.volumes.web1Data] },
          { Name: 'tag:airlock:incident-id', Values: ['inc-1'] },
        ],
      }),
    );
    expect(found.Snapshots?.map((s) => [s.SnapshotId, s.State])).toEqual([[created.SnapshotId, 'completed']]);
    const otherOwner = await clients.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['999999999999'] }));
    expect(otherOwner.Snapshots).toEqual([]);
  });

  it('reports a new snapshot pending for the configured number of describes, then completed', async () => {
    const { clients } = demoSim({ snapshotPendingPolls: 2 });
    const { SnapshotId } = await clients.ec2.send(new CreateSnapshotCommand(tagged('inc-1')));
    const state = async () =>
      (await clients.ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [SnapshotId as string] })))
        .Snapshots?.[0]?.State;
    expect([await state(), await state(), await state()]).toEqual(['pending', 'pending', 'completed']);
  });

  it('rejects a snapshot of an unknown volume, and a tag specification for another resource type', async () => {
    const { clients } = demoSim();
    expect(
      (await errorOf(clients.ec2.send(new CreateSnapshotCommand({ VolumeId: 'vol-0000000000000dead' }))))
        .name,
    ).toBe('InvalidVolume.NotFound');
    const wrongType = await errorOf(
      clients.ec2.send(
        new CreateSnapshotCommand({
          VolumeId: DEMO.volumes.web1Data,
          TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'a', Value: 'b' }] }],
        }),
      ),
    );
    expect(wrongType.name).toBe('InvalidParameterValue');
    expect(
      (
        await errorOf(
          clients.ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: ['snap-0000000000000dead'] })),
        )
      ).name,
    ).toBe('InvalidSnapshot.NotFound');
  });
});
