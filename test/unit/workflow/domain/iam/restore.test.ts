import {
  DeleteRolePolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { configureAwsRetry } from '../../../../../workflow/aws/call';
import { containAccessKey } from '../../../../../workflow/domain/iam/contain';
import { AccessKeyTaskInputSchema } from '../../../../../workflow/domain/iam/input';
import { restoreAccessKey } from '../../../../../workflow/domain/iam/restore';
import { revokeSessionsPolicyName } from '../../../../../workflow/domain/iam/role-policy';
import { RestoreMismatchError, ThrottledError, ValidationError } from '../../../../../workflow/errors';
import { makeAccessKeyRequest, type RequestOverrides } from '../../../../helpers/requests';
import { auditActions, makeHarness, seedIncident, throttlingError } from '../incident/harness';
import { expectNoIamMutation, FakeIam } from './fake-iam';

const iam = mockClient(IAMClient);
const KEY = 'AKIAIOSFODNN7EXAMPLE';
const OTHER = 'AKIAI44QH8DHBEXAMPLE';

beforeAll(() => configureAwsRetry({ baseDelayMs: 1, maxDelayMs: 2 }));
beforeEach(() => iam.reset());

async function setup(overrides: RequestOverrides = {}) {
  const h = makeHarness();
  const base = await seedIncident(h, makeAccessKeyRequest(overrides), 'contain-iam');
  return { h, input: AccessKeyTaskInputSchema.parse(base) };
}

describe('restoreAccessKey — IAM user', () => {
  it('reactivates exactly the keys that were Active, verifies, and records the empty diff', async () => {
    const fake = new FakeIam(iam).user('ci-deployer', { [KEY]: 'Active', [OTHER]: 'Inactive' }).install();
    const { h, input } = await setup();
    await containAccessKey(h.clients, h.deps, input);
    expect(fake.keys.get('ci-deployer')?.get(KEY)).toBe('Inactive');
    iam.resetHistory();

    const out = await restoreAccessKey(h.clients, h.deps, input);

    expect(out).toEqual({
      restored: true,
      diff: [],
      changes: [
        `removed ${revokeSessionsPolicyName(input.incidentId)} from user ci-deployer`,
        `reactivated access key ${KEY} of ci-deployer`,
      ],
    });
    expect(iam).toHaveReceivedCommandTimes(UpdateAccessKeyCommand, 1);
    expect(iam).toHaveReceivedCommandWith(UpdateAccessKeyCommand, {
      UserName: 'ci-deployer',
      AccessKeyId: KEY,
      Status: 'Active',
    });
    // the key that was Inactive before the incident stays Inactive
    expect(fake.keys.get('ci-deployer')).toEqual(
      new Map([
        [KEY, 'Active'],
        [OTHER, 'Inactive'],
      ]),
    );
    expect(iam).toHaveReceivedCommandTimes(ListAccessKeysCommand, 2);
    const step = (await h.ledger.getIncident(input.incidentId))?.steps.find((s) => s.name === 'restore');
    expect(step?.status).toBe('ok');
    expect(step?.summary).toContain('diff empty ([])');
  });

  it('restores from the recorded pre-state, not from a fresh read', async () => {
    const fake = new FakeIam(iam).user('ci-deployer', { [KEY]: 'Active' }).install();
    const { h, input } = await setup();
    await containAccessKey(h.clients, h.deps, input);
    // a retry of the containment reads the key Inactive; the first record (Active) must still win
    await containAccessKey(h.clients, h.deps, input);

    await restoreAccessKey(h.clients, h.deps, input);

    expect(fake.keys.get('ci-deployer')?.get(KEY)).toBe('Active');
  });

  it('makes no change on a re-run', async () => {
    new FakeIam(iam).user('ci-deployer', { [KEY]: 'Active' }).install();
    const { h, input } = await setup();
    await containAccessKey(h.clients, h.deps, input);
    await restoreAccessKey(h.clients, h.deps, input);
    iam.resetHistory();

    const again = await restoreAccessKey(h.clients, h.deps, input);

    expectNoIamMutation(iam);
    expect(again).toEqual({ restored: true, diff: [], changes: [] });
  });

  it('fails with RestoreMismatchError when a recorded key is gone, with the diff in the failed step', async () => {
    const fake = new FakeIam(iam).user('ci-deployer', { [KEY]: 'Active', [OTHER]: 'Active' }).install();
    const { h, input } = await setup();
    await containAccessKey(h.clients, h.deps, input);
    fake.keys.get('ci-deployer')?.delete(OTHER);

    const error = await restoreAccessKey(h.clients, h.deps, input).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RestoreMismatchError);
    expect((error as Error).name).toBe('RestoreMismatchError');
    const step = (await h.ledger.getIncident(input.incidentId))?.steps.find((s) => s.name === 'restore');
    expect(step?.status).toBe('failed');
    expect(step?.summary).toContain(`access key ${OTHER} of ci-deployer no longer exists (was Active)`);
    expect(await auditActions(h, input.incidentId)).toContain('restore-failed');
  });

  it('fails with ThrottledError when reactivation is throttled', async () => {
    new FakeIam(iam).user('ci-deployer', { [KEY]: 'Active' }).install();
    const { h, input } = await setup();
    await containAccessKey(h.clients, h.deps, input);
    iam.on(UpdateAccessKeyCommand).rejects(throttlingError());

    await expect(restoreAccessKey(h.clients, h.deps, input)).rejects.toBeInstanceOf(ThrottledError);
  });

  it('rejects a restore when no pre-state was recorded', async () => {
    new FakeIam(iam).user('ci-deployer', { [KEY]: 'Inactive' }).install();
    const { h, input } = await setup();

    const error = await restoreAccessKey(h.clients, h.deps, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('preState');
    expect(iam).not.toHaveReceivedAnyCommand();
  });
});

describe('restoreAccessKey — role', () => {
  const roleRequest: RequestOverrides = {
    resource: {
      principalType: 'AssumedRole',
      principalName: 'app-role',
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
    },
  };

  it('deletes the deny policy Airlock added, and leaves the role’s other policies', async () => {
    const fake = new FakeIam(iam).role('app-role', { 'app-s3': '{}' }).install();
    const { h, input } = await setup(roleRequest);
    await containAccessKey(h.clients, h.deps, input);
    iam.resetHistory();

    const out = await restoreAccessKey(h.clients, h.deps, input);

    const policyName = revokeSessionsPolicyName(input.incidentId);
    expect(iam).toHaveReceivedCommandTimes(DeleteRolePolicyCommand, 1);
    expect(iam).toHaveReceivedCommandWith(DeleteRolePolicyCommand, {
      RoleName: 'app-role',
      PolicyName: policyName,
    });
    expect([...(fake.policies.get('app-role')?.keys() ?? [])]).toEqual(['app-s3']);
    expect(out.diff).toEqual([]);

    iam.resetHistory();
    await restoreAccessKey(h.clients, h.deps, input);
    expectNoIamMutation(iam);
  });

  it('removes only what this incident created: another incident’s deny and a responder’s hand-added deny stay', async () => {
    const fake = new FakeIam(iam).role('app-role', { 'app-s3': '{}' }).install();
    const { h, input } = await setup(roleRequest);
    await containAccessKey(h.clients, h.deps, input);
    // Meanwhile, on the same role: another incident's deny and an emergency deny added by hand.
    fake.policies.get('app-role')?.set('AirlockRevokeSessions-inc-0000000000000000', '{"other":"incident"}');
    fake.policies.get('app-role')?.set('EmergencyDenyAll', '{"by":"responder"}');

    const out = await restoreAccessKey(h.clients, h.deps, input);

    expect(out.diff).toEqual([]);
    expect([...(fake.policies.get('app-role')?.keys() ?? [])].sort()).toEqual([
      'AirlockRevokeSessions-inc-0000000000000000',
      'EmergencyDenyAll',
      'app-s3',
    ]);
  });

  it('leaves a policy of that name that was already on the role before containment', async () => {
    const { h, input } = await setup(roleRequest);
    const policyName = revokeSessionsPolicyName(input.incidentId);
    const fake = new FakeIam(iam).role('app-role', { [policyName]: '{"pre":"existing"}' }).install();
    await containAccessKey(h.clients, h.deps, input);

    await restoreAccessKey(h.clients, h.deps, input);

    expect(iam).not.toHaveReceivedCommand(DeleteRolePolicyCommand);
    expect(fake.policies.get('app-role')?.get(policyName)).toBe('{"pre":"existing"}');
  });

  it('fails with RestoreMismatchError when the deny policy is still on the role after the delete', async () => {
    new FakeIam(iam).role('app-role').install();
    const { h, input } = await setup(roleRequest);
    await containAccessKey(h.clients, h.deps, input);
    iam.on(DeleteRolePolicyCommand).resolves({});

    await expect(restoreAccessKey(h.clients, h.deps, input)).rejects.toThrow(
      /inline policy AirlockRevokeSessions-inc-[0-9a-f]{16} \(created by this incident\) is still on role app-role/,
    );
  });
});
