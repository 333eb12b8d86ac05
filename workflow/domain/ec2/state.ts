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
import { ResourceNotFoundError } from '../../errors';

/**
 * Everything containment changes on an instance, as one comparable record. Recorded once before any change
 * (the pre-state), re-read after a restore, and compared: the diff must be empty.
 */
export const Ec2StateSchema = z.object({
  kind: z.literal('ec2-instance'),
  instanceId: z.string(),
  instanceArn: z.string(),
  vpcId: z.string().optional(),
  networkInterfaces: z.array(
    z.object({
      networkInterfaceId: z.string(),
      vpcId: z.string(),
      deviceIndex: z.number(),
      securityGroupIds: z.array(z.string()),
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

const byString =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a).localeCompare(key(b));

/** Reads the instance's current state (read-only calls only). */
export async function readInstanceState(
  clients: AwsClients,
  target: { instanceId: string; accountId: string; region: string },
  described?: Instance,
): Promise<Ec2State> {
  const { instanceId } = target;
  const instance = described ?? (await describeInstance(clients, instanceId));
  const [termination, shutdown, associations, addresses, asg] = await Promise.all([
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
    aws('ec2:DescribeIamInstanceProfileAssociations', () =>
      clients.ec2.send(
        new DescribeIamInstanceProfileAssociationsCommand({
          Filters: [
            { Name: 'instance-id', Values: [instanceId] },
            { Name: 'state', Values: ['associated'] },
          ],
        }),
      ),
    ),
    aws('ec2:DescribeAddresses', () =>
      clients.ec2.send(
        new DescribeAddressesCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] }),
      ),
    ),
    aws('autoscaling:DescribeAutoScalingInstances', () =>
      clients.autoscaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] })),
    ),
  ]);

  const association = associations.IamInstanceProfileAssociations?.[0];
  let instanceProfile: Ec2State['instanceProfile'];
  if (association?.IamInstanceProfile?.Arn) {
    const arn = association.IamInstanceProfile.Arn;
    const name = arn.split('/').pop() ?? arn;
    const profile = await aws(`iam:GetInstanceProfile ${name}`, () =>
      clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name })),
    );
    const roleNames = (profile.InstanceProfile?.Roles ?? []).map((r) => r.RoleName ?? '').filter(Boolean);
    const firstRole = roleNames[0];
    const policies = firstRole
      ? await aws(`iam:ListRolePolicies ${firstRole}`, () =>
          clients.iam.send(new ListRolePoliciesCommand({ RoleName: firstRole })),
        )
      : undefined;
    instanceProfile = { arn, name, roleNames, rolePolicyNames: [...(policies?.PolicyNames ?? [])].sort() };
  }

  const targetGroups = await readTargetGroupRegistrations(clients, instanceId, instance.VpcId);

  return {
    kind: 'ec2-instance',
    instanceId,
    instanceArn: `arn:aws:ec2:${target.region}:${target.accountId}:instance/${instanceId}`,
    ...(instance.VpcId ? { vpcId: instance.VpcId } : {}),
    networkInterfaces: (instance.NetworkInterfaces ?? [])
      .map((eni) => ({
        networkInterfaceId: eni.NetworkInterfaceId ?? '',
        vpcId: eni.VpcId ?? instance.VpcId ?? '',
        deviceIndex: eni.Attachment?.DeviceIndex ?? 0,
        securityGroupIds: (eni.Groups ?? []).map((g) => g.GroupId ?? '').filter(Boolean),
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
    targetGroups,
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

/** Target groups (in the instance's VPC) where the instance is registered, with the port. */
export async function readTargetGroupRegistrations(
  clients: AwsClients,
  instanceId: string,
  vpcId: string | undefined,
): Promise<Ec2State['targetGroups']> {
  const groups = await aws('elasticloadbalancing:DescribeTargetGroups', () =>
    clients.elbv2.send(new DescribeTargetGroupsCommand({})),
  );
  const inVpc = (groups.TargetGroups ?? []).filter(
    (g) => g.TargetGroupArn && g.TargetType !== 'lambda' && (!vpcId || g.VpcId === vpcId),
  );
  const registrations: Ec2State['targetGroups'] = [];
  for (const group of inVpc) {
    const arn = group.TargetGroupArn as string;
    const health = await aws(`elasticloadbalancing:DescribeTargetHealth ${arn}`, () =>
      clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })),
    );
    for (const d of health.TargetHealthDescriptions ?? []) {
      if (d.Target?.Id === instanceId && d.TargetHealth?.State !== 'draining') {
        registrations.push({ targetGroupArn: arn, ...(d.Target.Port ? { port: d.Target.Port } : {}) });
      }
    }
  }
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
