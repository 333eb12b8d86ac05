import { GetPublicAccessBlockCommand, PutPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { configureAwsRetry } from '../../../../../workflow/aws/call';
import { blockBucketPublicAccess } from '../../../../../workflow/domain/s3/block';
import { BucketTaskInputSchema } from '../../../../../workflow/domain/s3/input';
import {
  ResourceNotFoundError,
  ThrottledError,
  VerificationFailedError,
} from '../../../../../workflow/errors';
import { makeBucketRequest, TEST_ACCOUNT_ID } from '../../../../helpers/requests';
import { makeHarness, seedIncident, throttlingError } from '../incident/harness';
import { expectNoS3Mutation, FakeS3 } from './fake-s3';

const s3 = mockClient(S3Client);
const ALL = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};
const PARTIAL = {
  BlockPublicAcls: true,
  IgnorePublicAcls: false,
  BlockPublicPolicy: false,
  RestrictPublicBuckets: true,
};

beforeAll(() => configureAwsRetry({ baseDelayMs: 1, maxDelayMs: 2 }));
beforeEach(() => s3.reset());

async function setup(bucketNames = ['airlock-test-data']) {
  const h = makeHarness();
  const base = await seedIncident(h, makeBucketRequest({ resource: { bucketNames } }), 'contain-s3');
  return { h, input: BucketTaskInputSchema.parse(base) };
}

function expectNoMutation() {
  expectNoS3Mutation(s3);
}

describe('blockBucketPublicAccess', () => {
  it('records each bucket’s configuration (none → null), then turns all four settings on', async () => {
    const fake = new FakeS3(s3).bucket('airlock-test-data', null).bucket('logs', PARTIAL).install();
    const { h, input } = await setup(['airlock-test-data', 'logs']);

    const out = await blockBucketPublicAccess(h.clients, h.deps, input);

    expect(s3).toHaveReceivedCommandWith(GetPublicAccessBlockCommand, {
      Bucket: 'airlock-test-data',
      ExpectedBucketOwner: TEST_ACCOUNT_ID,
    });
    expect(s3).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 2);
    for (const bucket of ['airlock-test-data', 'logs']) {
      expect(s3).toHaveReceivedCommandWith(PutPublicAccessBlockCommand, {
        Bucket: bucket,
        ExpectedBucketOwner: TEST_ACCOUNT_ID,
        PublicAccessBlockConfiguration: ALL,
      });
      expect(fake.blocks.get(bucket)).toEqual(ALL);
    }
    expect(out).toEqual({ buckets: ['airlock-test-data', 'logs'], changed: ['airlock-test-data', 'logs'] });
    const incident = await h.ledger.getIncident(input.incidentId);
    expect(incident?.preState).toEqual({
      kind: 's3-bucket',
      buckets: [
        { name: 'airlock-test-data', publicAccessBlock: null },
        { name: 'logs', publicAccessBlock: PARTIAL },
      ],
    });
    expect(incident?.containedAt).toBeDefined();
    expect(incident?.steps.map((s) => s.name)).toEqual(['block-bucket-public-access']);
  });

  it('skips a bucket that is already fully blocked', async () => {
    new FakeS3(s3).bucket('airlock-test-data', ALL).install();
    const { h, input } = await setup();

    const out = await blockBucketPublicAccess(h.clients, h.deps, input);

    expectNoMutation();
    expect(out.changed).toEqual([]);
  });

  it('makes no second change on a re-run, and keeps the first pre-state', async () => {
    new FakeS3(s3).bucket('airlock-test-data', PARTIAL).install();
    const { h, input } = await setup();
    await blockBucketPublicAccess(h.clients, h.deps, input);
    s3.resetHistory();

    await blockBucketPublicAccess(h.clients, h.deps, input);

    expectNoMutation();
    expect((await h.ledger.getIncident(input.incidentId))?.preState).toEqual({
      kind: 's3-bucket',
      buckets: [{ name: 'airlock-test-data', publicAccessBlock: PARTIAL }],
    });
  });

  it('fails with ThrottledError (name preserved) when S3 keeps answering SlowDown', async () => {
    new FakeS3(s3).bucket('airlock-test-data', null).install();
    s3.on(PutPublicAccessBlockCommand).rejects(throttlingError('SlowDown'));
    const { h, input } = await setup();

    const error = await blockBucketPublicAccess(h.clients, h.deps, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as Error).name).toBe('ThrottledError');
  });

  it('fails with ResourceNotFoundError for a bucket that does not exist, before recording anything', async () => {
    new FakeS3(s3).install();
    const { h, input } = await setup(['gone-bucket']);

    await expect(blockBucketPublicAccess(h.clients, h.deps, input)).rejects.toBeInstanceOf(
      ResourceNotFoundError,
    );
    expect((await h.ledger.getIncident(input.incidentId))?.preState).toBeUndefined();
  });

  it('fails verification when the configuration is not all-true after the put', async () => {
    new FakeS3(s3).bucket('airlock-test-data', PARTIAL).install();
    s3.on(PutPublicAccessBlockCommand).resolves({});
    const { h, input } = await setup();

    await expect(blockBucketPublicAccess(h.clients, h.deps, input)).rejects.toBeInstanceOf(
      VerificationFailedError,
    );
  });
});
