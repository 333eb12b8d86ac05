import * as z from 'zod';
import type { EvidenceItem } from '../../../ledger/types';
import { type ReportEvidence, RetentionSchema, type Unrecorded } from './schema';

/**
 * Custody fields the evidence writers add to their ledger items (workflow/domain/ec2/evidence.ts EvidenceCustody):
 * the S3 version id, the writer principal, the retention. Where one is missing the report says why it is null.
 */
export const EvidenceCustodySchema = z.object({
  s3VersionId: z.string().min(1).optional(),
  writerPrincipal: z.string().min(1).optional(),
  retention: RetentionSchema.optional(),
});
export type EvidenceCustody = z.infer<typeof EvidenceCustodySchema>;

/** An evidence item as the ledger returns it, with whatever custody fields its writer recorded. */
export type LedgerEvidence = EvidenceItem & Partial<EvidenceCustody>;

export const UNRECORDED_REASON = {
  s3Sha256: 'the writer did not record a SHA-256 for this object',
  snapshotSha256: 'an EBS snapshot has no content hash: it is identified by its snapshot id',
  otherSha256: 'not a stored object: nothing to hash',
  s3VersionId:
    'S3 answered no version id (an unversioned bucket), or the item was recorded before version ids were',
  snapshotVersionId: 'not an S3 object: the snapshot id identifies it',
  otherVersionId: 'not an S3 object: its id identifies it',
  writer: 'the writer principal was not recorded (the task had no caller identity)',
  s3Retention:
    'S3 returned no Object Lock retention for this version (a bucket without Object Lock, or read without s3:GetObjectRetention)',
  snapshotRetention: 'the snapshot is not locked (snapshotCustody copy or none), so no snapshot lock applies',
  otherRetention: 'not a stored object: no retention applies',
} as const;

const S3_ID = /^s3:\/\/([^/]+)\/(.+)$/;
const SNAPSHOT_ID = /^snap-[0-9a-f]+$/;

type Location = Pick<ReportEvidence, 'location' | 'bucket' | 'key' | 'snapshotId'>;

function locate(id: string): Location {
  const s3 = S3_ID.exec(id);
  if (s3?.[1] && s3[2]) return { location: 's3', bucket: s3[1], key: s3[2], snapshotId: null };
  if (SNAPSHOT_ID.test(id)) return { location: 'ebs-snapshot', bucket: null, key: null, snapshotId: id };
  return { location: 'other', bucket: null, key: null, snapshotId: null };
}

function reasons(location: Location['location']) {
  if (location === 's3') {
    return {
      sha256: UNRECORDED_REASON.s3Sha256,
      s3VersionId: UNRECORDED_REASON.s3VersionId,
      retention: UNRECORDED_REASON.s3Retention,
    };
  }
  if (location === 'ebs-snapshot') {
    return {
      sha256: UNRECORDED_REASON.snapshotSha256,
      s3VersionId: UNRECORDED_REASON.snapshotVersionId,
      retention: UNRECORDED_REASON.snapshotRetention,
    };
  }
  return {
    sha256: UNRECORDED_REASON.otherSha256,
    s3VersionId: UNRECORDED_REASON.otherVersionId,
    retention: UNRECORDED_REASON.otherRetention,
  };
}

/** One evidence item's chain of custody: what the ledger records, and an explicit reason for each gap. */
export function custodyOf(item: LedgerEvidence): ReportEvidence {
  const where = locate(item.id);
  const custody = EvidenceCustodySchema.safeParse({
    s3VersionId: item.s3VersionId,
    writerPrincipal: item.writerPrincipal,
    retention: item.retention,
  });
  const recorded: EvidenceCustody = custody.success ? custody.data : {};
  const why = reasons(where.location);
  const unrecorded: Unrecorded[] = [];
  const sha256 = item.sha256 ?? null;
  if (!sha256) unrecorded.push({ field: 'sha256', reason: why.sha256 });
  const s3VersionId = recorded.s3VersionId ?? null;
  if (!s3VersionId) unrecorded.push({ field: 's3VersionId', reason: why.s3VersionId });
  const writerPrincipal = recorded.writerPrincipal ?? null;
  if (!writerPrincipal) unrecorded.push({ field: 'writerPrincipal', reason: UNRECORDED_REASON.writer });
  const retention = recorded.retention ?? null;
  if (!retention) unrecorded.push({ field: 'retention', reason: why.retention });
  return {
    id: item.id,
    kind: item.kind,
    ...where,
    sha256,
    s3VersionId,
    writerPrincipal,
    recordedAt: item.at,
    retention,
    unrecorded,
  };
}

/** Evidence kinds, in the order a reader expects them (pre-state first, snapshots last). */
const KIND_ORDER: Record<EvidenceItem['kind'], number> = {
  'instance-metadata': 0,
  'console-output': 1,
  screenshot: 2,
  volatile: 3,
  memory: 4,
  snapshot: 5,
  other: 6,
};

/** Every evidence item once (by id: the incident's list, then the overflow audit events), in a stable order. */
export function evidenceManifest(items: readonly LedgerEvidence[]): ReportEvidence[] {
  const byId = new Map<string, LedgerEvidence>();
  for (const item of items) if (item.id && !byId.has(item.id)) byId.set(item.id, item);
  return [...byId.values()]
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compare(a.at, b.at) || compare(a.id, b.id))
    .map(custodyOf);
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
