import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';

/** The bot's one secret: `{"signingSecret": "…", "botToken": "xoxb-…"}`. */
export const SlackSecretSchema = z.object({
  signingSecret: z.string().min(1),
  botToken: z.string().startsWith('xox'),
});
export type SlackSecret = z.infer<typeof SlackSecretSchema>;

/** Reads and validates the Slack secret. The error names what is wrong, never the values. */
export async function loadSlackSecret(client: SecretsManagerClient, secretId: string): Promise<SlackSecret> {
  const result = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!result.SecretString) throw new Error(`secret ${secretId} has no SecretString`);
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
