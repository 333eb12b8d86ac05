import { PutPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ValidationError } from '../../../../workflow/errors';
import { run } from '../../../../workflow/tasks/block-bucket-public-access';
import { makeBucketRequest, TEST_ACCOUNT_ID, TEST_REGION } from '../../../helpers/requests';
import { makeHarness, seedIncident } from '../domain/incident/harness';
import { FakeS3 } from '../domain/s3/fake-s3';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

describe('BlockBucketPublicAccess task', () => {
  it('blocks public access on the finding’s buckets in the finding’s account and region', async () => {
    new FakeS3(s3).bucket('airlock-test-data', null).install();
    const h = makeHarness();
    const base = await seedIncident(h, makeBucketRequest(), 'contain-s3');

    const out = await run(h.deps, JSON.parse(JSON.stringify(base)));

    expect(h.targets).toEqual([
      { accountId: TEST_ACCOUNT_ID, region: TEST_REGION, incidentId: expect.stringMatching(/^inc-/) },
    ]);
    expect(out).toEqual({ buckets: ['airlock-test-data'], changed: ['airlock-test-data'] });
    expect(s3).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 1);
  });

  it('rejects an input with no bucket names, naming the field', async () => {
    const h = makeHarness();
    const base = await seedIncident(h, makeBucketRequest({ resource: { bucketNames: [] } }), 'contain-s3');

    const error = await run(h.deps, base).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('request.resource.bucketNames');
    expect(s3).not.toHaveReceivedAnyCommand();
  });
});
