import { runStorm } from './lib/storm';

/**
 * `npm run --silent bench:storm`: 1,000 GuardDuty events over 20 instances (30 % repeats, mixed severities)
 * through the offline stack, approvals left pending. One JSON object on stdout; logs are silenced.
 */
async function main(): Promise<void> {
  const result = await runStorm({
    events: 1000,
    instances: 20,
    repeatFraction: 0.3,
    invalidFraction: 0.01,
    seed: 7,
    settleTimeoutMs: 420_000,
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
