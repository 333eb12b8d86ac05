import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';

/** The bot's one secret: `{"signingSecret": "…", "botToken": "xoxb-…"}`. */
export const SlackSecretSchema = z.object({
  signingSecret: z.string().min(1),
  botToken: z.string().startsWith('xox'),
});
export type SlackSecret = z.infer<typeof SlackSecretSchema>;

/** The message every function logs (and the alarm's metric filter matches) while the secret has no value. */
export const SECRET_NOT_SET = 'Slack secret not set: see DEPLOY.md step 3';

/** The stack creates the Slack secret empty: until a value is put, nothing can talk to Slack. */
export class SlackSecretNotSetError extends Error {
  constructor(secretId: string, options?: { cause?: unknown }) {
    super(`${SECRET_NOT_SET} (${secretId} has no value yet)`, options);
    this.name = 'SlackSecretNotSetError';
  }
}

/**
 * Reads and validates the Slack secret. The error names what is wrong, never the values. A secret created
 * without a value (GetSecretValue: ResourceNotFoundException for AWSCURRENT) or with an empty one is
 * SlackSecretNotSetError.
 */
export async function loadSlackSecret(client: SecretsManagerClient, secretId: string): Promise<SlackSecret> {
  let result: GetSecretValueCommandOutput;
  try {
    result = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') {
      throw new SlackSecretNotSetError(secretId, { cause: error });
    }
    throw error;
  }
  if (!result.SecretString) throw new SlackSecretNotSetError(secretId);
  let json: unknown;
  try {
    json = JSON.parse(result.SecretString);
  } catch {
    throw new Error(`secret ${secretId} is not JSON: expected {"signingSecret": "…", "botToken": "xoxb-…"}`);
  }
  const parsed = SlackSecretSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`secret ${secretId} is missing or has invalid fields: ${fields}`);
  }
  return parsed.data;
}
