import {
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  type IAMClient,
  ListAccessKeysCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';

const noSuchEntity = (message: string) => new NoSuchEntityException({ message, $metadata: {} });

/** A tiny stateful IAM behind aws-sdk-client-mock: users' access keys and the inline policies of roles and users. */
export class FakeIam {
  readonly keys = new Map<string, Map<string, string>>();
  readonly policies = new Map<string, Map<string, string>>();
  readonly userPolicies = new Map<string, Map<string, string>>();

  constructor(private readonly mock: AwsClientStub<IAMClient>) {}

  user(userName: string, keys: Record<string, string>, policies: Record<string, string> = {}): this {
    this.keys.set(userName, new Map(Object.entries(keys)));
    this.userPolicies.set(userName, new Map(Object.entries(policies)));
    return this;
  }

  role(roleName: string, policies: Record<string, string> = {}): this {
    this.policies.set(roleName, new Map(Object.entries(policies)));
    return this;
  }

  install(): this {
    this.mock.on(ListAccessKeysCommand).callsFake((input: { UserName?: string }) => {
      const keys = this.keys.get(input.UserName ?? '');
      if (!keys) throw noSuchEntity(`The user with name ${input.UserName} cannot be found.`);
      return {
        AccessKeyMetadata: [...keys].map(([AccessKeyId, Status]) => ({
          UserName: input.UserName,
          AccessKeyId,
          Status,
        })),
        IsTruncated: false,
      };
    });
    this.mock
      .on(UpdateAccessKeyCommand)
      .callsFake((input: { UserName?: string; AccessKeyId?: string; Status?: string }) => {
        const keys = this.keys.get(input.UserName ?? '');
        if (!keys?.has(input.AccessKeyId ?? ''))
          throw noSuchEntity(`access key ${input.AccessKeyId} not found`);
        keys.set(input.AccessKeyId ?? '', input.Status ?? '');
        return {};
      });
    this.mock.on(GetRolePolicyCommand).callsFake((input: { RoleName?: string; PolicyName?: string }) => {
      const document = this.policies.get(input.RoleName ?? '')?.get(input.PolicyName ?? '');
      if (document === undefined) throw noSuchEntity(`policy ${input.PolicyName} not found`);
      return {
        RoleName: input.RoleName,
        PolicyName: input.PolicyName,
        PolicyDocument: encodeURIComponent(document),
      };
    });
    this.mock
      .on(PutRolePolicyCommand)
      .callsFake((input: { RoleName?: string; PolicyName?: string; PolicyDocument?: string }) => {
        const role = this.policies.get(input.RoleName ?? '');
        if (!role) throw noSuchEntity(`role ${input.RoleName} not found`);
        role.set(input.PolicyName ?? '', input.PolicyDocument ?? '');
        return {};
      });
    this.mock.on(DeleteRolePolicyCommand).callsFake((input: { RoleName?: string; PolicyName?: string }) => {
      const role = this.policies.get(input.RoleName ?? '');
      if (!role?.delete(input.PolicyName ?? '')) throw noSuchEntity(`policy ${input.PolicyName} not found`);
      return {};
    });
    this.mock.on(ListRolePoliciesCommand).callsFake((input: { RoleName?: string }) => {
      const role = this.policies.get(input.RoleName ?? '');
      if (!role) throw noSuchEntity(`role ${input.RoleName} not found`);
      return { PolicyNames: [...role.keys()].sort(), IsTruncated: false };
    });
    this.mock.on(ListUserPoliciesCommand).callsFake((input: { UserName?: string }) => {
      const user = this.userPolicies.get(input.UserName ?? '');
      if (!user) throw noSuchEntity(`user ${input.UserName} not found`);
      return { PolicyNames: [...user.keys()].sort(), IsTruncated: false };
    });
    this.mock.on(GetUserPolicyCommand).callsFake((input: { UserName?: string; PolicyName?: string }) => {
      const document = this.userPolicies.get(input.UserName ?? '')?.get(input.PolicyName ?? '');
      if (document === undefined) throw noSuchEntity(`policy ${input.PolicyName} not found`);
      return {
        UserName: input.UserName,
        PolicyName: input.PolicyName,
        PolicyDocument: encodeURIComponent(document),
      };
    });
    this.mock
      .on(PutUserPolicyCommand)
      .callsFake((input: { UserName?: string; PolicyName?: string; PolicyDocument?: string }) => {
        const user = this.userPolicies.get(input.UserName ?? '');
        if (!user) throw noSuchEntity(`user ${input.UserName} not found`);
        user.set(input.PolicyName ?? '', input.PolicyDocument ?? '');
        return {};
      });
    this.mock.on(DeleteUserPolicyCommand).callsFake((input: { UserName?: string; PolicyName?: string }) => {
      const user = this.userPolicies.get(input.UserName ?? '');
      if (!user?.delete(input.PolicyName ?? '')) throw noSuchEntity(`policy ${input.PolicyName} not found`);
      return {};
    });
    return this;
  }
}

/** A re-run must change nothing: none of IAM's mutating calls were made. */
export function expectNoIamMutation(mock: AwsClientStub<IAMClient>): void {
  expect(mock).not.toHaveReceivedCommand(UpdateAccessKeyCommand);
  expect(mock).not.toHaveReceivedCommand(PutRolePolicyCommand);
  expect(mock).not.toHaveReceivedCommand(DeleteRolePolicyCommand);
  expect(mock).not.toHaveReceivedCommand(PutUserPolicyCommand);
  expect(mock).not.toHaveReceivedCommand(DeleteUserPolicyCommand);
}
