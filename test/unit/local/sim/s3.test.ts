import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeletePublicAccessBlockCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand,
  PutPublicAccessBlockCommand as PutAccountPublicAccessBlockCommand,
} from '@aws-sdk/client-s3-control';
import { DEMO } from '../../../../local/sim/seed';
import { demoSim, errorOf } from './helpers';

const bucket = DEMO.buckets.evidence;
const body = new TextEncoder().encode('{"Instance":{}}');
const sha = createHash('sha256').update(body).digest('base64');

describe('S3', () => {
  it('stores an object with its SHA-256 and returns it through HEAD (ChecksumMode) and GET', async () => {
    const { clients } = demoSim();
    const put = await clients.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'incidents/inc-1/meta.json',
        Body: body,
        ChecksumSHA256: sha,
        ContentType: 'application/json',
      }),
    );
    expect(put).toMatchObject({ ChecksumSHA256: sha, ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/) });
    const head = await clients.s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'incidents/inc-1/meta.json', ChecksumMode: 'ENABLED' }),
    );
    expect(head).toMatchObject({
      ChecksumSHA256: sha,
      ContentLength: body.length,
      ContentType: 'application/json',
    });
    const got = await clients.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'incidents/inc-1/meta.json' }),
    );
    expect(await got.Body?.transformToString()).toBe('{"Instance":{}}');
    const again = await clients.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'incidents/inc-1/meta.json' }),
    );
    expect(Buffer.from((await again.Body?.transformToByteArray()) ?? [])).toEqual(Buffer.from(body));
  });

  it('accepts string and stream bodies, and lists objects by prefix', async () => {
    const { clients } = demoSim();
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'incidents/a/1.txt', Body: 'one' }));
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'incidents/a/2.txt',
        Body: Readable.from([Buffer.from('two')]),
      }),
    );
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'incidents/b/3.txt', Body: 'three' }));
    const listed = await clients.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'incidents/a/' }),
    );
    expect(listed.Contents?.map((c) => [c.Key, c.Size])).toEqual([
      ['incidents/a/1.txt', 3],
      ['incidents/a/2.txt', 3],
    ]);
  });

  it('rejects a body whose SHA-256 does not match (BadDigest) and stores nothing', async () => {
    const { sim, clients } = demoSim();
    const error = await errorOf(
      clients.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'x',
          Body: body,
          ChecksumSHA256: createHash('sha256').update('other').digest('base64'),
        }),
      ),
    );
    expect(error).toBeInstanceOf(S3ServiceException);
    expect(error.name).toBe('BadDigest');
    expect(sim.model.state.buckets[bucket]?.objects.x).toBeUndefined();
  });

  it('fails HEAD of a missing key with 403 Forbidden and GET with AccessDenied (no unconditioned ListBucket); an unknown bucket with NoSuchBucket', async () => {
    const { clients } = demoSim();
    const head = await errorOf(
      clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'incidents/missing' })),
    );
    expect(head).not.toBeInstanceOf(NotFound);
    expect(head).toMatchObject({ name: 'Forbidden', $metadata: { httpStatusCode: 403 } });
    expect(
      (await errorOf(clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'incidents/missing' }))))
        .name,
    ).toBe('AccessDenied');
    expect(
      (
        await errorOf(
          clients.s3.send(new PutObjectCommand({ Bucket: 'no-such-bucket-here', Key: 'k', Body: 'x' })),
        )
      ).name,
    ).toBe('NoSuchBucket');
  });

  it("reads, blocks and deletes a bucket's public access block; none is NoSuchPublicAccessBlockConfiguration", async () => {
    const { clients } = demoSim();
    const Bucket = DEMO.buckets.publicAssets;
    const read = () => clients.s3.send(new GetPublicAccessBlockCommand({ Bucket }));
    expect((await read()).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: false,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    });
    const all = {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    };
    await clients.s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: all }));
    expect((await read()).PublicAccessBlockConfiguration).toEqual(all);
    await clients.s3.send(new DeletePublicAccessBlockCommand({ Bucket }));
    const none = await errorOf(read());
    expect(none).toMatchObject({
      name: 'NoSuchPublicAccessBlockConfiguration',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('keeps the account-level public access block in S3 Control', async () => {
    const { clients } = demoSim();
    const AccountId = DEMO.accountId;
    expect(
      (await errorOf(clients.s3control.send(new GetAccountPublicAccessBlockCommand({ AccountId })))).name,
    ).toBe('NoSuchPublicAccessBlockConfiguration');
    await clients.s3control.send(
      new PutAccountPublicAccessBlockCommand({
        AccountId,
        PublicAccessBlockConfiguration: { BlockPublicAcls: true },
      }),
    );
    expect(
      (await clients.s3control.send(new GetAccountPublicAccessBlockCommand({ AccountId })))
        .PublicAccessBlockConfiguration,
    ).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    });
  });
});
