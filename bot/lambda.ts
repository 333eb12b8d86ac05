import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createLogger } from '../workflow/log';
import { createBotApp } from './app';
import { AwsLambdaReceiver } from './bolt';
import { boltLogger } from './bolt-logger';
import {
  type DeferredEvent,
  type DeferredRunner,
  deferredRunner,
  isDeferredEvent,
  openDeferred,
  sealDeferred,
} from './deferred';
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
  /**
   * Hands an event to this same function asynchronously (production: Lambda Invoke, InvocationType Event, on
   * AWS_LAMBDA_FUNCTION_NAME). Slow work (the planner behind `/ir isolate`) then runs after an immediate
   * acknowledgement and answers through response_url. Unset: that work runs before the acknowledgement.
   */
  invokeSelf?: (event: DeferredEvent) => Promise<void>;
  /** Wall-clock time for the deferred events' seal. @default Date.now */
  nowMs?: () => number;
}

type Loaded = { handle: AwsHandler; door: DoorOptions; runDeferred: DeferredRunner; signingSecret: string };

/**
 * The Slack endpoint behind API Gateway (HTTP API v2 or REST v1). Per container, once: the secret (signing secret
 * and bot token), the deps and the Bolt app. No auth.test at cold start (botId/botUserId come from the
 * environment). Each request: Bolt's AwsLambdaReceiver verifies the signature on the raw (base64-decoded) body
 * and runs the listener. A body Bolt cannot even parse is answered 400, never a Lambda error.
 */
export function createLambdaHandler(
  options: () => LambdaBotOptions,
): (event: AwsEvent, context: unknown) => Promise<AwsResponse> {
  let ready: Promise<Loaded> | undefined;
  const log = createLogger('airlock-bot');
  let nowMs: () => number = Date.now;
  const init = async (): Promise<Loaded> => {
    const o = options();
    nowMs = o.nowMs ?? Date.now;
    const secret = await loadSlackSecret(o.secrets, o.secretArn);
    const given = await o.deps();
    const invokeSelf = o.invokeSelf;
    const deps: BotDeps = invokeSelf
      ? {
          ...given,
          defer: (work) => invokeSelf(sealDeferred(work, secret.signingSecret, nowMs())),
        }
      : given;
    const receiver = new AwsLambdaReceiver({
      signingSecret: secret.signingSecret,
      logger: boltLogger(deps.log),
      invalidRequestSignatureHandler: ({ ts }) =>
        deps.log.warn({ ts }, 'rejected a request with an invalid signature'),
    });
    const app = createBotApp({
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
    return {
      handle: receiver.toHandler(),
      door,
      runDeferred: deferredRunner(deps, () => app.client),
      signingSecret: secret.signingSecret,
    };
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
    if (isDeferredEvent(event)) return runOwnEvent(loaded, event);
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

  /** This function's own asynchronous invocation: run the deferred work if the seal holds. */
  async function runOwnEvent(loaded: Loaded, event: DeferredEvent): Promise<AwsResponse> {
    const opened = openDeferred(event, loaded.signingSecret, nowMs());
    if ('refused' in opened) {
      log.warn({ reason: opened.refused }, 'refused a deferred event');
      return { statusCode: 403, body: '' };
    }
    await loaded.runDeferred(opened.work);
    return { statusCode: 200, body: '' };
  }
}

/**
 * Lambda's asynchronous invocation of the running function (InvocationType Event: queued, answered 202 at once).
 * The Lambda client is loaded on the first deferral, not at cold start.
 */
export function invokeSelfVia(functionName: string): (event: DeferredEvent) => Promise<void> {
  let client: import('@aws-sdk/client-lambda').LambdaClient | undefined;
  return async (event) => {
    const sdk = require('@aws-sdk/client-lambda') as typeof import('@aws-sdk/client-lambda');
    client ??= new sdk.LambdaClient({});
    const out = await client.send(
      new sdk.InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(event), 'utf8'),
      }),
    );
    if (out.StatusCode !== 202) throw new Error(`self-invocation answered ${out.StatusCode}`);
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
    // Set by the Lambda runtime; without it (not in Lambda) slow work stays before the acknowledgement.
    ...(env.AWS_LAMBDA_FUNCTION_NAME ? { invokeSelf: invokeSelfVia(env.AWS_LAMBDA_FUNCTION_NAME) } : {}),
  };
}

export const handler = createLambdaHandler(() => productionOptions());
