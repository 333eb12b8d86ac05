import { z } from 'zod';
import {
  type RoutingPolicy,
  RoutingPolicySchema,
  ScopeSchema,
  type SlackSettings,
  SlackSettingsSchema,
  WorkflowSettingsSchema,
} from '../../workflow/config';
import { type TicketSettings, TicketSettingsSchema } from '../../workflow/ticket-sinks/settings';

/**
 * Airlock's deploy-time configuration: `cdk.json` context (or `-c key=value`), validated with zod.
 * Context values arrive as strings from `-c`, or as JSON values from cdk.json: both are accepted
 * (lists as arrays or comma-separated strings; "" counts as unset). Defaults reuse workflow/config.ts.
 */

type Raw = Record<string, unknown>;

const unset = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const toStr = (v: unknown) => (unset(v) ? undefined : typeof v === 'string' ? v.trim() : v);
const toNum = (v: unknown) => (unset(v) ? undefined : typeof v === 'string' ? Number(v) : v);
const toBool = (v: unknown) => {
  if (unset(v)) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return v;
};
const toList = (v: unknown) => {
  if (unset(v)) return undefined;
  if (typeof v === 'string')
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return v;
};

const str = <T extends z.ZodType>(schema: T) => z.preprocess(toStr, schema);
const num = <T extends z.ZodType>(schema: T) => z.preprocess(toNum, schema);
const bool = <T extends z.ZodType>(schema: T) => z.preprocess(toBool, schema);
const list = <T extends z.ZodType>(schema: T) => z.preprocess(toList, schema);
/** An object given as JSON: `-c tickets='{"sink":"jira",…}'`, or an object in cdk.json. */
const toJson = (v: unknown) => {
  if (unset(v)) return undefined;
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};

/**
 * The ticket sink (workflow/ticket-sinks/settings.ts), checked at deploy time: a deployed Jira site is https only
 * (the schema also admits a local fake's http://127.0.0.1 for drills).
 */
const TicketsContextSchema = z.preprocess(
  toJson,
  // The schema refuses other http:// URLs itself: only the local fake's address is left to refuse here.
  TicketSettingsSchema.refine(
    (t) => t.sink !== 'jira' || !/^http:\/\/(127\.0\.0\.1|localhost)/.test(t.jira.baseUrl),
    {
      message: 'jira.baseUrl must be https:// (your Jira Cloud site, e.g. https://your-site.atlassian.net)',
      path: ['jira', 'baseUrl'],
    },
  ),
);

const ACCOUNT_ID = /^\d{12}$/;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const W = WorkflowSettingsSchema.shape;
/** The shape workflow/config.ts checks at run time, repeated here for the deploy-time message. */
const PAGING_SECRET_ARN =
  /^arn:aws[a-z-]*:secretsmanager:[a-z]{2}(-[a-z]+)+-\d:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const PAGING_SECRET_ARN_MESSAGE =
  'a Secrets Manager secret ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 characters>)';
const R = RoutingPolicySchema.shape;
const S = SlackSettingsSchema.shape;

/** Context keys the IR stack cannot be deployed without. */
export const REQUIRED_CONTEXT = [
  'socChannelId',
  'reviewChannelId',
  'socLeadUserId',
  'slackBotId',
  'slackBotUserId',
] as const;

/** Every context key AirlockStack reads, with its default (the cdk.json `context` mirrors this). */
export const AirlockContextSchema = z.object({
  /** Slack channel id (C…/G…) where incidents are announced and approved. Required. */
  socChannelId: str(z.string().regex(CHANNEL_ID, 'a Slack channel id (C… or G…)')),
  /** Slack channel id for review notices (medium severity). Required. */
  reviewChannelId: str(z.string().regex(CHANNEL_ID, 'a Slack channel id (C… or G…)')),
  /** Slack user id (U…/W…) of the SOC lead: escalation target. Required. */
  socLeadUserId: str(z.string().regex(USER_ID, 'a Slack user id (U… or W…)')),
  /** Slack user ids allowed to approve. @default [] */
  responderUserIds: list(z.array(z.string().regex(USER_ID, 'Slack user ids (U… or W…)')).default([])),
  /** Slack user group (S…) of responders (paid plans). @default none */
  responderGroupId: str(S.responderGroupId),
  /** The requester of `/ir isolate` may not approve it. @default true */
  fourEyes: bool(S.fourEyes),
  /** The Slack app's bot id (B…), from `auth.test`: avoids an auth.test call per cold start. Required. */
  slackBotId: str(z.string().regex(/^B[A-Z0-9]{2,}$/, 'a Slack bot id (B…)')),
  /** The Slack app's bot user id (U…), from `auth.test`. Required. */
  slackBotUserId: str(z.string().regex(USER_ID, 'a Slack user id (U… or W…)')),
  /** The Slack workspace id (T…) requests must come from. @default none: not checked (the bot warns at cold start) */
  slackTeamId: str(
    z
      .string()
      .regex(/^T[A-Z0-9]{2,}$/, 'a Slack team id (T…)')
      .optional(),
  ),
  /** The Slack app id (A…) requests must come from. @default none: not checked (the bot warns at cold start) */
  slackAppId: str(
    z
      .string()
      .regex(/^A[A-Z0-9]{2,}$/, 'a Slack app id (A…)')
      .optional(),
  ),

  /** @default 14400 (4 h) */
  approvalTimeoutSeconds: num(W.approvalTimeoutSeconds),
  /** @default 14400 (4 h) */
  escalationTimeoutSeconds: num(W.escalationTimeoutSeconds),
  /** Upper bound on volatile evidence capture. @default 120 */
  captureBoundSeconds: num(W.captureBoundSeconds),
  /** 'no-egress' | 'ssm-endpoints'. @default 'no-egress' */
  isolationMode: str(W.isolationMode),
  /** @default 4 */
  /** @default false */
  memoryCapture: bool(W.memoryCapture),
  /** @default false */
  revokeWholeRoleSessions: bool(W.revokeWholeRoleSessions),
  /**
   * Evidence snapshot custody: 'lock' (EBS snapshot lock), 'copy' (a copy in this IR account, encrypted with the
   * evidence key) or 'none'. Restore never unlocks or deletes evidence. @default 'lock'
   */
  snapshotCustody: str(W.snapshotCustody),

  /** @default 7 */
  containMinSeverity: num(R.containMinSeverity),
  /** @default 4 (also the EventBridge severity filter) */
  reviewMinSeverity: num(R.reviewMinSeverity),
  /** @default false */
  allowSampleFindings: bool(R.allowSampleFindings),
  /** Resources with this tag are never contained without asking. @default 'airlock:protected' */
  protectedTagKey: str(z.string().default('airlock:protected')),
  /** @default 'true' */
  protectedTagValue: str(z.string().default('true')),

  /** Member accounts Airlock may act in (they run AirlockResponderStack). @default [] (home account only) */
  allowedAccountIds: list(ScopeSchema.shape.allowedAccountIds),
  /** Regions Airlock may act in (`aws:RequestedRegion`). @default [] (any region) */
  allowedRegions: list(z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'AWS region names')).default([])),
  /** @default 'AirlockResponder' */
  responderRoleName: str(ScopeSchema.shape.responderRoleName),

  /** Object Lock default retention of evidence. @default 365 */
  evidenceRetentionDays: num(z.number().int().min(1).default(365)),
  /** @default 'GOVERNANCE' */
  evidenceLockMode: str(z.enum(['GOVERNANCE', 'COMPLIANCE']).default('GOVERNANCE')),
  /** Evidence moves to Glacier Instant Retrieval after this many days. @default 30 */
  evidenceColdAfterDays: num(z.number().int().min(1).default(30)),
  /** @default 'airlock-evidence-<account id>-<region>' */
  evidenceBucketName: str(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
      .optional(),
  ),

  /** Instance profile attached in place of the workload profile. @default 'airlock-forensic' */
  forensicInstanceProfileName: str(W.forensicInstanceProfileName),
  /** Prefix of Airlock's IAM role names (`<prefix>-<Task>`); the responder role trusts these names. @default 'Airlock' */
  namePrefix: str(
    z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{0,19}$/)
      .default('Airlock'),
  ),
  /** Fixed so IAM policies can name it without a dependency cycle. @default 'Airlock' */
  stateMachineName: str(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,80}$/)
      .default('Airlock'),
  ),

  /** @default 'info' */
  logLevel: str(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info')),
  /** CloudWatch Logs retention for every log group. @default 365 */
  logRetentionDays: num(
    z
      .number()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), 'a CloudWatch Logs retention')
      .default(365),
  ),
  /** @default 512 */
  lambdaMemoryMb: num(z.number().int().min(128).max(10240).default(512)),
  /** Subscribed to the alarm topic when set. @default none */
  alarmEmail: str(z.email().optional()),
  /** Slack endpoint stage throttling (requests per second). @default 20 */
  apiRateLimit: num(z.number().min(1).default(20)),
  /** @default 40 */
  apiBurstLimit: num(z.number().int().min(1).default(40)),
  /** EventBridge archive of finding events. @default 365 */
  eventArchiveRetentionDays: num(z.number().int().min(1).default(365)),
  /** Security Hub rule + "Airlock: contain" custom action (needs Security Hub enabled). @default true */
  securityHub: bool(z.boolean().default(true)),
  /**
   * Bundle the AWS SDK v3 into every function (the version the tests ran) rather than use the runtime's copy.
   * `false` makes bundles ~10x smaller and synth faster. @default true
   */
  bundleAwsSdk: bool(z.boolean().default(true)),
  /**
   * DynamoDB TTL attribute of the ledger. Only items that carry it expire: the bot's replay nonces
   * (workflow/ledger/request-nonces.ts); incidents and their audit trail never do. @default 'ttl'
   */
  ledgerTtlAttribute: str(z.string().default('ttl')),
  /**
   * Where incident tickets go: `{"sink": "ledger"}` (the ledger itself) or `{"sink": "jira", "jira": {"baseUrl",
   * "projectKey", "issueType", "statuses", "severity"}}`; credentials in the ticket secret (docs/DEPLOY.md,
   * Tickets). @default {"sink": "ledger"}
   */
  tickets: TicketsContextSchema,

  // --- Paging the on-call (PagerDuty Events API v2; docs/DEPLOY.md "Paging (PagerDuty)")
  /**
   * The complete ARN of a Secrets Manager secret in this (IR) account holding the Events API v2 integration key
   * (the bare key, or {"routingKey": "…"}). Only the Page function may read it. @default none: paging off
   */
  pagerDutyRoutingKeySecretArn: str(
    z
      .string()
      .regex(
        /-[A-Za-z0-9]{6}$/,
        'the complete secret ARN, ending in the six characters Secrets Manager appends to the name',
      )
      .pipe(z.string().regex(PAGING_SECRET_ARN, PAGING_SECRET_ARN_MESSAGE))
      .optional(),
  ),
  /** https://events.pagerduty.com, or https://events.eu.pagerduty.com for PagerDuty's EU service region. */
  pagerDutyEventsUrl: str(
    z
      .url({
        protocol: /^https$/,
        error: 'an https URL (https://events.pagerduty.com or https://events.eu.pagerduty.com)',
      })
      .default('https://events.pagerduty.com'),
  ),
  /** `https://<workspace>.slack.com`: pages link to the incident's Slack thread. @default none: channel and ts only */
  slackWorkspaceUrl: str(
    z
      .url({ protocol: /^https$/, hostname: /\.slack\.com$/, error: 'https://<workspace>.slack.com' })
      .optional(),
  ),
});
export type AirlockContext = z.infer<typeof AirlockContextSchema>;

/** What AirlockStack builds from. */
export interface AirlockConfig {
  slack: SlackSettings;
  slackBot: { botId: string; botUserId: string; teamId?: string; appId?: string };
  routing: RoutingPolicy;
  tickets: TicketSettings;
  context: AirlockContext;
}

function formatIssues(error: z.ZodError, skip: readonly string[] = []): string[] {
  return error.issues
    .map((issue) => ({
      // Nested settings (tickets) name the exact field: one clear error per problem.
      key: issue.path[0] === 'tickets' ? issue.path.join('.') : String(issue.path[0] ?? '?'),
      message: issue.message,
    }))
    .filter(({ key }) => !skip.includes(key.split('.')[0] ?? key))
    .map(({ key, message }) => `airlock: context value '${key}' is invalid: ${message}`);
}

/** Validation without throwing: the app reports every problem at once. */
export function checkAirlockContext(raw: Raw): { config: AirlockConfig } | { errors: string[] } {
  const missing: string[] = REQUIRED_CONTEXT.filter((key) => unset(raw[key]));
  const parsed = AirlockContextSchema.safeParse(raw);
  if (missing.length || !parsed.success) {
    return {
      errors: [
        ...missing.map((key) => `airlock: context value '${key}' is required`),
        ...(parsed.success ? [] : formatIssues(parsed.error, missing)),
      ],
    };
  }
  const c = parsed.data;
  const slack = SlackSettingsSchema.parse({
    socChannel: c.socChannelId,
    reviewChannel: c.reviewChannelId,
    socLeadUserId: c.socLeadUserId,
    responderUserIds: c.responderUserIds,
    ...(c.responderGroupId ? { responderGroupId: c.responderGroupId } : {}),
    fourEyes: c.fourEyes,
  });
  const routing = RoutingPolicySchema.parse({
    containMinSeverity: c.containMinSeverity,
    reviewMinSeverity: c.reviewMinSeverity,
    allowSampleFindings: c.allowSampleFindings,
    protectedTag: { key: c.protectedTagKey, value: c.protectedTagValue },
  });
  const secretAccount = c.pagerDutyRoutingKeySecretArn?.split(':')[4];
  if (
    secretAccount &&
    typeof raw.irAccountId === 'string' &&
    raw.irAccountId &&
    secretAccount !== raw.irAccountId
  ) {
    return {
      errors: [
        `airlock: context value 'pagerDutyRoutingKeySecretArn' is invalid: the secret is in account ${secretAccount}, not in Airlock's own account ${raw.irAccountId} (irAccountId)`,
      ],
    };
  }
  if (routing.reviewMinSeverity > routing.containMinSeverity) {
    return {
      errors: [
        `airlock: context value 'reviewMinSeverity' is invalid: must not exceed containMinSeverity (${routing.containMinSeverity})`,
      ],
    };
  }
  return {
    config: {
      slack,
      slackBot: {
        botId: c.slackBotId,
        botUserId: c.slackBotUserId,
        ...(c.slackTeamId ? { teamId: c.slackTeamId } : {}),
        ...(c.slackAppId ? { appId: c.slackAppId } : {}),
      },
      routing,
      tickets: c.tickets,
      context: c,
    },
  };
}

/** Throws one Error listing every problem (programmatic use and tests). */
export function parseAirlockContext(raw: Raw): AirlockConfig {
  const result = checkAirlockContext(raw);
  if ('errors' in result) throw new Error(result.errors.join('\n'));
  return result.config;
}

/** Context of the member-account responder stack. */
export const ResponderContextSchema = z.object({
  /** The Airlock (IR) account. @default none: the `IrAccountId` parameter must then be given (StackSets). */
  irAccountId: str(z.string().regex(ACCOUNT_ID, 'a 12-digit account id').optional()),
  /** The region of AirlockStack. @default none: the `IrRegion` parameter must then be given (StackSets). */
  irRegion: str(
    z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region name')
      .optional(),
  ),
  /** Forward this region's findings to the IR bus (false when the IR account is delegated admin). @default true */
  forwardFindings: bool(z.boolean().default(true)),
  protectedTagKey: AirlockContextSchema.shape.protectedTagKey,
  protectedTagValue: AirlockContextSchema.shape.protectedTagValue,
  responderRoleName: AirlockContextSchema.shape.responderRoleName,
  namePrefix: AirlockContextSchema.shape.namePrefix,
  forensicInstanceProfileName: AirlockContextSchema.shape.forensicInstanceProfileName,
  allowedRegions: AirlockContextSchema.shape.allowedRegions,
});
export type ResponderContext = z.infer<typeof ResponderContextSchema>;

export function parseResponderContext(raw: Raw): ResponderContext {
  const parsed = ResponderContextSchema.safeParse(raw);
  if (!parsed.success) throw new Error(formatIssues(parsed.error).join('\n'));
  return parsed.data;
}

/** Every key either schema reads: the app collects exactly these from the CDK context. */
export const CONTEXT_KEYS: readonly string[] = [
  ...new Set([...Object.keys(AirlockContextSchema.shape), ...Object.keys(ResponderContextSchema.shape)]),
];

/** Reads the known keys from a construct node's context (cdk.json + `-c`). */
export function readContext(tryGetContext: (key: string) => unknown): Raw {
  return Object.fromEntries(CONTEXT_KEYS.map((key) => [key, tryGetContext(key)]));
}
