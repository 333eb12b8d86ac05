import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { AssumeRoleError } from '../errors';
import type { AwsClients, AwsTarget, ClientFactory } from './clients';
import { partitionOf } from './partition';

/**
 * The responder session's name: `airlock-<incidentId>`, so member-account CloudTrail (userIdentity.arn
 * `…:assumed-role/<role>/airlock-inc-…`) ties every call to its incident. STS allows 2–64 of [\w+=,.@-].
 */
export function responderSessionName(incidentId: string | undefined): string {
  const name = incidentId ? `airlock-${incidentId.replace(/[^\w+=,.@-]/g, '-')}` : 'airlock';
  return name.slice(0, 64);
}

export interface ProductionClientOptions {
  homeAccountId: string;
  /** Accounts Airlock may act in besides home. A finding from any other account is refused. */
  allowedAccountIds: string[];
  responderRoleName: string;
  /** The partition of the role ARNs; default: the target region's (aws, aws-us-gov, aws-cn …). */
  partition?: string;
}

/**
 * Real SDK clients for a finding's account and region. Cross-account targets assume the responder role
 * (regional STS endpoint, for opt-in regions). Credentials are cached per account/region until near expiry.
 */
export function productionClientFactory(options: ProductionClientOptions): ClientFactory {
  const cache = new Map<string, { clients: AwsClients; expires: number }>();
  return async (target: AwsTarget) => {
    // One session per incident: its name carries the incident id, so credentials are never shared across incidents.
    const key = `${target.accountId}:${target.region}:${target.incidentId ?? ''}`;
    const hit = cache.get(key);
    if (hit && hit.expires > Date.now() + 60_000) return hit.clients;
    let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
    let expires = Number.POSITIVE_INFINITY;
    if (target.accountId !== options.homeAccountId) {
      if (!options.allowedAccountIds.includes(target.accountId)) {
        throw new AssumeRoleError(`account ${target.accountId} is not in Airlock's allowed accounts`);
      }
      const partition = options.partition ?? partitionOf(target.region);
      const roleArn = `arn:${partition}:iam::${target.accountId}:role/${options.responderRoleName}`;
      const sts = new STSClient({ region: target.region });
      try {
        const out = await sts.send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: responderSessionName(target.incidentId),
            DurationSeconds: 900,
          }),
        );
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
        credentials = {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
        };
        expires = c.Expiration?.getTime() ?? Date.now() + 900_000;
      } catch (error) {
        throw new AssumeRoleError(`could not assume ${roleArn}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    // One attempt per SDK call: `aws()` (call.ts) is the only per-call retry layer, and it knows which calls must
    // not be re-sent after an ambiguous 5xx (CreateSnapshot, SendCommand …); the SDK's own retry would re-send them.
    const config = { region: target.region, credentials, maxAttempts: 1 };
    const clients: AwsClients = {
      ec2: new EC2Client(config),
      iam: new IAMClient(config),
      ssm: new SSMClient(config),
      s3: new S3Client(config),
      s3control: new S3ControlClient(config),
      autoscaling: new AutoScalingClient(config),
      elbv2: new ElasticLoadBalancingV2Client(config),
      securityhub: new SecurityHubClient(config),
    };
    cache.set(key, { clients, expires });
    return clients;
  };
}
