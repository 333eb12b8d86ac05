import type { AwsTarget } from '../../workflow/aws/clients';
import { IdGenerator } from './ids';

/**
 * The in-memory state of the simulated AWS accounts. Plain data (no classes inside), so a snapshot is a deep copy
 * and a JSON dump. Times are ISO strings from the injected clock. Binary object bodies are the one exception
 * (Uint8Array), and the snapshot reports their size and SHA-256 instead.
 *
 * Layout mirrors AWS: IAM and the S3 account-level public access block are per account; EC2, SSM, Auto Scaling,
 * ELBv2 and Security Hub per account and region; S3 bucket names are global (each bucket has an owner account).
 */

export type Tags = Record<string, string>;

/** Airlock's home account and region in drills (the simulator's defaults). */
export const HOME_ACCOUNT_ID = '111122223333';
export const HOME_REGION = 'us-east-1';

// ---------- EC2 ----------

export interface SimVpc {
  vpcId: string;
  cidrBlock: string;
  isDefault: boolean;
  tags: Tags;
}

export interface SimSubnet {
  subnetId: string;
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  /** First three octets used to hand out private addresses, e.g. `10.0.1`. */
  addressPool: string;
  mapPublicIpOnLaunch: boolean;
  tags: Tags;
}

export interface SimBlockDevice {
  deviceName: string;
  volumeId: string;
  deleteOnTermination: boolean;
  attachTime: string;
}

export interface SimInstance {
  instanceId: string;
  reservationId: string;
  state: 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';
  instanceType: string;
  imageId: string;
  availabilityZone: string;
  vpcId: string;
  subnetId: string;
  privateIpAddress: string;
  launchTime: string;
  /** ENIs in device-index order (the first is the primary). */
  networkInterfaceIds: string[];
  iamInstanceProfile?: { associationId: string; arn: string; id: string; associatedAt: string };
  disableApiTermination: boolean;
  instanceInitiatedShutdownBehavior: 'stop' | 'terminate';
  rootDeviceName: string;
  blockDeviceMappings: SimBlockDevice[];
  platform: 'linux' | 'windows';
  /** Serial console text GetConsoleOutput returns (base64-encoded on the wire). */
  consoleOutput: string;
  /** Some instance types (bare metal, older generations) cannot take a screenshot. */
  screenshotSupported: boolean;
  tags: Tags;
}

export interface SimNetworkInterface {
  networkInterfaceId: string;
  vpcId: string;
  subnetId: string;
  availabilityZone: string;
  description: string;
  groupIds: string[];
  privateIpAddress: string;
  macAddress: string;
  sourceDestCheck: boolean;
  status: 'available' | 'in-use';
  attachment?: {
    attachmentId: string;
    instanceId: string;
    deviceIndex: number;
    deleteOnTermination: boolean;
    attachTime: string;
  };
  /** Public address: an auto-assigned one (`ipOwnerId: 'amazon'`) or an Elastic IP (allocationId set). */
  association?: { publicIp: string; ipOwnerId: string; allocationId?: string; associationId?: string };
  tags: Tags;
}

/** One atomic rule (one protocol/port range and one source/destination), as EC2's security group rules are. */
export interface SimSgRule {
  ruleId: string;
  protocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  groupId?: string;
  prefixListId?: string;
  description?: string;
}

export interface SimSecurityGroup {
  groupId: string;
  groupName: string;
  description: string;
  vpcId: string;
  ownerId: string;
  ingress: SimSgRule[];
  egress: SimSgRule[];
  tags: Tags;
}

export interface SimVolume {
  volumeId: string;
  size: number;
  volumeType: string;
  availabilityZone: string;
  encrypted: boolean;
  createTime: string;
  /** Instance the volume is attached to (the device and DeleteOnTermination live on the instance's mapping). */
  attachedTo?: string;
  tags: Tags;
}

export interface SimSnapshot {
  snapshotId: string;
  volumeId: string;
  volumeSize: number;
  ownerId: string;
  description: string;
  encrypted: boolean;
  state: 'pending' | 'completed' | 'error';
  startTime: string;
  /** DescribeSnapshots calls left before a pending snapshot completes (simulator bookkeeping). */
  pendingPolls: number;
  tags: Tags;
}

export interface SimAddress {
  allocationId: string;
  publicIp: string;
  domain: 'vpc';
  associationId?: string;
  instanceId?: string;
  networkInterfaceId?: string;
  privateIpAddress?: string;
  tags: Tags;
}

export interface SimVpcEndpoint {
  vpcEndpointId: string;
  vpcId: string;
  serviceName: string;
  type: 'Interface' | 'Gateway';
  groupIds: string[];
  subnetIds: string[];
  routeTableIds: string[];
  /** Gateway endpoints (S3, DynamoDB): the AWS-managed prefix list of the service. */
  prefixListId?: string;
  privateDnsEnabled: boolean;
  tags: Tags;
}

export interface SimPrefixList {
  prefixListId: string;
  prefixListName: string;
  cidrs: string[];
}

export interface SimEc2 {
  vpcs: Record<string, SimVpc>;
  subnets: Record<string, SimSubnet>;
  instances: Record<string, SimInstance>;
  networkInterfaces: Record<string, SimNetworkInterface>;
  securityGroups: Record<string, SimSecurityGroup>;
  volumes: Record<string, SimVolume>;
  snapshots: Record<string, SimSnapshot>;
  addresses: Record<string, SimAddress>;
  vpcEndpoints: Record<string, SimVpcEndpoint>;
  prefixLists: Record<string, SimPrefixList>;
}

// ---------- IAM (per account) ----------

export interface SimRole {
  roleName: string;
  roleId: string;
  arn: string;
  path: string;
  createDate: string;
  /** The trust policy, JSON text. */
  assumeRolePolicyDocument: string;
  /** Inline policies: name → JSON text. */
  inlinePolicies: Record<string, string>;
  tags: Tags;
}

export interface SimInstanceProfile {
  instanceProfileName: string;
  instanceProfileId: string;
  arn: string;
  path: string;
  createDate: string;
  roleNames: string[];
}

export interface SimAccessKey {
  accessKeyId: string;
  status: 'Active' | 'Inactive';
  createDate: string;
}

export interface SimUser {
  userName: string;
  userId: string;
  arn: string;
  path: string;
  createDate: string;
  inlinePolicies: Record<string, string>;
  accessKeys: SimAccessKey[];
  tags: Tags;
}

export interface SimIam {
  roles: Record<string, SimRole>;
  instanceProfiles: Record<string, SimInstanceProfile>;
  users: Record<string, SimUser>;
}

// ---------- S3 ----------

export interface SimPublicAccessBlock {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}

export interface SimObject {
  body: Uint8Array;
  /** base64 SHA-256 of the body (what S3 reports as ChecksumSHA256). */
  checksumSha256: string;
  etag: string;
  contentType?: string;
  serverSideEncryption?: string;
  metadata: Record<string, string>;
  lastModified: string;
}

export interface SimBucket {
  name: string;
  ownerAccountId: string;
  region: string;
  creationDate: string;
  publicAccessBlock?: SimPublicAccessBlock;
  objects: Record<string, SimObject>;
  tags: Tags;
}

// ---------- SSM ----------

/** How Run Command behaves on a managed instance (per instance, default from the simulator options). */
export interface SsmBehaviour {
  /** GetCommandInvocation polls answered InvocationDoesNotExist (not yet delivered). */
  deliveryPolls: number;
  /** Further polls answered InProgress before the final status. Infinity = never finishes. */
  runningPolls: number;
  finalStatus: 'Success' | 'Failed' | 'TimedOut' | 'Cancelled';
}

export interface SimManagedInstance {
  instanceId: string;
  pingStatus: 'Online' | 'ConnectionLost' | 'Inactive';
  platformType: 'Linux' | 'Windows';
  platformName: string;
  platformVersion: string;
  agentVersion: string;
  lastPingDateTime: string;
  behaviour?: SsmBehaviour;
}

export interface SimInvocation {
  instanceId: string;
  polls: number;
  behaviour: SsmBehaviour;
  status: 'Pending' | 'InProgress' | 'Success' | 'Failed' | 'TimedOut' | 'Cancelled';
  stdout: string;
  /** s3://… of the stdout object once written. */
  outputUrl?: string;
}

export interface SimCommand {
  commandId: string;
  documentName: string;
  comment: string;
  parameters: Record<string, string[]>;
  instanceIds: string[];
  timeoutSeconds?: number;
  outputS3BucketName?: string;
  outputS3KeyPrefix?: string;
  requestedDateTime: string;
  invocations: Record<string, SimInvocation>;
}

export interface SimSsm {
  managedInstances: Record<string, SimManagedInstance>;
  commands: Record<string, SimCommand>;
}

// ---------- Auto Scaling, ELBv2, Security Hub ----------

export interface SimAsgInstance {
  instanceId: string;
  lifecycleState: 'InService' | 'Pending' | 'Detaching' | 'Standby';
  healthStatus: 'Healthy' | 'Unhealthy';
  availabilityZone: string;
}

export interface SimScalingActivity {
  activityId: string;
  description: string;
  cause: string;
  statusCode: 'Successful';
  startTime: string;
}

export interface SimAutoScalingGroup {
  name: string;
  arn: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  subnetIds: string[];
  targetGroupArns: string[];
  /** What a replacement launch looks like. */
  launch: { instanceType: string; imageId: string; securityGroupIds: string[]; instanceProfileArn?: string };
  instances: SimAsgInstance[];
  activities: SimScalingActivity[];
  tags: Tags;
}

export interface SimTarget {
  id: string;
  port: number;
  state: 'initial' | 'healthy' | 'unhealthy' | 'draining';
  /** While draining: when the target disappears. */
  drainingUntil?: string;
}

export interface SimTargetGroup {
  arn: string;
  name: string;
  vpcId: string;
  protocol: string;
  port: number;
  targetType: 'instance' | 'ip' | 'lambda';
  loadBalancerArns: string[];
  deregistrationDelaySeconds: number;
  targets: SimTarget[];
}

export interface SimFinding {
  id: string;
  productArn: string;
  title: string;
  workflowStatus: 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED';
  note?: { text: string; updatedBy: string; updatedAt: string };
  updatedAt: string;
}

export interface SimRegion {
  ec2: SimEc2;
  ssm: SimSsm;
  autoscaling: { groups: Record<string, SimAutoScalingGroup> };
  elbv2: { targetGroups: Record<string, SimTargetGroup> };
  securityhub: { findings: Record<string, SimFinding> };
}

export interface SimAccount {
  accountId: string;
  iam: SimIam;
  /** S3 account-level Block Public Access (S3 Control). */
  publicAccessBlock?: SimPublicAccessBlock;
  regions: Record<string, SimRegion>;
}

export interface SimState {
  accounts: Record<string, SimAccount>;
  buckets: Record<string, SimBucket>;
}

function emptyRegion(): SimRegion {
  return {
    ec2: {
      vpcs: {},
      subnets: {},
      instances: {},
      networkInterfaces: {},
      securityGroups: {},
      volumes: {},
      snapshots: {},
      addresses: {},
      vpcEndpoints: {},
      prefixLists: {},
    },
    ssm: { managedInstances: {}, commands: {} },
    autoscaling: { groups: {} },
    elbv2: { targetGroups: {} },
    securityhub: { findings: {} },
  };
}

export interface SimModelOptions {
  /** The clock every timestamp comes from. Default: the system clock. */
  now?: () => Date;
  /** Default Run Command behaviour (per instance overridable). */
  ssm?: Partial<SsmBehaviour>;
  /** DescribeSnapshots calls before a new snapshot reports `completed` (0 = at once). */
  snapshotPendingPolls?: number;
  /**
   * The SSM agent needs HTTPS egress (to 0.0.0.0/0 or the VPC's SSM endpoints): without it the instance reports
   * ConnectionLost and Run Command stalls. Default true (as in AWS).
   */
  ssmNeedsNetwork?: boolean;
}

/** The state plus the things every handler needs: ids, the clock and behaviour defaults. */
export class SimModel {
  readonly state: SimState = { accounts: {}, buckets: {} };
  readonly ids = new IdGenerator();
  readonly ssmDefaults: SsmBehaviour;
  snapshotPendingPolls: number;
  ssmNeedsNetwork: boolean;
  private readonly clock: () => Date;

  constructor(options: SimModelOptions = {}) {
    this.clock = options.now ?? (() => new Date());
    this.ssmDefaults = { deliveryPolls: 0, runningPolls: 0, finalStatus: 'Success', ...options.ssm };
    this.snapshotPendingPolls = options.snapshotPendingPolls ?? 0;
    this.ssmNeedsNetwork = options.ssmNeedsNetwork ?? true;
  }

  now(): Date {
    return this.clock();
  }

  iso(): string {
    return this.clock().toISOString();
  }

  /** The account's state (created empty on first use: any account id is valid). */
  account(accountId: string): SimAccount {
    let account = this.state.accounts[accountId];
    if (!account) {
      account = { accountId, iam: { roles: {}, instanceProfiles: {}, users: {} }, regions: {} };
      this.state.accounts[accountId] = account;
    }
    return account;
  }

  /** The regional state of an account (created empty on first use). */
  region(target: AwsTarget): SimRegion {
    const account = this.account(target.accountId);
    let region = account.regions[target.region];
    if (!region) {
      region = emptyRegion();
      account.regions[target.region] = region;
    }
    return region;
  }

  ec2(target: AwsTarget): SimEc2 {
    return this.region(target).ec2;
  }

  iam(accountId: string): SimIam {
    return this.account(accountId).iam;
  }

  /** Finds an instance in any account and region (for SSM output, cross-service lookups in tests). */
  findInstance(instanceId: string): { target: AwsTarget; instance: SimInstance } | undefined {
    for (const account of Object.values(this.state.accounts)) {
      for (const [region, state] of Object.entries(account.regions)) {
        const instance = state.ec2.instances[instanceId];
        if (instance) return { target: { accountId: account.accountId, region }, instance };
      }
    }
    return undefined;
  }
}
