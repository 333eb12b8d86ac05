import * as z from 'zod';
import { ValidationError } from '../../workflow/errors';

/** The one parser of `/ir` text. Everything downstream gets typed values. */
export const INSTANCE_ID_RE = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;
export const INCIDENT_ID_RE = /^inc-[0-9a-f]{16}$/;
const ACCOUNT_RE = /^\d{12}$/;
const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** The longest `/ir` text read at all: the longest valid command is well under it (a 500-character reason). */
export const MAX_COMMAND_CHARS = 700;
/** How much of a bad value an answer quotes. */
const QUOTE_CHARS = 40;

/** The start of what someone typed, for an error message: never the whole of a long value. */
function quote(value: string): string {
  return value.length <= QUOTE_CHARS ? value : `${value.slice(0, QUOTE_CHARS)}…`;
}

export const IsolateArgsSchema = z.object({
  instanceId: z
    .string()
    .regex(
      INSTANCE_ID_RE,
      'is not an EC2 instance id: expected `i-` and 8 or 17 lowercase hex characters, e.g. `i-0123456789abcdef0`',
    ),
  accountId: z
    .string()
    .regex(ACCOUNT_RE, 'is not an AWS account id: expected 12 digits, e.g. `account 123456789012`')
    .optional(),
  region: z.string().regex(REGION_RE, 'is not an AWS region name, e.g. `region eu-west-1`').optional(),
  reason: z.string().max(500, 'is too long: keep the reason under 500 characters').optional(),
  plan: z.boolean(),
});
export type IsolateArgs = z.infer<typeof IsolateArgsSchema>;

export type IrCommand =
  | ({ kind: 'isolate' } & IsolateArgs)
  | { kind: 'status'; incidentId: string }
  | { kind: 'status'; instanceId: string }
  | { kind: 'list' }
  | { kind: 'claim' | 'resolve' | 'release'; incidentId: string }
  | { kind: 'report'; target: ReportTarget }
  | { kind: 'stats'; window: StatsWindow }
  | { kind: 'help'; problem?: string };

/** What `/ir status` and `/ir report` look up: an incident id, or an instance id (its latest incident). */
export type ReportTarget = { incidentId: string } | { instanceId: string };
/** `/ir stats` windows. */
export const STATS_WINDOWS = ['7d', '30d'] as const;
export type StatsWindow = (typeof STATS_WINDOWS)[number];

const FIELD_NAMES: Record<string, string> = {
  instanceId: 'instance-id',
  accountId: 'account',
  region: 'region',
  reason: 'reason',
  plan: '--plan',
};

function parseIsolate(tokens: string[]): IrCommand {
  const raw: { instanceId?: string; accountId?: string; region?: string; reason?: string; plan: boolean } = {
    plan: false,
  };
  const rest = tokens.filter((t) => {
    if (t.toLowerCase() === '--plan') {
      raw.plan = true;
      return false;
    }
    return true;
  });
  const [instanceId, ...options] = rest;
  if (!instanceId) {
    throw new ValidationError(
      'missing the instance id: `/ir isolate <instance-id> [account <12 digits>] [region <name>] [reason …] [--plan]`',
      'instance-id',
    );
  }
  raw.instanceId = instanceId;
  for (let i = 0; i < options.length; i += 1) {
    const keyword = options[i]?.toLowerCase();
    if (keyword === 'reason') {
      raw.reason = options.slice(i + 1).join(' ');
      if (!raw.reason)
        throw new ValidationError(
          '`reason` needs some text after it, e.g. `reason beaconing to C2`',
          'reason',
        );
      break;
    }
    if (keyword === 'account' || keyword === 'region') {
      const value = options[i + 1];
      if (value === undefined) {
        throw new ValidationError(
          keyword === 'account'
            ? '`account` needs a value: `account 123456789012`'
            : '`region` needs a value: `region eu-west-1`',
          keyword,
        );
      }
      if (keyword === 'account') raw.accountId = value;
      else raw.region = value;
      i += 1;
      continue;
    }
    throw new ValidationError(
      `unexpected \`${quote(options[i] ?? '')}\`: after the instance id use \`account <12 digits>\`, \`region <name>\`, \`reason …\` or \`--plan\``,
      'arguments',
    );
  }
  const parsed = IsolateArgsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? 'arguments');
    const field = FIELD_NAMES[key] ?? key;
    const value = (raw as Record<string, unknown>)[key];
    throw new ValidationError(
      `${field} \`${quote(String(value))}\` ${issue?.message ?? 'is invalid'}`,
      field,
    );
  }
  return { kind: 'isolate', ...parsed.data };
}

function parseStatus(tokens: string[]): IrCommand {
  return { kind: 'status', ...parseTarget('status', tokens) };
}

function parseTarget(sub: 'status' | 'report', tokens: string[]): ReportTarget {
  const [target, ...extra] = tokens;
  if (!target) {
    throw new ValidationError(
      `missing what to look up: \`/ir ${sub} <incident-id | instance-id>\``,
      'target',
    );
  }
  if (extra.length) {
    throw new ValidationError(
      `unexpected \`${quote(extra.join(' '))}\`: \`/ir ${sub}\` takes one id`,
      'target',
    );
  }
  if (INCIDENT_ID_RE.test(target)) return { incidentId: target };
  if (INSTANCE_ID_RE.test(target)) return { instanceId: target };
  throw new ValidationError(
    `\`${quote(target)}\` is neither an incident id (\`inc-\` and 16 hex characters) nor an instance id (\`i-0123456789abcdef0\`)`,
    'target',
  );
}

/** `/ir stats [7d|30d]`: one optional window, 7d by default. */
function parseStats(tokens: string[]): IrCommand {
  const [window, ...extra] = tokens;
  if (extra.length) {
    throw new ValidationError(
      `unexpected \`${quote(extra.join(' '))}\`: \`/ir stats\` takes one window, \`7d\` or \`30d\``,
      'window',
    );
  }
  if (window === undefined) return { kind: 'stats', window: '7d' };
  const w = window.toLowerCase();
  if ((STATS_WINDOWS as readonly string[]).includes(w)) return { kind: 'stats', window: w as StatsWindow };
  throw new ValidationError(
    `\`${quote(window)}\` is not a window \`/ir stats\` knows: use \`7d\` (the default) or \`30d\``,
    'window',
  );
}

/** `/ir claim|resolve|release <incident-id>`: exactly one incident id. */
function parseIncidentArg(sub: 'claim' | 'resolve' | 'release', tokens: string[]): IrCommand {
  const [target, ...extra] = tokens;
  if (!target) {
    throw new ValidationError(`missing the incident id: \`/ir ${sub} <incident-id>\``, 'incident-id');
  }
  if (extra.length) {
    throw new ValidationError(
      `unexpected \`${quote(extra.join(' '))}\`: \`/ir ${sub}\` takes one incident id`,
      'incident-id',
    );
  }
  if (!INCIDENT_ID_RE.test(target)) {
    throw new ValidationError(
      `\`${quote(target)}\` is not an incident id: expected \`inc-\` and 16 hex characters (\`/ir list\` shows them)`,
      'incident-id',
    );
  }
  return { kind: sub, incidentId: target };
}

/**
 * Parses the text after `/ir`. Throws ValidationError (naming the field) for a recognised subcommand with
 * bad arguments; anything unrecognised is `help` with the problem stated.
 */
export function parseIrCommand(text: string): IrCommand {
  if (text.length > MAX_COMMAND_CHARS) {
    throw new ValidationError(
      `the command is too long (${text.length.toLocaleString('en-US')} characters; \`/ir\` reads at most ${MAX_COMMAND_CHARS}, a reason at most 500). Nothing was started.`,
      'text',
    );
  }
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  const [sub, ...args] = tokens;
  switch (sub?.toLowerCase()) {
    case 'isolate':
      return parseIsolate(args);
    case 'status':
      return parseStatus(args);
    case 'list':
      return { kind: 'list' };
    case 'report':
      return { kind: 'report', target: parseTarget('report', args) };
    case 'stats':
      return parseStats(args);
    case 'claim':
    case 'resolve':
    case 'release':
      return parseIncidentArg(sub.toLowerCase() as 'claim' | 'resolve' | 'release', args);
    case undefined:
    case 'help':
      return { kind: 'help' };
    default:
      return { kind: 'help', problem: `Unknown subcommand \`${quote(sub ?? '')}\`.` };
  }
}
