import { type SlackSettings, SlackSettingsSchema } from '../workflow/config';

export type Env = Record<string, string | undefined>;

/** A required environment variable; a missing one fails with its name. */
export function requiredEnv(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * SlackSettings from the environment CDK sets: SLACK_SOC_CHANNEL, SLACK_REVIEW_CHANNEL, SLACK_SOC_LEAD_USER_ID,
 * SLACK_RESPONDER_USER_IDS (comma-separated), SLACK_RESPONDER_GROUP_ID (optional), SLACK_FOUR_EYES (default true),
 * SLACK_TEAM_ID and SLACK_APP_ID (the workspace and app requests must come from).
 */
export function slackSettingsFromEnv(env: Env): SlackSettings {
  return SlackSettingsSchema.parse({
    socChannel: requiredEnv(env, 'SLACK_SOC_CHANNEL'),
    reviewChannel: requiredEnv(env, 'SLACK_REVIEW_CHANNEL'),
    socLeadUserId: requiredEnv(env, 'SLACK_SOC_LEAD_USER_ID'),
    responderUserIds: list(env.SLACK_RESPONDER_USER_IDS),
    ...(env.SLACK_RESPONDER_GROUP_ID ? { responderGroupId: env.SLACK_RESPONDER_GROUP_ID } : {}),
    fourEyes: env.SLACK_FOUR_EYES === undefined ? true : env.SLACK_FOUR_EYES !== 'false',
    ...(env.SLACK_TEAM_ID ? { teamId: env.SLACK_TEAM_ID } : {}),
    ...(env.SLACK_APP_ID ? { appId: env.SLACK_APP_ID } : {}),
  });
}

/**
 * Where the incident reports are (EVIDENCE_BUCKET) and how long a regenerated one is locked
 * (REPORT_RETENTION_DAYS, whole days ≥ 1; REPORT_LOCK_MODE, default GOVERNANCE). Undefined when EVIDENCE_BUCKET is unset (reports not configured);
 * a bucket without a valid retention fails with the variable's name.
 */
export function reportSettingsFromEnv(
  env: Env,
): { evidenceBucket: string; retentionDays: number } | undefined {
  if (!env.EVIDENCE_BUCKET) return undefined;
  const raw = requiredEnv(env, 'REPORT_RETENTION_DAYS');
  const retentionDays = Number(raw);
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new Error(
      `environment variable REPORT_RETENTION_DAYS must be a whole number of days ≥ 1, not ${raw}`,
    );
  }
  const mode = env.REPORT_LOCK_MODE;
  if (mode !== undefined && mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') {
    throw new Error(`environment variable REPORT_LOCK_MODE must be GOVERNANCE or COMPLIANCE, not ${mode}`);
  }
  return { evidenceBucket: env.EVIDENCE_BUCKET, retentionDays, ...(mode ? { lockMode: mode } : {}) };
}
