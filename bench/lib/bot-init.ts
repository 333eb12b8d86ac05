import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BOT, CHANNELS, USERS } from '../../local/slack/workspace';

export const BENCH_SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';

/**
 * The child: times `require(bundle)` (with the externals it requires) and the first request of a container (the Lambda's lazy init: the secret,
 * productionBotDeps, AwsLambdaReceiver, the Bolt app) for a signed `ssl_check` that needs nothing else. The
 * bundle's own SecretsManagerClient (from productionOptions) gets a middleware that answers GetSecretValue from
 * the environment, so no AWS call is made; every other client is only constructed.
 */
const CHILD = `'use strict';
const { createHmac } = require('node:crypto');
const t0 = performance.now();
const bundle = require(process.env.BENCH_BUNDLE);
const t1 = performance.now();
const handler = bundle.createLambdaHandler(() => {
  const o = bundle.productionOptions(process.env);
  o.secrets.middlewareStack.add(
    () => async () => ({ output: { SecretString: process.env.BENCH_SLACK_SECRET, $metadata: {} }, response: {} }),
    { step: 'initialize', name: 'benchFakeSecret' },
  );
  return o;
});
const body = 'token=x&ssl_check=1';
const ts = String(Math.floor(Date.now() / 1000));
const signature = 'v0=' + createHmac('sha256', process.env.BENCH_SIGNING_SECRET).update('v0:' + ts + ':' + body).digest('hex');
const event = {
  version: '2.0', routeKey: 'POST /slack/events', rawPath: '/slack/events', rawQueryString: '',
  headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': signature, 'x-slack-request-timestamp': ts },
  requestContext: { http: { method: 'POST', path: '/slack/events' }, stage: '$default' },
  body: Buffer.from(body).toString('base64'), isBase64Encoded: true,
};
handler(event, {}).then((res) => {
  const t2 = performance.now();
  const loadedOutside = Object.keys(require.cache).filter((f) => f !== __filename && f !== process.env.BENCH_BUNDLE);
  process.stdout.write(JSON.stringify({ loadMs: t1 - t0, initMs: t2 - t0, statusCode: res.statusCode, node: process.version, modulesOutsideBundle: loadedOutside.length }) + '\\n');
});
`;

export interface InitRuntime {
  /** The function's NODE_OPTIONS (infra/lib/bundling.ts), e.g. `--enable-source-maps`; none when undefined. */
  nodeOptions?: string;
  /**
   * Where the bundle's externals (the AWS SDK when it is not bundled) resolve from: the repository's node_modules
   * stands in for the runtime's /var/runtime/node_modules (on the nodejs22.x NODE_PATH).
   */
  nodePath: string;
}

/** The environment CDK and the runtime give the bot function (values are fakes; nothing is contacted). */
function lambdaEnv(bundle: string, runtime: InitRuntime): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_PATH: runtime.nodePath,
    ...(runtime.nodeOptions ? { NODE_OPTIONS: runtime.nodeOptions } : {}),
    BENCH_BUNDLE: bundle,
    BENCH_SIGNING_SECRET,
    BENCH_SLACK_SECRET: JSON.stringify({ signingSecret: BENCH_SIGNING_SECRET, botToken: BOT.token }),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AIRLOCK_TASK: 'SlackBot',
    AWS_LAMBDA_FUNCTION_NAME: 'airlock-SlackBot',
    LOG_LEVEL: 'silent',
    SLACK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:airlock/slack-AbCdEf',
    SLACK_BOT_ID: BOT.botId,
    SLACK_BOT_USER_ID: BOT.userId,
    SLACK_SOC_CHANNEL: CHANNELS.soc,
    SLACK_REVIEW_CHANNEL: CHANNELS.review,
    SLACK_SOC_LEAD_USER_ID: USERS.lead,
    SLACK_RESPONDER_USER_IDS: `${USERS.responder},${USERS.responder2}`,
    TABLE_NAME: 'airlock-ledger',
    STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:airlock',
    HOME_ACCOUNT_ID: '123456789012',
    ALLOWED_ACCOUNT_IDS: '210987654321',
  };
}

export interface InitSample {
  loadMs: number;
  initMs: number;
  statusCode: number;
  node: string;
  /** Files required from outside the bundle (the runtime's SDK when it is external). */
  modulesOutsideBundle: number;
}

/**
 * Runs `runs` fresh Node processes (process.execPath, with the function's NODE_OPTIONS and a NODE_PATH where its
 * externals resolve) on the bundle, one after another, and returns each one's figures.
 */
export function measureInit(bundle: string, dir: string, runtime: InitRuntime, runs = 10): InitSample[] {
  const script = join(dir, 'init-child.cjs');
  writeFileSync(script, CHILD);
  const samples: InitSample[] = [];
  for (let i = 0; i < runs; i += 1) {
    const child = spawnSync(process.execPath, [script], {
      env: lambdaEnv(bundle, runtime),
      encoding: 'utf8',
      timeout: 30_000,
    });
    const line = child.stdout.trim().split('\n').at(-1) ?? '';
    if (child.status !== 0 || !line.startsWith('{')) {
      throw new Error(`init child failed (exit ${child.status}): ${child.stderr.slice(0, 2000)}`);
    }
    const sample = JSON.parse(line) as InitSample;
    if (sample.statusCode !== 200) throw new Error(`init child answered ${sample.statusCode}, expected 200`);
    samples.push(sample);
  }
  return samples;
}
