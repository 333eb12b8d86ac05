import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

/**
 * An estate file: a simulated AWS estate described as JSON (accounts → regions → VPCs, groups, instances, ASGs,
 * target groups, flows; IAM per account; buckets), so a team can drill a copy of its own layout. The schema is
 * documented in local/sim/README.md ("Estate file"); `applyEstate` (estate-apply.ts) builds it into a simulator.
 * Objects are strict: an unknown key is an error (a typo never silently drops a setting).
 */

const Tags = z.record(z.string(), z.string());
const AccountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit account id');
const Cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'must be an IPv4 CIDR such as 10.0.0.0/16');
const Ipv4 = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}$/, 'must be an IPv4 address');
const Port = z.number().int().min(0).max(65_535);
const id = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}-[0-9a-z]+$`), `must look like ${prefix}-0123456789abcdef0`);
/** A policy document: JSON text or the object itself. */
const PolicyDocument = z.union([z.string(), z.record(z.string(), z.unknown())]);

const SgRule = z.strictObject({
  protocol: z.enum(['tcp', 'udp', 'icmp', '-1']),
  fromPort: z.number().int().min(-1).max(65_535).optional(),
  toPort: z.number().int().min(-1).max(65_535).optional(),
  cidr: Cidr.optional(),
  cidrIpv6: z.string().optional(),
  /** Another security group (by id) as the peer. */
  group: z.string().optional(),
  description: z.string().optional(),
});

const NetworkAclEntry = z.strictObject({
  ruleNumber: z.number().int().min(1).max(32_766),
  egress: z.boolean(),
  protocol: z.enum(['tcp', 'udp', 'icmp', '-1']),
  ruleAction: z.enum(['allow', 'deny']),
  cidr: Cidr,
  fromPort: Port.optional(),
  toPort: Port.optional(),
});

const Subnet = z.strictObject({
  subnetId: id('subnet'),
  cidr: Cidr,
  availabilityZone: z.string().optional(),
  mapPublicIpOnLaunch: z.boolean().optional(),
  /** The network ACL (by id, in this VPC) associated with the subnet; default the VPC's default ACL. */
  networkAcl: z.string().optional(),
  tags: Tags.optional(),
});

const Vpc = z.strictObject({
  vpcId: id('vpc'),
  cidr: Cidr,
  isDefault: z.boolean().optional(),
  tags: Tags.optional(),
  subnets: z.array(Subnet).min(1),
  /** Custom network ACLs (each VPC also has its default ACL: allow all, as EC2 creates it). */
  networkAcls: z
    .array(
      z.strictObject({ networkAclId: id('acl'), entries: z.array(NetworkAclEntry), tags: Tags.optional() }),
    )
    .optional(),
  natGateways: z.array(z.strictObject({ natGatewayId: id('nat'), subnet: z.string() })).optional(),
  /** VPC endpoints: interface (ssm, ssmmessages, ec2messages …) or gateway (s3, dynamodb). */
  endpoints: z
    .array(
      z.strictObject({
        vpcEndpointId: id('vpce').optional(),
        service: z.string().min(1),
        securityGroups: z.array(z.string()).optional(),
        subnets: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

const SecurityGroup = z.strictObject({
  groupId: id('sg'),
  groupName: z.string().min(1),
  description: z.string().optional(),
  vpcId: z.string(),
  ingress: z.array(SgRule).optional(),
  /** Default: EC2's allow-all IPv4 egress. */
  egress: z.array(SgRule).optional(),
  tags: Tags.optional(),
});

const NetworkInterface = z.strictObject({
  eniId: id('eni'),
  subnet: z.string(),
  securityGroups: z.array(z.string()).min(1),
  privateIp: Ipv4.optional(),
  /** An auto-assigned public address. */
  publicIp: Ipv4.optional(),
  /** An Elastic IP associated with this interface. */
  elasticIp: z.strictObject({ allocationId: id('eipalloc'), publicIp: Ipv4 }).optional(),
  description: z.string().optional(),
});

const Volume = z.strictObject({
  volumeId: id('vol'),
  deviceName: z.string().regex(/^\/dev\/[a-z0-9]+$/, 'must be a device name such as /dev/xvda'),
  sizeGiB: z.number().int().min(1).max(65_536),
  deleteOnTermination: z.boolean(),
  volumeType: z.enum(['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard']).optional(),
  encrypted: z.boolean().optional(),
});

const Instance = z.strictObject({
  instanceId: id('i'),
  /** Nitro or Xen, and instance store disks, follow the type (local/sim/instance-types.ts). */
  instanceType: z
    .string()
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'must be an instance type such as t3.medium'),
  lifecycle: z.enum(['on-demand', 'spot']).default('on-demand'),
  imageId: z.string().optional(),
  state: z.enum(['running', 'stopped']).optional(),
  platform: z.enum(['linux', 'windows']).optional(),
  /** The first is the primary interface (device index 0); its subnet is the instance's. */
  networkInterfaces: z.array(NetworkInterface).min(1),
  volumes: z.array(Volume).min(1),
  /** An instance profile of this account (by name); two instances may share one, and so its role. */
  instanceProfile: z.string().optional(),
  tags: Tags.optional(),
  ssm: z.strictObject({ managed: z.boolean(), online: z.boolean().default(true) }),
  disableApiTermination: z.boolean().optional(),
  shutdownBehavior: z.enum(['stop', 'terminate']).optional(),
  screenshotSupported: z.boolean().optional(),
});

const TargetGroup = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9-]{1,32}$/, 'must be 1-32 letters, digits or hyphens'),
  vpcId: z.string(),
  port: Port,
  protocol: z.enum(['HTTP', 'HTTPS', 'TCP', 'UDP', 'TLS', 'TCP_UDP']).optional(),
  deregistrationDelaySeconds: z.number().int().min(0).max(3600).optional(),
  healthCheck: z
    .strictObject({
      intervalSeconds: z.number().int().min(5).max(300),
      unhealthyThresholdCount: z.number().int().min(2).max(10),
    })
    .optional(),
  /** Instances registered directly (members of an ASG attached to the group are registered by the ASG). */
  targets: z.array(z.strictObject({ instanceId: z.string(), port: Port.optional() })).optional(),
});

const AutoScalingGroup = z.strictObject({
  name: z.string().min(1),
  instances: z.array(z.string()).min(1),
  minSize: z.number().int().min(0),
  maxSize: z.number().int().min(0),
  desiredCapacity: z.number().int().min(0).optional(),
  /** 'ELB': an instance its target groups find unhealthy is terminated and replaced. */
  healthCheckType: z.enum(['EC2', 'ELB']).default('EC2'),
  gracePeriodSeconds: z.number().int().min(0).default(300),
  /** Target groups (by name, in this region). */
  targetGroups: z.array(z.string()).optional(),
  tags: Tags.optional(),
});

const Flow = z.strictObject({
  /** The ENI the flow runs on. */
  eniId: z.string(),
  direction: z.enum(['outbound', 'inbound']).default('outbound'),
  protocol: z.enum(['tcp', 'udp']).default('tcp'),
  peer: Ipv4,
  port: Port,
  via: z.enum(['direct', 'nat-gateway', 'nlb', 'gwlb', 'transit-gateway', 'privatelink']).default('direct'),
  /** For `via: nat-gateway`: the VPC's NAT gateway (by id); default a NAT gateway subnet the simulator adds. */
  natGateway: z.string().optional(),
  packetIntervalSeconds: z.number().int().min(1).optional(),
});

const Region = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a region such as us-east-1'),
  vpcs: z.array(Vpc).default([]),
  securityGroups: z.array(SecurityGroup).default([]),
  instances: z.array(Instance).default([]),
  targetGroups: z.array(TargetGroup).default([]),
  autoScalingGroups: z.array(AutoScalingGroup).default([]),
  flows: z.array(Flow).default([]),
});

const Role = z.strictObject({
  roleName: z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name'),
  path: z.string().optional(),
  /** The trust policy; default: EC2 may assume the role. */
  trust: PolicyDocument.optional(),
  inlinePolicies: z.record(z.string(), PolicyDocument).optional(),
  tags: Tags.optional(),
});

const User = z.strictObject({
  userName: z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM user name'),
  path: z.string().optional(),
  inlinePolicies: z.record(z.string(), PolicyDocument).optional(),
  accessKeys: z
    .array(
      z.strictObject({
        accessKeyId: z.string().regex(/^AKIA[A-Z0-9]{12,16}$/, 'must be an access key id (AKIA…)'),
        status: z.enum(['Active', 'Inactive']).optional(),
      }),
    )
    .optional(),
  tags: Tags.optional(),
});

const PublicAccessBlock = z.union([
  z.enum(['all', 'none']),
  z.strictObject({
    BlockPublicAcls: z.boolean(),
    IgnorePublicAcls: z.boolean(),
    BlockPublicPolicy: z.boolean(),
    RestrictPublicBuckets: z.boolean(),
  }),
]);

const Account = z.strictObject({
  accountId: AccountId,
  /** S3 account-level Block Public Access; absent: none configured. */
  publicAccessBlock: PublicAccessBlock.optional(),
  roles: z.array(Role).default([]),
  instanceProfiles: z
    .array(
      z.strictObject({ name: z.string().min(1), path: z.string().optional(), roles: z.array(z.string()) }),
    )
    .default([]),
  users: z.array(User).default([]),
  regions: z.array(Region).default([]),
});

const Bucket = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
  accountId: AccountId,
  region: z.string(),
  /** 'all' (all four settings on), 'none' (all four off), the four settings, or absent (no configuration). */
  publicAccessBlock: PublicAccessBlock.optional(),
  objects: z
    .array(z.strictObject({ key: z.string().min(1), text: z.string(), contentType: z.string().optional() }))
    .optional(),
  tags: Tags.optional(),
});

export const EstateFileSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  accounts: z.array(Account).min(1),
  buckets: z.array(Bucket).default([]),
});

export type EstateFile = z.infer<typeof EstateFileSchema>;
export type EstateAccount = EstateFile['accounts'][number];
export type EstateRegion = EstateAccount['regions'][number];
export type EstateInstance = EstateRegion['instances'][number];
export type EstateSgRule = z.infer<typeof SgRule>;
export type EstatePublicAccessBlock = z.infer<typeof PublicAccessBlock>;

/** One problem in an estate file: where (a JSON path such as `accounts[0].regions[0].instances[1].subnet`) and what. */
export interface EstateIssue {
  path: string;
  message: string;
}

/** An estate file that cannot be used; `issues` names every problem found. */
export class EstateFileError extends Error {
  override readonly name = 'EstateFileError';
  constructor(
    readonly source: string,
    readonly issues: EstateIssue[],
  ) {
    super(`${source}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
  }
}

/** `accounts[0].regions[1].vpcs` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

type Add = (path: string, message: string) => void;

/** Each value's first path; a repeat is an issue. */
function unique(add: Add, what: string) {
  const seen = new Map<string, string>();
  return (value: string, path: string) => {
    const first = seen.get(value);
    if (first !== undefined) add(path, `duplicate ${what} ${value} (also at ${first})`);
    else seen.set(value, path);
  };
}

function checkRegion(add: Add, account: EstateAccount, region: EstateRegion, at: string, ids: Ids): void {
  const where = `${account.accountId}/${region.region}`;
  const vpcs = new Set(region.vpcs.map((v) => v.vpcId));
  const subnetVpc = new Map<string, string>();
  region.vpcs.forEach((vpc, v) => {
    const vpcAt = `${at}.vpcs[${v}]`;
    ids.vpc(vpc.vpcId, `${vpcAt}.vpcId`);
    const acls = new Set((vpc.networkAcls ?? []).map((a) => a.networkAclId));
    (vpc.networkAcls ?? []).forEach((acl, a) => {
      ids.acl(acl.networkAclId, `${vpcAt}.networkAcls[${a}].networkAclId`);
    });
    vpc.subnets.forEach((subnet, s) => {
      ids.subnet(subnet.subnetId, `${vpcAt}.subnets[${s}].subnetId`);
      subnetVpc.set(subnet.subnetId, vpc.vpcId);
      if (subnet.networkAcl && !acls.has(subnet.networkAcl))
        add(
          `${vpcAt}.subnets[${s}].networkAcl`,
          `network ACL ${subnet.networkAcl} is not one of ${vpc.vpcId}'s`,
        );
    });
    const own = new Set(vpc.subnets.map((s) => s.subnetId));
    (vpc.natGateways ?? []).forEach((nat, n) => {
      ids.nat(nat.natGatewayId, `${vpcAt}.natGateways[${n}].natGatewayId`);
      if (!own.has(nat.subnet))
        add(`${vpcAt}.natGateways[${n}].subnet`, `subnet ${nat.subnet} is not one of ${vpc.vpcId}'s`);
    });
    (vpc.endpoints ?? []).forEach((endpoint, e) => {
      (endpoint.subnets ?? []).forEach((s, k) => {
        if (!own.has(s))
          add(`${vpcAt}.endpoints[${e}].subnets[${k}]`, `subnet ${s} is not one of ${vpc.vpcId}'s`);
      });
    });
  });

  const groupVpc = new Map(region.securityGroups.map((g) => [g.groupId, g.vpcId]));
  region.securityGroups.forEach((group, g) => {
    const gAt = `${at}.securityGroups[${g}]`;
    ids.group(group.groupId, `${gAt}.groupId`);
    if (!vpcs.has(group.vpcId)) add(`${gAt}.vpcId`, `VPC ${group.vpcId} does not exist in ${where}`);
    for (const [side, rules] of [
      ['ingress', group.ingress],
      ['egress', group.egress],
    ] as const) {
      (rules ?? []).forEach((rule, r) => {
        const rAt = `${gAt}.${side}[${r}]`;
        const peers = [rule.cidr, rule.cidrIpv6, rule.group].filter((p) => p !== undefined).length;
        if (peers !== 1) add(rAt, 'give exactly one peer: cidr, cidrIpv6 or group');
        if (rule.group && !groupVpc.has(rule.group))
          add(`${rAt}.group`, `security group ${rule.group} does not exist in ${where}`);
        if ((rule.protocol === 'tcp' || rule.protocol === 'udp') && rule.fromPort === undefined)
          add(`${rAt}.fromPort`, `a ${rule.protocol} rule needs fromPort (and toPort)`);
      });
    }
  });
  region.vpcs.forEach((vpc, v) => {
    (vpc.endpoints ?? []).forEach((endpoint, e) => {
      (endpoint.securityGroups ?? []).forEach((sg, k) => {
        if (groupVpc.get(sg) !== vpc.vpcId)
          add(
            `${at}.vpcs[${v}].endpoints[${e}].securityGroups[${k}]`,
            `security group ${sg} is not in ${vpc.vpcId}`,
          );
      });
    });
  });

  const profiles = new Set(account.instanceProfiles.map((p) => p.name));
  const instanceIds = new Set(region.instances.map((i) => i.instanceId));
  const enis = new Map<string, string>();
  region.instances.forEach((instance, n) => {
    const iAt = `${at}.instances[${n}]`;
    ids.instance(instance.instanceId, `${iAt}.instanceId`);
    let vpcOfInstance: string | undefined;
    instance.networkInterfaces.forEach((eni, k) => {
      const eAt = `${iAt}.networkInterfaces[${k}]`;
      ids.eni(eni.eniId, `${eAt}.eniId`);
      enis.set(eni.eniId, instance.instanceId);
      if (eni.elasticIp) ids.eip(eni.elasticIp.allocationId, `${eAt}.elasticIp.allocationId`);
      const vpc = subnetVpc.get(eni.subnet);
      if (!vpc) {
        add(`${eAt}.subnet`, `subnet ${eni.subnet} does not exist in ${where}`);
        return;
      }
      vpcOfInstance ??= vpc;
      if (vpc !== vpcOfInstance)
        add(`${eAt}.subnet`, `subnet ${eni.subnet} is in ${vpc}, the instance is in ${vpcOfInstance}`);
      eni.securityGroups.forEach((sg, s) => {
        const groupIn = groupVpc.get(sg);
        if (!groupIn) add(`${eAt}.securityGroups[${s}]`, `security group ${sg} does not exist in ${where}`);
        else if (groupIn !== vpc)
          add(
            `${eAt}.securityGroups[${s}]`,
            `security group ${sg} is in ${groupIn}, the interface in ${vpc}`,
          );
      });
    });
    const devices = unique(add, 'device name');
    instance.volumes.forEach((volume, k) => {
      ids.volume(volume.volumeId, `${iAt}.volumes[${k}].volumeId`);
      devices(volume.deviceName, `${iAt}.volumes[${k}].deviceName`);
    });
    if (instance.instanceProfile && !profiles.has(instance.instanceProfile))
      add(
        `${iAt}.instanceProfile`,
        `instance profile ${instance.instanceProfile} is not in account ${account.accountId}`,
      );
  });

  const targetGroups = new Set(region.targetGroups.map((t) => t.name));
  const tgNames = unique(add, 'target group');
  region.targetGroups.forEach((tg, t) => {
    const tAt = `${at}.targetGroups[${t}]`;
    tgNames(tg.name, `${tAt}.name`);
    if (!vpcs.has(tg.vpcId)) add(`${tAt}.vpcId`, `VPC ${tg.vpcId} does not exist in ${where}`);
    (tg.targets ?? []).forEach((target, k) => {
      if (!instanceIds.has(target.instanceId))
        add(`${tAt}.targets[${k}].instanceId`, `instance ${target.instanceId} does not exist in ${where}`);
    });
  });
  const asgNames = unique(add, 'Auto Scaling group');
  const member = unique(add, 'Auto Scaling group member');
  region.autoScalingGroups.forEach((asg, a) => {
    const aAt = `${at}.autoScalingGroups[${a}]`;
    asgNames(asg.name, `${aAt}.name`);
    if (asg.minSize > asg.maxSize)
      add(`${aAt}.minSize`, `minSize ${asg.minSize} is above maxSize ${asg.maxSize}`);
    const desired = asg.desiredCapacity ?? asg.instances.length;
    if (desired < asg.minSize || desired > asg.maxSize)
      add(`${aAt}.desiredCapacity`, `desired capacity ${desired} is outside ${asg.minSize}..${asg.maxSize}`);
    asg.instances.forEach((i, k) => {
      if (!instanceIds.has(i)) add(`${aAt}.instances[${k}]`, `instance ${i} does not exist in ${where}`);
      member(i, `${aAt}.instances[${k}]`);
    });
    (asg.targetGroups ?? []).forEach((tg, k) => {
      if (!targetGroups.has(tg))
        add(`${aAt}.targetGroups[${k}]`, `target group ${tg} does not exist in ${where}`);
    });
  });
  const nats = new Set(region.vpcs.flatMap((v) => (v.natGateways ?? []).map((n) => n.natGatewayId)));
  region.flows.forEach((flow, f) => {
    const fAt = `${at}.flows[${f}]`;
    if (!enis.has(flow.eniId))
      add(`${fAt}.eniId`, `network interface ${flow.eniId} is not an instance's in ${where}`);
    if (flow.natGateway && flow.via !== 'nat-gateway')
      add(`${fAt}.natGateway`, 'natGateway needs via: nat-gateway');
    if (flow.natGateway && !nats.has(flow.natGateway))
      add(`${fAt}.natGateway`, `NAT gateway ${flow.natGateway} does not exist in ${where}`);
  });
}

interface Ids {
  vpc: (value: string, path: string) => void;
  subnet: (value: string, path: string) => void;
  acl: (value: string, path: string) => void;
  nat: (value: string, path: string) => void;
  group: (value: string, path: string) => void;
  instance: (value: string, path: string) => void;
  eni: (value: string, path: string) => void;
  eip: (value: string, path: string) => void;
  volume: (value: string, path: string) => void;
}

/** Cross-references and unique ids (what the schema alone cannot see). */
function checkReferences(estate: EstateFile): EstateIssue[] {
  const issues: EstateIssue[] = [];
  const add: Add = (path, message) => issues.push({ path, message });
  // EC2 ids are unique across the whole file (AWS issues them so); names are unique where AWS requires it.
  const ids: Ids = {
    vpc: unique(add, 'VPC id'),
    subnet: unique(add, 'subnet id'),
    acl: unique(add, 'network ACL id'),
    nat: unique(add, 'NAT gateway id'),
    group: unique(add, 'security group id'),
    instance: unique(add, 'instance id'),
    eni: unique(add, 'network interface id'),
    eip: unique(add, 'Elastic IP allocation id'),
    volume: unique(add, 'volume id'),
  };
  const accounts = unique(add, 'account');
  const keys = unique(add, 'access key id');
  estate.accounts.forEach((account, a) => {
    const at = `accounts[${a}]`;
    accounts(account.accountId, `${at}.accountId`);
    const roles = new Set(account.roles.map((r) => r.roleName));
    const roleNames = unique(add, 'role');
    account.roles.forEach((r, k) => {
      roleNames(r.roleName, `${at}.roles[${k}].roleName`);
    });
    const profileNames = unique(add, 'instance profile');
    account.instanceProfiles.forEach((p, k) => {
      profileNames(p.name, `${at}.instanceProfiles[${k}].name`);
      p.roles.forEach((r, j) => {
        if (!roles.has(r))
          add(`${at}.instanceProfiles[${k}].roles[${j}]`, `role ${r} is not in account ${account.accountId}`);
      });
      if (p.roles.length > 1)
        add(`${at}.instanceProfiles[${k}].roles`, 'an instance profile holds at most one role');
    });
    const userNames = unique(add, 'user');
    account.users.forEach((u, k) => {
      userNames(u.userName, `${at}.users[${k}].userName`);
      (u.accessKeys ?? []).forEach((key, j) => {
        keys(key.accessKeyId, `${at}.users[${k}].accessKeys[${j}].accessKeyId`);
      });
      if ((u.accessKeys?.length ?? 0) > 2)
        add(`${at}.users[${k}].accessKeys`, 'IAM allows at most two access keys per user');
    });
    const regions = unique(add, 'region');
    account.regions.forEach((region, r) => {
      regions(region.region, `${at}.regions[${r}].region`);
      checkRegion(add, account, region, `${at}.regions[${r}]`, ids);
    });
  });
  const buckets = unique(add, 'bucket');
  estate.buckets.forEach((b, k) => {
    buckets(b.name, `buckets[${k}].name`);
  });
  return issues;
}

/** Validates parsed JSON as an estate file: the schema, then every cross-reference. Throws EstateFileError. */
export function parseEstateFile(raw: unknown, source = '(estate)'): EstateFile {
  const parsed = EstateFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new EstateFileError(
      source,
      parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  const issues = checkReferences(parsed.data);
  if (issues.length) throw new EstateFileError(source, issues);
  return parsed.data;
}

/** Reads and validates an estate file; unreadable or invalid JSON is an EstateFileError too. */
export function loadEstateFile(path: string): EstateFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new EstateFileError(path, [
      { path: '', message: `cannot read as JSON: ${(error as Error).message}` },
    ]);
  }
  return parseEstateFile(raw, path);
}

/** The demo estate file (what `npm start` shows and drills use without --estate). */
export const DEMO_ESTATE_PATH = join(__dirname, 'estates', 'demo.json');

let demo: EstateFile | undefined;

/** The demo estate, loaded and validated once per process. */
export function demoEstate(): EstateFile {
  demo ??= loadEstateFile(DEMO_ESTATE_PATH);
  return demo;
}
