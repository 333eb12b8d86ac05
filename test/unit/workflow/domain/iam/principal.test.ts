import { iamNameFrom, resolvePrincipal } from '../../../../../workflow/domain/iam/principal';
import { ValidationError } from '../../../../../workflow/errors';

describe('resolvePrincipal', () => {
  it.each([
    ['ci-deployer', 'ci-deployer'],
    ['app-role/i-0abc', 'app-role'],
    ['arn:aws:sts::123456789012:assumed-role/app-role/session-1', 'app-role'],
    ['arn:aws:iam::123456789012:role/service/app-role', 'app-role'],
    ['arn:aws:iam::123456789012:user/people/alice', 'alice'],
  ])('reads the IAM name out of %s', (reported, name) => {
    expect(iamNameFrom(reported)).toBe(name);
  });

  it('maps IAMUser to a user and AssumedRole/Role to a role', () => {
    expect(resolvePrincipal('IAMUser', 'alice')).toEqual({ type: 'user', userName: 'alice' });
    expect(resolvePrincipal('AssumedRole', 'app-role/s')).toEqual({ type: 'role', roleName: 'app-role' });
    expect(resolvePrincipal('Role', 'app-role')).toEqual({ type: 'role', roleName: 'app-role' });
  });

  it.each(['Root', 'FederatedUser', 'AWSService'])('rejects principal type %s', (type) => {
    expect(() => resolvePrincipal(type, 'x')).toThrow(ValidationError);
  });

  it('rejects a name that is not an IAM name', () => {
    expect(() => resolvePrincipal('IAMUser', 'not a name')).toThrow(
      expect.objectContaining({ field: 'request.resource.principalName' }),
    );
  });
});
