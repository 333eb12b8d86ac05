import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3ControlClient } from '@aws-sdk/client-s3-control';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { SSMClient } from '@aws-sdk/client-ssm';

/**
 * The AWS clients the domain functions use, for one target account and region.
 * Production passes real SDK clients (assuming the responder role cross-account);
 * drills and tests pass the same SDK client classes wired to the simulated account.
 */
export interface AwsClients {
  ec2: EC2Client;
  iam: IAMClient;
  ssm: SSMClient;
  s3: S3Client;
  s3control: S3ControlClient;
  autoscaling: AutoScalingClient;
  elbv2: ElasticLoadBalancingV2Client;
  securityhub: SecurityHubClient;
}

export interface AwsTarget {
  accountId: string;
  region: string;
  /** The incident the calls are for: cross-account sessions are named after it (CloudTrail ties calls to it). */
  incidentId?: string;
}

/** Returns the clients for the account and region a finding is in. */
export type ClientFactory = (target: AwsTarget) => Promise<AwsClients>;
