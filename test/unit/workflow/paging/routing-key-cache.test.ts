import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PagingConfigError } from '../../../../workflow/errors';
import { pagingFromEnv } from '../../../../workflow/paging/production';
import { cachedRoutingKey } from '../../../../workflow/paging/routing-key';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:airlock/pagerduty-AbC123';
const KEY = 'k'.repeat(32);

/** A Secrets Manager client whose GetSecretValue answers from a list, counting calls. */
function secrets(...answers: (string | Error)[]) {
  const calls: unknown[] = [];
  const client = {
    send: async (command: { input: unknown }) => {
      calls.push(command.input);
      const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return { SecretString: answer };
    },
  } as unknown as SecretsManagerClient;
  return { client, calls };
}

const named = (name: string) => Object.assign(new Error(name), { name });

describe('the routing key, read once per container', () => {
  it('reads the secret once and serves later pages from the cache', async () => {
    const { client, calls } = secrets(JSON.stringify({ routingKey: KEY }));
    const key = cachedRoutingKey(client, ARN);
    await expect(key()).resolves.toBe(KEY);
    await expect(key()).resolves.toBe(KEY);
    expect(calls).toEqual([{ SecretId: ARN }]);
  });

  it('does not keep a failure: a secret fixed after the first page is read on the next one', async () => {
    const { client, calls } = secrets('short', KEY);
    const key = cachedRoutingKey(client, ARN);
    await expect(key()).rejects.toThrow(PagingConfigError);
    await expect(key()).resolves.toBe(KEY);
    expect(calls).toHaveLength(2);
  });

  it('fails a secret without a value, or one it may not read, with one clear PagingConfigError', async () => {
    const missing = cachedRoutingKey(secrets(named('ResourceNotFoundException')).client, ARN)();
    await expect(missing).rejects.toBeInstanceOf(PagingConfigError);
    await expect(missing).rejects.toThrow(
      `PagerDuty routing key secret ${ARN} has no value: see DEPLOY.md, Paging`,
    );
    await expect(cachedRoutingKey(secrets(named('AccessDeniedException')).client, ARN)()).rejects.toThrow(
      /the Page function may not read .* \(AccessDenied\)/,
    );
  });

  it('passes other errors through unchanged (a throttle is retried by the state machine as a Lambda error)', async () => {
    await expect(cachedRoutingKey(secrets(named('ThrottlingException')).client, ARN)()).rejects.toThrow(
      'ThrottlingException',
    );
  });
});

describe('pagingFromEnv (the Page function in AWS)', () => {
  it('is off without PAGING_SECRET_ARN', () => {
    expect(pagingFromEnv({})).toBeUndefined();
  });

  it('is on with it, with the configured events URL and workspace link', () => {
    const paging = pagingFromEnv({
      PAGING_SECRET_ARN: ARN,
      PAGERDUTY_EVENTS_URL: 'https://events.eu.pagerduty.com',
      SLACK_WORKSPACE_URL: 'https://acme.slack.com',
    });
    expect(paging).toBeDefined();
    expect(paging?.slackWorkspaceUrl).toBe('https://acme.slack.com');
    expect(typeof paging?.routingKey).toBe('function');
  });

  it('refuses a malformed secret ARN at cold start', () => {
    expect(() => pagingFromEnv({ PAGING_SECRET_ARN: 'not-an-arn' })).toThrow(/Secrets Manager secret ARN/);
  });
});
