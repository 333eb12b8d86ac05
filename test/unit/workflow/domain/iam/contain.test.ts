import {
  GetRolePolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { configureAwsRetry } from '../../../../../workflow/aws/call';
import { containAccessKey } from '../../../../../workflow/domain/iam/contain';
import { AccessKeyTaskInputSchema } from '../../../../../workflow/domain/iam/input';
import { revokeSessionsPolicyName } from '../../../../../workflow/domain/iam/role-policy';
import {
  ResourceNotFoundError,
  ThrottledError,
  ValidationError,
  VerificationFailedError,
} from '../../../../../workflow/errors';
import { makeAccessKeyRequest, type RequestOverrides } from '../../../../helpers/requests';
import { auditActions, type Harness, makeHarness, seedIncident, throttlingError } from '../incident/harness';
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

function expectNoMutation() {
  expectNoIamMutation(iam);
}

describe('containAccessKey — IAM user', () => {
  it('records every key of the user, then deactivates only the finding key, and verifies', async () => {
    const fake = new FakeIam(iam).user('ci-deployer', { [KEY]: 'Active', [OTHER]: 'Active' }).install();
    const { h, input } = await setup();

    const out = await containAccessKey(h.clients, h.deps, input);

    expect(iam).toHaveReceivedCommandWith(ListAccessKeysCommand, { UserName: 'ci-deployer' });
    expect(iam).toHaveReceivedCommandTimes(UpdateAccessKeyCommand, 1);
    expect(iam).toHaveReceivedCommandWith(UpdateAccessKeyCommand, {
      UserName: 'ci-deployer',
      AccessKeyId: KEY,
      Status: 'Inactive',
    });
    expect(fake.keys.get('ci-deployer')).toEqual(
      new Map([
        [KEY, 'Inactive'],
        [OTHER, 'Active'],
      ]),
    );
    const policyName = revokeSessionsPolicyName(input.incidentId);
    expect(out).toEqual({
      accessKeyId: KEY,
      principalName: 'ci-deployer',
      actions: [
        `deactivated access key ${KEY} of IAM user ci-deployer`,
        `denied every action to sessions minted with GetSessionToken/GetFederationToken of IAM user ci-deployer issued before 2025-03-01T12:00:00.000Z, the time of containment (${policyName})`,
      ],
    });
    const incident = await h.ledger.getIncident(input.incidentId);
    expect(incident?.preState).toEqual({
      kind: 'iam-access-key',
      principal: 'user',
      userName: 'ci-deployer',
      accessKeyId: KEY,
      keys: [
        { accessKeyId: OTHER, status: 'Active' },
        { accessKeyId: KEY, status: 'Active' },
      ],
      denyPolicy: { policyName, presentBefore: false, tokenIssuedBefore: '2025-03-01T12:00:00.000Z' },
    });
    expect(incident?.status).toBe('CONTAINING');
    expect(incident?.containedAt).toBe('2025-03-01T12:00:00.000Z');
    expect(incident?.steps.map((s) => [s.name, s.status])).toEqual([['contain-access-key', 'ok']]);
    expect(await auditActions(h, input.incidentId)).toContain('contain-access-key');
  });

  it('makes no second change on a re-run, and keeps the first pre-state (recorded once)', async () => {
    new FakeIam(iam).user('ci-deployer', { [KEY]: 'Active' }).install();
    const { h, input } = await setup();
    await containAccessKey(h.clients, h.deps, input);
    const firstPreState = (await h.ledger.getIncident(input.incidentId))?.preState;
    iam.resetHistory();

    const again = await containAccessKey(h.clients, h.deps, input);

    expectNoMutation();
    expect(again.actions).toEqual([
      `access key ${KEY} of IAM user ci-deployer was already inactive`,
      `IAM user ci-deployer already denies sessions minted with GetSessionToken/GetFederationToken issued before 2025-03-01T12:00:00.000Z (${revokeSessionsPolicyName(input.incidentId)})`,
    ]);
    const incident = await h.ledger.getIncident(input.incidentId);
    expect(incident?.preState).toEqual(firstPreState);
    expect(incident?.preState).toMatchObject({ keys: [{ accessKeyId: KEY, status: 'Active' }] });
    expect(h.ledger.calls.filter((c) => c === 'recordPreState')).toHaveLength(2);
  });

  it('skips UpdateAccessKey when the key is already inactive before containment (its sessions are still denied)', async () => {
    const fake = new FakeIam(iam).user('ci-deployer', { [KEY]: 'Inactive' }).install();
    const { h, input } = await setup();

    await containAccessKey(h.clients, h.deps, input);

    expect(iam).not.toHaveReceivedCommand(UpdateAccessKeyCommand);
    expect(fake.userPolicies.get('ci-deployer')?.has(revokeSessionsPolicyName(input.incidentId))).toBe(true);
    expect((await h.ledger.getIncident(input.incidentId))?.preState).toMatchObject({
      keys: [{ accessKeyId: KEY, status: 'Inactive' }],
    });
  });

  it('rejects with InlinePolicyQuotaError before any write when the user’s inline policies would exceed 2,048 characters', async () => {
    const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'x'.repeat(1900) }] });
    const fake = new FakeIam(iam).user('ci-deployer', { [KEY]: 'Active' }, { Existing: big }).install();
    const { h, input } = await setup();

    const error = await containAccessKey(h.clients, h.deps, input).catch((e: unknown) => e);

    expect((error as Error).name).toBe('InlinePolicyQuotaError');
    expect((error as Error).message).toMatch(/2048-character quota/);
    expect(iam).not.toHaveReceivedCommand(PutUserPolicyCommand);
    expect([...(fake.userPolicies.get('ci-deployer')?.keys() ?? [])]).toEqual(['Existing']);
  });

  it('fails with ThrottledError (name preserved) when IAM keeps throttling, after recording the pre-state', async () => {
    new FakeIam(iam).user('ci-deployer', { [KEY]: 'Active' }).install();
    iam.on(UpdateAccessKeyCommand).rejects(throttlingError());
    const { h, input } = await setup();

    const error = await containAccessKey(h.clients, h.deps, input).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as Error).name).toBe('ThrottledError');
    expect((error as Error).message).toContain('iam:UpdateAccessKey');
    expect(await auditActions(h, input.incidentId)).toContain('contain-access-key-failed');
    expect((await h.ledger.getIncident(input.incidentId))?.preState).toMatchObject({
      userName: 'ci-deployer',
    });
  });

  it('fails with ResourceNotFoundError when the key is not one of the user’s keys', async () => {
    new FakeIam(iam).user('ci-deployer', { [OTHER]: 'Active' }).install();
    const { h, input } = await setup();

    await expect(containAccessKey(h.clients, h.deps, input)).rejects.toBeInstanceOf(ResourceNotFoundError);
    expectNoMutation();
    expect((await h.ledger.getIncident(input.incidentId))?.preState).toBeUndefined();
  });

  it('fails verification when the key is still active after UpdateAccessKey', async () => {
    new FakeIam(iam).user('ci-deployer', { [KEY]: 'Active' }).install();
    iam.on(UpdateAccessKeyCommand).resolves({});
    const { h, input } = await setup();

    await expect(containAccessKey(h.clients, h.deps, input)).rejects.toBeInstanceOf(VerificationFailedError);
  });

  it('rejects a user finding without an access key id, naming the field', async () => {
    new FakeIam(iam).user('ci-deployer', { [KEY]: 'Active' }).install();
    const { h, input } = await setup({ resource: { accessKeyId: undefined } });

    const error = await containAccessKey(h.clients, h.deps, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('request.resource.accessKeyId');
    expect(iam).not.toHaveReceivedAnyCommand();
  });

  it('rejects a Root principal (never contained automatically)', async () => {
    const { h, input } = await setup({ resource: { principalType: 'Root', principalName: 'root' } });

    const error = await containAccessKey(h.clients, h.deps, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('request.resource.principalType');
    expect(iam).not.toHaveReceivedAnyCommand();
  });
});

describe('containAccessKey — role sessions', () => {
  const roleRequest: RequestOverrides = {
    lastSeen: '2025-03-01T11:58:00.000Z',
    resource: {
      principalType: 'AssumedRole',
      principalName: 'app-role',
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
    },
  };

  async function roleSetup(): Promise<{
    h: Harness;
    input: ReturnType<typeof AccessKeyTaskInputSchema.parse>;
  }> {
    return setup(roleRequest);
  }

  it('puts the per-incident deny policy on the role with the time of containment (not the finding’s lastSeen) as the token cutoff', async () => {
    const fake = new FakeIam(iam).role('app-role').install();
    const { h, input } = await roleSetup();
    const policyName = revokeSessionsPolicyName(input.incidentId);

    const out = await containAccessKey(h.clients, h.deps, input);

    expect(policyName).toBe(`AirlockRevokeSessions-${input.incidentId}`);
    expect(iam).toHaveReceivedCommandWith(GetRolePolicyCommand, {
      RoleName: 'app-role',
      PolicyName: policyName,
    });
    expect(iam).toHaveReceivedCommandTimes(PutRolePolicyCommand, 1);
    const put = iam.commandCalls(PutRolePolicyCommand)[0]?.args[0].input;
    expect(put?.RoleName).toBe('app-role');
    expect(put?.PolicyName).toBe(policyName);
    expect(JSON.parse(put?.PolicyDocument ?? '{}')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AirlockRevokeOlderSessions',
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { DateLessThan: { 'aws:TokenIssueTime': '2025-03-01T12:00:00.000Z' } },
        },
      ],
    });
    expect(fake.policies.get('app-role')?.has(policyName)).toBe(true);
    expect(out.principalName).toBe('app-role');
    expect(out.accessKeyId).toBe('ASIAIOSFODNN7EXAMPLE');
    expect((await h.ledger.getIncident(input.incidentId))?.preState).toEqual({
      kind: 'iam-access-key',
      principal: 'role',
      roleName: 'app-role',
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
      denyPolicy: { policyName, presentBefore: false, tokenIssuedBefore: '2025-03-01T12:00:00.000Z' },
    });
  });

  it('makes no second change on a re-run and keeps "absent before" in the pre-state', async () => {
    new FakeIam(iam).role('app-role').install();
    const { h, input } = await roleSetup();
    await containAccessKey(h.clients, h.deps, input);
    iam.resetHistory();

    await containAccessKey(h.clients, h.deps, input);

    expectNoMutation();
    expect((await h.ledger.getIncident(input.incidentId))?.preState).toMatchObject({
      denyPolicy: { presentBefore: false },
    });
  });

  it('takes the role name out of an assumed-role ARN', async () => {
    new FakeIam(iam).role('app-role').install();
    const { h, input } = await setup({
      resource: {
        principalType: 'AssumedRole',
        principalName: 'arn:aws:sts::123456789012:assumed-role/app-role/i-0abc',
      },
    });

    await containAccessKey(h.clients, h.deps, input);
    expect(iam).toHaveReceivedCommandWith(PutRolePolicyCommand, { RoleName: 'app-role' });
  });

  it('fails with ThrottledError when PutRolePolicy is throttled', async () => {
    new FakeIam(iam).role('app-role').install();
    iam.on(PutRolePolicyCommand).rejects(throttlingError());
    const { h, input } = await roleSetup();

    await expect(containAccessKey(h.clients, h.deps, input)).rejects.toMatchObject({
      name: 'ThrottledError',
    });
  });
});
