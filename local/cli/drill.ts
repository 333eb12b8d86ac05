/**
 * `npm run --silent drill -- --event FILE [--decision approve|reject|timeout|none] [--json]`
 * Runs one incident end to end, offline: the real definition on the local engine, the real task code on a
 * simulated account seeded from the event's resource, the real bot answering signed Slack requests.
 */
import { readFileSync } from 'node:fs';
import { ValidationError } from '../../workflow/errors';
import { createLogger } from '../../workflow/log';
import { type DrillDecision, runDrill } from '../runtime/drill';

const DECISIONS = ['approve', 'reject', 'timeout', 'none'] as const;

function fail(message: string, field: string): never {
  process.stdout.write(`${JSON.stringify({ error: { message, field } })}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): { event: string; decision: DrillDecision; json: boolean } {
  let event: string | undefined;
  let decision: DrillDecision = 'approve';
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--event') event = argv[++i];
    else if (arg === '--decision') {
      const value = argv[++i];
      if (!DECISIONS.includes(value as DrillDecision))
        fail(`--decision must be one of ${DECISIONS.join(', ')} (got ${value ?? 'nothing'})`, 'decision');
      decision = value as DrillDecision;
    } else fail(`unknown argument ${arg}`, 'argv');
  }
  if (!event) fail('--event FILE is required', 'event');
  return { event, decision, json };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(args.event, 'utf8'));
  } catch (error) {
    fail(`cannot read ${args.event} as JSON: ${(error as Error).message}`, 'event');
  }
  try {
    const { stack: _stack, ...result } = await runDrill({
      event: raw,
      decision: args.decision,
      // stdout carries the result; logs go to stderr, warnings and worse unless LOG_LEVEL says otherwise.
      stack: {
        log: createLogger('airlock-drill', { level: process.env.LOG_LEVEL ?? 'warn' }, process.stderr),
      },
    });
    if (args.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      process.stdout.write(
        [
          `route:       ${result.route} (${result.reason})`,
          `incident:    ${result.incidentId ?? '-'}  status ${result.status}  execution ${result.executionStatus ?? '-'}`,
          `states:      ${result.statesVisited.join(' → ')}`,
          `AWS calls:   ${result.actions.length} (${result.actions.filter((a) => !/^(Describe|Get|List|Head)/.test(a.operation)).length} changes)`,
          `Slack calls: ${result.slack.length}`,
          `transitions: ${result.transitions}   duration: ${result.durationMs.toFixed(0)} ms`,
          '',
        ].join('\n'),
      );
    }
    process.exit(0);
  } catch (error) {
    if (error instanceof ValidationError) fail(error.message, error.field);
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `drill failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
