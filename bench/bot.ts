import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleLikeCdk } from './lib/bot-bundle';
import { measureInit } from './lib/bot-init';
import { measureLatency } from './lib/bot-latency';

const TARGETS = { bundleBytes: 500_000, initMs: 150, p99Ms: 50 } as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return Math.round(value * 10) / 10;
}

/**
 * `npm run --silent bench:bot`: the Slack bot Lambda's bundle size (esbuild with CDK's options), its cold init
 * (median of 10 fresh Node processes: require + first request), and slash-command / Approve-click latency through
 * the Lambda handler in-process against dynalite and the fake Slack API. One JSON object on stdout.
 */
async function main(): Promise<void> {
  process.env.LOG_LEVEL = 'silent';
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-bot-'));
  try {
    const bundle = await bundleLikeCdk(resolve(__dirname, '..', 'bot', 'lambda.ts'), dir);
    const init = measureInit(bundle.file, dir, 10);
    const initNoMaps = measureInit(bundle.file, dir, 10, false);
    const latency = await measureLatency({ iterations: 200, warmup: 20 });
    const initMs = median(init.map((s) => s.initMs));
    const slash = { p50Ms: latency.slashStatus.p50Ms, p99Ms: latency.slashStatus.p99Ms };
    const click = { p50Ms: latency.click.p50Ms, p99Ms: latency.click.p99Ms };
    const result = {
      bundleBytes: bundle.bytes,
      initMs,
      slash,
      click,
      targets: TARGETS,
      meets: {
        bundleBytes: bundle.bytes <= TARGETS.bundleBytes,
        initMs: initMs <= TARGETS.initMs,
        slashP99: slash.p99Ms <= TARGETS.p99Ms,
        clickP99: click.p99Ms <= TARGETS.p99Ms,
      },
      details: {
        node: process.version,
        mapBytes: bundle.mapBytes,
        bundleTopInputs: bundle.topInputs,
        init: {
          runs: init.length,
          childNode: init[0]?.node,
          medianWithoutSourceMapsMs: median(initNoMaps.map((s) => s.initMs)),
          requireMedianMs: median(init.map((s) => s.loadMs)),
          minMs: Math.round(Math.min(...init.map((s) => s.initMs)) * 10) / 10,
          maxMs: Math.round(Math.max(...init.map((s) => s.initMs)) * 10) / 10,
          what: 'fresh node --enable-source-maps: require(bundle) + first request (secret, productionBotDeps, receiver, app, signed ssl_check)',
        },
        slashStatus: latency.slashStatus,
        slashList: latency.slashList,
        click: latency.click,
        clickOnDecidedApproval: latency.clickDecided,
        ledger: latency.ledger,
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
