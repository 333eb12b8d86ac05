import { IAMClient, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ValidationError } from '../../../../workflow/errors';
import { run } from '../../../../workflow/tasks/contain-access-key';
import { makeAccessKeyRequest, TEST_ACCOUNT_ID, TEST_REGION } from '../../../helpers/requests';
import { FakeIam } from '../domain/iam/fake-iam';
import { makeHarness, seedIncident } from '../domain/incident/harness';

const iam = mockClient(IAMClient);
beforeEach(() => iam.reset());

describe('ContainAccessKey task', () => {
  it('parses the Step Functions input, asks for clients in the finding’s account and region, contains', async () => {
    new FakeIam(iam).user('ci-deployer', { AKIAIOSFODNN7EXAMPLE: 'Active' }).install();
    const h = makeHarness();
    const base = await seedIncident(h, makeAccessKeyRequest(), 'contain-iam');

    const out = await run(h.deps, JSON.parse(JSON.stringify(base)));

    expect(h.targets).toEqual([
      { accountId: TEST_ACCOUNT_ID, region: TEST_REGION, incidentId: expect.stringMatching(/^inc-/) },
    ]);
    expect(out).toEqual({
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      principalName: 'ci-deployer',
      actions: [
        'deactivated access key AKIAIOSFODNN7EXAMPLE of IAM user ci-deployer',
        expect.stringMatching(
          /^denied every action to sessions minted with GetSessionToken\/GetFederationToken of IAM user ci-deployer issued before .+, the time of containment \(AirlockRevokeSessions-inc-[0-9a-f]{16}\)$/,
        ),
      ],
    });
    expect(iam).toHaveReceivedCommandTimes(UpdateAccessKeyCommand, 1);
  });

  it('rejects an input without the principal name, naming the field', async () => {
    const h = makeHarness();
    const base = await seedIncident(
      h,
      makeAccessKeyRequest({ resource: { principalName: undefined } }),
      'contain-iam',
    );

    const error = await run(h.deps, base).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('request.resource.principalName');
    expect(h.targets).toEqual([]);
    expect(iam).not.toHaveReceivedAnyCommand();
  });
});
