import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ValidationError } from '../../../../workflow/errors';
import { run } from '../../../../workflow/tasks/compensate';
import { makeAccessKeyRequest, makeRequest, TEST_ACCOUNT_ID, TEST_REGION } from '../../../helpers/requests';
import { makeHarness, seedIncident } from '../domain/incident/harness';

const ec2 = mockClient(EC2Client);
beforeEach(() => {
  ec2.reset();
  ec2.on(CreateTagsCommand).resolves({});
});

const error = {
  Error: 'VerificationFailedError',
  Cause: '{"errorType":"VerificationFailedError","errorMessage":"eni-1 still has sg-web"}',
};

describe('Compensate task', () => {
  it('takes the Catch object from `error` and returns { failedStep, error, cause }', async () => {
    const h = makeHarness();
    const base = await seedIncident(h, makeRequest(), 'contain-ec2');

    const out = await run(h.deps, { ...base, error });

    expect(out).toEqual({
      failedStep: 'unknown',
      error: 'VerificationFailedError',
      cause: 'eni-1 still has sg-web',
    });
    expect(h.targets).toEqual([
      { accountId: TEST_ACCOUNT_ID, region: TEST_REGION, incidentId: expect.stringMatching(/^inc-/) },
    ]);
    expect(ec2).toHaveReceivedCommandTimes(CreateTagsCommand, 1);
  });

  it('asks for no AWS clients when there is no instance to tag', async () => {
    const h = makeHarness();
    const base = await seedIncident(h, makeAccessKeyRequest(), 'contain-iam');

    await run(h.deps, { ...base, error });

    expect(h.targets).toEqual([]);
    expect((await h.ledger.getIncident(base.incidentId))?.status).toBe('FAILED');
  });

  it('rejects an input without the error, naming the field', async () => {
    const h = makeHarness();
    const base = await seedIncident(h, makeRequest(), 'contain-ec2');

    const failure = await run(h.deps, base).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).field).toBe('error');
  });
});
