import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleLikeCdk } from '../../../bench/lib/bot-bundle';
import { REPO_ROOT } from '../../../infra/lib/airlock-function';
import { TASK_KEYS, TASKS } from '../../../workflow/tasks/catalog';

/**
 * The real thing: `npx cdk synth` of the app in cdk.json, bundling every entry with local esbuild (no Docker),
 * offline (any network use goes to a dead proxy), cdk-nag on (an unacknowledged finding fails synth).
 */
const CONTEXT = [
  'socChannelId=C0SOC00001',
  'reviewChannelId=C0REVIEW01',
  'socLeadUserId=U0LEAD0001',
  'slackBotId=B0BOT00001',
  'slackBotUserId=U0BOT00001',
  'responderUserIds=U0RESP0001,U0RESP0002',
  'allowedAccountIds=111111111111',
  'irAccountId=999999999999',
];

const OFFLINE = {
  ...process.env,
  HTTPS_PROXY: 'http://127.0.0.1:9',
  HTTP_PROXY: 'http://127.0.0.1:9',
  NO_PROXY: '',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  CI: 'true',
};

function cdk(args: string[], out: string) {
  const started = Date.now();
  const result = spawnSync('npx', ['cdk', ...args, '--no-notices', '--output', out], {
    cwd: REPO_ROOT,
    env: OFFLINE,
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

/** `typeof require(bundle).handler` for each bundle, in a child Node whose NODE_PATH has only the AWS SDK. */
function loadHandlers(bundles: string[]): Array<{ bundle: string; handler: string }> {
  const script =
    'const out = JSON.parse(process.argv[1]).map((bundle) => ({ bundle, handler: typeof require(bundle).handler }));' +
    'process.stdout.write(JSON.stringify(out));';
  // The runtime's node_modules: links to the repository's AWS SDK v3 and Smithy packages, and nothing else.
  const runtime = mkdtempSync(join(tmpdir(), 'airlock-runtime-'));
  for (const scope of ['@aws-sdk', '@smithy'])
    symlinkSync(join(REPO_ROOT, 'node_modules', scope), join(runtime, scope));
  const result = spawnSync(process.execPath, ['-e', script, JSON.stringify(bundles)], {
    cwd: runtime,
    env: { PATH: process.env.PATH ?? '', NODE_PATH: runtime },
    encoding: 'utf8',
    timeout: 120_000,
  });
  rmSync(runtime, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`loading the bundles failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Array<{ bundle: string; handler: string }>;
}

type Template = {
  Resources: Record<
    string,
    { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, string> }
  >;
};

describe('npx cdk synth (real bundling, offline)', () => {
  const out = mkdtempSync(join(tmpdir(), 'airlock-cdk-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('synthesizes both stacks with every function bundled by local esbuild, within the time budget', async () => {
    const result = cdk(['synth', '--quiet', ...CONTEXT.flatMap((c) => ['-c', c])], out);
    expect(result.stderr).not.toMatch(/docker/i);
    expect(result.status).toBe(0);
    // Budget: 60 s on an idle 2-core machine (docs/DEPLOY.md); headroom here for a loaded CI runner.
    expect(result.seconds).toBeLessThan(180);
    expect(existsSync(join(REPO_ROOT, 'cdk.context.json'))).toBe(false);

    const template = JSON.parse(readFileSync(join(out, 'AirlockStack.template.json'), 'utf8')) as Template;
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(TASK_KEYS.length + 2);
    const bundles = functions.map((fn) => {
      const asset = fn.Metadata?.['aws:asset:path'];
      expect(asset).toBeDefined();
      const bundle = join(out, asset as string, 'index.js');
      expect(existsSync(bundle)).toBe(true);
      expect(existsSync(`${bundle}.map`)).toBe(true);
      return bundle;
    });
    // Every bundle loads and exports a handler, as the Lambda runtime loads it: a fresh Node, with the runtime's
    // AWS SDK on NODE_PATH (links to the repository's copy stand in for /var/runtime/node_modules) for the
    // functions that leave the SDK external (infra/lib/bundling.ts), and nothing else outside the bundle.
    expect(loadHandlers(bundles)).toEqual(bundles.map((bundle) => ({ bundle, handler: 'function' })));
    const descriptions = functions.map((f) => String(f.Properties.Description));
    // bench:bot measures what CDK deploys: bench/lib/bot-bundle.ts on the same entry gives the same bytes.
    const botIndex = descriptions.findIndex((d) => d.endsWith('(bot/lambda.ts)'));
    expect(botIndex).toBeGreaterThanOrEqual(0);
    const benchBot = await bundleLikeCdk(
      join(REPO_ROOT, 'bot', 'lambda.ts'),
      mkdtempSync(join(out, 'bench-')),
    );
    expect(readFileSync(benchBot.file).equals(readFileSync(bundles[botIndex] as string))).toBe(true);
    for (const key of TASK_KEYS) expect(descriptions).toContain(`Airlock ${key} (${TASKS[key].entry})`);
    expect(existsSync(join(out, 'AirlockResponderStack.template.json'))).toBe(true);
  }, 320_000);

  it('fails without the required context, naming each missing value', () => {
    const result = cdk(['synth', '--quiet'], join(out, 'missing'));
    expect(result.status).not.toBe(0);
    const output = `${result.stdout}${result.stderr}`;
    for (const key of ['socChannelId', 'reviewChannelId', 'socLeadUserId', 'slackBotId', 'slackBotUserId']) {
      expect(output).toContain(`airlock: context value '${key}' is required`);
    }
  }, 120_000);

  it('synthesizes the member-account responder stack alone, with only irAccountId', () => {
    const result = cdk(
      ['synth', 'AirlockResponderStack', '-c', 'irAccountId=999999999999'],
      join(out, 'responder'),
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('AirlockResponder');
    expect(result.stdout).not.toContain('BootstrapVersion');
  }, 120_000);
});
