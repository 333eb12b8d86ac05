import { IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ValidationError } from '../../../../workflow/errors';
import { run as contain } from '../../../../workflow/tasks/contain-access-key';
import { run } from '../../../../workflow/tasks/restore-access-key';
import { makeAccessKeyRequest } from '../../../helpers/requests';
import { FakeIam } from '../domain/iam/fake-iam';
import { makeHarness, seedIncident } from '../domain/incident/harness';

const iam = mockClient(IAMClient);
beforeEach(() => iam.reset());

describe('RestoreAccessKey task', () => {
  it('restores what ContainAccessKey changed and returns { restored: true, diff: [] }', async () => {
    const fake = new FakeIam(iam).user('ci-deployer', { AKIAIOSFODNN7EXAMPLE: 'Active' }).install();
    const h = makeHarness();
    const base = await seedIncident(h, makeAccessKeyRequest(), 'contain-iam');
    await contain(h.deps, base);

    const out = await run(h.deps, base);

    expect(out).toMatchObject({ restored: true, diff: [] });
    expect(fake.keys.get('ci-deployer')?.get('AKIAIOSFODNN7EXAMPLE')).toBe('Active');
  });

  it('rejects an input whose request is not an IncidentRequest, naming the field', async () => {
    const h = makeHarness();
    const base = await seedIncident(h, makeAccessKeyRequest(), 'contain-iam');

    const error = await run(h.deps, { ...base, request: { ...base.request, accountId: 'abc' } }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('request.accountId');
  });
});
