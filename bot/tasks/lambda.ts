import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import { DynamoLedger } from '../../workflow/ledger/dynamo-ledger';
import { DynamoPostSlots } from '../../workflow/ledger/post-slots';
import { createLogger } from '../../workflow/log';
import { systemClock } from '../../workflow/ports';
import { boltLogger } from '../bolt-logger';
import type { BotTaskDeps } from '../deps';
import { reportSettingsFromEnv, requiredEnv, slackSettingsFromEnv } from '../env';
import { loadSlackSecret, SECRET_NOT_SET, SlackSecretNotSetError } from '../secrets';
import { ChannelPacer } from './pace';

/**
 * WebClient settings for the workflow's Slack tasks: they are off the request path, so they retry 5xx a few
 * times, bounded well inside the Lambda timeout (60 s). A 429 is rejected to slackCall, which waits out
 * Retry-After through the channel's pacer: the WebClient's own handling would pause its whole request queue
 * and then release every queued call at once (a burst into the same limit).
 */
export const TASK_CLIENT: Pick<WebClientOptions, 'retryConfig' | 'timeout' | 'rejectRateLimitedCalls'> = {
  retryConfig: { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 2000, randomize: true },
  timeout: 5000,
  rejectRateLimitedCalls: true,
};

let deps: Promise<BotTaskDeps> | undefined;

/**
 * Production deps, built once per container: the ledger, the Slack client (token from Secrets Manager), settings,
 * and the evidence bucket's reports when EVIDENCE_BUCKET is set (the final Notify shares them).
 */
export function productionTaskDeps(
  env: Record<string, string | undefined> = process.env,
): Promise<BotTaskDeps> {
  deps ??= (async () => {
    const log = createLogger(env.AIRLOCK_TASK ?? 'airlock-bot-task');
    const secret = await loadSlackSecret(new SecretsManagerClient({}), requiredEnv(env, 'SLACK_SECRET_ARN'));
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });
    const tableName = requiredEnv(env, 'TABLE_NAME');
    const reports = reportSettingsFromEnv(env);
    return {
      ledger: new DynamoLedger({ doc, tableName }),
      pacer: new ChannelPacer(new DynamoPostSlots({ doc, tableName })),
      slack: new WebClient(secret.botToken, { ...TASK_CLIENT, logger: boltLogger(log) }),
      settings: slackSettingsFromEnv(env),
      clock: systemClock,
      log,
      ...(reports ? { reports: { s3: new S3Client({}), ...reports } } : {}),
    };
  })().catch((error: unknown) => {
    deps = undefined;
    // The same one line as the bot's endpoint (and the same alarm); the task fails with the named error.
    if (error instanceof SlackSecretNotSetError)
      createLogger('airlock-bot-task').error({ err: error }, SECRET_NOT_SET);
    throw error;
  });
  return deps;
}

/** Wraps a bot task's `run` as a Lambda handler. Errors keep their names (the ASL Retry/Catch contract). */
export function botTaskHandler<O>(
  run: (deps: BotTaskDeps, input: unknown) => Promise<O>,
): (event: unknown) => Promise<O> {
  return async (event: unknown) => run(await productionTaskDeps(), event);
}
