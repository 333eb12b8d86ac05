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
  /** `spot` for a Spot Instance (EC2 refuses termination protection for it); absent for On-Demand. */
  instanceLifecycle?: 'spot';
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
  /** Idle connection-tracking timeouts set on the ENI (absent: the instance type's defaults). */
  connectionTracking?: SimConnectionTracking;
  tags: Tags;
}

export interface SimConnectionTracking {
  tcpEstablishedTimeout: number;
  udpStreamTimeout: number;
  udpTimeout: number;
}

/** One network ACL entry (rule). Rule 32767 is the default `*` deny (IPv4), 32768 the IPv6 one. */
export interface SimNetworkAclEntry {
  ruleNumber: number;
  egress: boolean;
  /** '-1' (all), or a protocol number as a string ('6' TCP, '17' UDP, '1' ICMP). */
  protocol: string;
  ruleAction: 'allow' | 'deny';
  cidrBlock?: string;
  ipv6CidrBlock?: string;
  portRange?: { from: number; to: number };
}

export interface SimNetworkAcl {
  networkAclId: string;
  vpcId: string;
  isDefault: boolean;
  entries: SimNetworkAclEntry[];
  /** Each subnet is associated with exactly one network ACL. */
  associations: { associationId: string; subnetId: string }[];
  tags: Tags;
}

/**
 * A network flow (connection) of an ENI, for drills: what isolation must cut. `path` is how the flow leaves the
 * VPC; flows through a NAT gateway, NLB, GWLB, transit gateway or PrivateLink are always tracked. Not part of
 * the estate's snapshot (a dropped connection cannot be restored).
 */
export interface SimFlow {
  flowId: string;
  networkInterfaceId: string;
  /** Who opened it: the instance (outbound) or the peer (inbound). */
  direction: 'outbound' | 'inbound';
  protocol: 'tcp' | 'udp';
  /** The peer's address (the remote host, not the NAT gateway). */
  peerIp: string;
  /** The service port (the peer's for outbound, the instance's for inbound). */
  port: number;
  /** The other end's ephemeral port. */
  ephemeralPort: number;
  path: SimFlowPath;
  /** The subnet of the NAT gateway, load balancer node, endpoint or attachment the flow passes through. */
  viaSubnetId?: string;
  /** Seconds between packets (a C2 beacon's interval): idle timeouts shorter than this end a held flow. */
  packetIntervalSeconds: number;
  state: 'alive' | 'dropped';
  /** Whether the ENI's connection tracking tracks the flow (re-evaluated on every security group change). */
  tracked: boolean;
  /** When the ENI's security groups stopped allowing it (it lives on only through connection tracking). */
  heldSince?: string;
  droppedAt?: string;
  droppedBy?: string;
}

export type SimFlowPath = 'direct' | 'nat-gateway' | 'nlb' | 'gwlb' | 'transit-gateway' | 'privatelink';

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
  /** The customer managed KMS key of an encrypted volume; absent = the account's default aws/ebs key. */
  kmsKeyId?: string;
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
  /** The customer managed KMS key it is encrypted with; absent when unencrypted or under the default aws/ebs key. */
  kmsKeyId?: string;
  /** Accounts it is shared with (ModifySnapshotAttribute createVolumePermission). */
  createVolumePermissions?: string[];
  /** EBS snapshot lock (LockSnapshot): DeleteSnapshot is refused until `expiresAt`. */
  lock?: {
    mode: 'governance' | 'compliance';
    expiresAt: string;
    coolOffEndsAt?: string;
    /** When the lock was set, and its LockDuration in days (DescribeLockedSnapshots reports both). */
    lockedAt?: string;
    durationDays?: number;
  };
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
  networkAcls: Record<string, SimNetworkAcl>;
  flows: Record<string, SimFlow>;
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
  /** The KMS key of an SSE-KMS object (the bucket default's, the request's, or `alias/aws/s3`). */
  kmsKeyId?: string;
  /** The additional checksum the upload carried: CRC64NVME = none given (S3's default); unset = seeded (SHA256). */
  checksumAlgorithm?: 'SHA256' | 'CRC64NVME';
  metadata: Record<string, string>;
  lastModified: string;
  /** The S3 version id (buckets with versioning enabled); unset on an unversioned bucket. */
  versionId?: string;
  /** Object Lock retention of this version: the request's, or the bucket default's. */
  retention?: { mode: 'GOVERNANCE' | 'COMPLIANCE'; retainUntil: string };
}

/** Bucket default encryption (what S3 applies when a PutObject carries no SSE header). */
export interface SimBucketEncryption {
  sseAlgorithm: 'AES256' | 'aws:kms';
  kmsKeyId?: string;
}

export interface SimBucket {
  name: string;
  ownerAccountId: string;
  region: string;
  creationDate: string;
  publicAccessBlock?: SimPublicAccessBlock;
  /** The bucket policy (JSON text); evaluated with the caller's identity policies (local/sim/policy.ts). */
  policy?: string;
  defaultEncryption?: SimBucketEncryption;
  /** Versioning enabled: every PutObject creates a version; a delete without a version id adds a delete marker. */
  versioning?: boolean;
  /** Object Lock (needs versioning), with the bucket default retention applied to new versions. */
  objectLock?: { defaultRetention?: { mode: 'GOVERNANCE' | 'COMPLIANCE'; days: number } };
  /** The current version of each key. */
  objects: Record<string, SimObject>;
  /** Versioned buckets: every version of each key, oldest first (the current one included). */
  versions?: Record<string, SimObject[]>;
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
  /** The script's uploads to presigned URLs (what the instance PUT, and S3's answer). */
  uploads?: { url: string; status: number; code?: string }[];
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

/** A custom SSM document in the account (e.g. Airlock-Capture, deployed by the member-account stack). */
export interface SimSsmDocument {
  name: string;
  /** The document content (schema 2.2), JSON text. */
  content: string;
}

export interface SimSsm {
  managedInstances: Record<string, SimManagedInstance>;
  commands: Record<string, SimCommand>;
  /** Custom documents by name (the AWS-* documents are built in). */
  documents?: Record<string, SimSsmDocument>;
}

// ---------- Auto Scaling, ELBv2, Security Hub ----------

export interface SimAsgInstance {
  instanceId: string;
  lifecycleState: 'InService' | 'Pending' | 'Detaching' | 'Standby';
  healthStatus: 'Healthy' | 'Unhealthy';
  availabilityZone: string;
  /** When it entered InService (the health check grace period counts from here). Default: its launch time. */
  inServiceSince?: string;
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
  /** 'ELB': an instance its target groups find unhealthy is replaced (terminated), as with EC2 status checks. */
  healthCheckType?: 'EC2' | 'ELB';
  /** Seconds after InService before a failed health check counts (default 300, the console's default). */
  healthCheckGracePeriodSeconds?: number;
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
  /** First time the health check was seen failing (its SGs block the health-check port); cleared on success. */
  failingSince?: string;
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
  /** Health check timing (defaults: 30 s interval, 2 failures → unhealthy; the port is the traffic port). */
  healthCheck?: { intervalSeconds: number; unhealthyThresholdCount: number };
}

export interface SimFinding {
  id: string;
  productArn: string;
  title: string;
  workflowStatus: 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED';
  note?: { text: string; updatedBy: string; updatedAt: string };
  verificationState?: 'UNKNOWN' | 'TRUE_POSITIVE' | 'FALSE_POSITIVE' | 'BENIGN_POSITIVE';
  updatedAt: string;
}

export interface SimRegion {
  ec2: SimEc2;
  ssm: SimSsm;
  autoscaling: { groups: Record<string, SimAutoScalingGroup> };
  elbv2: { targetGroups: Record<string, SimTargetGroup> };
  /** `disabled`: Security Hub is not enabled in this account and region (every call: InvalidAccessException). */
  securityhub: { findings: Record<string, SimFinding>; disabled?: boolean };
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
      networkAcls: {},
      flows: {},
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
  /**
   * Page size of the paginated list calls the simulator pages (DescribeTargetGroups, ListRolePolicies): AWS may
   * return fewer items than asked for, so code must follow the marker. Default 2, so tests prove it does.
   */
  listPageSize?: number;
  /**
   * The role each account's SDK clients act as (S3 authorizes it), by account id. Default `airlock-workflow`.
   * A role the account's IAM does not hold has no identity-policy limits in its own account.
   */
  callerRoleNames?: Record<string, string>;
  /** Rules per network ACL and direction, the default deny included (AWS default quota 20, adjustable to 40). */
  networkAclRuleLimit?: number;
  /**
   * Eventual consistency: requests naming a just-created security group or instance-profile association that do
   * not see it yet (InvalidGroup.NotFound, `associating`). Default 0 (seen at once).
   */
  consistencyPolls?: number;
}

/** The role the simulated clients of an account act as, unless `callerRoleNames` names another. */
export const DEFAULT_CALLER_ROLE = 'airlock-workflow';

/** The state plus the things every handler needs: ids, the clock and behaviour defaults. */
export class SimModel {
  readonly state: SimState = { accounts: {}, buckets: {} };
  readonly ids = new IdGenerator();
  readonly ssmDefaults: SsmBehaviour;
  snapshotPendingPolls: number;
  ssmNeedsNetwork: boolean;
  listPageSize: number;
  networkAclRuleLimit: number;
  readonly callerRoleNames: Record<string, string>;
  /** See SimModelOptions.consistencyPolls; settable in tests. */
  consistencyPolls: number;
  /** Resources inside their consistency window → requests left that will not see them (not part of the state). */
  readonly unsettled = new Map<string, number>();
  private readonly clock: () => Date;

  constructor(options: SimModelOptions = {}) {
    this.clock = options.now ?? (() => new Date());
    this.ssmDefaults = { deliveryPolls: 0, runningPolls: 0, finalStatus: 'Success', ...options.ssm };
    this.snapshotPendingPolls = options.snapshotPendingPolls ?? 0;
    this.ssmNeedsNetwork = options.ssmNeedsNetwork ?? true;
    this.listPageSize = options.listPageSize ?? 2;
    this.networkAclRuleLimit = options.networkAclRuleLimit ?? 20;
    this.callerRoleNames = { ...options.callerRoleNames };
    this.consistencyPolls = options.consistencyPolls ?? 0;
  }

  /** The ARN of the role an account's simulated clients act as. */
  callerRoleArn(accountId: string): string {
    return `arn:aws:iam::${accountId}:role/${this.callerRoleNames[accountId] ?? DEFAULT_CALLER_ROLE}`;
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
