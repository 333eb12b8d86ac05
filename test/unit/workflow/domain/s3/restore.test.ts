import { DeletePublicAccessBlockCommand, PutPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { configureAwsRetry } from '../../../../../workflow/aws/call';
import { blockBucketPublicAccess } from '../../../../../workflow/domain/s3/block';
import { BucketTaskInputSchema } from '../../../../../workflow/domain/s3/input';
import { restoreBucket } from '../../../../../workflow/domain/s3/restore';
import { RestoreMismatchError } from '../../../../../workflow/errors';
import { makeBucketRequest, TEST_ACCOUNT_ID } from '../../../../helpers/requests';
import { makeHarness, seedIncident } from '../incident/harness';
import { expectNoS3Mutation, FakeS3 } from './fake-s3';

const s3 = mockClient(S3Client);
const _ALL = {
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

describe('restoreBucket', () => {
  it('puts back the exact recorded configuration, and deletes the one a bucket did not have', async () => {
    const fake = new FakeS3(s3).bucket('airlock-test-data', null).bucket('logs', PARTIAL).install();
    const { h, input } = await setup(['airlock-test-data', 'logs']);
    await blockBucketPublicAccess(h.clients, h.deps, input);
    s3.resetHistory();

    const out = await restoreBucket(h.clients, h.deps, input);

    expect(s3).toHaveReceivedCommandTimes(DeletePublicAccessBlockCommand, 1);
    expect(s3).toHaveReceivedCommandWith(DeletePublicAccessBlockCommand, {
      Bucket: 'airlock-test-data',
      ExpectedBucketOwner: TEST_ACCOUNT_ID,
    });
    expect(s3).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 1);
    expect(s3).toHaveReceivedCommandWith(PutPublicAccessBlockCommand, {
      Bucket: 'logs',
      PublicAccessBlockConfiguration: PARTIAL,
    });
    expect(fake.blocks.get('airlock-test-data')).toBeNull();
    expect(fake.blocks.get('logs')).toEqual(PARTIAL);
    expect(out.diff).toEqual([]);
    expect(out.restored).toBe(true);
    const step = (await h.ledger.getIncident(input.incidentId))?.steps.find((s) => s.name === 'restore');
    expect(step?.summary).toContain('diff empty ([])');
  });

  it('makes no change on a re-run', async () => {
    new FakeS3(s3).bucket('airlock-test-data', PARTIAL).install();
    const { h, input } = await setup();
    await blockBucketPublicAccess(h.clients, h.deps, input);
    await restoreBucket(h.clients, h.deps, input);
    s3.resetHistory();

    const again = await restoreBucket(h.clients, h.deps, input);

    expectNoMutation();
    expect(again).toEqual({ restored: true, diff: [], changes: [] });
  });

  it('fails with RestoreMismatchError naming each flag that differs after the restore', async () => {
    new FakeS3(s3).bucket('airlock-test-data', PARTIAL).install();
    const { h, input } = await setup();
    await blockBucketPublicAccess(h.clients, h.deps, input);
    s3.on(PutPublicAccessBlockCommand).resolves({});

    const error = await restoreBucket(h.clients, h.deps, input).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RestoreMismatchError);
    expect((error as Error).message).toContain(
      'bucket airlock-test-data IgnorePublicAcls is true, was false',
    );
    expect((error as Error).message).toContain(
      'bucket airlock-test-data BlockPublicPolicy is true, was false',
    );
    const step = (await h.ledger.getIncident(input.incidentId))?.steps.find((s) => s.name === 'restore');
    expect(step?.status).toBe('failed');
  });
});
