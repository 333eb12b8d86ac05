import { DescribeAutoScalingInstancesCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeAddressesCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  type Instance,
} from '@aws-sdk/client-ec2';
import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetInstanceProfileCommand, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import * as z from 'zod';
import { aws } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import { partitionOf } from '../../aws/partition';
import { ResourceNotFoundError } from '../../errors';
import { DEFAULT_TRACKING, type Tracking } from './conntrack';

/**
 * Everything containment changes on an instance, as one comparable record. Recorded once before any change
 * (the pre-state), re-read after a restore, and compared: the diff must be empty.
 */
export const Ec2StateSchema = z.object({
  kind: z.literal('ec2-instance'),
  instanceId: z.string(),
  instanceArn: z.string(),
  /** `spot` for a Spot Instance (EC2 refuses termination protection for those); absent for On-Demand. */
  instanceLifecycle: z.string().optional(),
  vpcId: z.string().optional(),
  networkInterfaces: z.array(
    z.object({
      networkInterfaceId: z.string(),
      vpcId: z.string(),
      deviceIndex: z.number(),
      securityGroupIds: z.array(z.string()),
      /** Idle connection-tracking timeouts set on the ENI; absent when none (or EC2's defaults) are set. */
      connectionTracking: z
        .object({ tcpEstablishedTimeout: z.number(), udpStreamTimeout: z.number(), udpTimeout: z.number() })
        .optional(),
    }),
  ),
  instanceProfile: z
    .object({
      arn: z.string(),
      name: z.string(),
      roleNames: z.array(z.string()),
      rolePolicyNames: z.array(z.string()),
    })
    .optional(),
  disableApiTermination: z.boolean(),
  instanceInitiatedShutdownBehavior: z.string(),
  blockDevices: z.array(
    z.object({ deviceName: z.string(), volumeId: z.string(), deleteOnTermination: z.boolean() }),
  ),
  autoScalingGroupName: z.string().optional(),
  targetGroups: z.array(z.object({ targetGroupArn: z.string(), port: z.number().optional() })),
  elasticIps: z.array(
    z.object({
      allocationId: z.string(),
      publicIp: z.string(),
      networkInterfaceId: z.string(),
      privateIpAddress: z.string(),
    }),
  ),
  tags: z.record(z.string(), z.string()),
});
export type Ec2State = z.infer<typeof Ec2StateSchema>;

export async function describeInstance(clients: AwsClients, instanceId: string): Promise<Instance> {
  const out = await aws(`ec2:DescribeInstances ${instanceId}`, () =>
    clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })),
  );
  const instance = out.Reservations?.flatMap((r) => r.Instances ?? []).find(
    (i) => i.InstanceId === instanceId,
  );
  if (!instance) throw new ResourceNotFoundError(`instance ${instanceId} not found`);
  return instance;
}

/** An ENI's connection-tracking timeouts as recorded: none when unset or equal to EC2's defaults. */
function trackingOf(
  c: { TcpEstablishedTimeout?: number; UdpStreamTimeout?: number; UdpTimeout?: number } | undefined,
): { connectionTracking?: Tracking } {
  if (!c) return {};
  const t = {
    tcpEstablishedTimeout: c.TcpEstablishedTimeout ?? DEFAULT_TRACKING.tcpEstablishedTimeout,
    udpStreamTimeout: c.UdpStreamTimeout ?? DEFAULT_TRACKING.udpStreamTimeout,
    udpTimeout: c.UdpTimeout ?? DEFAULT_TRACKING.udpTimeout,
  };
  return JSON.stringify(t) === JSON.stringify(DEFAULT_TRACKING) ? {} : { connectionTracking: t };
}

const byString =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a).localeCompare(key(b));

/** Reads the instance's current state (read-only calls only; independent reads run concurrently). */
export async function readInstanceState(
  clients: AwsClients,
  target: { instanceId: string; accountId: string; region: string },
  described?: Instance | Promise<Instance>,
  options: { instanceProfile?: boolean } = {},
): Promise<Ec2State> {
  const { instanceId } = target;
  const [instance, termination, shutdown, instanceProfile, addresses, asg, targetGroups] = await Promise.all([
    described ?? describeInstance(clients, instanceId),
    aws('ec2:DescribeInstanceAttribute disableApiTermination', () =>
      clients.ec2.send(
        new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'disableApiTermination' }),
      ),
    ),
    aws('ec2:DescribeInstanceAttribute instanceInitiatedShutdownBehavior', () =>
      clients.ec2.send(
        new DescribeInstanceAttributeCommand({
          InstanceId: instanceId,
          Attribute: 'instanceInitiatedShutdownBehavior',
        }),
      ),
    ),
    // The profile's roles and their policies take three rounds; a caller that does not use them skips them.
    options.instanceProfile === false ? Promise.resolve(undefined) : readInstanceProfile(clients, instanceId),
    aws('ec2:DescribeAddresses', () =>
      clients.ec2.send(
        new DescribeAddressesCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] }),
      ),
    ),
    aws('autoscaling:DescribeAutoScalingInstances', () =>
      clients.autoscaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] })),
    ),
    // The VPC filter needs the instance; the registrations do not, so they are read alongside it.
    readTargetGroupRegistrations(clients, instanceId),
  ]);

  return {
    kind: 'ec2-instance',
    instanceId,
    instanceArn: `arn:${partitionOf(target.region)}:ec2:${target.region}:${target.accountId}:instance/${instanceId}`,
    ...(instance.InstanceLifecycle ? { instanceLifecycle: instance.InstanceLifecycle } : {}),
    ...(instance.VpcId ? { vpcId: instance.VpcId } : {}),
    networkInterfaces: (instance.NetworkInterfaces ?? [])
      .map((eni) => ({
        networkInterfaceId: eni.NetworkInterfaceId ?? '',
        vpcId: eni.VpcId ?? instance.VpcId ?? '',
        deviceIndex: eni.Attachment?.DeviceIndex ?? 0,
        securityGroupIds: (eni.Groups ?? []).map((g) => g.GroupId ?? '').filter(Boolean),
        ...trackingOf(eni.ConnectionTrackingConfiguration),
      }))
      .sort((a, b) => a.deviceIndex - b.deviceIndex),
    ...(instanceProfile ? { instanceProfile } : {}),
    disableApiTermination: termination.DisableApiTermination?.Value ?? false,
    instanceInitiatedShutdownBehavior: shutdown.InstanceInitiatedShutdownBehavior?.Value ?? 'stop',
    blockDevices: (instance.BlockDeviceMappings ?? [])
      .filter((b) => b.Ebs?.VolumeId)
      .map((b) => ({
        deviceName: b.DeviceName ?? '',
        volumeId: b.Ebs?.VolumeId ?? '',
        deleteOnTermination: b.Ebs?.DeleteOnTermination ?? false,
      }))
      .sort(byString((b) => b.deviceName)),
    ...(asg.AutoScalingInstances?.[0]?.AutoScalingGroupName
      ? { autoScalingGroupName: asg.AutoScalingInstances[0].AutoScalingGroupName }
      : {}),
    targetGroups: targetGroups
      .filter((r) => !instance.VpcId || r.vpcId === instance.VpcId)
      .map(({ targetGroupArn, port }) => ({ targetGroupArn, ...(port !== undefined ? { port } : {}) })),
    elasticIps: (addresses.Addresses ?? [])
      .filter((a) => a.AllocationId)
      .map((a) => ({
        allocationId: a.AllocationId ?? '',
        publicIp: a.PublicIp ?? '',
        networkInterfaceId: a.NetworkInterfaceId ?? '',
        privateIpAddress: a.PrivateIpAddress ?? '',
      }))
      .sort(byString((a) => a.allocationId)),
    tags: Object.fromEntries(
      (instance.Tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key as string, t.Value ?? '']),
    ),
  };
}

/** The instance's profile association, the profile's roles and the first role's inline policy names. */
async function readInstanceProfile(
  clients: AwsClients,
  instanceId: string,
): Promise<Ec2State['instanceProfile']> {
  const associations = await aws('ec2:DescribeIamInstanceProfileAssociations', () =>
    clients.ec2.send(
      new DescribeIamInstanceProfileAssociationsCommand({
        Filters: [
          { Name: 'instance-id', Values: [instanceId] },
          { Name: 'state', Values: ['associated'] },
        ],
      }),
    ),
  );
  const arn = associations.IamInstanceProfileAssociations?.[0]?.IamInstanceProfile?.Arn;
  if (!arn) return undefined;
  const name = arn.split('/').pop() ?? arn;
  const profile = await aws(`iam:GetInstanceProfile ${name}`, () =>
    clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name })),
  );
  const roleNames = (profile.InstanceProfile?.Roles ?? []).map((r) => r.RoleName ?? '').filter(Boolean);
  const firstRole = roleNames[0];
  const rolePolicyNames: string[] = [];
  // ListRolePolicies pages (Marker / IsTruncated); each page is its own retried call.
  for (let marker: string | undefined, first = true; firstRole && (first || marker); first = false) {
    const page = await aws(`iam:ListRolePolicies ${firstRole}`, () =>
      clients.iam.send(
        new ListRolePoliciesCommand({ RoleName: firstRole, ...(marker ? { Marker: marker } : {}) }),
      ),
    );
    rolePolicyNames.push(...(page.PolicyNames ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  }
  return { arn, name, roleNames, rolePolicyNames: rolePolicyNames.sort() };
}

/** Runs `fn` over `items`, at most `limit` at a time, results in input order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Concurrent DescribeTargetHealth calls (ELBv2's describe calls share a per-account request-rate budget). */
const TARGET_HEALTH_CONCURRENCY = 5;

/**
 * Target groups where the instance is registered, with the port and the group's VPC. Every page of
 * DescribeTargetGroups is read (Marker / NextMarker); each page is its own retried call (`aws()` is the one retry
 * layer), so a throttled page is retried alone rather than restarting an SDK paginator.
 */
export async function readTargetGroupRegistrations(
  clients: AwsClients,
  instanceId: string,
): Promise<(Ec2State['targetGroups'][number] & { vpcId: string })[]> {
  const groups: { arn: string; vpcId: string }[] = [];
  for (let marker: string | undefined, first = true; first || marker; first = false) {
    const page = await aws('elasticloadbalancing:DescribeTargetGroups', () =>
      clients.elbv2.send(new DescribeTargetGroupsCommand(marker ? { Marker: marker } : {})),
    );
    for (const g of page.TargetGroups ?? []) {
      if (g.TargetGroupArn && g.TargetType !== 'lambda') {
        groups.push({ arn: g.TargetGroupArn, vpcId: g.VpcId ?? '' });
      }
    }
    marker = page.NextMarker;
  }
  const healths = await mapLimit(groups, TARGET_HEALTH_CONCURRENCY, (group) =>
    aws(`elasticloadbalancing:DescribeTargetHealth ${group.arn}`, () =>
      clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: group.arn })),
    ),
  );
  const registrations: (Ec2State['targetGroups'][number] & { vpcId: string })[] = [];
  groups.forEach((group, i) => {
    for (const d of healths[i]?.TargetHealthDescriptions ?? []) {
      if (d.Target?.Id === instanceId && d.TargetHealth?.State !== 'draining') {
        registrations.push({
          targetGroupArn: group.arn,
          ...(d.Target.Port ? { port: d.Target.Port } : {}),
          vpcId: group.vpcId,
        });
      }
    }
  });
  return registrations.sort(byString((r) => `${r.targetGroupArn}:${r.port ?? ''}`));
}

/** Human-readable differences between two states (empty = identical). */
export function diffStates(expected: Ec2State, actual: Ec2State): string[] {
  const diffs: string[] = [];
  const walk = (path: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const key of [...keys].sort()) {
        walk(
          path ? `${path}.${key}` : key,
          (a as Record<string, unknown>)[key],
          (b as Record<string, unknown>)[key],
        );
      }
      return;
    }
    diffs.push(`${path}: expected ${JSON.stringify(a)}, found ${JSON.stringify(b)}`);
  };
  walk('', expected, actual);
  return diffs;
}

/** The tags Airlock puts on a contained instance (restore removes exactly these, or puts back prior values). */
export const QUARANTINE_TAG_KEYS = ['IncidentStatus', 'airlock:incident-id', 'airlock:finding-id'] as const;
