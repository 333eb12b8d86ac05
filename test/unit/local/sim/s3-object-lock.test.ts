import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { DEMO } from '../../../../local/sim/seed';
import { demoSim, errorOf, HOME, T0 } from './helpers';

const BUCKET = DEMO.buckets.evidence;
const DAY = 86_400_000;
const sha = (s: string) => createHash('sha256').update(s).digest('base64');

/** The home caller (Airlock's task role) with the Object Lock permissions the stack grants on `incidents/`. */
function withRetentionGrants(sim: ReturnType<typeof demoSim>['sim']) {
  const role = sim.model.iam(HOME.accountId).roles['airlock-workflow'];
  if (!role) throw new Error('seed has no airlock-workflow role');
  return role;
}

describe('S3: versioning and Object Lock on the evidence bucket', () => {
  it('answers a PutObject with a VersionId, and HeadObject / GetObject name the same version', async () => {
    const { clients } = demoSim();
    const put = await clients.s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'incidents/i/a.txt', Body: 'a', IfNoneMatch: '*' }),
    );
    expect(put.VersionId).toMatch(/\S{8,}/);
    const head = await clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'incidents/i/a.txt' }));
    expect(head.VersionId).toBe(put.VersionId);
    const got = await clients.s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'incidents/i/a.txt', VersionId: put.VersionId }),
    );
    expect(got.VersionId).toBe(put.VersionId);
    expect(await got.Body?.transformToString()).toBe('a');
  });

  it('applies the bucket default retention, and reads it back only with s3:GetObjectRetention', async () => {
    const { sim, clients } = demoSim();
    await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'incidents/i/b.txt', Body: 'b' }));
    const plain = await clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'incidents/i/b.txt' }));
    const role = withRetentionGrants(sim);
    delete role.inlinePolicies['evidence-retention'];
    const without = await clients.s3.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'incidents/i/b.txt' }),
    );
    expect(plain.ObjectLockMode).toBe('GOVERNANCE');
    expect(plain.ObjectLockRetainUntilDate?.toISOString()).toBe(
      new Date(T0 + DEMO.evidenceRetentionDays * DAY).toISOString(),
    );
    expect(without.ObjectLockMode).toBeUndefined();
    expect(without.ObjectLockRetainUntilDate).toBeUndefined();
  });

  it('rejects a PutObject with Object Lock parameters and no Content-MD5 or checksum', async () => {
    const { clients } = demoSim();
    const error = await errorOf(
      clients.s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'incidents/i/report/c.json',
          Body: 'c',
          ObjectLockMode: 'GOVERNANCE',
          ObjectLockRetainUntilDate: new Date(T0 + DAY),
        }),
      ),
    );
    expect(error.name).toBe('InvalidRequest');
  });

  it('rejects a PutObject with Object Lock parameters without s3:PutObjectRetention (evidence keys have none)', async () => {
    const { clients } = demoSim();
    const outside = await errorOf(
      clients.s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'incidents/i/volatile/processes.txt',
          Body: 'p',
          ChecksumSHA256: sha('p'),
          ObjectLockMode: 'GOVERNANCE',
          ObjectLockRetainUntilDate: new Date(T0 + DAY),
        }),
      ),
    );
    expect(outside.name).toBe('AccessDenied');
  });

  it('rejects a PutObject with Object Lock parameters once s3:PutObjectRetention is taken away', async () => {
    const { sim, clients } = demoSim();
    delete withRetentionGrants(sim).inlinePolicies['evidence-retention'];
    const error = await errorOf(
      clients.s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'incidents/i/report/d.json',
          Body: 'd',
          ChecksumSHA256: sha('d'),
          ObjectLockMode: 'GOVERNANCE',
          ObjectLockRetainUntilDate: new Date(T0 + DAY),
        }),
      ),
    );
    expect(error.name).toBe('AccessDenied');
  });

  it('rejects Object Lock parameters on a bucket without Object Lock', async () => {
    const { sim, clients } = demoSim();
    const evidence = sim.model.state.buckets[BUCKET];
    if (!evidence) throw new Error('no evidence bucket');
    delete evidence.objectLock;
    const error = await errorOf(
      clients.s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'incidents/i/report/x.json',
          Body: 'x',
          ChecksumSHA256: sha('x'),
          ObjectLockMode: 'GOVERNANCE',
          ObjectLockRetainUntilDate: new Date(T0 + DAY),
        }),
      ),
    );
    expect(error.name).toBe('InvalidRequest');
  });

  it('keeps the requested retention on the version and reports it', async () => {
    const { clients } = demoSim();
    const until = new Date(T0 + 10 * DAY);
    const put = await clients.s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'incidents/i/report/e.json',
        Body: 'e',
        ChecksumSHA256: sha('e'),
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: until,
      }),
    );
    const head = await clients.s3.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'incidents/i/report/e.json', VersionId: put.VersionId }),
    );
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    expect(head.ObjectLockRetainUntilDate?.toISOString()).toBe(until.toISOString());
  });

  it('rejects deleting a locked version, and a delete without a version id leaves the version readable', async () => {
    const { clients } = demoSim();
    const put = await clients.s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'incidents/i/f.txt', Body: 'f' }),
    );
    const error = await errorOf(
      clients.s3.send(
        new DeleteObjectCommand({ Bucket: BUCKET, Key: 'incidents/i/f.txt', VersionId: put.VersionId }),
      ),
    );
    expect(error.name).toBe('AccessDenied');
    const marker = await clients.s3.send(
      new DeleteObjectCommand({ Bucket: BUCKET, Key: 'incidents/i/f.txt' }),
    );
    expect(marker.DeleteMarker).toBe(true);
    const old = await clients.s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'incidents/i/f.txt', VersionId: put.VersionId }),
    );
    expect(await old.Body?.transformToString()).toBe('f');
  });
});
