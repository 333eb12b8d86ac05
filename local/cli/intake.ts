/**
 * `npm run --silent intake -- FILE [--allow-samples]`: normalizes and routes one event or finding JSON file with
 * the default routing policy, and prints ONE JSON object to stdout:
 * `{route, reason, findingId, dedupeKey, resource, incidentId, type, severity, accountId, region, source}` (exit 0),
 * or `{"error": {"message", "field"}}` (exit 2) for unreadable files, bad JSON and invalid input.
 * Nothing is recorded and nothing is started: it answers "what would Airlock do with this?".
 */
import { readFileSync } from 'node:fs';
import { RoutingPolicySchema } from '../../workflow/config';
import { incidentIdFor } from '../../workflow/intake/ids';
import { type NormalizeResult, normalize } from '../../workflow/intake/normalize';
import { route } from '../../workflow/intake/route';

export interface IntakeCliOutput {
  route: string;
  reason: string;
  findingId: string | null;
  dedupeKey: string | null;
  resource: unknown;
  incidentId: string | null;
  type: string | null;
  severity: unknown;
  accountId: string | null;
  region: string | null;
  source: string | null;
}

export type CliAnswer =
  | { exitCode: 0; body: IntakeCliOutput }
  | { exitCode: 2; body: { error: { message: string; field: string } } };

const USAGE = 'usage: npm run --silent intake -- FILE [--allow-samples]';

/** The CLI without process I/O: argv (after the script name) → exit code and the JSON body. */
export function runIntakeCli(
  argv: readonly string[],
  readText: (path: string) => string = readUtf8,
): CliAnswer {
  const allowSamples = argv.includes('--allow-samples');
  const unknownFlags = argv.filter((a) => a.startsWith('--') && a !== '--allow-samples');
  const files = argv.filter((a) => !a.startsWith('--'));
  if (unknownFlags.length > 0) return fail(`unknown option ${unknownFlags[0]}; ${USAGE}`, 'argv');
  if (files.length !== 1) return fail(`expected exactly one FILE; ${USAGE}`, 'file');
  const file = files[0] as string;
  let text: string;
  try {
    text = readText(file);
  } catch (error) {
    return fail(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, 'file');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return fail(
      `${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      '(json)',
    );
  }
  return answer(normalize(raw), allowSamples);
}

function answer(result: NormalizeResult, allowSamples: boolean): CliAnswer {
  if (result.status === 'invalid') return fail(result.error.message, result.error.field);
  if (result.status === 'not-actionable') {
    return {
      exitCode: 0,
      body: {
        route: 'ignore',
        reason: result.reason,
        findingId: result.findingId ?? null,
        dedupeKey: null,
        resource: null,
        incidentId: null,
        type: null,
        severity: null,
        accountId: result.accountId ?? null,
        region: result.region ?? null,
        source: result.source,
      },
    };
  }
  const { request } = result;
  const decision = route(request, RoutingPolicySchema.parse({ allowSampleFindings: allowSamples }));
  return {
    exitCode: 0,
    body: {
      route: decision.route,
      reason: decision.reason,
      findingId: request.findingId,
      dedupeKey: request.dedupeKey,
      resource: request.resource,
      incidentId: incidentIdFor(request.dedupeKey),
      type: request.type,
      severity: request.severity,
      accountId: request.accountId,
      region: request.region,
      source: request.source,
    },
  };
}

function fail(message: string, field: string): CliAnswer {
  return { exitCode: 2, body: { error: { message, field } } };
}

function readUtf8(path: string): string {
  return readFileSync(path, 'utf8');
}

if (require.main === module) {
  const { exitCode, body } = runIntakeCli(process.argv.slice(2));
  process.stdout.write(`${JSON.stringify(body)}\n`);
  process.exitCode = exitCode;
}
