import { type FaultRow, runFaultMatrix } from './lib/faults';

/**
 * `npm run --silent bench:faults`: the fault matrix over the EC2 drill (issue 7, bench/lib/faults.ts). One JSON
 * line per fault on stdout, as each completes:
 * `{"fault","ok","diff":[…],"notes":[…],"retries","injected","stateRetries","ms"}` — `diff` lists every
 * difference from the fault-free run (empty when ok), `notes` the step summaries that read differently after a
 * re-run (informational), `retries` = `injected` (AWS faults, failed Slack calls, refused duplicate deliveries)
 * + `stateRetries` (the engine's StateRetried events). Then one summary line
 * `{"summary":true,"rows","ok","failed":[…],"wallMs"}`. Exit code 1 when any row is not ok. Logs are silenced.
 * `-- --only <text>` (repeatable) runs only the rows whose name contains the text.
 */
function parseOnly(argv: string[]): string[] {
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--only' && value) {
      only.push(value);
      i++;
    } else throw new Error(`unknown argument ${argv[i]} (only --only <text>)`);
  }
  return only;
}

async function main(): Promise<void> {
  const started = performance.now();
  const only = parseOnly(process.argv.slice(2));
  const rows: FaultRow[] = await runFaultMatrix({
    only,
    onRow: (row) => process.stdout.write(`${JSON.stringify(row)}\n`),
  });
  const failed = rows.filter((r) => !r.ok).map((r) => r.fault);
  const summary = {
    summary: true,
    rows: rows.length,
    ok: rows.length - failed.length,
    failed,
    wallMs: Math.round(performance.now() - started),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  if (failed.length || rows.length === 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
