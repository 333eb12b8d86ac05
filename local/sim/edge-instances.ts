import type { AwsTarget } from '../../workflow/aws/clients';
import { addNetworkInterface, addSubnet, addVpc, createSecurityGroup, launchInstance } from './build';
import type { SimModel } from './model';
import { HOME_ACCOUNT_ID, HOME_REGION } from './model';

/**
 * Instances the runbook must not fail on (issue 14 §3), each one builder: a Spot Instance (no termination
 * protection), a Xen instance (no `Latest` console output), one with instance store, one whose primary ENI already
 * carries 5 security groups with a second ENI in another VPC, and one with 20 EBS volumes. Each gets its own VPC
 * (or two), so it can be added to any estate without touching what is there.
 */
export type EdgeInstanceKind = 'spot' | 'xen' | 'instance-store' | 'five-groups-two-vpcs' | 'twenty-volumes';

export const EDGE_INSTANCE_IDS: Readonly<Record<EdgeInstanceKind, string>> = {
  spot: 'i-0e000000000000001',
  xen: 'i-0e000000000000002',
  'instance-store': 'i-0e000000000000003',
  'five-groups-two-vpcs': 'i-0e000000000000004',
  'twenty-volumes': 'i-0e000000000000005',
};

const HOME: AwsTarget = { accountId: HOME_ACCOUNT_ID, region: HOME_REGION };

/** A VPC with one subnet in `<region>a` and one workload group, all named after `name`. */
function network(model: SimModel, target: AwsTarget, name: string, cidr: string) {
  const vpc = addVpc(model, target, { cidrBlock: `${cidr}.0.0/16`, tags: { Name: name } });
  const subnet = addSubnet(model, target, {
    vpcId: vpc.vpcId,
    cidrBlock: `${cidr}.1.0/24`,
    availabilityZone: `${target.region}a`,
    tags: { Name: `${name}-a` },
  });
  const group = (suffix: string) =>
    createSecurityGroup(model, target, {
      groupName: `${name}-${suffix}`,
      description: `${name} ${suffix}`,
      vpcId: vpc.vpcId,
      ingress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }).groupId;
  return { vpcId: vpc.vpcId, subnetId: subnet.subnetId, group };
}

/** Launches one edge-case instance (idempotent: the same id is returned if it exists). Returns its id. */
export function launchEdgeInstance(
  model: SimModel,
  kind: EdgeInstanceKind,
  target: AwsTarget = HOME,
): string {
  const instanceId = EDGE_INSTANCE_IDS[kind];
  if (model.ec2(target).instances[instanceId]) return instanceId;
  const net = network(
    model,
    target,
    `edge-${kind}`,
    `10.${100 + Object.keys(EDGE_INSTANCE_IDS).indexOf(kind)}`,
  );
  const base = { instanceId, subnetId: net.subnetId, tags: { Name: `edge-${kind}` } };
  switch (kind) {
    case 'spot':
      launchInstance(model, target, {
        ...base,
        groupIds: [net.group('app')],
        instanceType: 'm5.large',
        spot: true,
      });
      break;
    case 'xen':
      launchInstance(model, target, { ...base, groupIds: [net.group('app')], instanceType: 'm4.large' });
      break;
    case 'instance-store':
      launchInstance(model, target, { ...base, groupIds: [net.group('app')], instanceType: 'm5d.large' });
      break;
    case 'five-groups-two-vpcs': {
      const groups = ['app', 'ssh', 'monitoring', 'backup', 'mesh'].map(net.group);
      const primary = addNetworkInterface(model, target, {
        subnetId: net.subnetId,
        groupIds: groups,
        description: 'Primary network interface',
      });
      const other = network(model, target, 'edge-replication', '10.110');
      const secondary = addNetworkInterface(model, target, {
        subnetId: other.subnetId,
        groupIds: [other.group('replication')],
        description: 'replication link (multi-VPC ENI)',
      });
      launchInstance(model, target, {
        ...base,
        groupIds: groups,
        instanceType: 'm5.large',
        networkInterfaceIds: [primary.networkInterfaceId, secondary.networkInterfaceId],
      });
      break;
    }
    case 'twenty-volumes':
      launchInstance(model, target, {
        ...base,
        groupIds: [net.group('app')],
        instanceType: 'm5.xlarge',
        volumes: Array.from({ length: 20 }, (_, i) => ({
          deviceName: i === 0 ? '/dev/xvda' : `/dev/sd${String.fromCharCode('f'.charCodeAt(0) + i - 1)}`,
          size: 8 + i,
          deleteOnTermination: i === 0,
        })),
      });
      break;
  }
  return instanceId;
}
