/**
 * Who may touch the evidence bucket in drills, mirroring the stacks: Airlock's task role (the home account's
 * simulated clients act as it) holds PutObject/GetObject and GetObjectRetention under `incidents/` (and
 * PutObjectRetention on the report keys, `incidents/<id>/report/…`, EvidenceStore.grantReportWrite) and
 * ListBucket only under an `s3:prefix` condition (EvidenceStore.grantEvidenceWrite); the bucket is versioned with
 * Object Lock (default retention GOVERNANCE, 365 days); the bucket encrypts with its own KMS key by default and
 * its policy refuses a PutObject that names another key. No instance role holds any write on the bucket. The
 * member accounts hold the Airlock-Capture document (ResponderStack).
 */
import type { AwsTarget } from '../../workflow/aws/clients';
import { CAPTURE_DOCUMENT_NAME, captureDocumentContent } from '../../workflow/domain/ec2/capture-document';
import { addRole } from './build';
import { DEFAULT_CALLER_ROLE, type SimModel } from './model';

/** The evidence bucket's KMS key in the simulated home account. */
export function evidenceKeyArn(home: AwsTarget): string {
  return `arn:aws:kms:${home.region}:${home.accountId}:key/airlock-evidence`;
}

const EVIDENCE_PREFIX = 'incidents/';

/** The evidence bucket's default Object Lock retention, as EvidenceStore deploys it by default (GOVERNANCE). */
export const EVIDENCE_DEFAULT_RETENTION = { mode: 'GOVERNANCE', days: 365 } as const;

/** The evidence bucket's policy, its default encryption and Airlock's task role (idempotent). */
export function seedEvidenceAccess(model: SimModel, home: AwsTarget, bucketName: string): void {
  const bucket = model.state.buckets[bucketName];
  if (!bucket) throw new Error(`simulator: no bucket ${bucketName} to protect`);
  const keyArn = evidenceKeyArn(home);
  bucket.defaultEncryption = { sseAlgorithm: 'aws:kms', kmsKeyId: keyArn };
  // Versioned, with Object Lock and a default retention (EvidenceStore: versioned, objectLockEnabled).
  bucket.versioning = true;
  bucket.objectLock = { defaultRetention: { ...EVIDENCE_DEFAULT_RETENTION } };
  bucket.policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyOtherKmsKeys',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${bucketName}/*`,
        Condition: {
          StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn },
          Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' },
        },
      },
    ],
  });
  const roleName = model.callerRoleNames[home.accountId] ?? DEFAULT_CALLER_ROLE;
  if (model.state.accounts[home.accountId]?.iam.roles[roleName]) return;
  addRole(model, home.accountId, {
    roleName,
    inlinePolicies: {
      'evidence-write': JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'EvidenceObjects',
            Effect: 'Allow',
            Action: ['s3:PutObject', 's3:GetObject'],
            Resource: `arn:aws:s3:::${bucketName}/${EVIDENCE_PREFIX}*`,
          },
          {
            Sid: 'EvidenceList',
            Effect: 'Allow',
            Action: 's3:ListBucket',
            Resource: `arn:aws:s3:::${bucketName}`,
            Condition: { StringLike: { 's3:prefix': `${EVIDENCE_PREFIX}*` } },
          },
          { Sid: 'Everything else the drills call', Effect: 'Allow', NotAction: 's3:*', Resource: '*' },
        ],
      }),
      // Object Lock: set a retention on write, and read it back (HeadObject / GetObject return the lock headers
      // only to a caller holding s3:GetObjectRetention).
      'evidence-retention': JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'EvidenceRetention',
            Effect: 'Allow',
            Action: 's3:GetObjectRetention',
            Resource: `arn:aws:s3:::${bucketName}/${EVIDENCE_PREFIX}*`,
          },
          // Only incident reports are written with their own retention (EvidenceStore.grantReportWrite).
          {
            Sid: 'ReportRetention',
            Effect: 'Allow',
            Action: 's3:PutObjectRetention',
            Resource: `arn:aws:s3:::${bucketName}/${EVIDENCE_PREFIX}*/report/*`,
          },
        ],
      }),
    },
  });
}

/** The Airlock-Capture document in an account and region (the member-account stack deploys it). */
export function registerCaptureDocument(model: SimModel, target: AwsTarget): void {
  const ssm = model.region(target).ssm;
  ssm.documents ??= {};
  ssm.documents[CAPTURE_DOCUMENT_NAME] = {
    name: CAPTURE_DOCUMENT_NAME,
    content: JSON.stringify(captureDocumentContent()),
  };
}
