import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { TicketConfigError } from '../../../../workflow/errors';
import { cachedCredentials, loadJiraCredentials } from '../../../../workflow/ticket-sinks/jira/secret';

const sm = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'eu-west-1' });
afterEach(() => sm.reset());

describe('the Jira ticket secret', () => {
  it('reads {"email", "apiToken"}', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"email":"a@example.com","apiToken":"t0k"}' });
    expect(await loadJiraCredentials(client, 'arn:s')).toEqual({ email: 'a@example.com', apiToken: 't0k' });
  });

  it('fails with TicketConfigError, never the values, when unset, not JSON or missing a field', async () => {
    sm.on(GetSecretValueCommand).rejects(
      Object.assign(new Error('no value'), { name: 'ResourceNotFoundException' }),
    );
    const unset = await loadJiraCredentials(client, 'arn:s').catch((e: Error) => e);
    expect(unset).toBeInstanceOf(TicketConfigError);
    expect((unset as Error).message).toBe(
      'Jira secret not set: arn:s has no value yet (see DEPLOY.md, Tickets)',
    );
    sm.reset();
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'secret-token-xyz' });
    const notJson = await loadJiraCredentials(client, 'arn:s').catch((e: Error) => e);
    expect(notJson).toBeInstanceOf(TicketConfigError);
    expect((notJson as Error).message).not.toContain('secret-token-xyz');
    sm.reset();
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"email":"not-an-email","apiToken":"t0k"}' });
    await expect(loadJiraCredentials(client, 'arn:s')).rejects.toThrow(
      /missing or has invalid fields: email/,
    );
  });

  it('is read once per container, and again after a failed read', async () => {
    let calls = 0;
    const load = cachedCredentials(async () => {
      calls += 1;
      if (calls === 1) throw new Error('throttled');
      return { email: 'a@example.com', apiToken: 't' };
    });
    await expect(load()).rejects.toThrow('throttled');
    await load();
    await load();
    expect(calls).toBe(2);
  });
});
