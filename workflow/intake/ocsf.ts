import * as z from 'zod';
import { ValidationError } from '../errors';
import { CONTROL_FINDING_REASON, guardDutyFindingId } from './asff';
import { childPath, fieldPath, isRecord, parseWith } from './issues';
import { compact, finishRequest, tagRecord } from './request';
import { severityFromLabel } from './severity';
import type { IncidentRequest, NetworkInterfaceRef, ResourceRef, SeverityLabel } from './types';

/**
 * Security Hub v2 findings (OCSF 1.x, snake_case), as carried by "Findings Imported V2" events. GuardDuty
 * Detection Findings are mapped; compliance findings and other products are recognized as not actionable.
 */
const TagSchema = z.object({
  key: z.string().nullish(),
  name: z.string().nullish(),
  value: z.string().nullish(),
});

const OcsfNetworkInterfaceSchema = z.object({
  network_interface_id: z.string().nullish(),
  uid: z.string().nullish(),
  vpc_id: z.string().nullish(),
  subnet_id: z.string().nullish(),
  private_ip_address: z.string().nullish(),
  public_ip: z.string().nullish(),
  ip: z.string().nullish(),
  security_groups: z.array(z.object({ group_id: z.string().nullish(), uid: z.string().nullish() })).nullish(),
});

const OcsfResourceSchema = z.object({
  type: z.string().nullish(),
  uid: z.string().nullish(),
  name: z.string().nullish(),
  region: z.string().nullish(),
  tags: z.array(TagSchema).nullish(),
  data: z
    .object({
      instance_id: z.string().nullish(),
      iam_instance_profile: z.object({ arn: z.string().nullish() }).nullish(),
      network_interfaces: z.array(OcsfNetworkInterfaceSchema).nullish(),
      tags: z.array(TagSchema).nullish(),
    })
    .nullish(),
  device: z
    .object({
      uid: z.string().nullish(),
      instance_profile: z.object({ uid_alt: z.string().nullish() }).nullish(),
      network_interfaces: z.array(OcsfNetworkInterfaceSchema).nullish(),
    })
    .nullish(),
});
type OcsfResource = z.infer<typeof OcsfResourceSchema>;

const OcsfFindingSchema = z.object({
  class_uid: z.number(),
  cloud: z.object({ account: z.object({ uid: z.string().min(1) }), region: z.string().min(1) }),
  count: z.number().int().min(1).nullish(),
  finding_info: z.object({
    uid: z.string().min(1),
    title: z.string().nullish(),
    desc: z.string().nullish(),
    types: z.array(z.string()).nullish(),
    created_time_dt: z.string().nullish(),
    first_seen_time_dt: z.string().nullish(),
    last_seen_time_dt: z.string().nullish(),
    modified_time_dt: z.string().nullish(),
  }),
  metadata: z.object({ product: z.object({ uid: z.string().nullish(), name: z.string().nullish() }) }),
  resources: z.array(OcsfResourceSchema).nullish(),
  severity_id: z.number().int(),
  status_id: z.number().nullish(),
  time_dt: z.string().nullish(),
});
type OcsfFinding = z.infer<typeof OcsfFindingSchema>;

/** An OCSF finding: `class_uid`, `finding_info` and `metadata`. */
export function looksLikeOcsf(value: Record<string, unknown>): boolean {
  return 'class_uid' in value && 'finding_info' in value && 'metadata' in value;
}

export type OcsfOutcome =
  | { status: 'accepted'; request: IncidentRequest }
  | { status: 'not-actionable'; reason: string; findingId?: string; accountId?: string; region?: string };

const COMPLIANCE_FINDING = 2003;
const DETECTION_FINDING = 2004;
/** OCSF finding status_id 3 Suppressed, 5 Archived, 6 Deleted: the equivalent of GuardDuty's `archived`. */
const ARCHIVED_STATUS = new Set([3, 5, 6]);

/** @throws ValidationError */
export function normalizeOcsf(raw: unknown, prefix: string): OcsfOutcome {
  if (!isRecord(raw)) throw new ValidationError('expected an OCSF finding object', fieldPath(prefix, []));
  const info = isRecord(raw.finding_info) ? raw.finding_info : {};
  const cloud = isRecord(raw.cloud) ? raw.cloud : {};
  const summary = compact({
    findingId: typeof info.uid === 'string' ? info.uid : undefined,
    accountId:
      isRecord(cloud.account) && typeof cloud.account.uid === 'string' ? cloud.account.uid : undefined,
    region: typeof cloud.region === 'string' ? cloud.region : undefined,
  });
  if (raw.class_uid === COMPLIANCE_FINDING || 'compliance' in raw) {
    return { status: 'not-actionable', reason: CONTROL_FINDING_REASON, ...summary };
  }
  const product = isRecord(raw.metadata) && isRecord(raw.metadata.product) ? raw.metadata.product : {};
  const productUid = typeof product.uid === 'string' ? product.uid : '';
  if (!/productv?2?\/aws\/guardduty$/.test(productUid)) {
    const name = typeof product.name === 'string' ? product.name : productUid || 'an unknown product';
    return {
      status: 'not-actionable',
      reason: `Security Hub v2 finding from ${name}: Airlock acts only on GuardDuty threat findings`,
      ...summary,
    };
  }
  if (raw.class_uid !== DETECTION_FINDING) {
    return {
      status: 'not-actionable',
      reason: `Security Hub v2 GuardDuty finding of OCSF class ${String(raw.class_uid)}: only Detection Findings (2004) are actionable`,
      ...summary,
    };
  }
  return {
    status: 'accepted',
    request: mapGuardDuty(parseWith(OcsfFindingSchema, raw, prefix, 'OCSF finding'), prefix),
  };
}

const SEVERITY_BY_ID: Record<number, SeverityLabel> = {
  1: 'INFORMATIONAL',
  2: 'LOW',
  3: 'MEDIUM',
  4: 'HIGH',
  5: 'CRITICAL',
  6: 'CRITICAL',
};

function mapGuardDuty(finding: OcsfFinding, prefix: string): IncidentRequest {
  const at = (key: string) => childPath(prefix, key);
  const label = SEVERITY_BY_ID[finding.severity_id];
  if (!label) {
    throw new ValidationError(
      `severity_id ${finding.severity_id} has no severity (expected 1–6)`,
      at('severity_id'),
    );
  }
  const info = finding.finding_info;
  const type =
    (info.types ?? []).find((t) => /^[A-Za-z]+:[A-Za-z0-9]+\/.+/.test(t)) ?? info.title ?? info.uid;
  const { resource, instanceField } = resourceOf(finding.resources ?? []);
  const created = info.created_time_dt ?? finding.time_dt ?? '';
  return finishRequest(
    compact({
      source: 'securityhub' as const,
      findingId: guardDutyFindingId(info.uid),
      type,
      severity: severityFromLabel(label, []),
      title: info.title ?? type,
      description: info.desc ?? undefined,
      accountId: finding.cloud.account.uid,
      region: finding.cloud.region,
      resource,
      resourceRole: 'TARGET' as const,
      sample: false,
      archived: ARCHIVED_STATUS.has(finding.status_id ?? 0),
      count: finding.count ?? 1,
      firstSeen: info.first_seen_time_dt ?? created,
      lastSeen: info.last_seen_time_dt ?? info.modified_time_dt ?? created,
    }),
    {
      accountId: at('cloud.account.uid'),
      region: at('cloud.region'),
      findingId: at('finding_info.uid'),
      instanceId: at(instanceField),
    },
  );
}

const EC2_TYPES = new Set(['AwsEc2Instance', 'AWS::EC2::Instance']);

function instanceIdOf(r: OcsfResource): string | undefined {
  const fromUid = (uid: string | null | undefined) =>
    uid
      ? (/instance\/(i-[0-9a-z-]+)$/.exec(uid)?.[1] ?? (uid.startsWith('i-') ? uid : undefined))
      : undefined;
  return r.data?.instance_id ?? fromUid(r.uid) ?? fromUid(r.device?.uid) ?? undefined;
}

/** The EC2 instance among the resources (a container finding names its host too), else the first resource. */
function resourceOf(resources: readonly OcsfResource[]): { resource: ResourceRef; instanceField: string } {
  const index = resources.findIndex((r) => EC2_TYPES.has(r.type ?? '') || r.device?.uid?.startsWith('i-'));
  if (index < 0) {
    const first = resources[0];
    return {
      instanceField: 'resources',
      resource: compact({
        kind: 'other' as const,
        rawType: first?.type ?? 'unknown',
        tags: tagRecord(first?.tags),
      }),
    };
  }
  const r = resources[index] as OcsfResource;
  const enis = [...(r.data?.network_interfaces ?? []), ...(r.device?.network_interfaces ?? [])].flatMap(
    networkInterface,
  );
  return {
    instanceField: `resources[${index}].${r.data?.instance_id ? 'data.instance_id' : r.uid ? 'uid' : 'device.uid'}`,
    resource: compact({
      kind: 'ec2-instance' as const,
      rawType: r.type ?? 'AWS::EC2::Instance',
      instanceId: instanceIdOf(r),
      networkInterfaces: enis.length > 0 ? enis : undefined,
      instanceProfileArn:
        r.data?.iam_instance_profile?.arn ?? r.device?.instance_profile?.uid_alt ?? undefined,
      tags: tagRecord(r.tags) ?? tagRecord(r.data?.tags),
    }),
  };
}

function networkInterface(eni: z.infer<typeof OcsfNetworkInterfaceSchema>): NetworkInterfaceRef[] {
  const id = eni.network_interface_id ?? eni.uid;
  if (!id) return [];
  return [
    compact({
      networkInterfaceId: id,
      vpcId: eni.vpc_id ?? undefined,
      subnetId: eni.subnet_id ?? undefined,
      securityGroupIds: (eni.security_groups ?? []).flatMap((g) => {
        const groupId = g.group_id ?? g.uid;
        return groupId ? [groupId] : [];
      }),
      privateIpAddress: eni.private_ip_address ?? undefined,
      publicIp: eni.public_ip ?? eni.ip ?? undefined,
    }),
  ];
}
