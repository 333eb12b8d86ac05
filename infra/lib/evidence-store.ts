import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from './nag';
import { EVIDENCE_PREFIX, REPORT_KEYS } from './names';

export interface EvidenceStoreProps {
  /** @default generated */
  readonly bucketName?: string;
  /** Object Lock default retention. */
  readonly retentionDays: number;
  /** @default 'GOVERNANCE' */
  readonly lockMode?: 'GOVERNANCE' | 'COMPLIANCE';
  /** Transition to Glacier Instant Retrieval after this many days. */
  readonly coldAfterDays: number;
  /** Server access logs are kept this long. @default 365 */
  readonly accessLogDays?: number;
}

/**
 * Where evidence lands: a versioned, Object Lock (WORM) bucket encrypted with a customer-managed KMS key (rotated),
 * TLS only, all public access blocked, ACLs disabled, server access logs to a separate bucket, RETAIN. Every object
 * is under the stack key: a PutObject naming another key or another algorithm is denied, and one without an
 * encryption header gets the bucket default (the stack key). Evidence moves to Glacier Instant Retrieval
 * after `coldAfterDays` (still readable in milliseconds for an investigation).
 */
export class EvidenceStore extends Construct {
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: EvidenceStoreProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Airlock evidence bucket',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(props.accessLogDays ?? 365) }],
    });
    acknowledge(this.accessLogs, [
      {
        id: 'AwsSolutions-S1',
        reason:
          'This is the server access log bucket of the evidence bucket; logging it into itself (or a third bucket) adds no audit value',
      },
    ]);

    const lock =
      props.lockMode === 'COMPLIANCE'
        ? s3.ObjectLockRetention.compliance(Duration.days(props.retentionDays))
        : s3.ObjectLockRetention.governance(Duration.days(props.retentionDays));
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...(props.bucketName ? { bucketName: props.bucketName } : {}),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: lock,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'evidence/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'evidence-to-glacier-ir',
          transitions: [
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(props.coldAfterDays),
            },
          ],
          noncurrentVersionTransitions: [
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(props.coldAfterDays),
            },
          ],
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    // A request that carries the key-id header must name the stack key; one without it is not denied and gets the
    // bucket default key. IAM: a negated operator (StringNotEquals) is TRUE when the key is absent, so the Null
    // test limits the deny to requests that carry the header
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null).
    // S3 compares the header with the full key ARN
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html).
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyOtherKmsKeys',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: {
          Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' },
          StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': this.key.keyArn },
        },
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyOtherEncryption',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: {
          Null: { 's3:x-amz-server-side-encryption': 'false' },
          StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
        },
      }),
    );
  }

  /**
   * What an evidence-writing task needs: PutObject + GetObject (check-before-act HEAD) under `incidents/`, ListBucket
   * on that prefix (so a missing key answers 404, not 403), GetObjectRetention (HeadObject/GetObject return an
   * object's Object Lock mode and retain-until date only to a caller holding it: the chain of custody reads them
   * back), and the key for SSE-KMS.
   */
  grantEvidenceWrite(grantee: iam.IGrantable): void {
    const principal = grantee.grantPrincipal;
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EvidenceObjects',
        actions: ['s3:PutObject', 's3:GetObject', 's3:GetObjectRetention'],
        resources: [this.bucket.arnForObjects(`${EVIDENCE_PREFIX}*`)],
      }),
    );
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EvidenceList',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': `${EVIDENCE_PREFIX}*` } },
      }),
    );
    this.grantKey(principal);
  }

  /**
   * What writing incident reports needs, on `incidents/<id>/report/…` only: PutObject and PutObjectRetention (each
   * report is written with its own Object Lock mode and retain-until date; S3 requires s3:PutObjectRetention for
   * those headers), GetObject (the HEAD that finds a report already stored), ListBucket under `incidents/` (the
   * versions already stored), and the key. `readVersions` adds GetObjectVersion (reading a given S3 version: the
   * bot shares and re-reads stored reports).
   */
  grantReportWrite(grantee: iam.IGrantable, options: { readVersions?: boolean } = {}): void {
    const principal = grantee.grantPrincipal;
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReportObjects',
        actions: [
          's3:PutObject',
          's3:PutObjectRetention',
          's3:GetObject',
          ...(options.readVersions ? ['s3:GetObjectVersion'] : []),
        ],
        resources: [this.bucket.arnForObjects(REPORT_KEYS)],
      }),
    );
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReportList',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': REPORT_KEYS } },
      }),
    );
    this.grantKey(principal);
  }

  /** Reading stored reports by key and S3 version (GetObject, GetObjectVersion), and the key to decrypt them. */
  grantReportRead(grantee: iam.IGrantable): void {
    const principal = grantee.grantPrincipal;
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReportRead',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [this.bucket.arnForObjects(REPORT_KEYS)],
      }),
    );
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EvidenceKeyDecrypt',
        actions: ['kms:Decrypt'],
        resources: [this.key.keyArn],
      }),
    );
  }

  private grantKey(principal: iam.IPrincipal): void {
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EvidenceKey',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.key.keyArn],
      }),
    );
  }
}
