import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  ModifyNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { SimulatedAws } from '../../../../local/sim';
import { addSubnet, addVpc, createSecurityGroup, launchInstance } from '../../../../local/sim/build';
import { addFlow, addNatGatewayFlow, liveFlows } from '../../../../local/sim/flows';
import { networkAclOf } from '../../../../local/sim/network-acls';

/**
 * The simulator's flows, connection tracking and network ACLs, as the EC2 User Guide ("Security group connection
 * tracking") and the EC2 API Reference describe them.
 */

const T = new Date('2026-03-01T12:00:00.000Z');
const home = { accountId: '111122223333', region: 'us-east-1' };

function estate() {
  const sim = new SimulatedAws({ now: () => T, sleep: async () => {} });
  const model = sim.model;
  addVpc(model, home, { vpcId: 'vpc-0b1', cidrBlock: '10.1.0.0/16' });
  addSubnet(model, home, { vpcId: 'vpc-0b1', subnetId: 'subnet-0b1', cidrBlock: '10.1.1.0/24' });
  const app = createSecurityGroup(model, home, {
    groupId: 'sg-0b1',
    groupName: 'app',
    description: 'app',
    vpcId: 'vpc-0b1',
    ingress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    egress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
  });
  const allowAll = createSecurityGroup(model, home, {
    groupId: 'sg-0b2',
    groupName: 'allow-all',
    description: 'allow all',
    vpcId: 'vpc-0b1',
    ingress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
  });
  const none = createSecurityGroup(model, home, {
    groupId: 'sg-0b3',
    groupName: 'none',
    description: 'no rules',
    vpcId: 'vpc-0b1',
    egress: [],
  });
  const instance = launchInstance(model, home, {
    instanceId: 'i-0b1',
    subnetId: 'subnet-0b1',
    groupIds: [app.groupId],
    privateIpAddress: '10.1.1.10',
    instanceType: 'm5.large',
  });
  const eni = instance.networkInterfaceIds[0] ?? '';
  const ec2 = sim.clients().ec2;
  const setGroups = (groups: string[]) =>
    ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni, Groups: groups }));
  return { sim, model, ec2, eni, setGroups, allowAll, none };
}

describe('simulated flows and connection tracking', () => {
  it('a NAT-gateway flow is tracked whatever the rules, and survives the two-step security group swap', async () => {
    const e = estate();
    const flow = addNatGatewayFlow(e.model, home, { networkInterfaceId: e.eni });
    await e.setGroups([e.allowAll.groupId]);
    expect(flow.tracked).toBe(true);
    await e.setGroups([e.none.groupId]);
    expect(flow).toMatchObject({ state: 'alive', tracked: true, heldSince: T.toISOString() });
    expect(liveFlows(e.model, home)).toEqual([flow]);
  });

  it('a direct flow, tracked under its rules, becomes untracked on allow-all and is dropped by the empty group', async () => {
    const e = estate();
    const flow = addFlow(e.model, home, { networkInterfaceId: e.eni, peerIp: '203.0.113.9', port: 443 });
    expect(flow.tracked).toBe(true);
    await e.setGroups([e.none.groupId]);
    expect(flow.state).toBe('alive'); // a tracked flow outlives a direct swap to the empty group
    await e.setGroups([e.allowAll.groupId]);
    expect(flow.tracked).toBe(false);
    await e.setGroups([e.none.groupId]);
    expect(flow).toMatchObject({ state: 'dropped', droppedBy: 'security group change (untracked flow)' });
  });

  it('a network ACL deny for the instance in the NAT gateway subnet’s ACL drops the tracked flow at once', async () => {
    const e = estate();
    const flow = addNatGatewayFlow(e.model, home, { networkInterfaceId: e.eni });
    await e.setGroups([e.none.groupId]);
    const acl = networkAclOf(e.model, home, flow.viaSubnetId ?? '');
    await e.ec2.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: acl?.networkAclId,
        RuleNumber: 1,
        Egress: false,
        Protocol: '-1',
        RuleAction: 'deny',
        CidrBlock: '10.1.1.10/32',
      }),
    );
    expect(flow).toMatchObject({
      state: 'dropped',
      droppedBy: `network ACL ${acl?.networkAclId} ingress rule 1`,
    });
  });

  it('a deny placed after the allow-all rule 100 drops nothing (rules are evaluated lowest number first)', async () => {
    const e = estate();
    const flow = addNatGatewayFlow(e.model, home, { networkInterfaceId: e.eni });
    const acl = networkAclOf(e.model, home, flow.viaSubnetId ?? '');
    await e.ec2.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: acl?.networkAclId,
        RuleNumber: 200,
        Egress: false,
        Protocol: '-1',
        RuleAction: 'deny',
        CidrBlock: '10.1.1.10/32',
      }),
    );
    expect(flow.state).toBe('alive');
  });
});

describe('simulated flows opened behind a deny', () => {
  it('a flow the network ACLs already deny is dropped as it opens', async () => {
    const e = estate();
    const first = addNatGatewayFlow(e.model, home, { networkInterfaceId: e.eni });
    const acl = networkAclOf(e.model, home, first.viaSubnetId ?? '');
    await e.ec2.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: acl?.networkAclId,
        RuleNumber: 1,
        Egress: true,
        Protocol: '-1',
        RuleAction: 'deny',
        CidrBlock: '10.1.1.10/32',
      }),
    );
    const next = addNatGatewayFlow(e.model, home, { networkInterfaceId: e.eni });
    expect(next).toMatchObject({
      state: 'dropped',
      droppedBy: `network ACL ${acl?.networkAclId} egress rule 1`,
    });
    expect(liveFlows(e.model, home)).toEqual([]);
  });
});

describe('simulated network ACL API', () => {
  const entry = (networkAclId: string | undefined, ruleNumber: number, egress = false) =>
    new CreateNetworkAclEntryCommand({
      NetworkAclId: networkAclId,
      RuleNumber: ruleNumber,
      Egress: egress,
      Protocol: '-1',
      RuleAction: 'deny',
      CidrBlock: '10.1.1.10/32',
    });

  it('every VPC has a default ACL (100 allow, * deny) associated with each subnet (association.subnet-id)', async () => {
    const e = estate();
    const out = await e.ec2.send(
      new DescribeNetworkAclsCommand({
        Filters: [{ Name: 'association.subnet-id', Values: ['subnet-0b1'] }],
      }),
    );
    expect(out.NetworkAcls).toHaveLength(1);
    expect(out.NetworkAcls?.[0]).toMatchObject({ IsDefault: true, VpcId: 'vpc-0b1' });
    expect(
      out.NetworkAcls?.[0]?.Entries?.filter((x) => !x.Egress).map((x) => [x.RuleNumber, x.RuleAction]),
    ).toEqual([
      [100, 'allow'],
      [32_767, 'deny'],
    ]);
  });

  it('rejects a rule number already used in that direction (NetworkAclEntryAlreadyExists)', async () => {
    const e = estate();
    const id = networkAclOf(e.model, home, 'subnet-0b1')?.networkAclId;
    await e.ec2.send(entry(id, 5));
    await e.ec2.send(entry(id, 5, true)); // the other direction has its own numbers
    await expect(e.ec2.send(entry(id, 5))).rejects.toMatchObject({ name: 'NetworkAclEntryAlreadyExists' });
  });

  it('rejects rule numbers outside 1–32766', async () => {
    const e = estate();
    const id = networkAclOf(e.model, home, 'subnet-0b1')?.networkAclId;
    await expect(e.ec2.send(entry(id, 0))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(e.ec2.send(entry(id, 32_767))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('rejects an entry beyond the rules-per-ACL quota (NetworkAclEntryLimitExceeded), default rule counted', async () => {
    const e = estate();
    const id = networkAclOf(e.model, home, 'subnet-0b1')?.networkAclId;
    for (let n = 1; n <= 18; n++) await e.ec2.send(entry(id, n));
    await expect(e.ec2.send(entry(id, 19))).rejects.toMatchObject({ name: 'NetworkAclEntryLimitExceeded' });
  });

  it('rejects deleting an entry that does not exist, and the default entry', async () => {
    const e = estate();
    const id = networkAclOf(e.model, home, 'subnet-0b1')?.networkAclId;
    await expect(
      e.ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 3, Egress: false })),
    ).rejects.toMatchObject({ name: 'InvalidNetworkAclEntry.NotFound' });
    await expect(
      e.ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 32_767, Egress: false })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});

describe('simulated connection-tracking timeouts', () => {
  const spec = (eni: string, tcp: number) =>
    new ModifyNetworkInterfaceAttributeCommand({
      NetworkInterfaceId: eni,
      ConnectionTrackingSpecification: { TcpEstablishedTimeout: tcp, UdpStreamTimeout: 60, UdpTimeout: 30 },
    });

  it('sets them and reports them on the ENI', async () => {
    const e = estate();
    await e.ec2.send(spec(e.eni, 60));
    const out = await e.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [e.eni] }));
    expect(out.NetworkInterfaces?.[0]?.ConnectionTrackingConfiguration).toEqual({
      TcpEstablishedTimeout: 60,
      UdpStreamTimeout: 60,
      UdpTimeout: 30,
    });
  });

  it('rejects a TCP established timeout under 60 s', async () => {
    const e = estate();
    await expect(e.ec2.send(spec(e.eni, 59))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('rejects them on a Xen-based instance type (Nitro only)', async () => {
    const e = estate();
    const old = launchInstance(e.model, home, {
      instanceId: 'i-0b2',
      subnetId: 'subnet-0b1',
      groupIds: ['sg-0b1'],
      instanceType: 'm4.large',
    });
    await expect(e.ec2.send(spec(old.networkInterfaceIds[0] ?? '', 60))).rejects.toMatchObject({
      name: 'UnsupportedOperation',
    });
  });

  it('rejects them together with another attribute (one attribute per call)', async () => {
    const e = estate();
    await expect(
      e.ec2.send(
        new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: e.eni,
          Groups: ['sg-0b1'],
          ConnectionTrackingSpecification: { TcpEstablishedTimeout: 60 },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
  });
});
