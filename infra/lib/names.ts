import { TASK_KEYS, TASKS, type TaskKey } from '../../workflow/tasks/catalog';

/**
 * IAM role names Airlock gives its functions. They are fixed (`<prefix>-<Name>`) so that the member-account
 * responder role can trust them by ARN before, or without, a reference to the IR stack.
 */
export const INTAKE = 'Intake';
export const SLACK_BOT = 'SlackBot';
export const STATE_MACHINE = 'StateMachine';

export function roleNameFor(prefix: string, name: string): string {
  return `${prefix}-${name}`;
}

/** Catalog tasks that act on AWS in the target account: they assume the responder role in member accounts. */
export const ACTING_TASK_KEYS: readonly TaskKey[] = TASK_KEYS.filter(
  (k) => TASKS[k].owner === 'workflow' && TASKS[k].actions.length > 0,
);

/** Roles the responder role trusts: every acting workflow task, plus the Slack bot (read-only `--plan`). */
export function trustedRoleNames(prefix: string): string[] {
  return [...ACTING_TASK_KEYS.map((k) => roleNameFor(prefix, k)), roleNameFor(prefix, SLACK_BOT)];
}

/** The union of catalog actions of the workflow tasks: what the responder role holds. */
export function workflowActionUnion(): string[] {
  return [...new Set(ACTING_TASK_KEYS.flatMap((k) => [...TASKS[k].actions]))].sort();
}

/** Default evidence bucket name (deterministic, so member accounts can name it without a lookup). */
export function defaultEvidenceBucketName(account: string): string {
  return `airlock-evidence-${account}`;
}

/** Where evidence objects live (workflow/domain/ec2/evidence.ts `evidencePrefix`). */
export const EVIDENCE_PREFIX = 'incidents/';
