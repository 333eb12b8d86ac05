import {
  CreateSnapshotsCommand,
  DescribeInstanceTypesCommand,
  DescribeSnapshotsCommand,
  GetConsoleOutputCommand,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SimulatedAws } from '../../../../local/sim';
import { addTargetGroup } from '../../../../local/sim/build';
import { EDGE_INSTANCE_IDS, launchEdgeInstance } from '../../../../local/sim/edge-instances';
import { HOME_ACCOUNT_ID, HOME_REGION } from '../../../../local/sim/model';

const HOME = { accountId: HOME_ACCOUNT_ID, region: HOME_REGION };

function sim(kind: Parameters<typeof launchEdgeInstance>[1]) {
  const s = new SimulatedAws();
  const instanceId = launchEdgeInstance(s.model, kind);
  return { s, ec2: s.clients().ec2, instanceId };
}

describe('simulated EC2: the instances the runbook must not fail on', () => {
  it('rejects termination protection on a Spot Instance (UnsupportedOperation), but not shutdown behaviour', async () => {
    const { s, ec2, instanceId } = sim('spot');
    await expect(
      ec2.send(
        new ModifyInstanceAttributeCommand({
          InstanceId: instanceId,
          DisableApiTermination: { Value: true },
        }),
      ),
    ).rejects.toMatchObject({ name: 'UnsupportedOperation' });
    await ec2.send(
      new ModifyInstanceAttributeCommand({
        InstanceId: instanceId,
        InstanceInitiatedShutdownBehavior: { Value: 'stop' },
      }),
    );
    expect(s.model.ec2(HOME).instances[instanceId]?.disableApiTermination).toBe(false);
  });

  it('rejects GetConsoleOutput Latest on a Xen instance and answers the plain call', async () => {
    const { ec2, instanceId } = sim('xen');
    await expect(
      ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceId, Latest: true })),
    ).rejects.toMatchObject({ name: 'UnsupportedOperation' });
    const plain = await ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceId }));
    expect(Buffer.from(plain.Output ?? '', 'base64').toString('utf8')).toContain(instanceId);
  });

  it('describes instance types with their hypervisor and instance store; rejects an unknown type', async () => {
    const { ec2 } = sim('instance-store');
    const out = await ec2.send(
      new DescribeInstanceTypesCommand({ InstanceTypes: ['m5d.large', 't3.micro'] }),
    );
    expect(
      out.InstanceTypes?.map((t) => [t.InstanceType, t.Hypervisor, t.InstanceStorageInfo?.TotalSizeInGB]),
    ).toEqual([
      ['m5d.large', 'nitro', 75],
      ['t3.micro', 'nitro', undefined],
    ]);
    await expect(
      ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['x9.nonexistent' as 't3.micro'] })),
    ).rejects.toMatchObject({ name: 'InvalidInstanceType' });
  });

  it('refuses a sixth security group on an ENI (SecurityGroupsPerInterfaceLimitExceeded)', async () => {
    const { s, ec2, instanceId } = sim('five-groups-two-vpcs');
    const model = s.model.ec2(HOME);
    const eni = model.networkInterfaces[model.instances[instanceId]?.networkInterfaceIds[0] ?? ''];
    const sixth = Object.values(model.securityGroups).find(
      (g) => g.vpcId === eni?.vpcId && !eni?.groupIds.includes(g.groupId),
    );
    expect(eni?.groupIds).toHaveLength(5);
    await expect(
      ec2.send(
        new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: eni?.networkInterfaceId,
          Groups: [...(eni?.groupIds ?? []), sixth?.groupId ?? ''],
        }),
      ),
    ).rejects.toMatchObject({ name: 'SecurityGroupsPerInterfaceLimitExceeded' });
  });
});

describe('simulated EC2: CreateSnapshots', () => {
  it('snapshots every attached EBS volume at one point in time, tagged at creation', async () => {
    const { s, ec2, instanceId } = sim('twenty-volumes');
    const out = await ec2.send(
      new CreateSnapshotsCommand({
        InstanceSpecification: { InstanceId: instanceId },
        TagSpecifications: [
          { ResourceType: 'snapshot', Tags: [{ Key: 'airlock:incident-id', Value: 'inc-1' }] },
        ],
      }),
    );
    expect(out.Snapshots).toHaveLength(20);
    expect(new Set(out.Snapshots?.map((x) => x.StartTime?.toISOString())).size).toBe(1);
    const tagged = await ec2.send(
      new DescribeSnapshotsCommand({ Filters: [{ Name: 'tag:airlock:incident-id', Values: ['inc-1'] }] }),
    );
    expect(tagged.Snapshots?.map((x) => x.VolumeId).sort()).toEqual(
      s.model
        .ec2(HOME)
        .instances[instanceId]?.blockDeviceMappings.map((b) => b.volumeId)
        .sort(),
    );
  });

  it('leaves out the root with ExcludeBootVolume and named data volumes; rejects the root in ExcludeDataVolumeIds', async () => {
    const { s, ec2, instanceId } = sim('twenty-volumes');
    const volumes = s.model.ec2(HOME).instances[instanceId]?.blockDeviceMappings.map((b) => b.volumeId) ?? [];
    const out = await ec2.send(
      new CreateSnapshotsCommand({
        InstanceSpecification: {
          InstanceId: instanceId,
          ExcludeBootVolume: true,
          ExcludeDataVolumeIds: [volumes[1] ?? ''],
        },
      }),
    );
    expect(out.Snapshots?.map((x) => x.VolumeId)).toEqual(volumes.slice(2));
    await expect(
      ec2.send(
        new CreateSnapshotsCommand({
          InstanceSpecification: { InstanceId: instanceId, ExcludeDataVolumeIds: [volumes[0] ?? ''] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('rejects an unknown instance', async () => {
    const { ec2 } = sim('spot');
    await expect(
      ec2.send(new CreateSnapshotsCommand({ InstanceSpecification: { InstanceId: 'i-0f00000000000dead' } })),
    ).rejects.toMatchObject({ name: 'InvalidInstanceID.NotFound' });
  });
});

describe('simulated ELBv2: DescribeTargetGroups pages', () => {
  it('returns at most listPageSize groups per page with a NextMarker, and rejects a forged marker', async () => {
    const s = new SimulatedAws({ listPageSize: 2 });
    for (const n of [1, 2, 3]) addTargetGroup(s.model, HOME, { name: `tg-${n}`, vpcId: 'vpc-1', port: 80 });
    const elbv2 = s.clients().elbv2;
    const first = await elbv2.send(new DescribeTargetGroupsCommand({}));
    expect(first.TargetGroups?.map((g) => g.TargetGroupName)).toEqual(['tg-1', 'tg-2']);
    const second = await elbv2.send(new DescribeTargetGroupsCommand({ Marker: first.NextMarker }));
    expect(second.TargetGroups?.map((g) => g.TargetGroupName)).toEqual(['tg-3']);
    expect(second.NextMarker).toBeUndefined();
    await expect(elbv2.send(new DescribeTargetGroupsCommand({ Marker: 'forged' }))).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });
});

it('edge instance ids are distinct', () => {
  expect(new Set(Object.values(EDGE_INSTANCE_IDS)).size).toBe(Object.keys(EDGE_INSTANCE_IDS).length);
});
