import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { productionClientFactory } from '../../../../workflow/aws/client-factory';
import { AssumeRoleError } from '../../../../workflow/errors';

describe('productionClientFactory', () => {
  const factory = productionClientFactory({
    homeAccountId: '111111111111',
    allowedAccountIds: ['222222222222'],
    responderRoleName: 'AirlockResponder',
  });

  it('gives every client one attempt per call, so aws() is the only retry layer', async () => {
    const clients = await factory({ accountId: '111111111111', region: 'eu-west-1' });
    for (const [name, client] of Object.entries(clients)) {
      const config = (
        client as { config: { maxAttempts: () => Promise<number>; region: () => Promise<string> } }
      ).config;
      expect([name, await config.maxAttempts()]).toEqual([name, 1]);
      expect(await config.region()).toBe('eu-west-1');
    }
  });

  it('rejects an account outside the allowed accounts', async () => {
    await expect(factory({ accountId: '333333333333', region: 'eu-west-1' })).rejects.toBeInstanceOf(
      AssumeRoleError,
    );
  });
});

describe('productionClientFactory: the responder session', () => {
  const sts = mockClient(STSClient);
  const credentials = {
    AccessKeyId: 'ASIAEXAMPLE',
    SecretAccessKey: 'secret',
    SessionToken: 'token',
    Expiration: new Date(Date.now() + 900_000),
  };
  beforeEach(() => {
    sts.reset();
    sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
  });
  afterAll(() => sts.restore());

  const factory = () =>
    productionClientFactory({
      homeAccountId: '111111111111',
      allowedAccountIds: ['222222222222'],
      responderRoleName: 'AirlockResponder',
    });

  it('names the session after the incident, so member-account CloudTrail ties every call to it', async () => {
    await factory()({ accountId: '222222222222', region: 'eu-west-1', incidentId: 'inc-0123456789abcdef' });
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: 'arn:aws:iam::222222222222:role/AirlockResponder',
      RoleSessionName: 'airlock-inc-0123456789abcdef',
    });
  });

  it('assumes one session per incident (credentials are not shared across incidents)', async () => {
    const f = factory();
    await f({ accountId: '222222222222', region: 'eu-west-1', incidentId: 'inc-a' });
    await f({ accountId: '222222222222', region: 'eu-west-1', incidentId: 'inc-a' });
    await f({ accountId: '222222222222', region: 'eu-west-1', incidentId: 'inc-b' });
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleSessionName)).toEqual([
      'airlock-inc-a',
      'airlock-inc-b',
    ]);
  });

  it('keeps the session name within 64 characters of [\\w+=,.@-]', async () => {
    await factory()({ accountId: '222222222222', region: 'eu-west-1', incidentId: `inc-${'x/'.repeat(40)}` });
    const name = sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input.RoleSessionName ?? '';
    expect(name).toMatch(/^[\w+=,.@-]{2,64}$/);
  });

  it('builds the role ARN in the partition of the region (GovCloud, China)', async () => {
    await factory()({ accountId: '222222222222', region: 'us-gov-west-1', incidentId: 'inc-1' });
    await factory()({ accountId: '222222222222', region: 'cn-north-1', incidentId: 'inc-1' });
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([
      'arn:aws-us-gov:iam::222222222222:role/AirlockResponder',
      'arn:aws-cn:iam::222222222222:role/AirlockResponder',
    ]);
  });
});
