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
