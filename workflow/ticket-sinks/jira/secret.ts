import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { TicketConfigError } from '../../errors';
import type { JiraCredentials } from './client';

/** The ticket secret: `{"email": "…", "apiToken": "…"}` (an Atlassian account and one of its API tokens). */
export const JiraSecretSchema = z.object({
  email: z.email(),
  apiToken: z.string().min(1),
});

/**
 * Reads and validates the Jira secret. Errors name what is wrong, never the values: a secret without a value yet,
 * not JSON, or missing fields is a TicketConfigError (not retried; the thread and the alarm say what to fix).
 */
export async function loadJiraCredentials(
  client: SecretsManagerClient,
  secretId: string,
): Promise<JiraCredentials> {
  let result: GetSecretValueCommandOutput;
  try {
    result = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') {
      throw new TicketConfigError(
        `Jira secret not set: ${secretId} has no value yet (see DEPLOY.md, Tickets)`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  if (!result.SecretString) throw new TicketConfigError(`Jira secret not set: ${secretId} has no value yet`);
  let json: unknown;
  try {
    json = JSON.parse(result.SecretString);
  } catch {
    throw new TicketConfigError(
      `Jira secret ${secretId} is not JSON: expected {"email": "…", "apiToken": "…"}`,
    );
  }
  const parsed = JiraSecretSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new TicketConfigError(`Jira secret ${secretId} is missing or has invalid fields: ${fields}`);
  }
  return parsed.data;
}

/** Read once per container: the first successful read is kept; a failed one is tried again next call. */
export function cachedCredentials(load: () => Promise<JiraCredentials>): () => Promise<JiraCredentials> {
  let value: Promise<JiraCredentials> | undefined;
  return () => {
    value ??= load().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}
