import * as z from 'zod';
import { RouteSchema } from './intake/types';

/** Routing policy: typed, with the runbook's defaults. */
export const RoutingPolicySchema = z.object({
  /** severity ≥ this and resource role TARGET → contain */
  containMinSeverity: z.number().default(7),
  /** severity ≥ this (and below contain) → review notice */
  reviewMinSeverity: z.number().default(4),
  /** Sample findings are ignored unless this is set (drills set it). */
  allowSampleFindings: z.boolean().default(false),
  /** First match wins. Pattern: finding type with `*` wildcards, e.g. `Recon:EC2/*`. */
  overrides: z
    .array(z.object({ pattern: z.string(), route: RouteSchema }))
    .default([{ pattern: 'Recon:EC2/*', route: 'notify' }]),
  /** A resource carrying this tag is never contained automatically: ask first. */
  protectedTag: z
    .object({ key: z.string(), value: z.string() })
    .default({ key: 'airlock:protected', value: 'true' }),
});
export type RoutingPolicy = z.infer<typeof RoutingPolicySchema>;

/** Settings the workflow reads from its execution input (`$.config`), so every run is reproducible. */
export const WorkflowSettingsSchema = z.object({
  approvalTimeoutSeconds: z
    .number()
    .int()
    .min(1)
    .default(4 * 3600),
  escalationTimeoutSeconds: z
    .number()
    .int()
    .min(1)
    .default(4 * 3600),
  captureBoundSeconds: z.number().int().min(1).default(120),
  /** After the last timer (ESCALATED_UNRESOLVED), the SOC lead is re-paged by DM this often while nobody acts. */
  leadReminderSeconds: z.number().int().min(60).default(3600),
  /** At most this many re-pages (0 = none); the incident stays listed by `/ir list` either way. */
  leadReminderMax: z.number().int().min(0).max(100).default(8),
  /** 'no-egress': the isolation SG has no rules. 'ssm-endpoints': 443 egress to the VPC's SSM/S3 endpoints only. */
  isolationMode: z.enum(['no-egress', 'ssm-endpoints']).default('no-egress'),
  /**
   * Memory capture is refused: AVML's documented use is `avml [--url <url>] <filename>`, i.e. it writes the image
   * to a file on the instance before any upload, which would overwrite unallocated blocks of the evidence volume
   * before its snapshot is taken, and a single presigned PUT cannot take a stream of unknown length.
   */
  memoryCapture: z
    .boolean()
    .default(false)
    .refine((on) => !on, {
      message:
        'memoryCapture is not supported: AVML writes the memory image to the instance disk before uploading, which overwrites unallocated blocks of the evidence volume before it is snapshotted',
    }),
  revokeWholeRoleSessions: z.boolean().default(false),
  evidenceBucket: z.string().default('airlock-evidence'),
  /** Instance profile with SSM-only permissions, attached in place of the workload profile. */
  forensicInstanceProfileName: z.string().default('airlock-forensic'),
  /**
   * Custody of evidence snapshots. `lock` (default): EBS snapshot lock in `snapshotLockMode` for
   * `evidenceRetentionDays`, so nobody with ec2:DeleteSnapshot in the workload account can remove them;
   * `copy`: each is shared with the IR account (`snapshotCopyAccountId`) and copied there, encrypted with the IR
   * account's key (`snapshotCopyKmsKeyId`), tagged with the incident; `none`: left as they are.
   * Restore never unlocks or deletes evidence (nor a copy).
   */
  snapshotCustody: z.enum(['lock', 'copy', 'none']).default('lock'),
  /** custody `copy`: the IR account that receives the copies (Airlock's own account in a standard deployment). */
  snapshotCopyAccountId: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  /** custody `copy`: the IR account's KMS key (id, ARN or alias) in the finding's region, for the copies. */
  snapshotCopyKmsKeyId: z.string().min(1).optional(),
  /** governance (default): unlockable by who holds ec2:UnlockSnapshot; compliance: nobody, after the cool-off. */
  snapshotLockMode: z.enum(['governance', 'compliance']).default('governance'),
  /** Days evidence snapshots stay locked (EBS allows 1–36,500). */
  evidenceRetentionDays: z.number().int().min(1).max(36_500).default(90),
  /**
   * Object Lock retention of each incident report (WriteReport, and `/ir report` regenerating one): the evidence
   * bucket's default retention and mode, so a report is held as long as the evidence it describes.
   */
  reportRetentionDays: z.number().int().min(1).max(36_500).default(365),
  reportLockMode: z.enum(['GOVERNANCE', 'COMPLIANCE']).default('GOVERNANCE'),
});
export type WorkflowSettings = z.infer<typeof WorkflowSettingsSchema>;

/** Who may act in Slack, and where Airlock speaks. */
export const SlackSettingsSchema = z.object({
  socChannel: z.string(),
  reviewChannel: z.string(),
  socLeadUserId: z.string(),
  responderUserIds: z.array(z.string()).default([]),
  /** Slack user group of responders (needs a paid plan); optional. */
  responderGroupId: z.string().optional(),
  /** The requester of an /ir isolate may not approve their own request. */
  fourEyes: z.boolean().default(true),
  /** The Slack workspace (team_id) and app (api_app_id) this deployment serves: requests from others are refused. */
  teamId: z.string().optional(),
  appId: z.string().optional(),
});
export type SlackSettings = z.infer<typeof SlackSettingsSchema>;

/** Accounts and regions Airlock may act in. Empty = the home account only. */
export const ScopeSchema = z.object({
  homeAccountId: z.string().regex(/^\d{12}$/),
  allowedAccountIds: z.array(z.string().regex(/^\d{12}$/)).default([]),
  allowedRegions: z.array(z.string()).default([]),
  responderRoleName: z.string().default('AirlockResponder'),
});
export type Scope = z.infer<typeof ScopeSchema>;

/**
 * Paging the on-call through PagerDuty's Events API v2 (workflow/paging/). Off unless a routing key secret is set.
 * The secret (in Airlock's own account) holds the Events v2 integration key: the bare 32 characters, or
 * `{"routingKey": "…"}`. Its value cannot be checked at deploy time, only its ARN; a malformed key fails the first
 * page with one clear error (PagingConfigError) in the thread and the Page function's error alarm.
 */
export const PagingSettingsSchema = z.object({
  routingKeySecretArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:secretsmanager:[a-z]{2}(-[a-z]+)+-\d:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/,
      'a Secrets Manager secret ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>)',
    )
    .optional(),
  /** https://events.pagerduty.com, or https://events.eu.pagerduty.com for accounts in PagerDuty's EU region. */
  eventsUrl: z.string().default('https://events.pagerduty.com'),
  /** `https://<workspace>.slack.com`: with it, each page links to the incident's Slack thread. */
  slackWorkspaceUrl: z.string().optional(),
});
export type PagingSettings = z.infer<typeof PagingSettingsSchema>;
