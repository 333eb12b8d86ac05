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
function object(ctx: OpContext, b: SimBucket, key: string | undefined, head = false): SimObject {
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
  return { ok: true, object: stored };
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
    });
    if (!written.ok) throw ctx.error(written.code, written.message, { status: written.status });
    const stored = written.object;
    return {
      ETag: stored.etag,
      ServerSideEncryption: stored.serverSideEncryption as PutObjectCommandOutput['ServerSideEncryption'],
      ...(stored.kmsKeyId ? { SSEKMSKeyId: stored.kmsKeyId } : {}),
      ...(input.ChecksumSHA256 !== undefined || input.ChecksumAlgorithm === 'SHA256'
        ? { ChecksumSHA256: stored.checksumSha256 }
        : {}),
    };
  }),

  HeadObject: op<HeadObjectCommandInput, HeadObjectCommandOutput>((ctx, input) => {
    const o = object(ctx, bucket(ctx, input.Bucket, true), input.Key, true);
    return {
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
    const o = object(ctx, bucket(ctx, input.Bucket), input.Key);
    return {
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
    if (input.Key !== undefined) delete b.objects[input.Key];
    return {};
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
