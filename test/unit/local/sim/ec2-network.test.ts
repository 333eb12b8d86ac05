import {
  AssociateAddressCommand,
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeAddressesCommand,
  DescribeNetworkInterfacesCommand,
  DescribePrefixListsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcEndpointsCommand,
  DisassociateAddressCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { DEMO } from '../../../../local/sim/seed';
import { demoSim, errorOf } from './helpers';

const vpc = DEMO.vpcs.prod;
const create = (GroupName: string, VpcId: string = vpc) =>
  new CreateSecurityGroupCommand({
    GroupName,
    Description: `${GroupName} group`,
    VpcId,
    TagSpecifications: [
      { ResourceType: 'security-group', Tags: [{ Key: 'airlock:managed', Value: 'true' }] },
    ],
  });

describe('EC2 security groups', () => {
  it('creates a group with the default allow-all egress rule and its tags', async () => {
    const { clients } = demoSim();
    const created = await clients.ec2.send(create('airlock-isolation'));
    expect(created.GroupId).toMatch(/^sg-[0-9a-f]{17}$/);
    expect(created.Tags).toEqual([{ Key: 'airlock:managed', Value: 'true' }]);
    const [group] =
      (await clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [created.GroupId as string] })))
        .SecurityGroups ?? [];
    expect(group).toMatchObject({ GroupName: 'airlock-isolation', VpcId: vpc, IpPermissions: [] });
    expect(group?.IpPermissionsEgress).toEqual([
      {
        IpProtocol: '-1',
        IpRanges: [{ CidrIp: '0.0.0.0/0' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
    ]);
  });

  it('rejects a duplicate name in the same VPC (InvalidGroup.Duplicate) but allows it in another VPC', async () => {
    const { clients } = demoSim();
    await clients.ec2.send(create('airlock-isolation'));
    const error = await errorOf(clients.ec2.send(create('airlock-isolation')));
    expect(error).toMatchObject({ name: 'InvalidGroup.Duplicate', $fault: 'client' });
    await expect(clients.ec2.send(create('airlock-isolation', DEMO.vpcs.staging))).resolves.toMatchObject({
      GroupId: expect.any(String),
    });
  });

  it('lets exactly one of ten concurrent CreateSecurityGroup calls with one name win', async () => {
    const { sim, clients } = demoSim();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => clients.ec2.send(create('airlock-allow-all'))),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as Error).name)).toEqual(Array(9).fill('InvalidGroup.Duplicate'));
    const named = (
      await clients.ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [
            { Name: 'vpc-id', Values: [vpc] },
            { Name: 'group-name', Values: ['airlock-allow-all'] },
          ],
        }),
      )
    ).SecurityGroups;
    expect(named).toHaveLength(1);
    expect(sim.calls({ operation: 'CreateSecurityGroup', ok: false })).toHaveLength(9);
  });

  it('rejects names in the sg-* format and unknown VPCs', async () => {
    const { clients } = demoSim();
    expect((await errorOf(clients.ec2.send(create('sg-mine')))).name).toBe('InvalidParameterValue');
    expect((await errorOf(clients.ec2.send(create('x', 'vpc-0000000000000dead')))).name).toBe(
      'InvalidVpcID.NotFound',
    );
  });

  it('filters groups by VPC, name and tag', async () => {
    const { clients } = demoSim();
    const names = async (Filters: { Name: string; Values: string[] }[]) =>
      (await clients.ec2.send(new DescribeSecurityGroupsCommand({ Filters }))).SecurityGroups?.map(
        (g) => g.GroupName,
      );
    expect(await names([{ Name: 'vpc-id', Values: [DEMO.vpcs.staging] }])).toEqual(['default', 'staging-sg']);
    expect(await names([{ Name: 'group-name', Values: ['web-sg', 'app-sg'] }])).toEqual(['web-sg', 'app-sg']);
    expect(await names([{ Name: 'tag:Name', Values: ['app-*'] }])).toEqual(['app-sg']);
    expect(
      (
        await errorOf(
          clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0000000000000dead'] })),
        )
      ).name,
    ).toBe('InvalidGroup.NotFound');
  });

  it('authorizes and revokes rules; a repeated rule fails InvalidPermission.Duplicate and adds nothing', async () => {
    const { clients } = demoSim();
    const { GroupId } = await clients.ec2.send(create('airlock-isolation-ssm'));
    const https = {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      UserIdGroupPairs: [{ GroupId: DEMO.securityGroups.ssmEndpoints }],
    };
    const added = await clients.ec2.send(
      new AuthorizeSecurityGroupEgressCommand({ GroupId, IpPermissions: [https] }),
    );
    expect(added).toMatchObject({
      Return: true,
      SecurityGroupRules: [{ IsEgress: true, FromPort: 443, ToPort: 443 }],
    });
    const duplicate = await errorOf(
      clients.ec2.send(
        new AuthorizeSecurityGroupEgressCommand({
          GroupId,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
            https,
          ],
        }),
      ),
    );
    expect(duplicate.name).toBe('InvalidPermission.Duplicate');

    await clients.ec2.send(
      new RevokeSecurityGroupEgressCommand({
        GroupId,
        IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    const [group] =
      (await clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId as string] })))
        .SecurityGroups ?? [];
    expect(group?.IpPermissionsEgress).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [{ GroupId: DEMO.securityGroups.ssmEndpoints, UserId: DEMO.accountId }],
      },
    ]);

    await clients.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId,
        IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    await clients.ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId,
        IpPermissions: [{ IpProtocol: 'all', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    const notThere = await errorOf(
      clients.ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId,
          IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        }),
      ),
    );
    expect(notThere.name).toBe('InvalidPermission.NotFound');
  });

  it('rejects a rule that references an unknown group', async () => {
    const { clients } = demoSim();
    const error = await errorOf(
      clients.ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: DEMO.securityGroups.web,
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 1,
              ToPort: 2,
              UserIdGroupPairs: [{ GroupId: 'sg-0000000000000dead' }],
            },
          ],
        }),
      ),
    );
    expect(error.name).toBe('InvalidGroup.NotFound');
  });
});

describe('EC2 network interfaces, addresses and endpoints', () => {
  it('describes ENIs by id and by attached instance, and swaps their groups', async () => {
    const { clients } = demoSim();
    const byInstance = await clients.ec2.send(
      new DescribeNetworkInterfacesCommand({
        Filters: [{ Name: 'attachment.instance-id', Values: [DEMO.instances.batch1] }],
      }),
    );
    expect(
      byInstance.NetworkInterfaces?.map((n) => [n.NetworkInterfaceId, n.Attachment?.DeviceIndex]),
    ).toEqual([
      [DEMO.networkInterfaces.batch1Primary, 0],
      [DEMO.networkInterfaces.batch1Secondary, 1],
    ]);
    const { GroupId } = await clients.ec2.send(create('airlock-isolation', DEMO.vpcs.staging));
    await clients.ec2.send(
      new ModifyNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: DEMO.networkInterfaces.batch1Secondary,
        Groups: [GroupId as string],
      }),
    );
    const after = await clients.ec2.send(
      new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [DEMO.networkInterfaces.batch1Secondary] }),
    );
    expect(after.NetworkInterfaces?.[0]?.Groups).toEqual([{ GroupId, GroupName: 'airlock-isolation' }]);
  });

  it('rejects groups from another VPC, unknown groups and unknown ENIs', async () => {
    const { clients } = demoSim();
    const modify = (NetworkInterfaceId: string, Groups: string[]) =>
      errorOf(clients.ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId, Groups })));
    expect((await modify(DEMO.networkInterfaces.web1, [DEMO.securityGroups.staging])).name).toBe(
      'InvalidParameterValue',
    );
    expect((await modify(DEMO.networkInterfaces.web1, ['sg-0000000000000dead'])).name).toBe(
      'InvalidGroup.NotFound',
    );
    expect((await modify('eni-0000000000000dead', [DEMO.securityGroups.web])).name).toBe(
      'InvalidNetworkInterfaceID.NotFound',
    );
    expect((await modify(DEMO.networkInterfaces.web1, [])).name).toBe('MissingParameter');
  });

  it('describes, disassociates and re-associates an Elastic IP', async () => {
    const { clients } = demoSim();
    const byInstance = () =>
      clients.ec2.send(
        new DescribeAddressesCommand({
          Filters: [{ Name: 'instance-id', Values: [DEMO.instances.webAsg1] }],
        }),
      );
    const [address] = (await byInstance()).Addresses ?? [];
    expect(address).toMatchObject({
      AllocationId: DEMO.elasticIp.allocationId,
      PublicIp: DEMO.elasticIp.publicIp,
      NetworkInterfaceId: DEMO.networkInterfaces.webAsg1,
      PrivateIpAddress: '10.0.2.10',
      AssociationId: expect.stringMatching(/^eipassoc-/),
    });
    await clients.ec2.send(new DisassociateAddressCommand({ AssociationId: address?.AssociationId }));
    expect((await byInstance()).Addresses).toEqual([]);
    const eni = await clients.ec2.send(
      new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [DEMO.networkInterfaces.webAsg1] }),
    );
    expect(eni.NetworkInterfaces?.[0]?.Association).toBeUndefined();

    const again = await clients.ec2.send(
      new AssociateAddressCommand({
        AllocationId: DEMO.elasticIp.allocationId,
        NetworkInterfaceId: DEMO.networkInterfaces.webAsg1,
        PrivateIpAddress: '10.0.2.10',
      }),
    );
    expect(again.AssociationId).not.toBe(address?.AssociationId);
    const byAllocation = await clients.ec2.send(
      new DescribeAddressesCommand({
        Filters: [{ Name: 'allocation-id', Values: [DEMO.elasticIp.allocationId] }],
      }),
    );
    expect(byAllocation.Addresses?.[0]?.InstanceId).toBe(DEMO.instances.webAsg1);
  });

  it('rejects moving an associated Elastic IP without AllowReassociation, and an unknown association', async () => {
    const { clients } = demoSim();
    const move = await errorOf(
      clients.ec2.send(
        new AssociateAddressCommand({
          AllocationId: DEMO.elasticIp.allocationId,
          InstanceId: DEMO.instances.web1,
        }),
      ),
    );
    expect(move.name).toBe('Resource.AlreadyAssociated');
    const unknown = await errorOf(
      clients.ec2.send(new DisassociateAddressCommand({ AssociationId: 'eipassoc-0000000000000dead' })),
    );
    expect(unknown.name).toBe('InvalidAssociationID.NotFound');
    const missing = await errorOf(
      clients.ec2.send(new DescribeAddressesCommand({ AllocationIds: ['eipalloc-0000000000000dead'] })),
    );
    expect(missing.name).toBe('InvalidAllocationID.NotFound');
  });

  it('describes the SSM interface endpoints with their groups, and the S3 gateway prefix list', async () => {
    const { clients } = demoSim();
    const prod = await clients.ec2.send(
      new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }] }),
    );
    expect(
      prod.VpcEndpoints?.map((e) => [e.ServiceName, e.VpcEndpointType, e.Groups?.map((g) => g.GroupId)]),
    ).toEqual([
      ['com.amazonaws.us-east-1.ssm', 'Interface', [DEMO.securityGroups.ssmEndpoints]],
      ['com.amazonaws.us-east-1.ssmmessages', 'Interface', [DEMO.securityGroups.ssmEndpoints]],
      ['com.amazonaws.us-east-1.ec2messages', 'Interface', [DEMO.securityGroups.ssmEndpoints]],
      ['com.amazonaws.us-east-1.s3', 'Gateway', []],
    ]);
    const staging = await clients.ec2.send(
      new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [DEMO.vpcs.staging] }] }),
    );
    expect(staging.VpcEndpoints).toEqual([]);
    const lists = await clients.ec2.send(
      new DescribePrefixListsCommand({
        Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.us-east-1.s3'] }],
      }),
    );
    expect(lists.PrefixLists?.[0]?.PrefixListId).toMatch(/^pl-/);
  });
});
