import * as z from 'zod';

/** Where a request came from. */
export const SourceSchema = z.enum(['guardduty', 'securityhub', 'manual']);
export type Source = z.infer<typeof SourceSchema>;

/** What Airlock does with a request. The intake CLI prints exactly these names. */
export const RouteSchema = z.enum([
  'contain-ec2',
  'contain-iam',
  'contain-s3',
  'ask-before-contain',
  'review',
  'notify',
  'ignore',
]);
export type Route = z.infer<typeof RouteSchema>;

export const SeverityLabelSchema = z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
export type SeverityLabel = z.infer<typeof SeverityLabelSchema>;

export const NetworkInterfaceSchema = z.object({
  networkInterfaceId: z.string(),
  vpcId: z.string().optional(),
  subnetId: z.string().optional(),
  securityGroupIds: z.array(z.string()),
  privateIpAddress: z.string().optional(),
  publicIp: z.string().optional(),
});
export type NetworkInterfaceRef = z.infer<typeof NetworkInterfaceSchema>;

export const ResourceKindSchema = z.enum(['ec2-instance', 'iam-access-key', 's3-bucket', 'other']);
export type ResourceKind = z.infer<typeof ResourceKindSchema>;

export const ResourceSchema = z.object({
  kind: ResourceKindSchema,
  /** The resource type as the finding names it (Instance, AccessKey, S3Bucket, AwsEc2Instance, EKSCluster …). */
  rawType: z.string(),
  instanceId: z.string().optional(),
  networkInterfaces: z.array(NetworkInterfaceSchema).optional(),
  instanceProfileArn: z.string().optional(),
  accessKeyId: z.string().optional(),
  /** IAM user name, or the role name for AssumedRole principals. */
  principalName: z.string().optional(),
  principalType: z.string().optional(),
  bucketNames: z.array(z.string()).optional(),
  /** Tags on the resource as the finding reports them (used for the protected-resource check). */
  tags: z.record(z.string(), z.string()).optional(),
});
export type ResourceRef = z.infer<typeof ResourceSchema>;

/**
 * The one normalized view of "what happened": a GuardDuty finding, a Security Hub finding,
 * or a responder's `/ir isolate`. Everything downstream (ledger, workflow, Slack) reads this.
 */
export const IncidentRequestSchema = z.object({
  source: SourceSchema,
  /** `detail.id` for GuardDuty, `Id` for ASFF, a synthesized id for manual requests. Never the event id. */
  findingId: z.string().min(1),
  type: z.string(),
  severity: z.object({ value: z.number().min(0).max(10), label: SeverityLabelSchema }),
  title: z.string(),
  description: z.string().optional(),
  accountId: z.string().regex(/^\d{12}$/),
  region: z.string().min(1),
  resource: ResourceSchema,
  resourceRole: z.enum(['TARGET', 'ACTOR']),
  sample: z.boolean(),
  archived: z.boolean(),
  count: z.number().int().min(1),
  firstSeen: z.string(),
  lastSeen: z.string(),
  /** `${accountId}:${region}:${findingId}`: a repeat of the same finding maps to the same incident. */
  dedupeKey: z.string(),
  /** `${accountId}:${region}:${kind}:${primary resource id}`: one open incident per resource. */
  resourceKey: z.string(),
  /** Security Hub finding identifiers, for BatchUpdateFindings on approval. */
  securityHub: z.object({ id: z.string(), productArn: z.string() }).optional(),
  /** The finding's own ARN (GuardDuty `arn`): its Security Hub `Id` when GuardDuty sends findings there. */
  findingArn: z.string().optional(),
  /** Manual requests only. */
  requester: z.object({ slackUserId: z.string(), reason: z.string().optional() }).optional(),
});
export type IncidentRequest = z.infer<typeof IncidentRequestSchema>;

/** The routing decision, with the reason a responder reads. */
export interface RouteDecision {
  route: Route;
  reason: string;
}
