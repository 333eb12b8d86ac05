import type { AwsTarget } from '../../workflow/aws/clients';
import { iamNameFrom } from '../../workflow/domain/iam/principal';
import type { IncidentRequest, NetworkInterfaceRef } from '../../workflow/intake/types';
import {
  addAccessKey,
  addAutoScalingGroup,
  addBucket,
  addFinding,
  addInstanceProfile,
  addManagedInstance,
  addNetworkInterface,
  addRole,
  addSubnet,
  addTargetGroup,
  addUser,
  addVpc,
  addVpcEndpoint,
  allocateAddress,
  associateAddress,
  createSecurityGroup,
  launchInstance,
  storeObject,
} from './build';
import type { SimulatedAws } from './clients';
import { registerCaptureDocument, seedEvidenceAccess } from './evidence-access';
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
  },
} as const;

/**
 * The drill workspace's demo estate: home account 111122223333 in us-east-1 with two VPCs (prod with SSM
 * interface endpoints and an S3 gateway endpoint; staging with none), four instances (an SSM-managed web server;
 * two members of ASG `web-asg` behind target group `web-tg`, one holding an Elastic IP; a two-ENI staging batch
 * host without SSM), volumes, the `web-app-profile` role shared by three instances, IAM user `ci-deployer` with an
 * access key, the public bucket `acme-public-assets`, and the evidence bucket; plus one SSM-managed instance in
 * member account 444455556666 (us-west-2). Idempotent. Returns the ids (also exported as DEMO).
 */
export function seedDemoEstate(sim: SimulatedAws, options: SeedOptions = {}): typeof DEMO {
  const model = sim.model;
  const home: AwsTarget = { accountId: DEMO.accountId, region: DEMO.region };
  const d = DEMO;
  seedAirlockPrerequisites(sim, d.accountId, {
    ...options,
    evidenceBucket: options.evidenceBucket ?? d.buckets.evidence,
  });

  addVpc(model, home, { vpcId: d.vpcs.prod, cidrBlock: '10.0.0.0/16', tags: { Name: 'prod' } });
  addVpc(model, home, { vpcId: d.vpcs.staging, cidrBlock: '10.1.0.0/16', tags: { Name: 'staging' } });
  addSubnet(model, home, {
    subnetId: d.subnets.prodA,
    vpcId: d.vpcs.prod,
    cidrBlock: '10.0.1.0/24',
    availabilityZone: 'us-east-1a',
    mapPublicIpOnLaunch: true,
    tags: { Name: 'prod-a' },
  });
  addSubnet(model, home, {
    subnetId: d.subnets.prodB,
    vpcId: d.vpcs.prod,
    cidrBlock: '10.0.2.0/24',
    availabilityZone: 'us-east-1b',
    tags: { Name: 'prod-b' },
  });
  addSubnet(model, home, {
    subnetId: d.subnets.stagingA,
    vpcId: d.vpcs.staging,
    cidrBlock: '10.1.1.0/24',
    availabilityZone: 'us-east-1a',
    tags: { Name: 'staging-a' },
  });

  const anywhere = (port: number) => ({
    IpProtocol: 'tcp',
    FromPort: port,
    ToPort: port,
    IpRanges: [{ CidrIp: '0.0.0.0/0' }],
  });
  createSecurityGroup(model, home, {
    groupId: d.securityGroups.web,
    groupName: 'web-sg',
    description: 'Web tier',
    vpcId: d.vpcs.prod,
    ingress: [anywhere(443), anywhere(80)],
    tags: { Name: 'web-sg' },
  });
  createSecurityGroup(model, home, {
    groupId: d.securityGroups.app,
    groupName: 'app-sg',
    description: 'App tier',
    vpcId: d.vpcs.prod,
    ingress: [
      {
        IpProtocol: 'tcp',
        FromPort: 8080,
        ToPort: 8080,
        UserIdGroupPairs: [{ GroupId: d.securityGroups.web }],
      },
    ],
    tags: { Name: 'app-sg' },
  });
  createSecurityGroup(model, home, {
    groupId: d.securityGroups.ssmEndpoints,
    groupName: 'ssm-endpoints-sg',
    description: 'SSM interface endpoints',
    vpcId: d.vpcs.prod,
    ingress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }],
  });
  createSecurityGroup(model, home, {
    groupId: d.securityGroups.staging,
    groupName: 'staging-sg',
    description: 'Staging hosts',
    vpcId: d.vpcs.staging,
    ingress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.1.0.0/16' }] }],
  });
  for (const service of ['ssm', 'ssmmessages', 'ec2messages'] as const) {
    addVpcEndpoint(model, home, {
      vpcEndpointId: d.vpcEndpoints[service],
      vpcId: d.vpcs.prod,
      service,
      groupIds: [d.securityGroups.ssmEndpoints],
      subnetIds: [d.subnets.prodA, d.subnets.prodB],
    });
  }
  addVpcEndpoint(model, home, { vpcEndpointId: d.vpcEndpoints.s3, vpcId: d.vpcs.prod, service: 's3' });

  const s3Read = policy([
    { Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${d.buckets.publicAssets}/*` },
  ]);
  addRole(model, d.accountId, { roleName: d.roles.webApp, inlinePolicies: { 'assets-read': s3Read } });
  addInstanceProfile(model, d.accountId, { name: d.instanceProfiles.webApp, roleNames: [d.roles.webApp] });
  addRole(model, d.accountId, {
    roleName: d.roles.batch,
    inlinePolicies: {
      'queue-work': policy([{ Effect: 'Allow', Action: ['sqs:ReceiveMessage'], Resource: '*' }]),
    },
  });
  addInstanceProfile(model, d.accountId, { name: d.instanceProfiles.batch, roleNames: [d.roles.batch] });
  const webProfile = `arn:aws:iam::${d.accountId}:instance-profile/${d.instanceProfiles.webApp}`;
  const batchProfile = `arn:aws:iam::${d.accountId}:instance-profile/${d.instanceProfiles.batch}`;

  const asgTag = { 'aws:autoscaling:groupName': d.autoScalingGroup };
  const web = (instanceId: string, eni: string, subnetId: string, root: string, extra: object) => ({
    instanceId,
    subnetId,
    primaryNetworkInterfaceId: eni,
    instanceType: 't3.medium',
    instanceProfileArn: webProfile,
    volumes: [{ deviceName: '/dev/xvda', size: 16, deleteOnTermination: true, volumeId: root }],
    ...extra,
  });
  launchInstance(model, home, {
    ...web(d.instances.web1, d.networkInterfaces.web1, d.subnets.prodA, d.volumes.web1Root, {}),
    groupIds: [d.securityGroups.web],
    publicIp: '198.51.100.10',
    volumes: [
      { deviceName: '/dev/xvda', size: 16, deleteOnTermination: true, volumeId: d.volumes.web1Root },
      { deviceName: '/dev/sdf', size: 100, deleteOnTermination: false, volumeId: d.volumes.web1Data },
    ],
    tags: { Name: 'web-1', env: 'prod', app: 'storefront' },
  });
  launchInstance(model, home, {
    ...web(d.instances.webAsg1, d.networkInterfaces.webAsg1, d.subnets.prodB, d.volumes.webAsg1Root, {}),
    groupIds: [d.securityGroups.web, d.securityGroups.app],
    tags: { Name: 'web-asg-1', env: 'prod', app: 'storefront', ...asgTag },
  });
  launchInstance(model, home, {
    ...web(d.instances.webAsg2, d.networkInterfaces.webAsg2, d.subnets.prodB, d.volumes.webAsg2Root, {}),
    groupIds: [d.securityGroups.web, d.securityGroups.app],
    tags: { Name: 'web-asg-2', env: 'prod', app: 'storefront', ...asgTag },
  });
  addNetworkInterface(model, home, {
    networkInterfaceId: d.networkInterfaces.batch1Primary,
    subnetId: d.subnets.stagingA,
    groupIds: [d.securityGroups.staging],
    description: 'Primary network interface',
  });
  addNetworkInterface(model, home, {
    networkInterfaceId: d.networkInterfaces.batch1Secondary,
    subnetId: d.subnets.stagingA,
    groupIds: [d.securityGroups.staging],
    description: 'batch data plane',
  });
  launchInstance(model, home, {
    instanceId: d.instances.batch1,
    subnetId: d.subnets.stagingA,
    groupIds: [d.securityGroups.staging],
    networkInterfaceIds: [d.networkInterfaces.batch1Primary, d.networkInterfaces.batch1Secondary],
    instanceType: 'c5.xlarge',
    instanceProfileArn: batchProfile,
    instanceInitiatedShutdownBehavior: 'terminate',
    volumes: [
      { deviceName: '/dev/xvda', size: 8, deleteOnTermination: true, volumeId: d.volumes.batch1Root },
      { deviceName: '/dev/sdb', size: 500, deleteOnTermination: true, volumeId: d.volumes.batch1Data },
    ],
    tags: { Name: 'batch-1', env: 'staging' },
  });

  const tg = addTargetGroup(model, home, { name: d.targetGroupName, vpcId: d.vpcs.prod, port: 80 });
  addAutoScalingGroup(model, home, {
    name: d.autoScalingGroup,
    instanceIds: [d.instances.webAsg1, d.instances.webAsg2],
    minSize: 1,
    maxSize: 4,
    desiredCapacity: 2,
    targetGroupArns: [tg.arn],
  });
  const eip = allocateAddress(model, home, {
    allocationId: d.elasticIp.allocationId,
    publicIp: d.elasticIp.publicIp,
  });
  const eipEni = model.ec2(home).networkInterfaces[d.networkInterfaces.webAsg1];
  if (eipEni && !eip.associationId) associateAddress(model, home, eip, eipEni);

  for (const id of [d.instances.web1, d.instances.webAsg1, d.instances.webAsg2])
    addManagedInstance(model, home, id);

  const user = addUser(model, d.accountId, {
    userName: d.user.name,
    inlinePolicies: {
      deploy: policy([
        { Effect: 'Allow', Action: ['s3:PutObject'], Resource: `arn:aws:s3:::${d.buckets.publicAssets}/*` },
      ]),
    },
  });
  addAccessKey(model, user, { accessKeyId: d.user.accessKeyId });
  const assets = addBucket(model, {
    name: d.buckets.publicAssets,
    accountId: d.accountId,
    region: d.region,
    publicAccessBlock: NONE_BLOCKED,
  });
  if (!assets.objects['index.html']) {
    storeObject(model, assets, 'index.html', new TextEncoder().encode('<h1>ACME storefront</h1>\n'), {
      contentType: 'text/html',
    });
  }

  const member: AwsTarget = { accountId: d.memberAccountId, region: d.memberRegion };
  seedAirlockPrerequisites(sim, d.memberAccountId, {
    ...options,
    evidenceBucket: options.evidenceBucket ?? d.buckets.evidence,
  });
  registerCaptureDocument(model, member);
  addVpc(model, member, { vpcId: d.member.vpc, cidrBlock: '10.20.0.0/16', tags: { Name: 'member-main' } });
  addSubnet(model, member, {
    subnetId: d.member.subnet,
    vpcId: d.member.vpc,
    cidrBlock: '10.20.1.0/24',
    availabilityZone: 'us-west-2a',
  });
  createSecurityGroup(model, member, {
    groupId: d.member.securityGroup,
    groupName: 'legacy-sg',
    description: 'Legacy app',
    vpcId: d.member.vpc,
    ingress: [anywhere(22)],
  });
  launchInstance(model, member, {
    instanceId: d.member.instance,
    subnetId: d.member.subnet,
    groupIds: [d.member.securityGroup],
    publicIp: '198.51.100.40',
    tags: { Name: 'legacy-1' },
  });
  addManagedInstance(model, member, d.member.instance);
  return DEMO;
}
