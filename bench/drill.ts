import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DrillDecision, runDrill } from '../local/runtime/drill';
import { createLogger } from '../workflow/log';
import { type IsolationFigures, isolationFigures } from './lib/isolation';
import { median, percentile, round } from './lib/stats';

/**
 * `npm run --silent bench:drill`: the cost and speed budget of one incident (issue 3).
 * - transitions: Step Functions Standard bills state transitions; the happy EC2 path must take ≤ 40.
 * - drillMs: in-process, from the finding's intake to the execution's end (approve clicked as soon as the
 *   buttons are posted), over RUNS runs after one warm-up; must be < 2 s.
 * - processMs: the whole `npm run --silent drill -- --event … --json` as a user runs it, in fresh processes
 *   (TypeScript loading, dynalite, the bot's HTTP server, the drill, shut-down).
 * - callsBeforeIsolation / sequentialDepthBeforeIsolation (issue 14): AWS calls from the execution's start to the
 *   first isolating call, and the same counting calls made in parallel once, without the capture's polls
 *   (bench/lib/isolation.ts defines each); the depth must be ≤ 12. Measured on separate runs in which every
 *   simulated call takes CALL_LATENCY_MS (as an AWS call takes tens of ms): with instant calls, the branches of a
 *   Parallel state would seldom have calls in flight together, and their calls would count one after another.
 *   The largest depth of ISOLATION_RUNS runs is reported.
 * One JSON object on stdout.
 */

const ROOT = join(__dirname, '..');
const SAMPLES = join(ROOT, 'local/workspace/samples');
const HAPPY = join(SAMPLES, 'ec2-high-web1.json');
const RUNS = 10;
const PROCESS_RUNS = 3;
const TRANSITIONS_BUDGET = 40;
const DRILL_BUDGET_MS = 2_000;
const DEPTH_BUDGET = 12;
const CALL_LATENCY_MS = 50;
const ISOLATION_RUNS = 3;

const quiet = createLogger('bench-drill', { level: 'silent' });
const load = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

async function once(event: unknown, decision: DrillDecision) {
  const { stack: _stack, ...result } = await runDrill({ event, decision, stack: { log: quiet } });
  return result;
}

/** The isolation figures of one approve run in which every simulated AWS call takes CALL_LATENCY_MS. */
async function isolationRun(event: unknown): Promise<IsolationFigures> {
  const { stack } = await runDrill({
    event,
    decision: 'approve',
    stack: { log: quiet },
    prepare: (s) => {
      s.sim.faults.latency({ ms: CALL_LATENCY_MS });
    },
  });
  return isolationFigures(stack.sim.calls());
}

function processRun(): number {
  const started = performance.now();
  const child = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/tsx/dist/cli.mjs'),
      join(ROOT, 'local/cli/drill.ts'),
      '--event',
      HAPPY,
      '--json',
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } },
  );
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`drill process exited ${child.status}: ${child.stderr}`);
  const result = JSON.parse(child.stdout) as { status: string };
  if (result.status !== 'RESOLVED') throw new Error(`drill process ended ${result.status}`);
  return ms;
}

async function main(): Promise<void> {
  const happy = load(HAPPY);
  await once(happy, 'approve'); // warm-up: module loading and JIT are not the drill
  const durations: number[] = [];
  let transitions = 0;
  let status = '';
  for (let i = 0; i < RUNS; i++) {
    const result = await once(happy, 'approve');
    durations.push(result.durationMs);
    transitions = result.transitions;
    status = result.status;
  }
  durations.sort((a, b) => a - b);

  const isolationRuns: IsolationFigures[] = [];
  for (let i = 0; i < ISOLATION_RUNS; i++) isolationRuns.push(await isolationRun(happy));
  const isolation = isolationRuns.reduce((a, b) =>
    b.sequentialDepthBeforeIsolation > a.sequentialDepthBeforeIsolation ? b : a,
  );

  const paths: Record<string, { status: string; transitions: number; durationMs: number }> = {};
  const cases: [string, string, DrillDecision][] = [
    ['ec2-reject', 'ec2-high-web1.json', 'reject'],
    ['ec2-timeout', 'ec2-high-web1.json', 'timeout'],
    ['iam-approve', 'iam-high-ci-deployer.json', 'approve'],
    ['s3-approve', 's3-high-public-assets.json', 'approve'],
  ];
  for (const [name, sample, decision] of cases) {
    const result = await once(load(join(SAMPLES, sample)), decision);
    paths[name] = {
      status: result.status,
      transitions: result.transitions,
      durationMs: round(result.durationMs, 0),
    };
  }

  const processMs = Array.from({ length: PROCESS_RUNS }, processRun);
  const out = {
    happyPath: 'ec2-high-web1.json, approve',
    status,
    transitions,
    transitionsBudget: TRANSITIONS_BUDGET,
    transitionsOk: transitions <= TRANSITIONS_BUDGET,
    runs: RUNS,
    drillP50Ms: round(percentile(durations, 50), 0),
    drillMaxMs: round(durations.at(-1) ?? Number.NaN, 0),
    drillBudgetMs: DRILL_BUDGET_MS,
    drillOk: (durations.at(-1) ?? Number.POSITIVE_INFINITY) < DRILL_BUDGET_MS,
    processMedianMs: round(median(processMs), 0),
    processMaxMs: round(Math.max(...processMs), 0),
    processOk: Math.max(...processMs) < DRILL_BUDGET_MS,
    callsBeforeIsolation: isolation.callsBeforeIsolation,
    sequentialDepthBeforeIsolation: isolation.sequentialDepthBeforeIsolation,
    sequentialDepthRuns: isolationRuns.map((r) => r.sequentialDepthBeforeIsolation),
    capturePollsBeforeIsolation: isolation.capturePollsBeforeIsolation,
    firstIsolatingCall: isolation.firstIsolatingCall,
    callLatencyMs: CALL_LATENCY_MS,
    depthBudget: DEPTH_BUDGET,
    depthOk:
      isolation.firstIsolatingCall !== undefined && isolation.sequentialDepthBeforeIsolation <= DEPTH_BUDGET,
    paths,
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  if (!out.transitionsOk || !out.drillOk || !out.depthOk) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
