import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { configureAwsRetry } from '../../../../../workflow/aws/call';
import type { AwsClients } from '../../../../../workflow/aws/clients';
import { WorkflowSettingsSchema } from '../../../../../workflow/config';
import { ensureIsolationGroups, isolateNetwork } from '../../../../../workflow/domain/ec2/isolate';
import type { Ec2State } from '../../../../../workflow/domain/ec2/state';

const ec2 = mockClient(EC2Client);
const clients = { ec2: new EC2Client({ region: 'us-east-1' }) } as unknown as AwsClients;
const config = WorkflowSettingsSchema.parse({});

const pre: Ec2State = {
  kind: 'ec2-instance',
  instanceId: 'i-0123456789abcdef0',
  instanceArn: 'arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0',
  vpcId: 'vpc-1',
  networkInterfaces: [
    { networkInterfaceId: 'eni-1', vpcId: 'vpc-1', deviceIndex: 0, securityGroupIds: ['sg-web'] },
  ],
  disableApiTermination: false,
  instanceInitiatedShutdownBehavior: 'stop',
  blockDevices: [],
  targetGroups: [],
  elasticIps: [],
  tags: {},
};

const allTraffic = {
  IpProtocol: '-1',
  IpRanges: [{ CidrIp: '0.0.0.0/0' }],
  Ipv6Ranges: [{ CidrIpv6: '::/0' }],
};

const allowAllGroup = {
  GroupId: 'sg-allow',
  GroupName: 'airlock-allow-all',
  VpcId: 'vpc-1',
  IpPermissions: [allTraffic],
  IpPermissionsEgress: [allTraffic],
};
const isolationGroup = {
  GroupId: 'sg-iso',
  GroupName: 'airlock-isolation',
  VpcId: 'vpc-1',
  IpPermissions: [],
  IpPermissionsEgress: [],
};

function groupsExist(eniGroups: string[][]) {
  // Both groups of every VPC in one describe.
  ec2
    .on(DescribeSecurityGroupsCommand, {
      Filters: [
        { Name: 'vpc-id', Values: ['vpc-1'] },
        { Name: 'group-name', Values: ['airlock-allow-all', 'airlock-isolation'] },
      ],
    })
    .resolves({ SecurityGroups: [allowAllGroup, isolationGroup] });
  const d = ec2.on(DescribeNetworkInterfacesCommand);
  for (const groups of eniGroups) {
    d.resolvesOnce({
      NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1', Groups: groups.map((GroupId) => ({ GroupId })) }],
    });
  }
}

beforeEach(() => ec2.reset());

describe('isolateNetwork', () => {
  it('swaps each ENI to the allow-all group first, then to the isolation group, and verifies', async () => {
    groupsExist([['sg-web'], ['sg-iso']]);
    const result = await isolateNetwork(clients, pre, config);
    const swaps = ec2.commandCalls(ModifyNetworkInterfaceAttributeCommand).map((c) => c.args[0].input.Groups);
    expect(swaps).toEqual([['sg-allow'], ['sg-iso']]);
    expect(result.output.networkInterfaces).toEqual([
      { networkInterfaceId: 'eni-1', from: ['sg-web'], to: 'sg-iso', changed: true },
    ]);
    expect(ec2).not.toHaveReceivedCommand(CreateSecurityGroupCommand);
  });

  it('changes nothing on a re-run once the ENI carries only the isolation group', async () => {
    groupsExist([['sg-iso'], ['sg-iso']]);
    await isolateNetwork(clients, pre, config);
    expect(ec2).not.toHaveReceivedCommand(ModifyNetworkInterfaceAttributeCommand);
  });

  it('uses the winner’s group when a concurrent incident created it first (InvalidGroup.Duplicate)', async () => {
    const winner = { ...allowAllGroup, GroupId: 'sg-winner' };
    ec2
      .on(DescribeSecurityGroupsCommand)
      .resolvesOnce({ SecurityGroups: [isolationGroup] })
      .resolves({ SecurityGroups: [winner] });
    ec2
      .on(CreateSecurityGroupCommand)
      .rejects(Object.assign(new Error('exists'), { name: 'InvalidGroup.Duplicate' }));
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1', Groups: [{ GroupId: 'sg-web' }] }] })
      .resolves({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1', Groups: [{ GroupId: 'sg-iso' }] }] });
    await isolateNetwork(clients, pre, config);
    expect(ec2).toHaveReceivedCommandTimes(CreateSecurityGroupCommand, 1);
    const swaps = ec2.commandCalls(ModifyNetworkInterfaceAttributeCommand).map((c) => c.args[0].input.Groups);
    expect(swaps).toEqual([['sg-winner'], ['sg-iso']]);
  });

  it('creates a missing group and its rules, and swaps every ENI (each allow-all first), in three VPCs', async () => {
    const multi: Ec2State = {
      ...pre,
      networkInterfaces: ['vpc-1', 'vpc-2', 'vpc-2'].map((vpcId, i) => ({
        networkInterfaceId: `eni-${i + 1}`,
        vpcId,
        deviceIndex: i,
        securityGroupIds: ['sg-web'],
      })),
    };
    const created = {
      GroupId: 'sg-allow-2',
      GroupName: 'airlock-allow-all',
      VpcId: 'vpc-2',
      IpPermissions: [],
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    };
    const iso2 = { ...isolationGroup, GroupId: 'sg-iso-2', VpcId: 'vpc-2' };
    ec2
      .on(DescribeSecurityGroupsCommand)
      .resolvesOnce({ SecurityGroups: [allowAllGroup, isolationGroup, iso2] })
      .resolves({ SecurityGroups: [created] });
    ec2.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-allow-2' });
    ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({});
    ec2.on(AuthorizeSecurityGroupEgressCommand).resolves({});
    const iso = { 'eni-1': 'sg-iso', 'eni-2': 'sg-iso-2', 'eni-3': 'sg-iso-2' };
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({
        NetworkInterfaces: Object.keys(iso).map((id) => ({
          NetworkInterfaceId: id,
          Groups: [{ GroupId: 'sg-web' }],
        })),
      })
      .resolves({
        NetworkInterfaces: Object.entries(iso).map(([id, g]) => ({
          NetworkInterfaceId: id,
          Groups: [{ GroupId: g }],
        })),
      });
    const result = await isolateNetwork(clients, multi, config);
    expect(ec2).toHaveReceivedCommandTimes(CreateSecurityGroupCommand, 1);
    expect(ec2).toHaveReceivedCommandWith(CreateSecurityGroupCommand, {
      GroupName: 'airlock-allow-all',
      VpcId: 'vpc-2',
    });
    expect(ec2).toHaveReceivedCommandWith(AuthorizeSecurityGroupIngressCommand, { GroupId: 'sg-allow-2' });
    const swaps = ec2.commandCalls(ModifyNetworkInterfaceAttributeCommand).map((c) => c.args[0].input);
    for (const [eni, isolation] of Object.entries(iso)) {
      const mine = swaps.filter((w) => w.NetworkInterfaceId === eni).map((w) => w.Groups);
      expect(mine).toEqual([[eni === 'eni-1' ? 'sg-allow' : 'sg-allow-2'], [isolation]]);
    }
    expect(result.output.networkInterfaces.map((n) => [n.networkInterfaceId, n.to])).toEqual(
      Object.entries(iso),
    );
  });

  it('prepares ahead without describing a group it just created (default rules assumed, converged at once)', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    ec2
      .on(CreateSecurityGroupCommand, { GroupName: 'airlock-allow-all' })
      .resolves({ GroupId: 'sg-allow' })
      .on(CreateSecurityGroupCommand, { GroupName: 'airlock-isolation' })
      .resolves({ GroupId: 'sg-iso' });
    ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({});
    ec2.on(AuthorizeSecurityGroupEgressCommand).resolves({});
    ec2.on(RevokeSecurityGroupEgressCommand).resolves({});
    const groups = await ensureIsolationGroups(clients, ['vpc-1', 'vpc-1'], config, 'default');
    expect(groups).toEqual({ allowAll: { 'vpc-1': 'sg-allow' }, isolation: { 'vpc-1': 'sg-iso' } });
    expect(ec2).toHaveReceivedCommandTimes(DescribeSecurityGroupsCommand, 1);
    // The isolation group loses the default IPv4 egress; the allow-all group gains ::/0 egress and all ingress.
    expect(ec2).toHaveReceivedCommandWith(RevokeSecurityGroupEgressCommand, {
      GroupId: 'sg-iso',
      IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
    expect(ec2).toHaveReceivedCommandWith(AuthorizeSecurityGroupEgressCommand, {
      GroupId: 'sg-allow',
      IpPermissions: [{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
    });
    expect(ec2).toHaveReceivedCommandTimes(AuthorizeSecurityGroupIngressCommand, 1);
    expect(ec2).not.toHaveReceivedCommand(ModifyNetworkInterfaceAttributeCommand);
  });

  it('fails verification when an ENI still carries another group', async () => {
    groupsExist([['sg-web'], ['sg-iso', 'sg-web']]);
    await expect(isolateNetwork(clients, pre, config)).rejects.toMatchObject({
      name: 'VerificationFailedError',
    });
  });

  it('maps EC2 throttling to ThrottledError after its own retries, for the state machine to retry', async () => {
    configureAwsRetry({ baseDelayMs: 0 });
    ec2
      .on(DescribeSecurityGroupsCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'RequestLimitExceeded' }));
    await expect(isolateNetwork(clients, pre, config)).rejects.toMatchObject({ name: 'ThrottledError' });
    expect(ec2).toHaveReceivedCommandTimes(DescribeSecurityGroupsCommand, 4);
  });
});
