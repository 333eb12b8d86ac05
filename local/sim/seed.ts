import type { AwsTarget } from '../../workflow/aws/clients';
import { iamNameFrom } from '../../workflow/domain/iam/principal';
import type { IncidentRequest, NetworkInterfaceRef } from '../../workflow/intake/types';
import {
  addAccessKey,
  addBucket,
  addFinding,
  addInstanceProfile,
  addManagedInstance,
  addNetworkInterface,
  addRole,
  addSubnet,
  addUser,
  addVpc,
  createSecurityGroup,
  launchInstance,
} from './build';
import type { SimulatedAws } from './clients';
import { applyEstate } from './estate-apply';
import { demoEstate } from './estate-file';
import { EVIDENCE_DEFAULT_RETENTION, registerCaptureDocument, seedEvidenceAccess } from './evidence-access';
import { addNatGatewayFlow } from './flows';
import { HOME_ACCOUNT_ID, HOME_REGION, type SimManagedInstance, type SimPublicAccessBlock } from './model';

export { HOME_ACCOUNT_ID, HOME_REGION };

const ALL_BLOCKED: SimPublicAccessBlock = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};
const NONE_BLOCKED: SimPublicAccessBlock = {
  BlockPublicAcls: false,
  IgnorePublicAcls: false,
  BlockPublicPolicy: false,
  RestrictPublicBuckets: false,
};

const policy = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

/** The SSM-only permissions of the forensic instance profile Airlock swaps in. */
const FORENSIC_POLICY = policy([
  {
    Effect: 'Allow',
    Action: ['ssm:UpdateInstanceInformation', 'ssmmessages:*', 'ec2messages:*'],
    Resource: '*',
  },
]);

export interface SeedOptions {
  /** Evidence bucket (in the simulator's home account). Default 'airlock-evidence'. */
  evidenceBucket?: string;
  /** The forensic instance profile Airlock swaps in (created in the target account). Default 'airlock-forensic'. */
  forensicInstanceProfileName?: string;
}

/** Airlock's own prerequisites: the evidence bucket (home) and the forensic profile (target account). */
export function seedAirlockPrerequisites(
  sim: SimulatedAws,
  accountId: string,
  options: SeedOptions = {},
): void {
  const model = sim.model;
  addBucket(model, {
    name: options.evidenceBucket ?? 'airlock-evidence',
    accountId: sim.home.accountId,
    region: sim.home.region,
    publicAccessBlock: ALL_BLOCKED,
  });
  seedEvidenceAccess(model, sim.home, options.evidenceBucket ?? 'airlock-evidence');
  registerCaptureDocument(model, { accountId, region: sim.home.region });
  const name = options.forensicInstanceProfileName ?? 'airlock-forensic';
  addRole(model, accountId, { roleName: name, inlinePolicies: { 'ssm-only': FORENSIC_POLICY } });
  addInstanceProfile(model, accountId, { name, roleNames: [name] });
}

export interface SeedFromRequestOptions extends SeedOptions {
  /** SSM registration of a seeded instance: 'Online' (default), another ping status, or false (not managed). */
  ssm?: SimManagedInstance['pingStatus'] | false;
  /** Names for security groups the finding names only by id (default: the id). */
  securityGroupNames?: Record<string, string>;
  /** Bucket Block Public Access of seeded buckets: 'disabled' (all four false, default) or 'none' (no config). */
  bucketPublicAccess?: 'disabled' | 'none';
}

const IAM_NAME = /[^\w+=,.@-]/g;

/** Name and path of an instance profile from a finding's ARN (placeholders such as GuardDuty samples' become names). */
function profileFromArn(arn: string): { name: string; path: string } {
  const m = /^arn:aws[\w-]*:iam::\d{12}:instance-profile(\/(?:[^/]+\/)*)([^/]+)$/.exec(arn);
  if (m?.[2]) return { name: m[2], path: m[1] ?? '/' };
  const last = arn.split('/').pop() ?? arn;
  return { name: last.replace(IAM_NAME, '-').slice(0, 128) || 'instance-profile', path: '/' };
}

/** Creates the VPC, subnet and security groups an ENI from a finding refers to (ids as the finding gives them). */
function ensureNetwork(
  sim: SimulatedAws,
  target: AwsTarget,
  ref: NetworkInterfaceRef,
  options: SeedFromRequestOptions,
) {
  const model = sim.model;
  const ec2 = model.ec2(target);
  const vpcIndex = Object.keys(ec2.vpcs).length;
  const vpc = addVpc(model, target, {
    ...(ref.vpcId ? { vpcId: ref.vpcId } : {}),
    cidrBlock: `10.${100 + vpcIndex}.0.0/16`,
  });
  const base = vpc.cidrBlock.split('.').slice(0, 2).join('.');
  const subnetIndex = Object.values(ec2.subnets).filter((s) => s.vpcId === vpc.vpcId).length;
  const subnet =
    (ref.subnetId
      ? ec2.subnets[ref.subnetId]
      : Object.values(ec2.subnets).find((s) => s.vpcId === vpc.vpcId)) ??
    addSubnet(model, target, {
      vpcId: vpc.vpcId,
      ...(ref.subnetId ? { subnetId: ref.subnetId } : {}),
      cidrBlock: `${base}.${subnetIndex + 1}.0/24`,
    });
  for (const groupId of ref.securityGroupIds) {
    if (ec2.securityGroups[groupId]) continue;
    createSecurityGroup(model, target, {
      groupId,
      groupName: options.securityGroupNames?.[groupId] ?? groupId,
      description: `Seeded from finding (${groupId})`,
      vpcId: vpc.vpcId,
      ingress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
  }
  return { vpc, subnet };
}

function seedInstance(
  sim: SimulatedAws,
  request: IncidentRequest,
  target: AwsTarget,
  options: SeedFromRequestOptions,
) {
  const model = sim.model;
  const resource = request.resource;
  const instanceId = resource.instanceId;
  if (!instanceId)
    throw new Error(`seedFromRequest: ec2-instance request ${request.findingId} has no instanceId`);
  if (model.ec2(target).instances[instanceId]) return;

  const refs: NetworkInterfaceRef[] = resource.networkInterfaces?.length
    ? resource.networkInterfaces
    : [{ networkInterfaceId: `eni-for-${instanceId}`, securityGroupIds: [] }];
  const networks = refs.map((ref) => ensureNetwork(sim, target, ref, options));
  const primary = networks[0];
  if (!primary) return;
  if (!refs[0]?.securityGroupIds.length) {
    const fallback = Object.values(model.ec2(target).securityGroups).find(
      (g) => g.vpcId === primary.vpc.vpcId && g.groupName === 'default',
    );
    if (fallback && refs[0]) refs[0] = { ...refs[0], securityGroupIds: [fallback.groupId] };
  }
  const eniIds = refs.map((ref, i) => {
    const network = networks[i] ?? primary;
    return addNetworkInterface(model, target, {
      networkInterfaceId: ref.networkInterfaceId,
      subnetId: network.subnet.subnetId,
      vpcId: network.vpc.vpcId,
      groupIds: ref.securityGroupIds,
      ...(ref.privateIpAddress ? { privateIpAddress: ref.privateIpAddress } : {}),
      ...(ref.publicIp ? { publicIp: ref.publicIp } : {}),
      description: i === 0 ? 'Primary network interface' : '',
    }).networkInterfaceId;
  });

  let profileArn: string | undefined;
  if (resource.instanceProfileArn) {
    const { name, path } = profileFromArn(resource.instanceProfileArn);
    const roleName = `${name}-role`.slice(0, 64);
    addRole(model, target.accountId, {
      roleName,
      path,
      inlinePolicies: {
        'app-access': policy([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' }]),
      },
    });
    profileArn = addInstanceProfile(model, target.accountId, { name, path, roleNames: [roleName] }).arn;
  }

  launchInstance(model, target, {
    instanceId,
    subnetId: primary.subnet.subnetId,
    groupIds: refs[0]?.securityGroupIds ?? [],
    networkInterfaceIds: eniIds,
    instanceType: 'm5.large',
    ...(profileArn ? { instanceProfileArn: profileArn } : {}),
    volumes: [
      { deviceName: '/dev/xvda', size: 8, deleteOnTermination: true },
      { deviceName: '/dev/sdf', size: 100, deleteOnTermination: true },
    ],
    tags: { ...resource.tags },
  });
  if (options.ssm !== false)
    addManagedInstance(model, target, instanceId, { pingStatus: options.ssm ?? 'Online' });
  // A session out through the VPC's NAT gateway: always tracked, so only a stateless cut drops it.
  if (eniIds[0]) addNatGatewayFlow(model, target, { networkInterfaceId: eniIds[0] });
}

/**
 * Makes the estate a request talks about exist, so a drill can contain it: for an EC2 finding, the instance with
 * its ENIs (and the VPCs, subnets and security groups they name), a root and a data volume, its instance profile
 * and role, SSM registration; for an access key, the user (or role) and the key; for a bucket finding, the
 * buckets with Block Public Access disabled. Also Airlock's prerequisites (evidence bucket, forensic profile) and
 * the Security Hub finding when the request has one. Ids are the finding's own, placeholders included
 * (`i-99999999`, `GeneratedFindingVPCId`). Idempotent.
 */
export function seedFromRequest(
  sim: SimulatedAws,
  request: IncidentRequest,
  options: SeedFromRequestOptions = {},
): void {
  const target: AwsTarget = { accountId: request.accountId, region: request.region };
  const model = sim.model;
  seedAirlockPrerequisites(sim, request.accountId, options);
  registerCaptureDocument(model, target);
  const resource = request.resource;

  if (resource.kind === 'ec2-instance') seedInstance(sim, request, target, options);

  if (resource.kind === 'iam-access-key') {
    // The IAM name inside what the finding reports (`Role/session`, an ARN, or a bare name), as containment reads it.
    const name = iamNameFrom(resource.principalName ?? 'compromised-user')
      .replace(IAM_NAME, '-')
      .slice(0, 64);
    if (resource.principalType === 'AssumedRole' || resource.principalType === 'Role') {
      addRole(model, target.accountId, {
        roleName: name,
        trust: policy([
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${target.accountId}:root` },
            Action: 'sts:AssumeRole',
          },
        ]),
      });
    } else {
      const user = addUser(model, target.accountId, { userName: name });
      addAccessKey(model, user, resource.accessKeyId ? { accessKeyId: resource.accessKeyId } : {});
    }
  }

  if (resource.kind === 's3-bucket') {
    for (const name of resource.bucketNames ?? []) {
      addBucket(model, {
        name,
        accountId: target.accountId,
        region: target.region,
        ...(options.bucketPublicAccess === 'none' ? {} : { publicAccessBlock: NONE_BLOCKED }),
      });
    }
  }

  if (request.securityHub) {
    addFinding(model, target, {
      id: request.securityHub.id,
      productArn: request.securityHub.productArn,
      title: request.title,
    });
  }
}

/** Ids of the drill workspace's demo estate (see seedDemoEstate). */
export const DEMO = {
  accountId: HOME_ACCOUNT_ID,
  region: HOME_REGION,
  /** The evidence bucket (WorkflowSettings.evidenceBucket's default), in the home account. */
  evidenceBucket: 'airlock-evidence',
  /** The evidence bucket's default Object Lock retention (GOVERNANCE), as EvidenceStore's default. */
  evidenceRetentionDays: EVIDENCE_DEFAULT_RETENTION.days,
  memberAccountId: '444455556666',
  memberRegion: 'us-west-2',
  vpcs: { prod: 'vpc-0a000000000000001', staging: 'vpc-0b000000000000001' },
  subnets: {
    prodA: 'subnet-0a000000000000011',
    prodB: 'subnet-0a000000000000012',
    stagingA: 'subnet-0b000000000000011',
  },
  securityGroups: {
    web: 'sg-0a000000000000021',
    app: 'sg-0a000000000000022',
    ssmEndpoints: 'sg-0a000000000000023',
    staging: 'sg-0b000000000000021',
  },
  instances: {
    /** SSM-managed web server, shares the web-app profile. */
    web1: 'i-0a000000000000101',
    /** In ASG web-asg, behind target group web-tg, with an Elastic IP; shares the web-app profile. */
    webAsg1: 'i-0a000000000000102',
    /** The other web-asg member. */
    webAsg2: 'i-0a000000000000103',
    /** Staging batch host: two ENIs, not SSM-managed, no VPC endpoints in its VPC. */
    batch1: 'i-0b000000000000101',
  },
  networkInterfaces: {
    web1: 'eni-0a000000000000101',
    webAsg1: 'eni-0a000000000000102',
    webAsg2: 'eni-0a000000000000103',
    batch1Primary: 'eni-0b000000000000101',
    batch1Secondary: 'eni-0b000000000000102',
  },
  volumes: {
    web1Root: 'vol-0a000000000000101',
    web1Data: 'vol-0a000000000000102',
    webAsg1Root: 'vol-0a000000000000103',
    webAsg2Root: 'vol-0a000000000000104',
    batch1Root: 'vol-0b000000000000101',
    batch1Data: 'vol-0b000000000000102',
  },
  elasticIp: { allocationId: 'eipalloc-0a000000000000201', publicIp: '203.0.113.10' },
  vpcEndpoints: {
    ssm: 'vpce-0a000000000000301',
    ssmmessages: 'vpce-0a000000000000302',
    ec2messages: 'vpce-0a000000000000303',
    s3: 'vpce-0a000000000000304',
  },
  autoScalingGroup: 'web-asg',
  targetGroupName: 'web-tg',
  roles: { webApp: 'web-app-role', batch: 'batch-role', forensic: 'airlock-forensic' },
  instanceProfiles: { webApp: 'web-app-profile', batch: 'batch-profile', forensic: 'airlock-forensic' },
  user: { name: 'ci-deployer', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' },
  buckets: { publicAssets: 'acme-public-assets', evidence: 'airlock-evidence' },
  member: {
    vpc: 'vpc-0c000000000000001',
    subnet: 'subnet-0c000000000000011',
    securityGroup: 'sg-0c000000000000021',
    instance: 'i-0c000000000000101',
    volume: 'vol-0c000000000000101',
  },
} as const;

/**
 * The drill workspace's demo estate, built from local/sim/estates/demo.json (the estate file drills use without
 * --estate, so `npm start` and `npm run drill` contain the same instances): home account 111122223333 in us-east-1
 * with two VPCs (prod with SSM interface endpoints and an S3 gateway endpoint; staging with none), four instances
 * (an SSM-managed web server with a session out through the NAT gateway; two members of ASG `web-asg` behind
 * target group `web-tg`, one holding an Elastic IP; a two-ENI staging batch host without SSM), volumes, the
 * `web-app-profile` role shared by three instances, IAM user `ci-deployer` with an access key, the public bucket
 * `acme-public-assets`, and the evidence bucket; plus one SSM-managed instance in member account 444455556666
 * (us-west-2). Idempotent. Returns the ids (also exported as DEMO).
 */
export function seedDemoEstate(sim: SimulatedAws, options: SeedOptions = {}): typeof DEMO {
  const d = DEMO;
  const model = sim.model;
  const member: AwsTarget = { accountId: d.memberAccountId, region: d.memberRegion };
  applyEstate(sim, demoEstate(), {
    ...options,
    evidenceBucket: options.evidenceBucket ?? d.buckets.evidence,
  });
  registerCaptureDocument(model, member);
  return DEMO;
}
