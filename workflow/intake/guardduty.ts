import * as z from 'zod';
import { ValidationError } from '../errors';
import { childPath, isRecord, parseWith } from './issues';
import { compact, finishRequest, tagRecord } from './request';
import { labelForSeverity } from './severity';
import type { IncidentRequest, NetworkInterfaceRef, ResourceKind, ResourceRef } from './types';

/**
 * GuardDuty findings in the camelCase shape EventBridge delivers (`detail`), and bare finding objects of the same
 * shape. Only the fields Airlock reads are declared; everything else is ignored.
 */
const TagSchema = z.object({ key: z.string().nullish(), value: z.string().nullish() });

const NetworkInterfaceSchema = z.object({
  networkInterfaceId: z.string().nullish(),
  vpcId: z.string().nullish(),
  subnetId: z.string().nullish(),
  privateIpAddress: z.string().nullish(),
  publicIp: z.string().nullish(),
  securityGroups: z
    .array(z.object({ groupId: z.string().nullish(), groupName: z.string().nullish() }))
    .nullish(),
});

const ResourceSchema = z.object({
  resourceType: z.string().min(1),
  instanceDetails: z
    .object({
      instanceId: z.string().nullish(),
      iamInstanceProfile: z.object({ arn: z.string().nullish() }).nullish(),
      networkInterfaces: z.array(NetworkInterfaceSchema).nullish(),
      tags: z.array(TagSchema).nullish(),
    })
    .nullish(),
  accessKeyDetails: z
    .object({
      accessKeyId: z.string().nullish(),
      principalId: z.string().nullish(),
      userName: z.string().nullish(),
      userType: z.string().nullish(),
    })
    .nullish(),
  s3BucketDetails: z
    .array(z.object({ name: z.string().nullish(), tags: z.array(TagSchema).nullish() }))
    .nullish(),
});

const ServiceSchema = z.object({
  resourceRole: z.enum(['TARGET', 'ACTOR']).nullish(),
  additionalInfo: z.unknown().optional(),
  archived: z.boolean().nullish(),
  count: z.number().int().min(1).nullish(),
  eventFirstSeen: z.string().nullish(),
  eventLastSeen: z.string().nullish(),
});

export const GuardDutyFindingSchema = z.object({
  schemaVersion: z.string().nullish(),
  id: z.string().min(1),
  arn: z.string().nullish(),
  type: z.string().min(1),
  severity: z.number().min(0).max(10),
  accountId: z.string().nullish(),
  region: z.string().nullish(),
  title: z.string().nullish(),
  description: z.string().nullish(),
  createdAt: z.string().min(1),
  updatedAt: z.string().min(1),
  resource: ResourceSchema,
  service: ServiceSchema.nullish(),
});
type GuardDutyFinding = z.infer<typeof GuardDutyFindingSchema>;

/** Keys GetFindings / boto3 use (PascalCase) where EventBridge's `detail` uses camelCase. */
const PASCAL_KEYS = ['Id', 'Type', 'Resource', 'Service', 'Severity', 'AccountId', 'SchemaVersion'];

/** The first PascalCase GuardDuty key of an object, if it looks like a GetFindings finding. */
export function pascalCaseKey(value: Record<string, unknown>): string | undefined {
  if ('id' in value || 'resource' in value) return undefined;
  const hits = PASCAL_KEYS.filter((k) => k in value);
  return hits.length >= 2 ? hits[0] : undefined;
}

/** A camelCase GuardDuty finding: `schemaVersion` or (`id` and `type`), plus `resource` or `service`. */
export function looksLikeGuardDutyFinding(value: Record<string, unknown>): boolean {
  const identified = 'schemaVersion' in value || ('id' in value && 'type' in value);
  return identified && ('resource' in value || 'service' in value);
}

/** Envelope values a finding may inherit when its own are absent. */
export interface EnvelopeDefaults {
  account?: string;
  region?: string;
}

/**
 * camelCase GuardDuty finding → IncidentRequest. `prefix` is where the finding sits in the raw input
 * (`detail` inside an EventBridge event, '' for a bare finding), so errors name the raw field.
 * @throws ValidationError
 */
export function normalizeGuardDuty(
  raw: unknown,
  prefix: string,
  envelope: EnvelopeDefaults = {},
): IncidentRequest {
  if (isRecord(raw)) {
    const pascal = pascalCaseKey(raw);
    if (pascal) throw pascalCaseError(childPath(prefix, pascal));
  }
  const finding = parseWith(GuardDutyFindingSchema, raw, prefix, 'GuardDuty finding');
  const at = (key: string) => childPath(prefix, key);
  const accountId = finding.accountId ?? envelope.account;
  if (!accountId) {
    throw new ValidationError('GuardDuty finding has no accountId (nor has its event)', at('accountId'));
  }
  const region = finding.region ?? envelope.region;
  if (!region) throw new ValidationError('GuardDuty finding has no region (nor has its event)', at('region'));
  const service = finding.service ?? {};
  return finishRequest(
    compact({
      source: 'guardduty' as const,
      findingId: finding.id,
      findingArn: finding.arn ?? undefined,
      type: finding.type,
      severity: { value: finding.severity, label: labelForSeverity(finding.severity) },
      title: finding.title ?? finding.type,
      description: finding.description ?? undefined,
      accountId,
      region,
      resource: resourceOf(finding),
      resourceRole: service.resourceRole ?? 'TARGET',
      sample: isSample(service.additionalInfo),
      archived: service.archived ?? false,
      count: service.count ?? 1,
      firstSeen: service.eventFirstSeen ?? finding.createdAt,
      lastSeen: service.eventLastSeen ?? finding.updatedAt,
    }),
    {
      accountId: finding.accountId ? at('accountId') : 'account',
      region: finding.region ? at('region') : 'region',
      findingId: at('id'),
      instanceId: at('resource.instanceDetails.instanceId'),
    },
  );
}

export function pascalCaseError(field: string): ValidationError {
  return new ValidationError(
    'this is a GetFindings/PascalCase GuardDuty finding (Id, Resource, Service …); Airlock reads the camelCase ' +
      'finding EventBridge delivers (id, resource, service …) and never half-parses the other shape',
    field,
  );
}

const KINDS: Record<string, ResourceKind> = {
  Instance: 'ec2-instance',
  AccessKey: 'iam-access-key',
  S3Bucket: 's3-bucket',
};

function resourceOf(finding: GuardDutyFinding): ResourceRef {
  const r = finding.resource;
  const kind = KINDS[r.resourceType] ?? 'other';
  switch (kind) {
    case 'ec2-instance': {
      const details = r.instanceDetails;
      const enis = (details?.networkInterfaces ?? []).flatMap(networkInterface);
      return compact({
        kind,
        rawType: r.resourceType,
        instanceId: details?.instanceId ?? undefined,
        networkInterfaces: enis.length > 0 ? enis : undefined,
        instanceProfileArn: details?.iamInstanceProfile?.arn ?? undefined,
        tags: tagRecord(details?.tags),
      });
    }
    case 'iam-access-key': {
      const key = r.accessKeyDetails;
      return compact({
        kind,
        rawType: r.resourceType,
        accessKeyId: key?.accessKeyId ?? undefined,
        principalName: key?.userName ?? undefined,
        principalType: key?.userType ?? undefined,
      });
    }
    case 's3-bucket': {
      const buckets = r.s3BucketDetails ?? [];
      const names = buckets.flatMap((b) => (b.name ? [b.name] : []));
      return compact({
        kind,
        rawType: r.resourceType,
        bucketNames: names.length > 0 ? names : undefined,
        tags: tagRecord(buckets[0]?.tags),
      });
    }
    case 'other':
      return { kind, rawType: r.resourceType };
  }
}

function networkInterface(eni: z.infer<typeof NetworkInterfaceSchema>): NetworkInterfaceRef[] {
  // An ENI without an id cannot be isolated; the instance is re-described at containment anyway.
  if (!eni.networkInterfaceId) return [];
  return [
    compact({
      networkInterfaceId: eni.networkInterfaceId,
      vpcId: eni.vpcId ?? undefined,
      subnetId: eni.subnetId ?? undefined,
      securityGroupIds: (eni.securityGroups ?? []).flatMap((g) => (g.groupId ? [g.groupId] : [])),
      privateIpAddress: eni.privateIpAddress ?? undefined,
      publicIp: eni.publicIp ?? undefined,
    }),
  ];
}

/**
 * `service.additionalInfo.sample` (boolean or "true"), or the newer `{type: 'default', value: '{"sample":true}'}`
 * form of additionalInfo.
 */
export function isSample(additionalInfo: unknown): boolean {
  if (!isRecord(additionalInfo)) return false;
  const flag = additionalInfo.sample;
  if (flag === true || flag === 'true') return true;
  if (typeof additionalInfo.value === 'string') return jsonSampleFlag(additionalInfo.value);
  return false;
}

/** True when a JSON text is an object whose `sample` is true / "true". Not JSON → false. */
export function jsonSampleFlag(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) && (parsed.sample === true || parsed.sample === 'true');
  } catch {
    return false;
  }
}
