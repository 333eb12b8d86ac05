import { join, resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';

/** The repository root: entries in workflow/tasks/catalog.ts are relative to it, and CDK runs esbuild in it. */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/** What `bundleAwsSdk: false` leaves to the runtime (nodejs22.x ships the AWS SDK v3 in /var/runtime). */
export const SDK_EXTERNALS: readonly string[] = ['@aws-sdk/*', '@smithy/*'];

/**
 * Packages every Lambda bundle replaces with a stand-in that throws when used (infra/lib/lambda-stubs), keyed by
 * import path, stand-in relative to REPO_ROOT. Bolt's App module requires its HTTP and Socket Mode receivers (its
 * defaults when no receiver is given) and they require these at load; the bot always passes AwsLambdaReceiver
 * (bot/lambda.ts), which needs none of them. Together with their own dependencies (ws, undici, jsonwebtoken,
 * iconv-lite) they are ~1.1 MB of minified bundle. No other function imports them.
 */
export const LAMBDA_STUBS: Readonly<Record<string, string>> = {
  '@slack/oauth': './infra/lib/lambda-stubs/slack-oauth.ts',
  '@slack/socket-mode': './infra/lib/lambda-stubs/slack-socket-mode.ts',
  'raw-body': './infra/lib/lambda-stubs/raw-body.ts',
};

/**
 * Airlock's house esbuild settings for every Lambda function, in one place. infra/lib/airlock-function.ts turns
 * them into NodejsFunction `bundling` props (CDK runs the esbuild CLI with them, locally, in REPO_ROOT);
 * `esbuildOptions` turns them into the equal esbuild API options (bench/lib/bot-bundle.ts, the parity test).
 */
export interface HouseBundling {
  readonly target: 'node22';
  readonly format: 'cjs';
  readonly minify: boolean;
  /** `--sourcemap` (a linked `index.js.map` next to the bundle). */
  readonly sourceMap: boolean;
  readonly sourcesContent: boolean;
  readonly mainFields: readonly string[];
  readonly externalModules: readonly string[];
  /** esbuild `--alias`: import path → replacement (relative to REPO_ROOT). */
  readonly alias: Readonly<Record<string, string>>;
  /** The function's NODE_OPTIONS (`--enable-source-maps` only when a map ships). */
  readonly nodeOptions?: string;
}

export interface HouseBundlingOptions {
  /** Bundle the AWS SDK v3 (the version the tests ran) instead of using the runtime's copy. @default true */
  readonly bundleAwsSdk?: boolean;
  /** Run with `--enable-source-maps` (the map ships either way). @default true */
  readonly runtimeSourceMaps?: boolean;
}

export function houseBundling(options: HouseBundlingOptions = {}): HouseBundling {
  return {
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourceMap: true,
    // Maps without the sources: stack traces still point at file:line, and the map stays small (cold start).
    sourcesContent: false,
    // The SDK's ES module builds tree-shake far better: ~40% smaller bundles, ~2x faster module load.
    mainFields: ['module', 'main'],
    externalModules: (options.bundleAwsSdk ?? true) ? [] : SDK_EXTERNALS,
    alias: LAMBDA_STUBS,
    ...((options.runtimeSourceMaps ?? true) ? { nodeOptions: '--enable-source-maps' } : {}),
  };
}

/** `--alias:<from>=<to>` values, in the form NodejsFunction's `esbuildArgs` takes (`{'--alias': [...]}`). */
export function aliasArgs(bundling: HouseBundling): string[] {
  return Object.entries(bundling.alias).map(([from, to]) => `${from}=${to}`);
}

/**
 * The esbuild API options equal to the CLI NodejsFunction runs for `bundling` (`esbuild --bundle <entry>
 * --target --platform=node --format --outfile=<outdir>/index.js --minify --sourcemap --sources-content=false
 * --external:… --main-fields=… --alias:…`, working directory REPO_ROOT).
 */
export function esbuildOptions(bundling: HouseBundling, entry: string, outdir: string): BuildOptions {
  return {
    absWorkingDir: REPO_ROOT,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: bundling.target,
    format: bundling.format,
    minify: bundling.minify,
    sourcemap: bundling.sourceMap,
    sourcesContent: bundling.sourcesContent,
    mainFields: [...bundling.mainFields],
    external: [...bundling.externalModules],
    alias: { ...bundling.alias },
    outfile: join(outdir, 'index.js'),
  };
}

/**
 * The Slack bot uses the runtime's AWS SDK (nodejs22.x ships v3), whatever `bundleAwsSdk` says for the other
 * functions: its cold start is on Slack's 3-second path, and the SDK is ~1.5 MB of its bundle (the `--plan`
 * planner's EC2, IAM, SSM, S3, … clients) that the runtime already has on disk. The workflow tasks, which act on
 * AWS, keep the SDK version the tests ran. infra/lib/airlock-stack.ts passes this for the bot.
 */
export const BOT_BUNDLE_AWS_SDK = false;

/**
 * The bot ships its map but runs without `--enable-source-maps`: Node reads and parses the whole map when the
 * bundle loads (~60 ms of the cold start on Slack's 3-second path, bench:bot). A bot stack trace is logged with
 * its error id at bundle positions, and the map next to index.js resolves it offline. infra/lib/airlock-stack.ts
 * passes this for the bot.
 */
export const BOT_RUNTIME_SOURCE_MAPS = false;

/** The bot's bundling, as infra/lib/airlock-stack.ts gets it through AirlockFunction. */
export function botBundling(): HouseBundling {
  return houseBundling({ bundleAwsSdk: BOT_BUNDLE_AWS_SDK, runtimeSourceMaps: BOT_RUNTIME_SOURCE_MAPS });
}
