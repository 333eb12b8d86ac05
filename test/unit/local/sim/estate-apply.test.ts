import { join } from 'node:path';
import { SimulatedAws } from '../../../../local/sim';
import { applyEstate } from '../../../../local/sim/estate-apply';
import { DEMO_ESTATE_PATH, loadEstateFile } from '../../../../local/sim/estate-file';
import { seedDemoEstate } from '../../../../local/sim/seed';

const FIXTURE = join(__dirname, '../../../fixtures/estates/spot-two-vpcs.json');
const HOME = { accountId: '111122223333', region: 'us-east-1' };
const fixed = () => new Date('2026-03-02T09:00:00.000Z');

describe('applyEstate', () => {
  const sim = new SimulatedAws({ now: fixed });
  applyEstate(sim, loadEstateFile(FIXTURE));
  const region = sim.model.region(HOME);
  const ec2 = region.ec2;

  it('launches a Spot instance and an On-Demand one, in two VPCs, sharing one instance profile', () => {
    const spot = ec2.instances['i-0d000000000000101'];
    const legacy = ec2.instances['i-0e000000000000101'];
    expect(spot).toMatchObject({
      instanceLifecycle: 'spot',
      instanceType: 'm5.large',
      vpcId: 'vpc-0d000000000000001',
    });
    expect(legacy?.instanceLifecycle).toBeUndefined();
    expect(legacy?.vpcId).toBe('vpc-0e000000000000001');
    expect(spot?.iamInstanceProfile?.arn).toBe(
      'arn:aws:iam::111122223333:instance-profile/shared-app-profile',
    );
    expect(legacy?.iamInstanceProfile?.arn).toBe(spot?.iamInstanceProfile?.arn);
    expect(ec2.networkInterfaces['eni-0d000000000000101']).toMatchObject({
      privateIpAddress: '10.30.1.20',
      groupIds: ['sg-0d000000000000021'],
    });
  });

  it('associates the custom network ACL with its subnet and keeps its entries', () => {
    const acl = ec2.networkAcls['acl-0e000000000000001'];
    expect(acl?.associations.map((a) => a.subnetId)).toEqual(['subnet-0e000000000000011']);
    expect(acl?.entries).toContainEqual(
      expect.objectContaining({
        ruleNumber: 90,
        protocol: '6',
        ruleAction: 'deny',
        cidrBlock: '203.0.113.0/24',
      }),
    );
  });

  it('opens the flow through the named NAT gateway’s subnet', () => {
    expect(Object.values(ec2.flows)).toEqual([
      expect.objectContaining({
        networkInterfaceId: 'eni-0d000000000000101',
        path: 'nat-gateway',
        viaSubnetId: 'subnet-0d000000000000012',
        peerIp: '198.51.100.77',
        state: 'alive',
      }),
    ]);
  });

  it('builds the ELB-checked Auto Scaling group with its target group and registers its members', () => {
    const asg = region.autoscaling.groups['legacy-web-asg'];
    expect(asg).toMatchObject({
      healthCheckType: 'ELB',
      healthCheckGracePeriodSeconds: 120,
      minSize: 1,
      maxSize: 2,
    });
    const tg = Object.values(region.elbv2.targetGroups).find((g) => g.name === 'legacy-web-tg');
    expect(asg?.targetGroupArns).toEqual([tg?.arn]);
    expect(tg?.targets.map((t) => t.id)).toEqual(['i-0e000000000000101']);
  });

  it('registers SSM as the file says (online or not) and adds Airlock’s prerequisites', () => {
    expect(region.ssm.managedInstances['i-0d000000000000101']?.pingStatus).toBe('Online');
    expect(region.ssm.managedInstances['i-0e000000000000101']?.pingStatus).toBe('ConnectionLost');
    expect(sim.model.state.buckets['airlock-evidence']).toBeDefined();
    expect(sim.model.iam(HOME.accountId).instanceProfiles['airlock-forensic']).toBeDefined();
  });

  it('is idempotent', () => {
    const before = sim.snapshot();
    applyEstate(sim, loadEstateFile(FIXTURE));
    expect(sim.diff(before, sim.snapshot(), { ignoreVolatile: false })).toEqual([]);
  });

  it('builds the demo estate exactly as seedDemoEstate does', () => {
    const fromFile = new SimulatedAws({ now: fixed });
    applyEstate(fromFile, loadEstateFile(DEMO_ESTATE_PATH), { evidenceBucket: 'airlock-evidence' });
    const seeded = new SimulatedAws({ now: fixed });
    seedDemoEstate(seeded);
    expect(fromFile.diff(seeded.snapshot(), fromFile.snapshot())).toEqual([]);
    const home = seeded.model.ec2(HOME);
    expect(home.instances['i-0a000000000000102']?.networkInterfaceIds).toEqual(['eni-0a000000000000102']);
    expect(home.networkInterfaces['eni-0a000000000000102']?.association?.publicIp).toBe('203.0.113.10');
  });
});
