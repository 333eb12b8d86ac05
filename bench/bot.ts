import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../infra/lib/bundling';
import { bundleLikeCdk } from './lib/bot-bundle';
import { measureInit } from './lib/bot-init';
import { measureLatency } from './lib/bot-latency';

/** planAckP99Ms: Slack's 3 seconds, less a cold start's margin: the acknowledgement of a slow command. */
const TARGETS = { bundleBytes: 500_000, initMs: 150, p99Ms: 50, planAckP99Ms: 500 } as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return Math.round(value * 10) / 10;
}

/**
 * `npm run --silent bench:bot`: the Slack bot Lambda's bundle size (esbuild with the options CDK runs, from
 * infra/lib/bundling.ts), its cold init (median of 10 fresh Node processes with the function's NODE_OPTIONS:
 * require + first request), slash-command / Approve-click latency through the Lambda handler in-process against
 * dynalite and the fake Slack API, and `/ir isolate … --plan` with realistic AWS latencies injected into the
 * simulated clients (the acknowledgement, then the answer through response_url: bench/lib/bot-plan.ts).
 * `details.benchSeconds`: where the bench's own time goes. One JSON object on stdout.
 */
async function main(): Promise<void> {
  process.env.LOG_LEVEL = 'silent';
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-bot-'));
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  const lap = (name: string, since: number) => {
    phases[name] = Math.round((performance.now() - since) / 100) / 10;
    return performance.now();
  };
  try {
    const bundle = await bundleLikeCdk(resolve(REPO_ROOT, 'bot', 'lambda.ts'), dir);
    let t = lap('bundle', t0);
    const nodePath = join(REPO_ROOT, 'node_modules');
    const nodeOptions = bundle.bundling.nodeOptions;
    const init = measureInit(bundle.file, dir, { nodePath, ...(nodeOptions ? { nodeOptions } : {}) }, 10);
    const initNoMaps = nodeOptions?.includes('--enable-source-maps')
      ? measureInit(bundle.file, dir, { nodePath }, 10)
      : undefined;
    t = lap('init', t);
    const latency = await measureLatency({ iterations: 200, warmup: 20, planRuns: 15 });
    lap('latency', t);
    const initMs = median(init.map((s) => s.initMs));
    const slash = { p50Ms: latency.slashStatus.p50Ms, p99Ms: latency.slashStatus.p99Ms };
    const click = { p50Ms: latency.click.p50Ms, p99Ms: latency.click.p99Ms };
    const result = {
      bundleBytes: bundle.bytes,
      initMs,
      slash,
      click,
      plan: { ackP99Ms: latency.plan.ack.p99Ms, answerP50Ms: latency.plan.answer.p50Ms },
      targets: TARGETS,
      meets: {
        bundleBytes: bundle.bytes <= TARGETS.bundleBytes,
        initMs: initMs <= TARGETS.initMs,
        slashP99: slash.p99Ms <= TARGETS.p99Ms,
        clickP99: click.p99Ms <= TARGETS.p99Ms,
        planAckP99: latency.plan.ack.p99Ms <= TARGETS.planAckP99Ms,
      },
      details: {
        node: process.version,
        bundle: {
          what: 'bytes of index.js, the bundle CDK deploys (infra/lib/bundling.ts botBundling(), esbuild with the same options)',
          mapBytes: bundle.mapBytes,
          /** index.js plus, when NODE_OPTIONS enables source maps, the map Node reads and parses at load. */
          bytesReadAtLoad: bundle.bytes + (initNoMaps ? bundle.mapBytes : 0),
          externalModules: bundle.bundling.externalModules,
          stubbed: Object.keys(bundle.bundling.alias),
          nodeOptions: nodeOptions ?? null,
        },
        bundleTopInputs: bundle.topInputs,
        init: {
          runs: init.length,
          childNode: init[0]?.node,
          ...(initNoMaps ? { medianWithoutSourceMapsMs: median(initNoMaps.map((s) => s.initMs)) } : {}),
          requireMedianMs: median(init.map((s) => s.loadMs)),
          minMs: Math.round(Math.min(...init.map((s) => s.initMs)) * 10) / 10,
          maxMs: Math.round(Math.max(...init.map((s) => s.initMs)) * 10) / 10,
          modulesOutsideBundle: init[0]?.modulesOutsideBundle,
          what: `fresh node (NODE_OPTIONS=${nodeOptions ?? ''}, NODE_PATH=<repo>/node_modules standing in for /var/runtime/node_modules): require(bundle) + first request (secret, productionBotDeps, receiver, app, signed ssl_check)`,
        },
        plan: latency.plan,
        slashStatus: latency.slashStatus,
        slashList: latency.slashList,
        click: latency.click,
        clickOnDecidedApproval: latency.clickDecided,
        ledger: latency.ledger,
        benchSeconds: { ...phases, total: Math.round((performance.now() - t0) / 100) / 10 },
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
