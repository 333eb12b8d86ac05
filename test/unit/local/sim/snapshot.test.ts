import {
  AuthorizeSecurityGroupIngressCommand,
  CreateTagsCommand,
  ModifyNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { diffEstates } from '../../../../local/sim';
import { DEMO } from '../../../../local/sim/seed';
import { demoSim } from './helpers';

const sgPath = `accounts.${DEMO.accountId}.regions.us-east-1.ec2.securityGroups.${DEMO.securityGroups.web}`;

describe('estate snapshots and diff', () => {
  it('reports nothing for identical estates, and two seeded estates are identical', () => {
    const a = demoSim().sim;
    const b = demoSim().sim;
    expect(diffEstates(a.snapshot(), a.snapshot())).toEqual([]);
    expect(diffEstates(a.snapshot(), b.snapshot(), { ignoreVolatile: false })).toEqual([]);
  });

  it('is JSON-serializable with a stable key order', () => {
    const { sim } = demoSim();
    const snapshot = sim.snapshot();
    const json = JSON.stringify(snapshot);
    expect(JSON.parse(json)).toEqual(snapshot);
    const instance = (
      snapshot.accounts as Record<string, { regions: Record<string, { ec2: { instances: object } }> }>
    )[DEMO.accountId]?.regions['us-east-1']?.ec2.instances;
    expect(Object.keys(instance ?? {})).toEqual([...Object.keys(instance ?? {})].sort());
    expect(json).not.toContain('"body"');
  });

  it('detects a security group rule change and an ENI group swap, naming the paths', async () => {
    const { sim, clients } = demoSim();
    const before = sim.snapshot();
    await clients.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: DEMO.securityGroups.web,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    await clients.ec2.send(
      new ModifyNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: DEMO.networkInterfaces.web1,
        Groups: [DEMO.securityGroups.app],
      }),
    );
    const diff = sim.diff(before, sim.snapshot());
    expect(diff).toHaveLength(2);
    expect(diff[0]).toMatch(
      new RegExp(
        `^accounts\\.${DEMO.accountId}\\.regions\\.us-east-1\\.ec2\\.networkInterfaces\\.${DEMO.networkInterfaces.web1}\\.groupIds`,
      ),
    );
    expect(diff[1]).toContain(`${sgPath}.ingress: expected`);
    expect(diff[1]).toContain('"fromPort":22');
  });

  it('ignores set order, and volatile ids and times unless asked', async () => {
    const { sim, clock, clients } = demoSim();
    const before = sim.snapshot();
    const eni = sim.model.ec2(sim.home).networkInterfaces[DEMO.networkInterfaces.webAsg1];
    eni?.groupIds.reverse();
    const ip = sim.model.ec2(sim.home).instances[DEMO.instances.web1]?.iamInstanceProfile;
    if (ip) {
      ip.associationId = 'iip-assoc-other';
      ip.associatedAt = new Date(clock.t + 1).toISOString();
    }
    expect(sim.diff(before, sim.snapshot())).toEqual([]);
    expect(sim.diff(before, sim.snapshot(), { ignoreVolatile: false })).toHaveLength(2);
    await clients.ec2.send(
      new CreateTagsCommand({ Resources: [DEMO.instances.web1], Tags: [{ Key: 'x', Value: 'y' }] }),
    );
    expect(sim.diff(before, sim.snapshot())).toEqual([
      `accounts.${DEMO.accountId}.regions.us-east-1.ec2.instances.${DEMO.instances.web1}.tags.x: added "y"`,
    ]);
  });

  it('restricts the report to included paths and leaves out excluded ones', async () => {
    const { sim, clients } = demoSim();
    const before = sim.snapshot();
    await clients.ec2.send(
      new CreateTagsCommand({
        Resources: [DEMO.instances.web1, DEMO.securityGroups.web],
        Tags: [{ Key: 'x', Value: 'y' }],
      }),
    );
    const after = sim.snapshot();
    expect(sim.diff(before, after, { include: [sgPath] })).toEqual([`${sgPath}.tags.x: added "y"`]);
    expect(sim.diff(before, after, { exclude: [sgPath] })).toHaveLength(1);
  });
});
