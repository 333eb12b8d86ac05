import {
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  IAMServiceException,
  ListAccessKeysCommand,
  ListInstanceProfilesForRoleCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { DEMO } from '../../../../local/sim/seed';
import { mapAwsError } from '../../../../workflow/aws/call';
import { ResourceNotFoundError } from '../../../../workflow/errors';
import { demoSim, errorOf } from './helpers';

const deny = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }],
});

describe('IAM', () => {
  it('gets an instance profile with its roles, and the profiles of a role', async () => {
    const { clients } = demoSim();
    const out = await clients.iam.send(
      new GetInstanceProfileCommand({ InstanceProfileName: DEMO.instanceProfiles.webApp }),
    );
    expect(out.InstanceProfile).toMatchObject({
      InstanceProfileName: 'web-app-profile',
      Arn: `arn:aws:iam::${DEMO.accountId}:instance-profile/web-app-profile`,
      Roles: [{ RoleName: 'web-app-role', Arn: `arn:aws:iam::${DEMO.accountId}:role/web-app-role` }],
    });
    const forRole = await clients.iam.send(
      new ListInstanceProfilesForRoleCommand({ RoleName: 'web-app-role' }),
    );
    expect(forRole.InstanceProfiles?.map((p) => p.InstanceProfileName)).toEqual(['web-app-profile']);
  });

  it("fails with NoSuchEntity as the SDK's NoSuchEntityException, which Airlock maps to ResourceNotFoundError", async () => {
    const { clients } = demoSim();
    const error = await errorOf(
      clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'nope' })),
    );
    expect(error).toBeInstanceOf(NoSuchEntityException);
    expect(error).toBeInstanceOf(IAMServiceException);
    expect(error).toMatchObject({
      name: 'NoSuchEntityException',
      $fault: 'client',
      $metadata: { httpStatusCode: 404 },
    });
    expect(mapAwsError(error, 'iam:GetInstanceProfile')).toBeInstanceOf(ResourceNotFoundError);
    expect((await errorOf(clients.iam.send(new GetRoleCommand({ RoleName: 'nope' })))).name).toBe(
      'NoSuchEntityException',
    );
  });

  it('returns the trust and inline policies URL-encoded, as IAM does', async () => {
    const { clients } = demoSim();
    const role = await clients.iam.send(new GetRoleCommand({ RoleName: 'web-app-role' }));
    expect(JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? ''))).toMatchObject({
      Statement: [{ Principal: { Service: 'ec2.amazonaws.com' } }],
    });
    const policy = await clients.iam.send(
      new GetRolePolicyCommand({ RoleName: 'web-app-role', PolicyName: 'assets-read' }),
    );
    expect(policy.PolicyDocument).toMatch(/^%7B/);
    expect(JSON.parse(decodeURIComponent(policy.PolicyDocument ?? ''))).toMatchObject({
      Version: '2012-10-17',
    });
  });

  it('puts, lists and deletes role inline policies; a missing one is NoSuchEntity', async () => {
    const { clients } = demoSim();
    const list = async () =>
      (await clients.iam.send(new ListRolePoliciesCommand({ RoleName: 'web-app-role' }))).PolicyNames;
    await clients.iam.send(
      new PutRolePolicyCommand({ RoleName: 'web-app-role', PolicyName: 'AirlockDeny', PolicyDocument: deny }),
    );
    expect(await list()).toEqual(['AirlockDeny', 'assets-read']);
    await clients.iam.send(
      new DeleteRolePolicyCommand({ RoleName: 'web-app-role', PolicyName: 'AirlockDeny' }),
    );
    expect(await list()).toEqual(['assets-read']);
    const missing = await errorOf(
      clients.iam.send(new GetRolePolicyCommand({ RoleName: 'web-app-role', PolicyName: 'AirlockDeny' })),
    );
    expect(missing.name).toBe('NoSuchEntityException');
    const again = await errorOf(
      clients.iam.send(new DeleteRolePolicyCommand({ RoleName: 'web-app-role', PolicyName: 'AirlockDeny' })),
    );
    expect(again.name).toBe('NoSuchEntityException');
  });

  it('rejects a malformed policy, a bad policy name, and a role whose inline policies exceed 10,240 characters', async () => {
    const { clients } = demoSim();
    const put = (PolicyName: string, PolicyDocument: string) =>
      errorOf(
        clients.iam.send(new PutRolePolicyCommand({ RoleName: 'web-app-role', PolicyName, PolicyDocument })),
      );
    expect((await put('x', '{not json')).name).toBe('MalformedPolicyDocumentException');
    expect((await put('bad name!', deny)).name).toBe('ValidationError');
    const big = JSON.stringify({
      Version: '2012-10-17',
      Statement: Array.from({ length: 200 }, (_, i) => ({
        Sid: `S${i}`,
        Effect: 'Deny',
        Action: `s3:GetObject${i}`,
        Resource: '*',
      })),
    });
    expect((await put('big', big)).name).toBe('LimitExceededException');
  });

  it("lists and deactivates a user's access keys; an unknown key is NoSuchEntity", async () => {
    const { clients } = demoSim();
    const keys = async () =>
      (await clients.iam.send(new ListAccessKeysCommand({ UserName: DEMO.user.name }))).AccessKeyMetadata;
    expect(await keys()).toMatchObject([
      { AccessKeyId: DEMO.user.accessKeyId, Status: 'Active', UserName: 'ci-deployer' },
    ]);
    await clients.iam.send(
      new UpdateAccessKeyCommand({
        UserName: DEMO.user.name,
        AccessKeyId: DEMO.user.accessKeyId,
        Status: 'Inactive',
      }),
    );
    expect((await keys())?.[0]?.Status).toBe('Inactive');
    const unknown = await errorOf(
      clients.iam.send(
        new UpdateAccessKeyCommand({ UserName: DEMO.user.name, AccessKeyId: 'AKIANOPE', Status: 'Inactive' }),
      ),
    );
    expect(unknown.name).toBe('NoSuchEntityException');
  });

  it('puts, gets and deletes user inline policies', async () => {
    const { clients } = demoSim();
    await clients.iam.send(
      new PutUserPolicyCommand({ UserName: DEMO.user.name, PolicyName: 'AirlockDeny', PolicyDocument: deny }),
    );
    const got = await clients.iam.send(
      new GetUserPolicyCommand({ UserName: DEMO.user.name, PolicyName: 'AirlockDeny' }),
    );
    expect(JSON.parse(decodeURIComponent(got.PolicyDocument ?? ''))).toEqual(JSON.parse(deny));
    await clients.iam.send(
      new DeleteUserPolicyCommand({ UserName: DEMO.user.name, PolicyName: 'AirlockDeny' }),
    );
    expect(
      (
        await errorOf(
          clients.iam.send(new GetUserPolicyCommand({ UserName: DEMO.user.name, PolicyName: 'AirlockDeny' })),
        )
      ).name,
    ).toBe('NoSuchEntityException');
  });
});
