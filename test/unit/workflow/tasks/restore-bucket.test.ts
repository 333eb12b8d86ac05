import { DeletePublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ValidationError } from '../../../../workflow/errors';
import { run as block } from '../../../../workflow/tasks/block-bucket-public-access';
import { run } from '../../../../workflow/tasks/restore-bucket';
import { makeBucketRequest } from '../../../helpers/requests';
import { makeHarness, seedIncident } from '../domain/incident/harness';
import { FakeS3 } from '../domain/s3/fake-s3';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

describe('RestoreBucket task', () => {
  it('deletes the configuration the bucket did not have and returns { restored: true, diff: [] }', async () => {
    const fake = new FakeS3(s3).bucket('airlock-test-data', null).install();
    const h = makeHarness();
    const base = await seedIncident(h, makeBucketRequest(), 'contain-s3');
    await block(h.deps, base);

    const out = await run(h.deps, base);

    expect(out).toMatchObject({ restored: true, diff: [] });
    expect(s3).toHaveReceivedCommandTimes(DeletePublicAccessBlockCommand, 1);
    expect(fake.blocks.get('airlock-test-data')).toBeNull();
  });

  it('rejects a restore with no recorded pre-state, naming it', async () => {
    new FakeS3(s3).bucket('airlock-test-data', null).install();
    const h = makeHarness();
    const base = await seedIncident(h, makeBucketRequest(), 'contain-s3');

    const error = await run(h.deps, base).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('preState');
    expect(s3).not.toHaveReceivedAnyCommand();
  });
});
