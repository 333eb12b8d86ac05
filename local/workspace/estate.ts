import { ALLOW_ALL_GROUP, isolationGroupName } from '../../workflow/domain/ec2/isolate';
import type { Ec2State } from '../../workflow/domain/ec2/state';
import type {
  SimAccount,
  SimBucket,
  SimInstance,
  SimPublicAccessBlock,
  SimRegion,
  SimSnapshot,
  Tags,
} from '../sim/model';

/**
 * The drill's view of the simulated estate, read from the simulator's plain-data snapshot (never through the
 * SDK clients, so looking does not show up in the call log Airlock's own calls are audited in).
 */

/** What the workspace reads of a simulator snapshot (SimState; object bodies are never read). */
export interface EstateState {
  accounts: Record<string, SimAccount>;
  buckets: Record<
    string,
    Pick<SimBucket, 'name' | 'ownerAccountId' | 'region' | 'publicAccessBlock' | 'tags'>
  >;
}

export type GroupRole = 'isolation' | 'allow-all';

export interface GroupRef {
  groupId: string;
  groupName: string;
  /** Airlock's own groups: the isolation group (no traffic) and the allow-all step before it. */
  role?: GroupRole;
}

export interface InstanceSummary {
  instanceId: string;
  name?: string;
  accountId: string;
  region: string;
  state: SimInstance['state'];
  vpcId: string;
  privateIpAddress: string;
  networkInterfaces: {
    networkInterfaceId: string;
    deviceIndex: number;
    securityGroups: GroupRef[];
    publicIp?: string;
  }[];
  instanceProfile?: { name: string; roles: { roleName: string; inlinePolicies: string[] }[] };
  ssmManaged: boolean;
  autoScalingGroup?: string;
  targetGroups: { name: string; arn: string; port: number; state: string }[];
  elasticIps: { allocationId: string; publicIp: string }[];
  volumes: { volumeId: string; deviceName: string; deleteOnTermination: boolean }[];
  snapshots: { snapshotId: string; volumeId: string; state: string; incidentId?: string }[];
  terminationProtection: boolean;
  shutdownBehavior: string;
  tags: Tags;
}

export interface UserSummary {
  userName: string;
  accountId: string;
  accessKeys: { accessKeyId: string; status: string }[];
  inlinePolicies: string[];
  tags: Tags;
}

export interface BucketSummary {
  name: string;
  accountId: string;
  region: string;
  publicAccessBlock?: SimPublicAccessBlock;
  accountPublicAccessBlock?: SimPublicAccessBlock;
  tags: Tags;
}

export interface EstateSummary {
  instances: InstanceSummary[];
  users: UserSummary[];
  buckets: BucketSummary[];
}

const byId =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a).localeCompare(key(b));

const ISOLATION_NAMES = new Set([isolationGroupName('no-egress'), isolationGroupName('ssm-endpoints')]);

function groupRole(name: string): GroupRole | undefined {
  if (ISOLATION_NAMES.has(name)) return 'isolation';
  if (name === ALLOW_ALL_GROUP) return 'allow-all';
  return undefined;
}

function regions(state: EstateState): { account: SimAccount; region: string; data: SimRegion }[] {
  return Object.values(state.accounts).flatMap((account) =>
    Object.entries(account.regions).map(([region, data]) => ({ account, region, data })),
  );
}

export function summarizeEstate(state: EstateState): EstateSummary {
  const instances = regions(state).flatMap(({ account, region, data }) =>
    Object.values(data.ec2.instances).map((i) => summarizeInstance(account, region, data, i)),
  );
  const users = Object.values(state.accounts).flatMap((account) =>
    Object.values(account.iam.users).map((u) => ({
      userName: u.userName,
      accountId: account.accountId,
      accessKeys: u.accessKeys.map((k) => ({ accessKeyId: k.accessKeyId, status: k.status })),
      inlinePolicies: Object.keys(u.inlinePolicies).sort(),
      tags: { ...u.tags },
    })),
  );
  const buckets = Object.values(state.buckets).map((b) => {
    const accountBlock = state.accounts[b.ownerAccountId]?.publicAccessBlock;
    return {
      name: b.name,
      accountId: b.ownerAccountId,
      region: b.region,
      ...(b.publicAccessBlock ? { publicAccessBlock: { ...b.publicAccessBlock } } : {}),
      ...(accountBlock ? { accountPublicAccessBlock: { ...accountBlock } } : {}),
      tags: { ...b.tags },
    };
  });
  return {
    instances: instances.sort(byId((i) => i.instanceId)),
    users: users.sort(byId((u) => u.userName)),
    buckets: buckets.sort(byId((b) => b.name)),
  };
}

function summarizeInstance(
  account: SimAccount,
  region: string,
  data: SimRegion,
  instance: SimInstance,
): InstanceSummary {
  const { ec2 } = data;
  const group = (groupId: string): GroupRef => {
    const name = ec2.securityGroups[groupId]?.groupName ?? groupId;
    const role = groupRole(name);
    return { groupId, groupName: name, ...(role ? { role } : {}) };
  };
  const enis = instance.networkInterfaceIds.flatMap((id) => {
    const eni = ec2.networkInterfaces[id];
    if (!eni) return [];
    const publicIp = eni.association?.publicIp;
    return [
      {
        networkInterfaceId: id,
        deviceIndex: eni.attachment?.deviceIndex ?? 0,
        securityGroups: eni.groupIds.map(group),
        ...(publicIp ? { publicIp } : {}),
      },
    ];
  });
  const profile = instanceProfileOf(account, instance);
  const asg = Object.values(data.autoscaling.groups).find((g) =>
    g.instances.some((i) => i.instanceId === instance.instanceId),
  );
  const volumeIds = new Set(instance.blockDeviceMappings.map((b) => b.volumeId));
  return {
    instanceId: instance.instanceId,
    ...(instance.tags.Name ? { name: instance.tags.Name } : {}),
    accountId: account.accountId,
    region,
    state: instance.state,
    vpcId: instance.vpcId,
    privateIpAddress: instance.privateIpAddress,
    networkInterfaces: enis.sort((a, b) => a.deviceIndex - b.deviceIndex),
    ...(profile ? { instanceProfile: profile } : {}),
    ssmManaged: data.ssm.managedInstances[instance.instanceId] !== undefined,
    ...(asg ? { autoScalingGroup: asg.name } : {}),
    targetGroups: Object.values(data.elbv2.targetGroups).flatMap((tg) =>
      tg.targets
        .filter((t) => t.id === instance.instanceId)
        .map((t) => ({ name: tg.name, arn: tg.arn, port: t.port, state: t.state })),
    ),
    elasticIps: Object.values(ec2.addresses)
      .filter((a) => a.instanceId === instance.instanceId)
      .map((a) => ({ allocationId: a.allocationId, publicIp: a.publicIp })),
    volumes: instance.blockDeviceMappings.map((b) => ({
      volumeId: b.volumeId,
      deviceName: b.deviceName,
      deleteOnTermination: b.deleteOnTermination,
    })),
    snapshots: Object.values(ec2.snapshots)
      .filter((s) => volumeIds.has(s.volumeId) || s.tags['airlock:instance-id'] === instance.instanceId)
      .sort(byId((s) => s.snapshotId))
      .map(snapshotSummary),
    terminationProtection: instance.disableApiTermination,
    shutdownBehavior: instance.instanceInitiatedShutdownBehavior,
    tags: { ...instance.tags },
  };
}

function snapshotSummary(s: SimSnapshot): InstanceSummary['snapshots'][number] {
  const incidentId = s.tags['airlock:incident-id'];
  return {
    snapshotId: s.snapshotId,
    volumeId: s.volumeId,
    state: s.state,
    ...(incidentId ? { incidentId } : {}),
  };
}

function instanceProfileOf(account: SimAccount, instance: SimInstance): InstanceSummary['instanceProfile'] {
  const arn = instance.iamInstanceProfile?.arn;
  if (!arn) return undefined;
  const name = arn.split('/').pop() ?? arn;
  const profile = account.iam.instanceProfiles[name];
  return {
    name,
    roles: (profile?.roleNames ?? []).map((roleName) => ({
      roleName,
      inlinePolicies: Object.keys(account.iam.roles[roleName]?.inlinePolicies ?? {}).sort(),
    })),
  };
}

/** Snapshots Airlock took for an incident (tag airlock:incident-id), anywhere in the estate. */
export function incidentSnapshots(state: EstateState, incidentId: string): InstanceSummary['snapshots'] {
  return regions(state)
    .flatMap(({ data }) => Object.values(data.ec2.snapshots))
    .filter((s) => s.tags['airlock:incident-id'] === incidentId)
    .sort(byId((s) => s.snapshotId))
    .map(snapshotSummary);
}

/** Security group id → name, across the estate (for before/after tables). */
export function groupNames(state: EstateState): Record<string, string> {
  const names: Record<string, string> = {};
  for (const { data } of regions(state)) {
    for (const g of Object.values(data.ec2.securityGroups)) names[g.groupId] = g.groupName;
  }
  return names;
}

/**
 * The instance's current state in the shape RecordPreState stored (workflow/domain/ec2/state.ts
 * readInstanceState), from the snapshot: what "after" means in the incident view.
 */
export function ec2StateNow(
  state: EstateState,
  target: { accountId: string; region: string; instanceId: string },
): Ec2State | undefined {
  const account = state.accounts[target.accountId];
  const data = account?.regions[target.region];
  const instance = data?.ec2.instances[target.instanceId];
  if (!account || !data || !instance) return undefined;
  const profileArn = instance.iamInstanceProfile?.arn;
  let instanceProfile: Ec2State['instanceProfile'];
  if (profileArn) {
    const name = profileArn.split('/').pop() ?? profileArn;
    const roleNames = account.iam.instanceProfiles[name]?.roleNames ?? [];
    const first = roleNames[0];
    const rolePolicyNames = first ? Object.keys(account.iam.roles[first]?.inlinePolicies ?? {}).sort() : [];
    instanceProfile = { arn: profileArn, name, roleNames: [...roleNames], rolePolicyNames };
  }
  const asg = Object.values(data.autoscaling.groups).find((g) =>
    g.instances.some((i) => i.instanceId === instance.instanceId),
  );
  return {
    kind: 'ec2-instance',
    instanceId: instance.instanceId,
    instanceArn: `arn:aws:ec2:${target.region}:${target.accountId}:instance/${instance.instanceId}`,
    vpcId: instance.vpcId,
    networkInterfaces: instance.networkInterfaceIds
      .flatMap((id) => {
        const eni = data.ec2.networkInterfaces[id];
        return eni
          ? [
              {
                networkInterfaceId: id,
                vpcId: eni.vpcId,
                deviceIndex: eni.attachment?.deviceIndex ?? 0,
                securityGroupIds: [...eni.groupIds],
              },
            ]
          : [];
      })
      .sort((a, b) => a.deviceIndex - b.deviceIndex),
    ...(instanceProfile ? { instanceProfile } : {}),
    disableApiTermination: instance.disableApiTermination,
    instanceInitiatedShutdownBehavior: instance.instanceInitiatedShutdownBehavior,
    blockDevices: instance.blockDeviceMappings
      .map((b) => ({
        deviceName: b.deviceName,
        volumeId: b.volumeId,
        deleteOnTermination: b.deleteOnTermination,
      }))
      .sort(byId((b) => b.deviceName)),
    ...(asg ? { autoScalingGroupName: asg.name } : {}),
    targetGroups: Object.values(data.elbv2.targetGroups)
      .filter((g) => g.targetType !== 'lambda' && g.vpcId === instance.vpcId)
      .flatMap((g) =>
        g.targets
          .filter((t) => t.id === instance.instanceId && t.state !== 'draining')
          .map((t) => ({ targetGroupArn: g.arn, port: t.port })),
      )
      .sort(byId((r) => `${r.targetGroupArn}:${r.port}`)),
    elasticIps: Object.values(data.ec2.addresses)
      .filter((a) => a.instanceId === instance.instanceId)
      .map((a) => ({
        allocationId: a.allocationId,
        publicIp: a.publicIp,
        networkInterfaceId: a.networkInterfaceId ?? '',
        privateIpAddress: a.privateIpAddress ?? '',
      }))
      .sort(byId((a) => a.allocationId)),
    tags: { ...instance.tags },
  };
}
