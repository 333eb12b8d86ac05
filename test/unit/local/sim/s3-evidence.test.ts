import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommandInvocationCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import { evidenceKeyArn } from '../../../../local/sim/evidence-access';
import { checkPresignedPut, presignedSignature } from '../../../../local/sim/presigned';
import { DEMO } from '../../../../local/sim/seed';
import { presignEvidencePut } from '../../../../workflow/domain/ec2/evidence';
import { demoSim, errorOf, HOME, T0 } from './helpers';

const BUCKET = DEMO.buckets.evidence;
const KEY = 'incidents/inc-1/volatile/processes.txt';
const bytes = (s: string) => new TextEncoder().encode(s);

describe('S3: the evidence bucket as AWS answers', () => {
  it('rejects a HeadObject of a missing key with 403 when the caller has ListBucket only under an s3:prefix condition', async () => {
    const { clients } = demoSim();
    const error = await errorOf(
      clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'incidents/inc-1/missing.json' })),
    );
    expect(error.name).toBe('Forbidden');
    expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(403);
  });

  it('answers 404 for a missing key once the caller holds an unconditioned ListBucket', async () => {
    const { sim, clients } = demoSim();
    const role = sim.model.iam(HOME.accountId).roles['airlock-workflow'];
    if (!role) throw new Error('seed has no airlock-workflow role');
    role.inlinePolicies.list = JSON.stringify({
      Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}` }],
    });
    const error = await errorOf(
      clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'incidents/inc-1/missing.json' })),
    );
    expect(error.name).toBe('NotFound');
  });

  it('rejects a conditional PutObject on an existing key with 412 and keeps the first object', async () => {
    const { sim, clients } = demoSim();
    await clients.s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'first', IfNoneMatch: '*' }),
    );
    const error = await errorOf(
      clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'second', IfNoneMatch: '*' })),
    );
    expect(error.name).toBe('PreconditionFailed');
    expect(new TextDecoder().decode(sim.model.state.buckets[BUCKET]?.objects[KEY]?.body)).toBe('first');
  });

  it('encrypts with the bucket default key without an SSE header, and with aws/s3 for aws:kms without a key id', async () => {
    const { sim, clients } = demoSim();
    await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'incidents/a', Body: 'a' }));
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'incidents/b',
        Body: 'b',
        ServerSideEncryption: 'aws:kms',
      }),
    );
    const objects = sim.model.state.buckets[BUCKET]?.objects ?? {};
    expect(objects['incidents/a']?.kmsKeyId).toBe(evidenceKeyArn(HOME));
    expect(objects['incidents/b']?.kmsKeyId).toBe('alias/aws/s3');
  });

  it('rejects a PutObject that names another KMS key (bucket policy)', async () => {
    const { clients } = demoSim();
    const error = await errorOf(
      clients.s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'incidents/c',
          Body: 'c',
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: 'arn:aws:kms:us-east-1:999999999999:key/other',
        }),
      ),
    );
    expect(error.name).toBe('AccessDenied');
  });
});

describe('SSM Run Command output to the evidence bucket', () => {
  it('leaves no object when the instance role may not write, and the command still reports Success', async () => {
    const { sim, clients } = demoSim();
    const sent = await clients.ssm.send(
      new SendCommandCommand({
        InstanceIds: [DEMO.instances.web1],
        DocumentName: 'AWS-RunShellScript',
        Parameters: { commands: ['echo "== processes"; ps auxww'] },
        OutputS3BucketName: BUCKET,
        OutputS3KeyPrefix: 'incidents/inc-1/volatile',
      }),
    );
    const out = await clients.ssm.send(
      new GetCommandInvocationCommand({
        CommandId: sent.Command?.CommandId,
        InstanceId: DEMO.instances.web1,
      }),
    );
    expect(out.Status).toBe('Success');
    expect(Object.keys(sim.model.state.buckets[BUCKET]?.objects ?? {})).toEqual([]);
  });
});

describe('presigned PUT URLs', () => {
  const url = async (sim: ReturnType<typeof demoSim>, key = KEY, expires = 300) =>
    presignEvidencePut(sim.clients.s3, BUCKET, key, expires, new Date(sim.clock.t));

  it('verifies the signature of the AWS documentation example (SigV4 query-string auth)', () => {
    const example = new URL(
      'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host',
    );
    expect(presignedSignature('GET', example, {}, 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe(
      'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });

  it('accepts an upload to a URL the SDK signed as Airlock, and names the signer', async () => {
    const s = demoSim();
    const check = checkPresignedPut(s.sim.model, await url(s), { 'If-None-Match': '*' }, bytes('x'));
    expect(check).toMatchObject({ ok: true, bucket: BUCKET, key: KEY });
    expect(check.principal).toBe(`arn:aws:iam::${HOME.accountId}:role/airlock-workflow`);
  });

  it('rejects a URL whose key was changed to another incident (SignatureDoesNotMatch)', async () => {
    const s = demoSim();
    const forged = (await url(s)).replace('inc-1', 'inc-2');
    const check = checkPresignedPut(s.sim.model, forged, { 'If-None-Match': '*' }, bytes('x'));
    expect(check).toMatchObject({ ok: false, status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('rejects an upload without the signed If-None-Match header', async () => {
    const s = demoSim();
    const check = checkPresignedPut(s.sim.model, await url(s), {}, bytes('x'));
    expect(check.code).toBe('SignatureDoesNotMatch');
  });

  it('rejects an expired URL on the simulator clock', async () => {
    const s = demoSim();
    const signed = await url(s, KEY, 60);
    s.clock.t = T0 + 61_000;
    const check = checkPresignedPut(s.sim.model, signed, { 'If-None-Match': '*' }, bytes('x'));
    expect(check).toMatchObject({ ok: false, status: 403, message: 'Request has expired' });
  });

  it('serves what landed to Airlock with no SHA-256 checksum (none was sent)', async () => {
    const s = demoSim();
    await s.clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'p' }));
    const got = await s.clients.s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: KEY, ChecksumMode: 'ENABLED' }),
    );
    expect(got.ChecksumSHA256).toBeUndefined();
  });
});
