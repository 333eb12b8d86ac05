import { dedupeKeyFor, resourceKeyFor } from '../../workflow/intake/ids';
import {
  type IncidentRequest,
  IncidentRequestSchema,
  type ResourceRef,
  type RouteDecision,
} from '../../workflow/intake/types';

/** Overrides for makeRequest: top-level fields replace, `resource` and `severity` merge into the defaults. */
export type RequestOverrides = Omit<Partial<IncidentRequest>, 'resource' | 'severity'> & {
  resource?: Partial<ResourceRef>;
  severity?: Partial<IncidentRequest['severity']>;
};

export const TEST_ACCOUNT_ID = '123456789012';
export const TEST_REGION = 'us-east-1';
export const TEST_INSTANCE_ID = 'i-0a1b2c3d4e5f67890';

/** The id `resourceKey` uses for a resource (instance id, access key id, first bucket name, else the finding id). */
function primaryResourceId(resource: ResourceRef, findingId: string): string {
  switch (resource.kind) {
    case 'ec2-instance':
      return resource.instanceId ?? findingId;
    case 'iam-access-key':
      return resource.accessKeyId ?? findingId;
    case 's3-bucket':
      return resource.bucketNames?.[0] ?? findingId;
    default:
      return findingId;
  }
}

const DEFAULT_EC2_RESOURCE: ResourceRef = {
  kind: 'ec2-instance',
  rawType: 'Instance',
  instanceId: TEST_INSTANCE_ID,
  networkInterfaces: [
    {
      networkInterfaceId: 'eni-0a1b2c3d4e5f67890',
      vpcId: 'vpc-0a1b2c3d',
      subnetId: 'subnet-0a1b2c3d',
      securityGroupIds: ['sg-0a1b2c3d4e5f67890'],
      privateIpAddress: '10.0.1.23',
      publicIp: '198.51.100.23',
    },
  ],
  instanceProfileArn: `arn:aws:iam::${TEST_ACCOUNT_ID}:instance-profile/web-app`,
  tags: { Name: 'web-1', Environment: 'prod' },
};

/**
 * A valid IncidentRequest (checked against IncidentRequestSchema). Default: a HIGH (8.0) GuardDuty finding
 * `CryptoCurrency:EC2/BitcoinTool.B!DNS` on EC2 instance i-0a1b2c3d4e5f67890 as TARGET, not a sample, count 1.
 * `dedupeKey` and `resourceKey` follow from account, region, findingId and resource unless overridden.
 */
export function makeRequest(overrides: RequestOverrides = {}): IncidentRequest {
  const { resource: resourceOverrides, severity: severityOverrides, ...rest } = overrides;
  const resource: ResourceRef = { ...DEFAULT_EC2_RESOURCE, ...resourceOverrides };
  const base = {
    source: 'guardduty' as const,
    findingId: '7ac5b2d1e0f94c3a8b6d2e1f0a9b8c7d',
    type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS',
    title: `EC2 instance ${resource.instanceId ?? 'unknown'} is querying a domain name that is associated with Bitcoin activity.`,
    description:
      'The EC2 instance is querying a domain name associated with cryptocurrency-related activity.',
    accountId: TEST_ACCOUNT_ID,
    region: TEST_REGION,
    resourceRole: 'TARGET' as const,
    sample: false,
    archived: false,
    count: 1,
    firstSeen: '2025-03-01T11:58:00.000Z',
    lastSeen: '2025-03-01T11:58:00.000Z',
    ...rest,
  };
  const request: IncidentRequest = {
    ...base,
    severity: { value: 8, label: 'HIGH', ...severityOverrides },
    resource,
    dedupeKey: rest.dedupeKey ?? dedupeKeyFor(base.accountId, base.region, base.findingId),
    resourceKey:
      rest.resourceKey ??
      resourceKeyFor(base.accountId, base.region, resource.kind, primaryResourceId(resource, base.findingId)),
  };
  return IncidentRequestSchema.parse(request);
}

/** An IAM access-key finding (UnauthorizedAccess:IAMUser/TorIPCaller, MEDIUM) with the principal as ACTOR. */
export function makeAccessKeyRequest(overrides: RequestOverrides = {}): IncidentRequest {
  const { resource, ...rest } = overrides;
  return makeRequest({
    findingId: '3e9c1f0b7a6d4e2c9b8a7f6e5d4c3b2a',
    type: 'UnauthorizedAccess:IAMUser/TorIPCaller',
    title: 'API ListBuckets was invoked from a Tor exit node IP address.',
    severity: { value: 5, label: 'MEDIUM' },
    resourceRole: 'ACTOR',
    ...rest,
    resource: {
      kind: 'iam-access-key',
      rawType: 'AccessKey',
      instanceId: undefined,
      networkInterfaces: undefined,
      instanceProfileArn: undefined,
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      principalName: 'ci-deployer',
      principalType: 'IAMUser',
      tags: {},
      ...resource,
    },
  });
}

/** An S3 bucket finding (Policy:S3/BucketBlockPublicAccessDisabled, LOW) on bucket `airlock-test-data`. */
export function makeBucketRequest(overrides: RequestOverrides = {}): IncidentRequest {
  const { resource, ...rest } = overrides;
  return makeRequest({
    findingId: '5b4a3c2d1e0f9a8b7c6d5e4f3a2b1c0d',
    type: 'Policy:S3/BucketBlockPublicAccessDisabled',
    title: 'Amazon S3 Block Public Access was disabled for S3 bucket airlock-test-data.',
    severity: { value: 2, label: 'LOW' },
    ...rest,
    resource: {
      kind: 's3-bucket',
      rawType: 'S3Bucket',
      instanceId: undefined,
      networkInterfaces: undefined,
      instanceProfileArn: undefined,
      bucketNames: ['airlock-test-data'],
      tags: {},
      ...resource,
    },
  });
}

/** The routing decision most tests want: contain the EC2 instance. */
export function makeDecision(overrides: Partial<RouteDecision> = {}): RouteDecision {
  return { route: 'contain-ec2', reason: 'HIGH severity EC2 finding on a TARGET instance', ...overrides };
}
