import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type {
  CreateBucketCommandInput,
  CreateBucketCommandOutput,
  DeleteObjectCommandInput,
  DeleteObjectCommandOutput,
  DeletePublicAccessBlockCommandInput,
  DeletePublicAccessBlockCommandOutput,
  GetObjectCommandInput,
  GetObjectCommandOutput,
  GetPublicAccessBlockCommandInput,
  GetPublicAccessBlockCommandOutput,
  HeadBucketCommandInput,
  HeadBucketCommandOutput,
  HeadObjectCommandInput,
  HeadObjectCommandOutput,
  ListObjectsV2CommandInput,
  ListObjectsV2CommandOutput,
  PutObjectCommandInput,
  PutObjectCommandOutput,
  PutPublicAccessBlockCommandInput,
  PutPublicAccessBlockCommandOutput,
} from '@aws-sdk/client-s3';
import { addBucket, sha256Base64, storeObject } from '../build';
import type { SimBucket, SimModel, SimObject, SimPublicAccessBlock } from '../model';
import { authorize } from '../policy';
import { type HandlerTable, type OpContext, op, toDate } from './common';

/** Reads any body the SDK accepts for PutObject (string, bytes, Node stream, Blob) into bytes. */
export async function readBody(body: unknown): Promise<Uint8Array> {
  if (body === undefined || body === null) return new Uint8Array();
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return new Uint8Array(body);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (typeof Blob !== 'undefined' && body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
  if (body instanceof Readable || (typeof body === 'object' && Symbol.asyncIterator in body)) {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Buffer | string>) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    }
    return new Uint8Array(Buffer.concat(chunks));
  }
  throw new Error(`simulator: unsupported PutObject Body type ${Object.prototype.toString.call(body)}`);
}

/** A GetObject Body: a Node stream with the SDK's stream mixin (transformToString / ByteArray / WebStream). */
export function streamBody(bytes: Uint8Array): GetObjectCommandOutput['Body'] {
  const copy = Buffer.from(bytes);
  const stream = Readable.from([copy]);
  const mixin = {
    transformToByteArray: async () => new Uint8Array(copy),
    transformToString: async (encoding?: string) => copy.toString((encoding as BufferEncoding) ?? 'utf8'),
    transformToWebStream: () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new Uint8Array(copy));
          controller.close();
        },
      }),
  };
  return Object.assign(stream, mixin) as unknown as GetObjectCommandOutput['Body'];
}

function bucket(ctx: OpContext, name: string | undefined, head = false): SimBucket {
  const found = name ? ctx.model.state.buckets[name] : undefined;
  if (!found) {
    // HEAD responses have no body, so the SDK can only report the status: NotFound.
    throw ctx.error(
      head ? 'NotFound' : 'NoSuchBucket',
      head ? 'NotFound' : 'The specified bucket does not exist',
      {
        status: 404,
      },
    );
  }
  return found;
}

const objectArn = (bucketName: string, key: string) => `arn:aws:s3:::${bucketName}/${key}`;

/** The principal a call through an account's simulated clients is made as. */
const callerOf = (ctx: OpContext) => ctx.model.callerRoleArn(ctx.target.accountId);

/** 403 as S3 answers it: a HEAD has no body, so the SDK only sees the status (`Forbidden`). */
function denied(ctx: OpContext, head: boolean): Error {
  return head
    ? ctx.error('Forbidden', 'Forbidden', { status: 403 })
    : ctx.error('AccessDenied', 'Access Denied', { status: 403 });
}

/**
 * An object the caller may read (s3:GetObject). A missing key answers 404 only when the caller also holds
 * s3:ListBucket on the bucket with no condition the request cannot meet (a HeadObject/GetObject carries no
 * s3:prefix); otherwise 403, so the caller cannot learn what does not exist (S3 API Reference, HeadObject).
 */
function object(
  ctx: OpContext,
  b: SimBucket,
  key: string | undefined,
  head = false,
  versionId?: string,
): SimObject {
  const principal = callerOf(ctx);
  const k = key ?? '';
  if (
    !authorize(
      ctx.model,
      { principal, action: 's3:GetObject', resource: objectArn(b.name, k) },
      b.ownerAccountId,
      b.policy,
    )
  )
    throw denied(ctx, head);
  if (versionId !== undefined) {
    const version = b.versions?.[k]?.find((v) => v.versionId === versionId);
    if (version) return version;
    throw ctx.error(
      head ? 'NotFound' : 'NoSuchVersion',
      head ? 'NotFound' : 'The specified version does not exist.',
      { status: 404 },
    );
  }
  const found = key !== undefined ? b.objects[key] : undefined;
  if (!found) {
    const mayList = authorize(
      ctx.model,
      { principal, action: 's3:ListBucket', resource: `arn:aws:s3:::${b.name}` },
      b.ownerAccountId,
      b.policy,
    );
    if (!mayList) throw denied(ctx, head);
    throw ctx.error(
      head ? 'NotFound' : 'NoSuchKey',
      head ? 'NotFound' : 'The specified key does not exist.',
      {
        status: 404,
      },
    );
  }
  return found;
}

export interface ObjectWrite {
  /** Who writes (a role ARN): the caller, a presigned URL's signer, or an instance's role. */
  principal: string;
  bucket: SimBucket;
  key: string;
  body: Uint8Array;
  /** `*` = create only (S3 conditional write). */
  ifNoneMatch?: string;
  serverSideEncryption?: string;
  kmsKeyId?: string;
  contentType?: string;
  metadata?: Record<string, string>;
  /** The upload carried a SHA-256 checksum (then S3 stores and reports it). */
  sha256Given?: boolean;
  /** The upload carried Content-MD5 or any x-amz-checksum-* value (Object Lock parameters need one). */
  integrityGiven?: boolean;
  /** Object Lock parameters of the request (x-amz-object-lock-mode, x-amz-object-lock-retain-until-date). */
  lock?: { mode?: string; retainUntil?: Date };
}

export type ObjectWriteResult =
  | { ok: true; object: SimObject }
  | { ok: false; status: number; code: string; message: string };

/**
 * One PutObject as S3 decides it, whoever sends it: authorized as `principal` (identity and bucket policy, with
 * the SSE headers as condition keys), then the conditional write (`If-None-Match: *` → 412 when the key exists),
 * then encryption: no SSE header → the bucket default (its key); `aws:kms` with no key id → the AWS managed key
 * `aws/s3` (S3 API Reference, PutObject).
 */
export function writeObject(model: SimModel, w: ObjectWrite): ObjectWriteResult {
  const context: Record<string, string> = {
    ...(w.serverSideEncryption ? { 's3:x-amz-server-side-encryption': w.serverSideEncryption } : {}),
    ...(w.kmsKeyId ? { 's3:x-amz-server-side-encryption-aws-kms-key-id': w.kmsKeyId } : {}),
    ...(w.ifNoneMatch !== undefined ? { 's3:if-none-match': w.ifNoneMatch } : {}),
  };
  const request = {
    principal: w.principal,
    action: 's3:PutObject',
    resource: objectArn(w.bucket.name, w.key),
    context,
  };
  if (!authorize(model, request, w.bucket.ownerAccountId, w.bucket.policy)) {
    return { ok: false, status: 403, code: 'AccessDenied', message: 'Access Denied' };
  }
  const lock = objectLockOf(model, w);
  if (!lock.ok) return lock;
  if (w.ifNoneMatch !== undefined) {
    if (w.ifNoneMatch !== '*') {
      return { ok: false, status: 501, code: 'NotImplemented', message: 'If-None-Match accepts only *' };
    }
    if (w.bucket.objects[w.key]) {
      return {
        ok: false,
        status: 412,
        code: 'PreconditionFailed',
        message: 'At least one of the pre-conditions you specified did not hold',
      };
    }
  }
  const sse = w.serverSideEncryption ?? w.bucket.defaultEncryption?.sseAlgorithm ?? 'AES256';
  const kmsKeyId =
    sse === 'aws:kms'
      ? w.serverSideEncryption
        ? (w.kmsKeyId ?? 'alias/aws/s3')
        : (w.bucket.defaultEncryption?.kmsKeyId ?? 'alias/aws/s3')
      : undefined;
  const stored = storeObject(model, w.bucket, w.key, w.body, {
    ...(w.contentType ? { contentType: w.contentType } : {}),
    ...(w.metadata ? { metadata: w.metadata } : {}),
    serverSideEncryption: sse,
  });
  if (kmsKeyId) stored.kmsKeyId = kmsKeyId;
  stored.checksumAlgorithm = w.sha256Given ? 'SHA256' : 'CRC64NVME';
  if (w.bucket.versioning) {
    stored.versionId = versionIdFor(model, w.bucket.name, w.key);
    w.bucket.versions ??= {};
    w.bucket.versions[w.key] = [...(w.bucket.versions[w.key] ?? []), stored];
  }
  if (lock.retention) stored.retention = lock.retention;
  return { ok: true, object: stored };
}

/**
 * An opaque S3-style version id (32 URL-safe characters), deterministic per key: the n-th version of a key gets the
 * same id whatever other keys were written in between (concurrent writes in another order, retries elsewhere).
 */
function versionIdFor(model: SimModel, bucketName: string, key: string): string {
  const n = model.ids.next(`s3-version:${bucketName}/${key}`);
  return createHash('sha256').update(`${bucketName}/${key}#${n}`).digest('base64url').slice(0, 32);
}

type LockDecision =
  | { ok: true; retention?: { mode: 'GOVERNANCE' | 'COMPLIANCE'; retainUntil: string } }
  | { ok: false; status: number; code: string; message: string };

/**
 * Object Lock on a PutObject (S3 API Reference, PutObject; User Guide, object-lock): lock parameters need a bucket
 * with Object Lock, both the mode and the date, Content-MD5 or a checksum, and s3:PutObjectRetention; without them
 * the bucket default retention (if any) applies, counted from the write.
 */
function objectLockOf(model: SimModel, w: ObjectWrite): LockDecision {
  const mode = w.lock?.mode;
  const until = w.lock?.retainUntil;
  if (mode === undefined && until === undefined) {
    const d = w.bucket.objectLock?.defaultRetention;
    if (!d) return { ok: true };
    return {
      ok: true,
      retention: {
        mode: d.mode,
        retainUntil: new Date(model.now().getTime() + d.days * 86_400_000).toISOString(),
      },
    };
  }
  const invalid = (message: string): LockDecision => ({
    ok: false,
    status: 400,
    code: 'InvalidRequest',
    message,
  });
  if (!w.bucket.objectLock) return invalid('Bucket is missing Object Lock Configuration');
  if (mode === undefined || until === undefined)
    return invalid('x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied');
  if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') return invalid('Unknown wormMode directive.');
  if (until.getTime() <= model.now().getTime())
    return invalid('The retain until date must be in the future!');
  if (!w.integrityGiven)
    return invalid(
      'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters',
    );
  const mayRetain = authorize(
    model,
    { principal: w.principal, action: 's3:PutObjectRetention', resource: objectArn(w.bucket.name, w.key) },
    w.bucket.ownerAccountId,
    w.bucket.policy,
  );
  if (!mayRetain) return { ok: false, status: 403, code: 'AccessDenied', message: 'Access Denied' };
  return { ok: true, retention: { mode, retainUntil: until.toISOString() } };
}

/** The lock headers of a version, returned only to a caller holding s3:GetObjectRetention (HeadObject, GetObject). */
function lockHeaders(ctx: OpContext, b: SimBucket, key: string, o: SimObject) {
  if (!o.retention) return {};
  const may = authorize(
    ctx.model,
    { principal: callerOf(ctx), action: 's3:GetObjectRetention', resource: objectArn(b.name, key) },
    b.ownerAccountId,
    b.policy,
  );
  if (!may) return {};
  return {
    ObjectLockMode: o.retention.mode,
    ObjectLockRetainUntilDate: new Date(o.retention.retainUntil),
  };
}

function blockConfig(config: Partial<SimPublicAccessBlock> | undefined): SimPublicAccessBlock {
  return {
    BlockPublicAcls: config?.BlockPublicAcls ?? false,
    IgnorePublicAcls: config?.IgnorePublicAcls ?? false,
    BlockPublicPolicy: config?.BlockPublicPolicy ?? false,
    RestrictPublicBuckets: config?.RestrictPublicBuckets ?? false,
  };
}

export const s3Handlers: HandlerTable = {
  CreateBucket: op<CreateBucketCommandInput, CreateBucketCommandOutput>((ctx, input) => {
    const existing = input.Bucket ? ctx.model.state.buckets[input.Bucket] : undefined;
    if (existing) {
      throw ctx.error(
        existing.ownerAccountId === ctx.target.accountId ? 'BucketAlreadyOwnedByYou' : 'BucketAlreadyExists',
        'The requested bucket name is not available.',
        { status: 409 },
      );
    }
    if (!input.Bucket || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(input.Bucket)) {
      throw ctx.error('InvalidBucketName', 'The specified bucket is not valid.');
    }
    addBucket(ctx.model, {
      name: input.Bucket,
      accountId: ctx.target.accountId,
      region: input.CreateBucketConfiguration?.LocationConstraint ?? ctx.target.region,
      // New buckets have Block Public Access on (S3's default since April 2023).
      publicAccessBlock: blockConfig({
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      }),
    });
    return { Location: `/${input.Bucket}` };
  }),

  HeadBucket: op<HeadBucketCommandInput, HeadBucketCommandOutput>((ctx, input) => {
    const b = bucket(ctx, input.Bucket, true);
    return { BucketRegion: b.region };
  }),

  PutObject: op<PutObjectCommandInput, PutObjectCommandOutput>(async (ctx, input) => {
    const b = bucket(ctx, input.Bucket);
    if (!input.Key) throw ctx.error('InvalidRequest', 'A key must be specified');
    const body = await readBody(input.Body);
    const sha = sha256Base64(body);
    if (input.ChecksumSHA256 !== undefined && input.ChecksumSHA256 !== sha) {
      throw ctx.error('BadDigest', 'The SHA256 you specified did not match the calculated checksum.');
    }
    if (
      input.ContentMD5 !== undefined &&
      input.ContentMD5 !== createHash('md5').update(body).digest('base64')
    ) {
      throw ctx.error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    const written = writeObject(ctx.model, {
      principal: callerOf(ctx),
      bucket: b,
      key: input.Key,
      body,
      ...(input.IfNoneMatch !== undefined ? { ifNoneMatch: input.IfNoneMatch } : {}),
      ...(input.ServerSideEncryption ? { serverSideEncryption: input.ServerSideEncryption } : {}),
      ...(input.SSEKMSKeyId ? { kmsKeyId: input.SSEKMSKeyId } : {}),
      ...(input.ContentType ? { contentType: input.ContentType } : {}),
      ...(input.Metadata ? { metadata: input.Metadata } : {}),
      sha256Given: input.ChecksumSHA256 !== undefined || input.ChecksumAlgorithm === 'SHA256',
      integrityGiven:
        input.ContentMD5 !== undefined ||
        input.ChecksumSHA256 !== undefined ||
        input.ChecksumCRC32 !== undefined ||
        input.ChecksumCRC32C !== undefined ||
        input.ChecksumSHA1 !== undefined ||
        input.ChecksumAlgorithm !== undefined,
      ...(input.ObjectLockMode !== undefined || input.ObjectLockRetainUntilDate !== undefined
        ? {
            lock: {
              ...(input.ObjectLockMode !== undefined ? { mode: input.ObjectLockMode } : {}),
              ...(input.ObjectLockRetainUntilDate !== undefined
                ? { retainUntil: new Date(input.ObjectLockRetainUntilDate) }
                : {}),
            },
          }
        : {}),
    });
    if (!written.ok) throw ctx.error(written.code, written.message, { status: written.status });
    const stored = written.object;
    return {
      ...(stored.versionId ? { VersionId: stored.versionId } : {}),
      ETag: stored.etag,
      ServerSideEncryption: stored.serverSideEncryption as PutObjectCommandOutput['ServerSideEncryption'],
      ...(stored.kmsKeyId ? { SSEKMSKeyId: stored.kmsKeyId } : {}),
      ...(input.ChecksumSHA256 !== undefined || input.ChecksumAlgorithm === 'SHA256'
        ? { ChecksumSHA256: stored.checksumSha256 }
        : {}),
    };
  }),

  HeadObject: op<HeadObjectCommandInput, HeadObjectCommandOutput>((ctx, input) => {
    const b = bucket(ctx, input.Bucket, true);
    const o = object(ctx, b, input.Key, true, input.VersionId);
    return {
      ...(o.versionId ? { VersionId: o.versionId } : {}),
      ...lockHeaders(ctx, b, input.Key ?? '', o),
      ContentLength: o.body.length,
      ETag: o.etag,
      LastModified: toDate(o.lastModified),
      Metadata: { ...o.metadata },
      ...(o.contentType ? { ContentType: o.contentType } : {}),
      ...(o.serverSideEncryption
        ? { ServerSideEncryption: o.serverSideEncryption as HeadObjectCommandOutput['ServerSideEncryption'] }
        : {}),
      ...(o.kmsKeyId ? { SSEKMSKeyId: o.kmsKeyId } : {}),
      ...(input.ChecksumMode === 'ENABLED' && o.checksumAlgorithm !== 'CRC64NVME'
        ? { ChecksumSHA256: o.checksumSha256 }
        : {}),
    };
  }),

  GetObject: op<GetObjectCommandInput, GetObjectCommandOutput>((ctx, input) => {
    const b = bucket(ctx, input.Bucket);
    const o = object(ctx, b, input.Key, false, input.VersionId);
    return {
      ...(o.versionId ? { VersionId: o.versionId } : {}),
      ...lockHeaders(ctx, b, input.Key ?? '', o),
      Body: streamBody(o.body),
      ContentLength: o.body.length,
      ETag: o.etag,
      LastModified: toDate(o.lastModified),
      Metadata: { ...o.metadata },
      ...(o.contentType ? { ContentType: o.contentType } : {}),
      ...(input.ChecksumMode === 'ENABLED' && o.checksumAlgorithm !== 'CRC64NVME'
        ? { ChecksumSHA256: o.checksumSha256 }
        : {}),
    };
  }),

  DeleteObject: op<DeleteObjectCommandInput, DeleteObjectCommandOutput>((ctx, input) => {
    const b = bucket(ctx, input.Bucket);
    if (input.Key === undefined) return {};
    if (!b.versioning) {
      delete b.objects[input.Key];
      return {};
    }
    if (input.VersionId === undefined) {
      // Versioned: a delete marker becomes the current version; every version stays (User Guide, DeletingObjectVersions).
      delete b.objects[input.Key];
      return { DeleteMarker: true, VersionId: versionIdFor(ctx.model, b.name, input.Key) };
    }
    const versions = b.versions?.[input.Key] ?? [];
    const i = versions.findIndex((v) => v.versionId === input.VersionId);
    const version = versions[i];
    if (!version) return { VersionId: input.VersionId };
    // A version under retention cannot be deleted (COMPLIANCE: by nobody; GOVERNANCE: not without the bypass
    // permission and header, which Airlock never holds, so not modelled).
    if (version.retention && Date.parse(version.retention.retainUntil) > ctx.model.now().getTime()) {
      throw ctx.error('AccessDenied', 'Access Denied because object protected by object lock.', {
        status: 403,
      });
    }
    versions.splice(i, 1);
    if (b.objects[input.Key] === version) delete b.objects[input.Key];
    return { VersionId: input.VersionId };
  }),

  ListObjectsV2: op<ListObjectsV2CommandInput, ListObjectsV2CommandOutput>((ctx, input) => {
    const b = bucket(ctx, input.Bucket);
    const prefix = input.Prefix ?? '';
    const mayList = authorize(
      ctx.model,
      {
        principal: callerOf(ctx),
        action: 's3:ListBucket',
        resource: `arn:aws:s3:::${b.name}`,
        context: input.Prefix !== undefined ? { 's3:prefix': input.Prefix } : {},
      },
      b.ownerAccountId,
      b.policy,
    );
    if (!mayList) throw denied(ctx, false);
    const keys = Object.keys(b.objects)
      .filter((k) => k.startsWith(prefix))
      .sort();
    return {
      Name: b.name,
      Prefix: prefix,
      KeyCount: keys.length,
      MaxKeys: 1000,
      IsTruncated: false,
      Contents: keys.map((Key) => {
        const o = b.objects[Key] as SimObject;
        return {
          Key,
          Size: o.body.length,
          ETag: o.etag,
          LastModified: toDate(o.lastModified),
          StorageClass: 'STANDARD',
        };
      }),
    };
  }),

  GetPublicAccessBlock: op<GetPublicAccessBlockCommandInput, GetPublicAccessBlockCommandOutput>(
    (ctx, input) => {
      const b = bucket(ctx, input.Bucket);
      if (!b.publicAccessBlock) {
        throw ctx.error(
          'NoSuchPublicAccessBlockConfiguration',
          'The public access block configuration was not found',
          {
            status: 404,
          },
        );
      }
      return { PublicAccessBlockConfiguration: { ...b.publicAccessBlock } };
    },
  ),

  PutPublicAccessBlock: op<PutPublicAccessBlockCommandInput, PutPublicAccessBlockCommandOutput>(
    (ctx, input) => {
      const b = bucket(ctx, input.Bucket);
      if (!input.PublicAccessBlockConfiguration) {
        throw ctx.error('MissingRequestBodyError', 'Request Body is empty');
      }
      b.publicAccessBlock = blockConfig(input.PublicAccessBlockConfiguration);
      return {};
    },
  ),

  DeletePublicAccessBlock: op<DeletePublicAccessBlockCommandInput, DeletePublicAccessBlockCommandOutput>(
    (ctx, input) => {
      const b = bucket(ctx, input.Bucket);
      delete b.publicAccessBlock;
      return {};
    },
  ),
};
