import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { aws, isAwsError } from '../../aws/call';
import type { EvidenceItem } from '../../ledger/types';

export const evidencePrefix = (incidentId: string) => `incidents/${incidentId}`;

/** Object Lock retention (S3) or snapshot lock (EBS) of one evidence item. */
export interface EvidenceRetention {
  mode: 'GOVERNANCE' | 'COMPLIANCE' | 'SNAPSHOT-LOCK';
  retainUntil: string;
}

/**
 * The chain of custody an evidence writer records with each ledger item (the incident report reads it): the S3
 * version id, the principal that wrote it (Airlock's task role), and its retention as S3 / EC2 answered it.
 */
export interface EvidenceCustody {
  s3VersionId?: string;
  writerPrincipal?: string;
  retention?: EvidenceRetention;
}

/** An evidence item as the writers record it in the ledger. */
export type CustodiedEvidence = EvidenceItem & EvidenceCustody;

const LOCK_MODES = new Set(['GOVERNANCE', 'COMPLIANCE']);

/** The custody fields S3 answered for one version (HeadObject / GetObject output). */
export function custodyFromS3(out: {
  VersionId?: string | undefined;
  ObjectLockMode?: string | undefined;
  ObjectLockRetainUntilDate?: Date | undefined;
}): Pick<EvidenceCustody, 's3VersionId' | 'retention'> {
  return {
    ...(out.VersionId && out.VersionId !== 'null' ? { s3VersionId: out.VersionId } : {}),
    ...(out.ObjectLockMode && LOCK_MODES.has(out.ObjectLockMode) && out.ObjectLockRetainUntilDate
      ? {
          retention: {
            mode: out.ObjectLockMode as 'GOVERNANCE' | 'COMPLIANCE',
            retainUntil: out.ObjectLockRetainUntilDate.toISOString(),
          },
        }
      : {}),
  };
}

/**
 * The version id and Object Lock retention of a stored object, read back (HeadObject; the lock headers need
 * s3:GetObjectRetention), so the ledger records what S3 holds rather than what was asked for.
 */
export async function readCustody(
  s3: S3Client,
  bucket: string,
  key: string,
  versionId?: string,
): Promise<Pick<EvidenceCustody, 's3VersionId' | 'retention'>> {
  const head = await aws(`s3:HeadObject ${key}`, () =>
    s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
    ),
  );
  return custodyFromS3(head);
}

export interface EvidenceWriteOptions {
  /**
   * The evidence bucket's KMS key, when configured: sent as the SSE-KMS key id. Without it no SSE header is sent,
   * so the bucket's default encryption (the stack's key) applies. Never `aws:kms` alone: S3 would then use the AWS
   * managed key aws/s3, not the stack's.
   */
  kmsKeyId?: string;
  /** The principal the writes are made as (Airlock's task role), recorded as the writer of each object. */
  writerPrincipal?: string;
}

const hex = (base64: string) => Buffer.from(base64, 'base64').toString('hex');

/** The SHA-256 (hex) of a stored object: its stored checksum when S3 has one, else its bytes hashed. */
export async function storedSha256(s3: S3Client, bucket: string, key: string): Promise<string> {
  const head = await aws(`s3:HeadObject ${key}`, () =>
    s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' })),
  );
  if (head.ChecksumSHA256 && !head.ChecksumSHA256.includes('-')) return hex(head.ChecksumSHA256);
  const object = await aws(`s3:GetObject ${key}`, () =>
    s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
  );
  const bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Writes one evidence object to the evidence bucket (in the Airlock account, with Airlock's own credentials) with
 * its SHA-256 (S3 verifies it on upload). A conditional write (`If-None-Match: *`): S3 creates the key only if it is
 * absent and answers 412 otherwise, so a retry never overwrites evidence and needs no HEAD first (a HEAD of a
 * missing key answers 403, not 404, without an unconditioned s3:ListBucket). On 412 the stored object's SHA-256 is
 * reported. The item carries its custody: the version id and retention read back from S3, and the writer.
 */
export async function putEvidenceObject(
  s3: S3Client,
  bucket: string,
  key: string,
  body: Uint8Array,
  kind: EvidenceItem['kind'],
  contentType: string,
  at: Date,
  options: EvidenceWriteOptions = {},
): Promise<CustodiedEvidence> {
  const sha256 = createHash('sha256').update(body).digest();
  const id = `s3://${bucket}/${key}`;
  const writer = options.writerPrincipal ? { writerPrincipal: options.writerPrincipal } : {};
  let versionId: string | undefined;
  try {
    const out = await aws(
      `s3:PutObject ${key}`,
      () =>
        s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: contentType,
            ChecksumSHA256: sha256.toString('base64'),
            IfNoneMatch: '*',
            ...(options.kmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: options.kmsKeyId } : {}),
          }),
        ),
      { idempotent: false },
    );
    versionId = out.VersionId;
  } catch (error) {
    if (!isAwsError(error, 'PreconditionFailed')) throw error;
    // Written by an earlier attempt (a lost response): its hash and custody, as stored.
    const [stored, custody] = await Promise.all([
      storedSha256(s3, bucket, key),
      readCustody(s3, bucket, key),
    ]);
    return { id, kind, sha256: stored, at: at.toISOString(), ...writer, ...custody };
  }
  const custody = await readCustody(s3, bucket, key, versionId);
  return { id, kind, sha256: sha256.toString('hex'), at: at.toISOString(), ...writer, ...custody };
}

/**
 * A presigned PUT URL for one evidence key, signed with the credentials of `s3` (Airlock's own role, which the
 * bucket admits), valid `expiresInSeconds` from `at`. It carries `If-None-Match: *` as a signed header, so it can
 * create its key once and never overwrite it, and no SSE header (the bucket default key applies). The SDK's default
 * flexible checksum (a CRC32 of the empty body, put in the URL) is turned off: the body is not known when signing.
 */
export async function presignEvidencePut(
  s3: S3Client,
  bucket: string,
  key: string,
  expiresInSeconds: number,
  at: Date,
): Promise<string> {
  const signer = new S3Client({
    region: s3.config.region,
    credentials: s3.config.credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  return getSignedUrl(signer, new PutObjectCommand({ Bucket: bucket, Key: key, IfNoneMatch: '*' }), {
    expiresIn: expiresInSeconds,
    signingDate: at,
  });
}

/** The keys present under a prefix (ListObjectsV2 with the prefix: the grant's s3:prefix condition holds). */
export async function listEvidenceKeys(s3: S3Client, bucket: string, prefix: string): Promise<Set<string>> {
  const keys = new Set<string>();
  let token: string | undefined;
  do {
    const page = await aws(`s3:ListObjectsV2 ${prefix}`, () =>
      s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      ),
    );
    for (const o of page.Contents ?? []) if (o.Key) keys.add(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}
