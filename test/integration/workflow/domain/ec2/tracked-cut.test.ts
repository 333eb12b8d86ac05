import { CreateNetworkAclEntryCommand, type DescribeNetworkAclsCommand } from '@aws-sdk/client-ec2';
import { SimulatedAws } from '../../../../../local/sim';
import {
  addSubnet,
  addVpc,
  addVpcEndpoint,
  createSecurityGroup,
  launchInstance,
} from '../../../../../local/sim/build';
import { addNatGatewayFlow, liveFlows, natGatewaySubnet } from '../../../../../local/sim/flows';
import { addNetworkAcl, networkAclOf } from '../../../../../local/sim/network-acls';
import { agentReachable } from '../../../../../local/sim/services/ssm';
import { configureAwsRetry } from '../../../../../workflow/aws/call';
import type { AwsClients } from '../../../../../workflow/aws/clients';
import { WorkflowSettingsSchema } from '../../../../../workflow/config';
import { lowerConnectionTracking } from '../../../../../workflow/domain/ec2/conntrack';
import { isolateNetwork } from '../../../../../workflow/domain/ec2/isolate';
import { denyInstanceInNetworkAcls, removeNetworkAclEntries } from '../../../../../workflow/domain/ec2/nacl';
import { restoreEc2 } from '../../../../../workflow/domain/ec2/restore';
import { readInstanceState } from '../../../../../workflow/domain/ec2/state';
import { cutTrackedFlows } from '../../../../../workflow/domain/ec2/tracked-cut';
import { NetworkAclFullError } from '../../../../../workflow/errors';
import type {
  CreatedResource,
  CreatedResourceRecorder,
} from '../../../../../workflow/ledger/created-resources';

/**
 * The stateless cut on the simulated account: security groups cannot drop a tracked flow (a session out through
 * a NAT gateway), the network ACL denies do; rule numbers, concurrency, limits and the exact restore.
 */

const T = new Date('2026-03-01T12:00:00.000Z');
const home = { accountId: '111122223333', region: 'us-east-1' };
const config = WorkflowSettingsSchema.parse({ isolationMode: 'no-egress' });

function recorder(incidentId: string): CreatedResourceRecorder & { records: CreatedResource[] } {
  const records: CreatedResource[] = [];
  return {
    incidentId,
    records,
    record: async (r) => {
      records.push(r);
    },
  };
}

function estate(options: { naclRuleLimit?: number } = {}) {
  let now = T.getTime();
  const sim = new SimulatedAws({
    now: () => new Date(now),
    sleep: async () => {},
    ...(options.naclRuleLimit ? { networkAclRuleLimit: options.naclRuleLimit } : {}),
  });
  const model = sim.model;
  const vpc = addVpc(model, home, { vpcId: 'vpc-0a1', cidrBlock: '10.0.0.0/16' });
  const app = addSubnet(model, home, { vpcId: vpc.vpcId, subnetId: 'subnet-0a1', cidrBlock: '10.0.1.0/24' });
  const sg = createSecurityGroup(model, home, {
    groupId: 'sg-0a1',
    groupName: 'app',
    description: 'app',
    vpcId: vpc.vpcId,
    ingress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }],
    egress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
  });
  const launch = (instanceId: string, ip: string, instanceType = 'm5.large') =>
    launchInstance(model, home, {
      instanceId,
      subnetId: app.subnetId,
      groupIds: [sg.groupId],
      privateIpAddress: ip,
      instanceType,
    });
  const x = launch('i-0a1', '10.0.1.10');
  const y = launch('i-0a2', '10.0.1.11');
  const flowX = addNatGatewayFlow(model, home, { networkInterfaceId: x.networkInterfaceIds[0] ?? '' });
  const flowY = addNatGatewayFlow(model, home, { networkInterfaceId: y.networkInterfaceIds[0] ?? '' });
  const clients = sim.clients() as AwsClients;
  const pre = (id: string) => readInstanceState(clients, { instanceId: id, ...home });
  return {
    sim,
    model,
    clients,
    pre,
    x,
    y,
    flowX,
    flowY,
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}

const naclOf = (e: ReturnType<typeof estate>, subnetId: string) => {
  const acl = networkAclOf(e.model, home, subnetId);
  if (!acl) throw new Error(`no network ACL for ${subnetId}`);
  return acl;
};

const hostDenies = (e: ReturnType<typeof estate>, subnetId: string) =>
  naclOf(e, subnetId)
    .entries.filter((r) => r.ruleAction === 'deny' && r.cidrBlock?.endsWith('/32'))
    .map((r) => `${r.egress ? 'egress' : 'ingress'} ${r.ruleNumber} ${r.cidrBlock}`)
    .sort();

beforeAll(() => configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0 }));
afterAll(() => configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000 }));

describe('the cut of tracked flows', () => {
  it('the security group swap alone leaves a NAT-gateway session alive (tracked); the cut drops it', async () => {
    const e = estate();
    const pre = await e.pre('i-0a1');
    await isolateNetwork(e.clients, pre, config);
    expect(liveFlows(e.model, home).map((f) => f.flowId)).toContain(e.flowX.flowId);

    const cut = await cutTrackedFlows(e.clients, pre, recorder('inc-x'));
    expect(e.flowX.state).toBe('dropped');
    expect(e.flowX.droppedBy).toMatch(/^network ACL acl-.* rule 1$/);
    expect(cut.output.connectionTracking).toEqual({
      lowered: [pre.networkInterfaces[0]?.networkInterfaceId],
      unsupported: [],
    });
    // Only this instance: the other instance's session in the same subnet is untouched.
    expect(e.flowY.state).toBe('alive');
  });

  it('places a deny per direction below every existing rule, lowest free numbers, recorded before created', async () => {
    const e = estate();
    const nat = natGatewaySubnet(e.model, home, 'vpc-0a1');
    const acl = naclOf(e, nat);
    const rec = recorder('inc-x');
    const out = await denyInstanceInNetworkAcls(e.clients, await e.pre('i-0a1'), rec);
    expect(out.output.entries).toEqual([
      { networkAclId: acl.networkAclId, egress: false, ruleNumber: 1, cidr: '10.0.1.10/32', created: true },
      { networkAclId: acl.networkAclId, egress: true, ruleNumber: 1, cidr: '10.0.1.10/32', created: true },
    ]);
    expect(rec.records.map((r) => `${r.kind} ${r.parent} ${r.name}`)).toEqual([
      `network-acl-entry ${acl.networkAclId} ingress:1:10.0.1.10/32`,
      `network-acl-entry ${acl.networkAclId} egress:1:10.0.1.10/32`,
    ]);
    // The default ACL's allow-all (100) and deny (*) stay after Airlock's entries.
    expect(acl.entries.filter((r) => !r.egress).map((r) => r.ruleNumber)).toEqual([1, 100, 32_767]);
  });

  it('re-run (a retried task) changes nothing and duplicates nothing', async () => {
    const e = estate();
    const pre = await e.pre('i-0a1');
    const rec = recorder('inc-x');
    await denyInstanceInNetworkAcls(e.clients, pre, rec);
    const again = await denyInstanceInNetworkAcls(e.clients, pre, rec);
    expect(again.output.entries.every((x) => !x.created)).toBe(true);
    expect(hostDenies(e, 'subnet-0a1')).toEqual(['egress 1 10.0.1.10/32', 'ingress 1 10.0.1.10/32']);
    expect(rec.records).toHaveLength(2);
  });

  it('reuses an effective deny of exactly that address someone else placed, and does not claim it', async () => {
    const e = estate();
    const acl = naclOf(e, 'subnet-0a1');
    acl.entries.push({
      ruleNumber: 7,
      egress: false,
      protocol: '-1',
      ruleAction: 'deny',
      cidrBlock: '10.0.1.10/32',
    });
    const rec = recorder('inc-x');
    const out = await denyInstanceInNetworkAcls(e.clients, await e.pre('i-0a1'), rec);
    expect(out.output.entries[0]).toMatchObject({ egress: false, ruleNumber: 7, created: false });
    expect(rec.records.map((r) => r.name)).toEqual(['egress:1:10.0.1.10/32']);
  });

  it('two concurrent incidents in one subnet get distinct numbers; rejecting one leaves the other’s entries', async () => {
    const e = estate();
    const [preX, preY] = await Promise.all([e.pre('i-0a1'), e.pre('i-0a2')]);
    const recX = recorder('inc-x');
    const recY = recorder('inc-y');
    await Promise.all([
      denyInstanceInNetworkAcls(e.clients, preX, recX),
      denyInstanceInNetworkAcls(e.clients, preY, recY),
    ]);
    const both = hostDenies(e, 'subnet-0a1');
    expect(both).toHaveLength(4);
    expect(new Set(both.map((l) => l.split(' ').slice(0, 2).join(' '))).size).toBe(4);
    expect(e.flowX.state).toBe('dropped');
    expect(e.flowY.state).toBe('dropped');

    const removed = await removeNetworkAclEntries(e.clients, recX.records);
    expect(removed).toHaveLength(2);
    expect(hostDenies(e, 'subnet-0a1').every((l) => l.endsWith('10.0.1.11/32'))).toBe(true);
    expect(hostDenies(e, 'subnet-0a1')).toHaveLength(2);
  });

  it('restore never removes a number it recorded but lost to another incident', async () => {
    const e = estate();
    const acl = naclOf(e, 'subnet-0a1');
    // A record for number 1 whose create lost the race: number 1 holds the other incident's deny.
    acl.entries.push({
      ruleNumber: 1,
      egress: false,
      protocol: '-1',
      ruleAction: 'deny',
      cidrBlock: '10.0.1.11/32',
    });
    const lost: CreatedResource = {
      kind: 'network-acl-entry',
      parent: acl.networkAclId,
      name: 'ingress:1:10.0.1.10/32',
      step: 'isolate-network',
    };
    expect(await removeNetworkAclEntries(e.clients, [lost])).toEqual([]);
    expect(hostDenies(e, 'subnet-0a1')).toEqual(['ingress 1 10.0.1.11/32']);
  });

  it('re-picks the number when a concurrent create takes it first (NetworkAclEntryAlreadyExists)', async () => {
    const e = estate();
    const acl = naclOf(e, 'subnet-0a1');
    // Someone else creates ingress 1 between our read and our create.
    const original = e.clients.ec2.send.bind(e.clients.ec2);
    let raced = false;
    jest.spyOn(e.clients.ec2, 'send').mockImplementation(async (command: unknown) => {
      if (!raced && command instanceof CreateNetworkAclEntryCommand) {
        raced = true;
        await original(
          new CreateNetworkAclEntryCommand({
            NetworkAclId: acl.networkAclId,
            RuleNumber: 1,
            Egress: false,
            Protocol: '-1',
            RuleAction: 'deny',
            CidrBlock: '10.0.1.99/32',
          }),
        );
      }
      return original(command as DescribeNetworkAclsCommand);
    });
    const rec = recorder('inc-x');
    const out = await denyInstanceInNetworkAcls(e.clients, await e.pre('i-0a1'), rec);
    expect(out.output.entries[0]).toMatchObject({ egress: false, ruleNumber: 2, created: true });
    expect(rec.records.map((r) => r.name)).toEqual([
      'ingress:1:10.0.1.10/32',
      'ingress:2:10.0.1.10/32',
      'egress:1:10.0.1.10/32',
    ]);
    expect(hostDenies(e, 'subnet-0a1')).toContain('ingress 1 10.0.1.99/32');
  });

  it('fails clearly when no rule number is free below the first existing rule', async () => {
    const e = estate();
    const acl = naclOf(e, 'subnet-0a1');
    acl.entries.push({
      ruleNumber: 1,
      egress: false,
      protocol: '-1',
      ruleAction: 'allow',
      cidrBlock: '10.0.0.0/8',
    });
    await expect(
      denyInstanceInNetworkAcls(e.clients, await e.pre('i-0a1'), recorder('inc-x')),
    ).rejects.toThrow(NetworkAclFullError);
    await expect(
      denyInstanceInNetworkAcls(e.clients, await e.pre('i-0a1'), recorder('inc-x')),
    ).rejects.toThrow(
      /no free ingress rule number below its first rule \(1\) for a deny of 10\.0\.1\.10\/32/,
    );
  });

  it('fails clearly when the network ACL is at its rule limit (NetworkAclEntryLimitExceeded)', async () => {
    const e = estate({ naclRuleLimit: 2 });
    const pre = await e.pre('i-0a1');
    await expect(denyInstanceInNetworkAcls(e.clients, pre, recorder('inc-x'))).rejects.toThrow(
      /NetworkAclFullError|rule limit/,
    );
    await expect(denyInstanceInNetworkAcls(e.clients, pre, recorder('inc-x'))).rejects.toBeInstanceOf(
      NetworkAclFullError,
    );
  });

  it('reject restores the estate exactly: entries removed, tracking timeouts back, diff empty', async () => {
    const e = estate();
    const before = e.sim.snapshot();
    const pre = await e.pre('i-0a1');
    const rec = recorder('inc-x');
    await isolateNetwork(e.clients, pre, config);
    await cutTrackedFlows(e.clients, pre, rec);
    expect(e.sim.diff(before, e.sim.snapshot()).some((l) => l.includes('networkAcls'))).toBe(true);
    expect(
      e.model.ec2(home).networkInterfaces[pre.networkInterfaces[0]?.networkInterfaceId ?? '']
        ?.connectionTracking,
    ).toEqual({ tcpEstablishedTimeout: 60, udpStreamTimeout: 60, udpTimeout: 30 });

    const restored = await restoreEc2(e.clients, pre, home, rec.records);
    expect(restored.output.diff).toEqual([]);
    const residue = e.sim
      .diff(before, e.sim.snapshot())
      .filter((l) => !/securityGroups\.sg-[0-9a-f]+: added .*"groupName":"airlock-/.test(l));
    expect(residue).toEqual([]);
  });

  it('a held flow whose idle gap exceeds the lowered timeout ends on the clock; with the defaults it lives on', async () => {
    const e = estate();
    // A quiet session (one packet every 5 minutes), held only by connection tracking after the swap.
    const eni = e.x.networkInterfaceIds[0] ?? '';
    const quiet = addNatGatewayFlow(e.model, home, { networkInterfaceId: eni, packetIntervalSeconds: 300 });
    const pre = await e.pre('i-0a1');
    await isolateNetwork(e.clients, pre, config);
    e.advance(3_600);
    expect(liveFlows(e.model, home).map((f) => f.flowId)).toContain(quiet.flowId);
    await lowerConnectionTracking(e.clients, pre);
    // Held since the swap, an hour ago: beyond 60 s of idle at the next evaluation.
    expect(liveFlows(e.model, home).map((f) => f.flowId)).not.toContain(quiet.flowId);
    expect(quiet.droppedBy).toBe('connection-tracking idle timeout (60 s)');
  });
});

describe('connection-tracking timeouts where the instance type has none', () => {
  it('reports the ENI as unsupported on a Xen instance type and still cuts with the network ACL', async () => {
    const e = estate();
    const old = launchInstance(e.model, home, {
      instanceId: 'i-0a3',
      subnetId: 'subnet-0a1',
      groupIds: ['sg-0a1'],
      privateIpAddress: '10.0.1.12',
      instanceType: 't2.micro',
    });
    const flow = addNatGatewayFlow(e.model, home, { networkInterfaceId: old.networkInterfaceIds[0] ?? '' });
    const pre = await e.pre('i-0a3');
    await isolateNetwork(e.clients, pre, config);
    const cut = await cutTrackedFlows(e.clients, pre, recorder('inc-z'));
    expect(cut.output.connectionTracking.unsupported).toEqual([old.networkInterfaceIds[0]]);
    expect(cut.summary).toContain('not available');
    expect(flow.state).toBe('dropped');
  });
});

describe('an instance whose subnet has its own network ACL', () => {
  it('denies in the ACL of the NAT gateway’s subnet, not in the one only its own subnet uses', async () => {
    const e = estate();
    const own = addNetworkAcl(e.model, home, {
      vpcId: 'vpc-0a1',
      entries: [
        { ruleNumber: 100, egress: false, protocol: '-1', ruleAction: 'allow', cidrBlock: '0.0.0.0/0' },
      ],
      subnetIds: ['subnet-0a1'],
    });
    const out = await denyInstanceInNetworkAcls(e.clients, await e.pre('i-0a1'), recorder('inc-x'));
    expect(out.output.entries.map((x) => x.networkAclId)).not.toContain(own.networkAclId);
    expect(out.output.entries).toHaveLength(2);
    expect(e.flowX.state).toBe('dropped');
  });
});

describe('ssm-endpoints isolation mode and the network ACL cut', () => {
  const ssmMode = WorkflowSettingsSchema.parse({ isolationMode: 'ssm-endpoints' });

  function withEndpoints(subnetId: string) {
    const e = estate();
    if (subnetId !== 'subnet-0a1')
      addSubnet(e.model, home, { vpcId: 'vpc-0a1', subnetId, cidrBlock: '10.0.2.0/24' });
    const endpointGroup = createSecurityGroup(e.model, home, {
      groupId: 'sg-0e1',
      groupName: 'ssm-endpoints',
      description: 'endpoints',
      vpcId: 'vpc-0a1',
      ingress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }],
    });
    for (const service of ['ssm', 'ssmmessages', 'ec2messages'])
      addVpcEndpoint(e.model, home, {
        vpcId: 'vpc-0a1',
        service,
        groupIds: [endpointGroup.groupId],
        subnetIds: [subnetId],
      });
    return e;
  }

  it('keeps Run Command when the endpoints sit in the instance’s own subnet (no ACL between)', async () => {
    const e = withEndpoints('subnet-0a1');
    const pre = await e.pre('i-0a1');
    await isolateNetwork(e.clients, pre, ssmMode);
    await cutTrackedFlows(e.clients, pre, recorder('inc-x'));
    expect(agentReachable(e.model, home, 'i-0a1')).toBe(true);
    expect(e.flowX.state).toBe('dropped');
  });

  it('cuts Run Command too when the endpoints sit behind an ACL that now denies the instance (containment first)', async () => {
    const e = withEndpoints('subnet-0a2');
    const pre = await e.pre('i-0a1');
    await isolateNetwork(e.clients, pre, ssmMode);
    expect(agentReachable(e.model, home, 'i-0a1')).toBe(true);
    await cutTrackedFlows(e.clients, pre, recorder('inc-x'));
    expect(agentReachable(e.model, home, 'i-0a1')).toBe(false);
  });
});
