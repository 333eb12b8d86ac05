import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { aws, isAwsError } from '../../aws/call';
import type { EvidenceItem } from '../../ledger/types';

export const evidencePrefix = (incidentId: string) => `incidents/${incidentId}`;

/**
 * Writes one evidence object to the evidence bucket (in the Airlock account, with Airlock's own credentials) with its SHA-256 (S3 verifies it on upload), check-before-act: an object already
 * present under the key is not written again, and its stored checksum is reported.
 */
export async function putEvidenceObject(
  s3: S3Client,
  bucket: string,
  key: string,
  body: Uint8Array,
  kind: EvidenceItem['kind'],
  contentType: string,
  at: Date,
): Promise<EvidenceItem> {
  const sha256 = createHash('sha256').update(body).digest();
  const id = `s3://${bucket}/${key}`;
  try {
    const head = await aws(`s3:HeadObject ${key}`, () =>
      s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' })),
    );
    const stored = head.ChecksumSHA256
      ? Buffer.from(head.ChecksumSHA256, 'base64').toString('hex')
      : undefined;
    return { id, kind, sha256: stored ?? sha256.toString('hex'), at: at.toISOString() };
  } catch (error) {
    if (
      !isAwsError(error, 'NotFound', 'NoSuchKey') &&
      !(error instanceof Error && error.name === 'ResourceNotFoundError')
    )
      throw error;
  }
  await aws(`s3:PutObject ${key}`, () =>
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        ChecksumSHA256: sha256.toString('base64'),
        ServerSideEncryption: 'aws:kms',
      }),
    ),
  );
  return { id, kind, sha256: sha256.toString('hex'), at: at.toISOString() };
}
