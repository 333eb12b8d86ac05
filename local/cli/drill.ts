/**
 * `npm run --silent drill -- --event FILE [--estate FILE] [--decision approve|reject|timeout|none] [--json]`
 * Runs one incident end to end, offline: the real definition on the local engine, the real task code on a
 * simulated account, the real bot answering signed Slack requests. The account is the estate file given with
 * --estate (local/sim/README.md, "Estate file"), or the demo estate `npm start` shows. A bad estate file exits 2
 * with every problem and its JSON path.
 */
import { readFileSync } from 'node:fs';
import { ValidationError } from '../../workflow/errors';
import { createLogger } from '../../workflow/log';
import { type DrillDecision, runDrill } from '../runtime/drill';
import { type EstateFile, EstateFileError, type EstateIssue, loadEstateFile } from '../sim/estate-file';

const DECISIONS = ['approve', 'reject', 'timeout', 'none'] as const;

function fail(message: string, field: string, issues?: EstateIssue[]): never {
  process.stdout.write(`${JSON.stringify({ error: { message, field, ...(issues ? { issues } : {}) } })}\n`);
  process.exit(2);
}

interface Args {
  event: string;
  estate?: string;
  decision: DrillDecision;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  let event: string | undefined;
  let estate: string | undefined;
  let decision: DrillDecision = 'approve';
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--event') event = argv[++i];
    else if (arg === '--estate') {
      estate = argv[++i];
      if (!estate) fail('--estate needs a FILE', 'estate');
    } else if (arg === '--decision') {
      const value = argv[++i];
      if (!DECISIONS.includes(value as DrillDecision))
        fail(`--decision must be one of ${DECISIONS.join(', ')} (got ${value ?? 'nothing'})`, 'decision');
      decision = value as DrillDecision;
    } else fail(`unknown argument ${arg}`, 'argv');
  }
  if (!event) fail('--event FILE is required', 'event');
  return { event, decision, json, ...(estate ? { estate } : {}) };
}

function estateOf(path: string | undefined): EstateFile | undefined {
  if (!path) return undefined;
  try {
    return loadEstateFile(path);
  } catch (error) {
    if (error instanceof EstateFileError) fail(error.message, 'estate', error.issues);
    throw error;
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const estate = estateOf(args.estate);
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
      ...(estate ? { estate } : {}),
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
          `estate:      ${args.estate ?? 'demo'}${result.seededFromEvent ? ' (+ what the event names, seeded from the event)' : ''}`,
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
