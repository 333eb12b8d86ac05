import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createLogger } from '../workflow/log';
import { createBotApp } from './app';
import { AwsLambdaReceiver } from './bolt';
import { boltLogger } from './bolt-logger';
import type { BotDeps } from './deps';
import { admit, type DoorOptions } from './door';
import { type Env, requiredEnv } from './env';
import { productionBotDeps } from './production';
import { loadSlackSecret, SECRET_NOT_SET, SlackSecretNotSetError } from './secrets';

type AwsHandler = ReturnType<AwsLambdaReceiver['toHandler']>;
type AwsEvent = Parameters<AwsHandler>[0];
type AwsResponse = Awaited<ReturnType<AwsHandler>>;

export interface LambdaBotOptions {
  /** SLACK_SECRET_ARN: JSON {signingSecret, botToken}. */
  secretArn: string;
  botId: string;
  botUserId: string;
  secrets: SecretsManagerClient;
  /** Built once per container, after the secret. */
  deps: () => Promise<BotDeps>;
  slackApiUrl?: string;
}

/**
 * The Slack endpoint behind API Gateway (HTTP API v2 or REST v1). Per container, once: the secret (signing secret
 * and bot token), the deps and the Bolt app. No auth.test at cold start (botId/botUserId come from the
 * environment). Each request: Bolt's AwsLambdaReceiver verifies the signature on the raw (base64-decoded) body
 * and runs the listener. A body Bolt cannot even parse is answered 400, never a Lambda error.
 */
export function createLambdaHandler(
  options: () => LambdaBotOptions,
): (event: AwsEvent, context: unknown) => Promise<AwsResponse> {
  let ready: Promise<{ handle: AwsHandler; door: DoorOptions }> | undefined;
  const log = createLogger('airlock-bot');
  const init = async (): Promise<{ handle: AwsHandler; door: DoorOptions }> => {
    const o = options();
    const secret = await loadSlackSecret(o.secrets, o.secretArn);
    const deps = await o.deps();
    const receiver = new AwsLambdaReceiver({
      signingSecret: secret.signingSecret,
      logger: boltLogger(deps.log),
      invalidRequestSignatureHandler: ({ ts }) =>
        deps.log.warn({ ts }, 'rejected a request with an invalid signature'),
    });
    createBotApp({
      receiver,
      token: secret.botToken,
      botId: o.botId,
      botUserId: o.botUserId,
      deps,
      ...(o.slackApiUrl ? { slackApiUrl: o.slackApiUrl } : {}),
    });
    const door: DoorOptions = {
      signingSecret: secret.signingSecret,
      ...(deps.settings.teamId ? { teamId: deps.settings.teamId } : {}),
      ...(deps.settings.appId ? { appId: deps.settings.appId } : {}),
      ...(deps.nonces ? { nonces: deps.nonces } : {}),
      log: deps.log.child({ component: 'door' }),
    };
    if (!door.teamId || !door.appId) {
      deps.log.warn(
        'SLACK_TEAM_ID / SLACK_APP_ID not set: requests are not checked against the workspace and app',
      );
    }
    return { handle: receiver.toHandler(), door };
  };
  return async (event, context) => {
    ready ??= init().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    let loaded: Awaited<typeof ready>;
    try {
      loaded = await ready;
    } catch (error) {
      if (!(error instanceof SlackSecretNotSetError)) throw error;
      // One clear line (the alarm's metric filter matches it) and a clear answer, not a raw 500.
      log.error({ err: error }, SECRET_NOT_SET);
      return { statusCode: 503, body: SECRET_NOT_SET };
    }
    const { handle, door } = loaded;
    try {
      // Bolt decodes a base64 body as ASCII, which breaks the signature of any non-ASCII text: decode it here.
      const body =
        event.body && event.isBase64Encoded
          ? Buffer.from(event.body, 'base64').toString('utf8')
          : (event.body ?? '');
      const headers = Object.fromEntries(
        Object.entries(event.headers ?? {}).map(([k, v]) => [
          k.toLowerCase(),
          v === undefined ? undefined : String(v),
        ]),
      );
      const verdict = await admit({ header: (name) => headers[name], rawBody: body }, door);
      if (!verdict.ok) return { statusCode: verdict.status, body: '' };
      return await handle({ ...event, body, isBase64Encoded: false }, context);
    } catch (error) {
      log.warn({ err: error }, 'could not process a request');
      return { statusCode: 400, body: '' };
    }
  };
}

/** Production options from the environment CDK sets (read at the first request of a container). */
export function productionOptions(env: Env = process.env): LambdaBotOptions {
  return {
    secretArn: requiredEnv(env, 'SLACK_SECRET_ARN'),
    botId: requiredEnv(env, 'SLACK_BOT_ID'),
    botUserId: requiredEnv(env, 'SLACK_BOT_USER_ID'),
    secrets: new SecretsManagerClient({}),
    deps: async () => productionBotDeps(env),
  };
}

export const handler = createLambdaHandler(() => productionOptions());
