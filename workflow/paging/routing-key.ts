import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { PagingConfigError } from '../errors';
import { ROUTING_KEY_LENGTH } from './events-v2';

/**
 * The routing key from its secret value: the bare key, or `{"routingKey": "…"}`. One clear PagingConfigError per
 * problem, never naming the value.
 */
export function routingKeyFromSecret(secretId: string, value: string | undefined): string {
  const text = (value ?? '').trim();
  if (!text)
    throw new PagingConfigError(
      `PagerDuty routing key secret ${secretId} has no value: see DEPLOY.md, Paging`,
    );
  let key = text;
  if (text.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PagingConfigError(
        `PagerDuty routing key secret ${secretId} is not valid JSON: expected {"routingKey": "…"}`,
      );
    }
    const field = (json as { routingKey?: unknown }).routingKey;
    if (typeof field !== 'string')
      throw new PagingConfigError(`PagerDuty routing key secret ${secretId} has no "routingKey" string`);
    key = field.trim();
  }
  if (key.length !== ROUTING_KEY_LENGTH)
    throw new PagingConfigError(
      `PagerDuty routing key in ${secretId} is ${key.length} characters; an Events API v2 integration key is ${ROUTING_KEY_LENGTH}`,
    );
  return key;
}

/**
 * Reads the routing key once per container (Lambda) and keeps it; a failed read is not kept, so a secret fixed
 * after the first failure is read on the next call.
 */
export function cachedRoutingKey(client: SecretsManagerClient, secretId: string): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= readRoutingKey(client, secretId).catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}

async function readRoutingKey(client: SecretsManagerClient, secretId: string): Promise<string> {
  let result: GetSecretValueCommandOutput;
  try {
    result = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    if (name === 'ResourceNotFoundException')
      throw new PagingConfigError(
        `PagerDuty routing key secret ${secretId} has no value: see DEPLOY.md, Paging`,
        {
          cause: error,
        },
      );
    if (name === 'AccessDeniedException')
      throw new PagingConfigError(`the Page function may not read ${secretId} (AccessDenied)`, {
        cause: error,
      });
    throw error;
  }
  return routingKeyFromSecret(secretId, result.SecretString);
}
