import { createHash } from 'node:crypto';
import type { IpPermission } from '@aws-sdk/client-ec2';
import type { AwsTarget } from '../../workflow/aws/clients';
import type {
  SimAccessKey,
  SimAddress,
  SimAutoScalingGroup,
  SimBucket,
  SimFinding,
  SimInstance,
  SimInstanceProfile,
  SimManagedInstance,
  SimModel,
  SimNetworkInterface,
  SimObject,
  SimPublicAccessBlock,
  SimRole,
  SimSecurityGroup,
  SimSubnet,
  SimTargetGroup,
  SimUser,
  SimVolume,
  SimVpc,
  SimVpcEndpoint,
  SsmBehaviour,
  Tags,
} from './model';
import { associateNetworkAcl, ensureDefaultNetworkAcl } from './network-acls';
import { atomize, withId } from './sg-rules';

/**
 * Building blocks for the estate, shared by seeding and by the handlers that create things (CreateSecurityGroup,
 * an ASG's replacement launch, SSM output objects). Each returns the record it created; when an id is given and
 * already exists, the existing record is returned unchanged (so seeding is idempotent).
 */

export const ALL_TRAFFIC_EGRESS: IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

export function addVpc(
  model: SimModel,
  target: AwsTarget,
  spec: { cidrBlock: string; vpcId?: string; isDefault?: boolean; tags?: Tags },
): SimVpc {
  const ec2 = model.ec2(target);
  const vpcId = spec.vpcId ?? model.ids.ec2('vpc');
  const existing = ec2.vpcs[vpcId];
  if (existing) return existing;
  const vpc: SimVpc = {
    vpcId,
    cidrBlock: spec.cidrBlock,
    isDefault: spec.isDefault ?? false,
    tags: { ...spec.tags },
  };
  ec2.vpcs[vpcId] = vpc;
  ensureDefaultNetworkAcl(model, target, vpcId);
  createSecurityGroup(model, target, {
    groupName: 'default',
    description: 'default VPC security group',
    vpcId,
    ingress: [],
  });
  // The default group allows traffic from its own members.
  const defaultGroup = Object.values(ec2.securityGroups).find(
    (g) => g.vpcId === vpcId && g.groupName === 'default',
  );
  if (defaultGroup) {
    defaultGroup.ingress.push(withId({ protocol: '-1', groupId: defaultGroup.groupId }, model.ids));
  }
  return vpc;
}

export function addSubnet(
  model: SimModel,
  target: AwsTarget,
  spec: {
    vpcId: string;
    cidrBlock: string;
    subnetId?: string;
    availabilityZone?: string;
    mapPublicIpOnLaunch?: boolean;
    tags?: Tags;
  },
): SimSubnet {
  const ec2 = model.ec2(target);
  const subnetId = spec.subnetId ?? model.ids.ec2('subnet');
  const existing = ec2.subnets[subnetId];
  if (existing) return existing;
  const octets = spec.cidrBlock.split('/')[0]?.split('.') ?? [];
  const subnet: SimSubnet = {
    subnetId,
    vpcId: spec.vpcId,
    cidrBlock: spec.cidrBlock,
    availabilityZone: spec.availabilityZone ?? `${target.region}a`,
    addressPool: octets.length === 4 ? octets.slice(0, 3).join('.') : '10.0.0',
    mapPublicIpOnLaunch: spec.mapPublicIpOnLaunch ?? false,
    tags: { ...spec.tags },
  };
  ec2.subnets[subnetId] = subnet;
  associateNetworkAcl(model, target, ensureDefaultNetworkAcl(model, target, spec.vpcId), subnetId);
  return subnet;
}

/** A security group with EC2's default egress (allow all IPv4) unless `egress` is given. */
export function createSecurityGroup(
  model: SimModel,
  target: AwsTarget,
  spec: {
    groupName: string;
    description: string;
    vpcId: string;
    groupId?: string;
    tags?: Tags;
    ingress?: IpPermission[];
    egress?: IpPermission[];
  },
): SimSecurityGroup {
  const ec2 = model.ec2(target);
  if (spec.groupId && ec2.securityGroups[spec.groupId])
    return ec2.securityGroups[spec.groupId] as SimSecurityGroup;
  const groupId = spec.groupId ?? model.ids.ec2('sg');
  const ingress = atomize(spec.ingress ?? []);
  const egress = atomize(spec.egress ?? [ALL_TRAFFIC_EGRESS]);
  const error = ingress.error ?? egress.error;
  if (error) throw new Error(`createSecurityGroup ${spec.groupName}: ${error}`);
  const group: SimSecurityGroup = {
    groupId,
    groupName: spec.groupName,
    description: spec.description,
    vpcId: spec.vpcId,
    ownerId: target.accountId,
    ingress: ingress.rules.map((r) => withId(r, model.ids)),
    egress: egress.rules.map((r) => withId(r, model.ids)),
    tags: { ...spec.tags },
  };
  ec2.securityGroups[groupId] = group;
  return group;
}

export function addVolume(
  model: SimModel,
  target: AwsTarget,
  spec: {
    size: number;
    availabilityZone: string;
    volumeId?: string;
    volumeType?: string;
    encrypted?: boolean;
    tags?: Tags;
  },
): SimVolume {
  const ec2 = model.ec2(target);
  const volumeId = spec.volumeId ?? model.ids.ec2('vol');
  const existing = ec2.volumes[volumeId];
  if (existing) return existing;
  const volume: SimVolume = {
    volumeId,
    size: spec.size,
    volumeType: spec.volumeType ?? 'gp3',
    availabilityZone: spec.availabilityZone,
    encrypted: spec.encrypted ?? true,
    createTime: model.iso(),
    tags: { ...spec.tags },
  };
  ec2.volumes[volumeId] = volume;
  return volume;
}

export function addNetworkInterface(
  model: SimModel,
  target: AwsTarget,
  spec: {
    subnetId: string;
    groupIds: string[];
    networkInterfaceId?: string;
    vpcId?: string;
    privateIpAddress?: string;
    /** An auto-assigned public address (not an Elastic IP). */
    publicIp?: string;
    description?: string;
    tags?: Tags;
  },
): SimNetworkInterface {
  const ec2 = model.ec2(target);
  const networkInterfaceId = spec.networkInterfaceId ?? model.ids.ec2('eni');
  const existing = ec2.networkInterfaces[networkInterfaceId];
  if (existing) return existing;
  const subnet = ec2.subnets[spec.subnetId];
  const vpcId = spec.vpcId ?? subnet?.vpcId;
  if (!vpcId)
    throw new Error(`addNetworkInterface: subnet ${spec.subnetId} is unknown and no vpcId was given`);
  const n = model.ids.next('mac');
  const eni: SimNetworkInterface = {
    networkInterfaceId,
    vpcId,
    subnetId: spec.subnetId,
    availabilityZone: subnet?.availabilityZone ?? `${target.region}a`,
    description: spec.description ?? '',
    groupIds: [...spec.groupIds],
    privateIpAddress: spec.privateIpAddress ?? model.ids.ip(subnet?.addressPool ?? '10.0.0'),
    macAddress: `02:00:00:${hex((n >> 16) & 0xff, 2)}:${hex((n >> 8) & 0xff, 2)}:${hex(n & 0xff, 2)}`,
    sourceDestCheck: true,
    status: 'available',
    ...(spec.publicIp ? { association: { publicIp: spec.publicIp, ipOwnerId: 'amazon' } } : {}),
    tags: { ...spec.tags },
  };
  ec2.networkInterfaces[networkInterfaceId] = eni;
  return eni;
}

export function attachNetworkInterface(
  model: SimModel,
  eni: SimNetworkInterface,
  instanceId: string,
  deviceIndex: number,
): void {
  eni.attachment = {
    attachmentId: model.ids.ec2('eni-attach'),
    instanceId,
    deviceIndex,
    deleteOnTermination: deviceIndex === 0,
    attachTime: model.iso(),
  };
  eni.status = 'in-use';
}

export interface LaunchSpec {
  subnetId: string;
  groupIds: string[];
  instanceId?: string;
  instanceType?: string;
  imageId?: string;
  state?: SimInstance['state'];
  /** ARN of an instance profile (created in IAM by the caller, or a placeholder). */
  instanceProfileArn?: string;
  tags?: Tags;
  /** Volumes to create and attach; default a root volume /dev/xvda (8 GiB, DeleteOnTermination). */
  volumes?: {
    deviceName: string;
    size: number;
    deleteOnTermination: boolean;
    volumeId?: string;
    tags?: Tags;
  }[];
  /** Existing ENIs to attach in order (the first is primary); default one new ENI in the subnet. */
  networkInterfaceIds?: string[];
  primaryNetworkInterfaceId?: string;
  privateIpAddress?: string;
  /** An auto-assigned public address on the primary ENI. */
  publicIp?: string;
  disableApiTermination?: boolean;
  instanceInitiatedShutdownBehavior?: 'stop' | 'terminate';
  platform?: 'linux' | 'windows';
  screenshotSupported?: boolean;
  launchTime?: string;
  /** Launch as a Spot Instance. */
  spot?: boolean;
}

/** Launches an instance: ENIs, volumes, profile association, console output. */
export function launchInstance(model: SimModel, target: AwsTarget, spec: LaunchSpec): SimInstance {
  const ec2 = model.ec2(target);
  const instanceId = spec.instanceId ?? model.ids.ec2('i');
  const existing = ec2.instances[instanceId];
  if (existing) return existing;
  const subnet = ec2.subnets[spec.subnetId];
  if (!subnet) throw new Error(`launchInstance: subnet ${spec.subnetId} does not exist (add it first)`);

  const eniIds = spec.networkInterfaceIds?.length
    ? spec.networkInterfaceIds
    : [
        addNetworkInterface(model, target, {
          subnetId: subnet.subnetId,
          groupIds: spec.groupIds,
          ...(spec.primaryNetworkInterfaceId ? { networkInterfaceId: spec.primaryNetworkInterfaceId } : {}),
          ...(spec.privateIpAddress ? { privateIpAddress: spec.privateIpAddress } : {}),
          ...(spec.publicIp ? { publicIp: spec.publicIp } : {}),
          description: 'Primary network interface',
        }).networkInterfaceId,
      ];
  eniIds.forEach((id, index) => {
    const eni = ec2.networkInterfaces[id];
    if (!eni) throw new Error(`launchInstance: network interface ${id} does not exist`);
    attachNetworkInterface(model, eni, instanceId, index);
  });
  const primary = ec2.networkInterfaces[eniIds[0] as string] as SimNetworkInterface;

  const launchTime = spec.launchTime ?? model.iso();
  const volumes = spec.volumes ?? [{ deviceName: '/dev/xvda', size: 8, deleteOnTermination: true }];
  const blockDeviceMappings = volumes.map((v) => {
    const volume = addVolume(model, target, {
      size: v.size,
      availabilityZone: subnet.availabilityZone,
      ...(v.volumeId ? { volumeId: v.volumeId } : {}),
      ...(v.tags ? { tags: v.tags } : {}),
    });
    volume.attachedTo = instanceId;
    return {
      deviceName: v.deviceName,
      volumeId: volume.volumeId,
      deleteOnTermination: v.deleteOnTermination,
      attachTime: launchTime,
    };
  });

  const instance: SimInstance = {
    instanceId,
    reservationId: model.ids.ec2('r'),
    state: spec.state ?? 'running',
    instanceType: spec.instanceType ?? 't3.micro',
    imageId: spec.imageId ?? 'ami-0abcdef1234567890',
    availabilityZone: subnet.availabilityZone,
    vpcId: subnet.vpcId,
    subnetId: subnet.subnetId,
    privateIpAddress: primary.privateIpAddress,
    launchTime,
    networkInterfaceIds: [...eniIds],
    disableApiTermination: spec.disableApiTermination ?? false,
    instanceInitiatedShutdownBehavior: spec.instanceInitiatedShutdownBehavior ?? 'stop',
    rootDeviceName: blockDeviceMappings[0]?.deviceName ?? '/dev/xvda',
    blockDeviceMappings,
    platform: spec.platform ?? 'linux',
    consoleOutput: bootLog(instanceId, primary.privateIpAddress, launchTime),
    screenshotSupported: spec.screenshotSupported ?? true,
    ...(spec.spot ? { instanceLifecycle: 'spot' as const } : {}),
    tags: { ...spec.tags },
  };
  ec2.instances[instanceId] = instance;
  if (spec.instanceProfileArn) associateInstanceProfile(model, target, instance, spec.instanceProfileArn);
  return instance;
}

function bootLog(instanceId: string, ip: string, at: string): string {
  return [
    `[    0.000000] Linux version 6.1.0-sim (airlock-sim) #1 SMP ${at}`,
    '[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz root=LABEL=/ console=ttyS0',
    '[    1.204112] EXT4-fs (nvme0n1p1): mounted filesystem with ordered data mode',
    `cloud-init[1021]: Cloud-init v. 22.2.2 running 'init' at ${at}.`,
    `cloud-init[1021]: ci-info: |  ens5  | True | ${ip} | 255.255.255.0 | global |`,
    `cloud-init[1021]: instance-id: ${instanceId}`,
    'Amazon Linux 2023',
    'Kernel 6.1.0-sim on an x86_64',
    '',
  ].join('\n');
}

/** Sets the instance's profile association (a new association id, as EC2 issues one per association). */
export function associateInstanceProfile(
  model: SimModel,
  target: AwsTarget,
  instance: SimInstance,
  arn: string,
): void {
  const profile = Object.values(model.iam(target.accountId).instanceProfiles).find((p) => p.arn === arn);
  instance.iamInstanceProfile = {
    associationId: model.ids.ec2('iip-assoc'),
    arn,
    id: profile?.instanceProfileId ?? model.ids.iam('AIPA'),
    associatedAt: model.iso(),
  };
}

export function allocateAddress(
  model: SimModel,
  target: AwsTarget,
  spec: { publicIp?: string; allocationId?: string; tags?: Tags } = {},
): SimAddress {
  const ec2 = model.ec2(target);
  const allocationId = spec.allocationId ?? model.ids.ec2('eipalloc');
  const existing = ec2.addresses[allocationId];
  if (existing) return existing;
  const address: SimAddress = {
    allocationId,
    publicIp: spec.publicIp ?? model.ids.ip('203.0.113'),
    domain: 'vpc',
    tags: { ...spec.tags },
  };
  ec2.addresses[allocationId] = address;
  return address;
}

/** Associates an Elastic IP with an ENI (replacing the ENI's current public address). */
export function associateAddress(
  model: SimModel,
  target: AwsTarget,
  address: SimAddress,
  eni: SimNetworkInterface,
  privateIpAddress?: string,
): string {
  const ec2 = model.ec2(target);
  if (address.associationId) disassociateAddress(model, target, address);
  const current = eni.association?.allocationId ? ec2.addresses[eni.association.allocationId] : undefined;
  if (current) disassociateAddress(model, target, current);
  const associationId = model.ids.ec2('eipassoc');
  address.associationId = associationId;
  address.networkInterfaceId = eni.networkInterfaceId;
  address.privateIpAddress = privateIpAddress ?? eni.privateIpAddress;
  if (eni.attachment) address.instanceId = eni.attachment.instanceId;
  eni.association = {
    publicIp: address.publicIp,
    ipOwnerId: target.accountId,
    allocationId: address.allocationId,
    associationId,
  };
  return associationId;
}

export function disassociateAddress(model: SimModel, target: AwsTarget, address: SimAddress): void {
  const eni = address.networkInterfaceId
    ? model.ec2(target).networkInterfaces[address.networkInterfaceId]
    : undefined;
  if (eni?.association?.allocationId === address.allocationId) delete eni.association;
  delete address.associationId;
  delete address.instanceId;
  delete address.networkInterfaceId;
  delete address.privateIpAddress;
}

const SERVICE_PREFIX = (region: string) => `com.amazonaws.${region}.`;

/** An interface endpoint (ssm, ssmmessages, ec2messages …) or a gateway endpoint (s3, dynamodb) with its prefix list. */
export function addVpcEndpoint(
  model: SimModel,
  target: AwsTarget,
  spec: {
    vpcId: string;
    service: string;
    groupIds?: string[];
    subnetIds?: string[];
    routeTableIds?: string[];
    vpcEndpointId?: string;
  },
): SimVpcEndpoint {
  const ec2 = model.ec2(target);
  const serviceName = `${SERVICE_PREFIX(target.region)}${spec.service}`;
  const existing = Object.values(ec2.vpcEndpoints).find(
    (e) =>
      e.vpcEndpointId === spec.vpcEndpointId || (e.vpcId === spec.vpcId && e.serviceName === serviceName),
  );
  if (existing) return existing;
  const gateway = spec.service === 's3' || spec.service === 'dynamodb';
  let prefixListId: string | undefined;
  if (gateway) {
    let list = Object.values(ec2.prefixLists).find((p) => p.prefixListName === serviceName);
    if (!list) {
      list = {
        prefixListId: model.ids.ec2('pl'),
        prefixListName: serviceName,
        cidrs: spec.service === 's3' ? ['52.216.0.0/15', '3.5.0.0/19'] : ['52.94.0.0/22'],
      };
      ec2.prefixLists[list.prefixListId] = list;
    }
    prefixListId = list.prefixListId;
  }
  const endpoint: SimVpcEndpoint = {
    vpcEndpointId: spec.vpcEndpointId ?? model.ids.ec2('vpce'),
    vpcId: spec.vpcId,
    serviceName,
    type: gateway ? 'Gateway' : 'Interface',
    groupIds: gateway ? [] : [...(spec.groupIds ?? [])],
    subnetIds: gateway ? [] : [...(spec.subnetIds ?? [])],
    routeTableIds: gateway ? [...(spec.routeTableIds ?? [model.ids.ec2('rtb')])] : [],
    ...(prefixListId ? { prefixListId } : {}),
    privateDnsEnabled: !gateway,
    tags: {},
  };
  ec2.vpcEndpoints[endpoint.vpcEndpointId] = endpoint;
  return endpoint;
}

// ---------- IAM ----------

export const EC2_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export function addRole(
  model: SimModel,
  accountId: string,
  spec: {
    roleName: string;
    path?: string;
    trust?: string;
    inlinePolicies?: Record<string, string>;
    tags?: Tags;
  },
): SimRole {
  const iam = model.iam(accountId);
  const existing = iam.roles[spec.roleName];
  if (existing) return existing;
  const path = spec.path ?? '/';
  const role: SimRole = {
    roleName: spec.roleName,
    roleId: model.ids.iam('AROA'),
    arn: `arn:aws:iam::${accountId}:role${path}${spec.roleName}`,
    path,
    createDate: model.iso(),
    assumeRolePolicyDocument: spec.trust ?? EC2_TRUST_POLICY,
    inlinePolicies: { ...spec.inlinePolicies },
    tags: { ...spec.tags },
  };
  iam.roles[spec.roleName] = role;
  return role;
}

export function addInstanceProfile(
  model: SimModel,
  accountId: string,
  spec: { name: string; roleNames: string[]; path?: string },
): SimInstanceProfile {
  const iam = model.iam(accountId);
  const existing = iam.instanceProfiles[spec.name];
  if (existing) return existing;
  const path = spec.path ?? '/';
  const profile: SimInstanceProfile = {
    instanceProfileName: spec.name,
    instanceProfileId: model.ids.iam('AIPA'),
    arn: `arn:aws:iam::${accountId}:instance-profile${path}${spec.name}`,
    path,
    createDate: model.iso(),
    roleNames: [...spec.roleNames],
  };
  iam.instanceProfiles[spec.name] = profile;
  return profile;
}

export function addUser(
  model: SimModel,
  accountId: string,
  spec: { userName: string; path?: string; inlinePolicies?: Record<string, string>; tags?: Tags },
): SimUser {
  const iam = model.iam(accountId);
  const existing = iam.users[spec.userName];
  if (existing) return existing;
  const path = spec.path ?? '/';
  const user: SimUser = {
    userName: spec.userName,
    userId: model.ids.iam('AIDA'),
    arn: `arn:aws:iam::${accountId}:user${path}${spec.userName}`,
    path,
    createDate: model.iso(),
    inlinePolicies: { ...spec.inlinePolicies },
    accessKeys: [],
    tags: { ...spec.tags },
  };
  iam.users[spec.userName] = user;
  return user;
}

export function addAccessKey(
  model: SimModel,
  user: SimUser,
  spec: { accessKeyId?: string; status?: 'Active' | 'Inactive' } = {},
): SimAccessKey {
  const accessKeyId = spec.accessKeyId ?? model.ids.iam('AKIA');
  const existing = user.accessKeys.find((k) => k.accessKeyId === accessKeyId);
  if (existing) return existing;
  const key: SimAccessKey = { accessKeyId, status: spec.status ?? 'Active', createDate: model.iso() };
  user.accessKeys.push(key);
  return key;
}

// ---------- S3 ----------

export function addBucket(
  model: SimModel,
  spec: {
    name: string;
    accountId: string;
    region: string;
    publicAccessBlock?: SimPublicAccessBlock;
    tags?: Tags;
  },
): SimBucket {
  const existing = model.state.buckets[spec.name];
  if (existing) return existing;
  const bucket: SimBucket = {
    name: spec.name,
    ownerAccountId: spec.accountId,
    region: spec.region,
    creationDate: model.iso(),
    ...(spec.publicAccessBlock ? { publicAccessBlock: { ...spec.publicAccessBlock } } : {}),
    objects: {},
    tags: { ...spec.tags },
  };
  model.state.buckets[spec.name] = bucket;
  return bucket;
}

export const sha256Base64 = (body: Uint8Array) => createHash('sha256').update(body).digest('base64');

export function storeObject(
  model: SimModel,
  bucket: SimBucket,
  key: string,
  body: Uint8Array,
  options: { contentType?: string; metadata?: Record<string, string>; serverSideEncryption?: string } = {},
): SimObject {
  const object: SimObject = {
    body: new Uint8Array(body),
    checksumSha256: sha256Base64(body),
    etag: `"${createHash('md5').update(body).digest('hex')}"`,
    ...(options.contentType ? { contentType: options.contentType } : {}),
    ...(options.serverSideEncryption ? { serverSideEncryption: options.serverSideEncryption } : {}),
    metadata: { ...options.metadata },
    lastModified: model.iso(),
  };
  bucket.objects[key] = object;
  return object;
}

// ---------- SSM, Auto Scaling, ELBv2, Security Hub ----------

export function addManagedInstance(
  model: SimModel,
  target: AwsTarget,
  instanceId: string,
  spec: {
    pingStatus?: SimManagedInstance['pingStatus'];
    platform?: 'Linux' | 'Windows';
    behaviour?: Partial<SsmBehaviour>;
  } = {},
): SimManagedInstance {
  const ssm = model.region(target).ssm;
  const existing = ssm.managedInstances[instanceId];
  if (existing) return existing;
  const windows = spec.platform === 'Windows';
  const managed: SimManagedInstance = {
    instanceId,
    pingStatus: spec.pingStatus ?? 'Online',
    platformType: windows ? 'Windows' : 'Linux',
    platformName: windows ? 'Microsoft Windows Server 2022 Datacenter' : 'Amazon Linux',
    platformVersion: windows ? '10.0.20348' : '2023',
    agentVersion: '3.3.1142.0',
    lastPingDateTime: model.iso(),
    ...(spec.behaviour ? { behaviour: { ...model.ssmDefaults, ...spec.behaviour } } : {}),
  };
  ssm.managedInstances[instanceId] = managed;
  return managed;
}

export function addTargetGroup(
  model: SimModel,
  target: AwsTarget,
  spec: {
    name: string;
    vpcId: string;
    port: number;
    protocol?: string;
    deregistrationDelaySeconds?: number;
    loadBalancerArns?: string[];
    targets?: { id: string; port?: number }[];
  },
): SimTargetGroup {
  const elbv2 = model.region(target).elbv2;
  const existing = Object.values(elbv2.targetGroups).find((g) => g.name === spec.name);
  if (existing) return existing;
  const arn = `arn:aws:elasticloadbalancing:${target.region}:${target.accountId}:targetgroup/${spec.name}/${hex(
    model.ids.next('targetgroup'),
    16,
  )}`;
  const group: SimTargetGroup = {
    arn,
    name: spec.name,
    vpcId: spec.vpcId,
    protocol: spec.protocol ?? 'HTTP',
    port: spec.port,
    targetType: 'instance',
    loadBalancerArns: [...(spec.loadBalancerArns ?? [])],
    deregistrationDelaySeconds: spec.deregistrationDelaySeconds ?? 0,
    targets: (spec.targets ?? []).map((t) => ({ id: t.id, port: t.port ?? spec.port, state: 'healthy' })),
  };
  elbv2.targetGroups[arn] = group;
  return group;
}

/** Registers a target (no-op when already registered and not draining). */
export function registerTarget(group: SimTargetGroup, id: string, port?: number): void {
  const p = port ?? group.port;
  const current = group.targets.find((t) => t.id === id && t.port === p);
  if (current) {
    if (current.state === 'draining') {
      current.state = 'healthy';
      delete current.drainingUntil;
    }
    return;
  }
  group.targets.push({ id, port: p, state: 'healthy' });
}

/** Deregisters a target: it drains for the group's deregistration delay, or leaves at once when that is 0. */
export function deregisterTarget(model: SimModel, group: SimTargetGroup, id: string, port?: number): void {
  const p = port ?? group.port;
  const index = group.targets.findIndex((t) => t.id === id && t.port === p);
  const current = group.targets[index];
  if (!current) return;
  if (group.deregistrationDelaySeconds > 0) {
    current.state = 'draining';
    current.drainingUntil = new Date(
      model.now().getTime() + group.deregistrationDelaySeconds * 1000,
    ).toISOString();
  } else {
    group.targets.splice(index, 1);
  }
}

/** Drops targets whose draining time is over. */
export function pruneDraining(model: SimModel, group: SimTargetGroup): void {
  const now = model.now().getTime();
  group.targets = group.targets.filter(
    (t) => !(t.state === 'draining' && t.drainingUntil && Date.parse(t.drainingUntil) <= now),
  );
}

export function addAutoScalingGroup(
  model: SimModel,
  target: AwsTarget,
  spec: {
    name: string;
    instanceIds: string[];
    minSize: number;
    maxSize: number;
    desiredCapacity?: number;
    targetGroupArns?: string[];
    tags?: Tags;
  },
): SimAutoScalingGroup {
  const region = model.region(target);
  const existing = region.autoscaling.groups[spec.name];
  if (existing) return existing;
  const instances = spec.instanceIds.map((id) => {
    const instance = region.ec2.instances[id];
    if (!instance) throw new Error(`addAutoScalingGroup: instance ${id} does not exist`);
    return instance;
  });
  const first = instances[0];
  const primary = first ? region.ec2.networkInterfaces[first.networkInterfaceIds[0] ?? ''] : undefined;
  const group: SimAutoScalingGroup = {
    name: spec.name,
    arn: `arn:aws:autoscaling:${target.region}:${target.accountId}:autoScalingGroup:${model.ids.uuid(
      'asg',
    )}:autoScalingGroupName/${spec.name}`,
    minSize: spec.minSize,
    maxSize: spec.maxSize,
    desiredCapacity: spec.desiredCapacity ?? instances.length,
    subnetIds: [...new Set(instances.map((i) => i.subnetId))],
    targetGroupArns: [...(spec.targetGroupArns ?? [])],
    launch: {
      instanceType: first?.instanceType ?? 't3.micro',
      imageId: first?.imageId ?? 'ami-0abcdef1234567890',
      securityGroupIds: [...(primary?.groupIds ?? [])],
      ...(first?.iamInstanceProfile ? { instanceProfileArn: first.iamInstanceProfile.arn } : {}),
    },
    instances: instances.map((i) => ({
      instanceId: i.instanceId,
      lifecycleState: 'InService',
      healthStatus: 'Healthy',
      availabilityZone: i.availabilityZone,
    })),
    activities: [],
    tags: { ...spec.tags },
  };
  region.autoscaling.groups[spec.name] = group;
  for (const arn of group.targetGroupArns) {
    const tg = region.elbv2.targetGroups[arn];
    if (tg) for (const i of instances) registerTarget(tg, i.instanceId);
  }
  return group;
}

export function addFinding(
  model: SimModel,
  target: AwsTarget,
  spec: { id: string; productArn: string; title?: string; workflowStatus?: SimFinding['workflowStatus'] },
): SimFinding {
  const findings = model.region(target).securityhub.findings;
  const existing = findings[spec.id];
  if (existing) return existing;
  const finding: SimFinding = {
    id: spec.id,
    productArn: spec.productArn,
    title: spec.title ?? spec.id,
    workflowStatus: spec.workflowStatus ?? 'NEW',
    updatedAt: model.iso(),
  };
  findings[spec.id] = finding;
  return finding;
}
