/**
 * Named errors. Their `name` is the contract with the state machine's Retry/Catch `ErrorEquals`
 * (Lambda reports `errorType` = error.name). A test checks both lists agree.
 */
export class AirlockError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input: names the field that is wrong. Never retried. */
export class ValidationError extends AirlockError {
  constructor(
    message: string,
    readonly field: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** AWS throttled us (Throttling, RequestLimitExceeded, TooManyRequests …). Retried with backoff. */
export class ThrottledError extends AirlockError {}

/** A transient AWS/network failure (5xx, timeouts). Retried with backoff. */
export class TransientAwsError extends AirlockError {}

/** The resource does not exist (any more). Not retried; compensation runs. */
export class ResourceNotFoundError extends AirlockError {}

/** Containment could not be verified (e.g. an ENI still carries another SG). Not retried. */
export class VerificationFailedError extends AirlockError {}

/**
 * A network ACL cannot take the deny that cuts the instance's tracked flows: no free rule number below its first
 * rule, or its rule quota is reached. Not retried; compensation runs and the thread names the ACL.
 */
export class NetworkAclFullError extends AirlockError {}

/**
 * An evidence snapshot is still pending, so its custody copy cannot start yet (CopySnapshot takes a completed
 * snapshot). Retried by the state machine (its own Retry entry on SnapshotVolumes, minutes apart); the re-run finds
 * what was already shared and copied by tag.
 */
export class SnapshotPendingError extends AirlockError {}

/** The restore after Reject left a difference from the recorded pre-state. */
export class RestoreMismatchError extends AirlockError {}

/** Cross-account role could not be assumed. */
export class AssumeRoleError extends AirlockError {}

/** A conditional write lost (someone else decided / created first). Callers treat this as information. */
export class ConditionalWriteLostError extends AirlockError {}

/** An approval whose token has expired or was already used. */
export class ApprovalExpiredError extends AirlockError {}

/**
 * A Slack channel's post slots are taken further ahead than one task invocation waits. Retried by the state
 * machine (its own Retry entry, many attempts): the message is queued, not dropped.
 */
export class SlackPacedError extends AirlockError {}

/** Slack call failed after its retries. Never blocks containment. */
export class NotificationError extends AirlockError {}

/**
 * A responder rejected containment (false positive). Sent by the bot with SendTaskFailure;
 * the state machine catches it and restores the pre-state.
 */
export class DecisionRejected extends AirlockError {}

/**
 * The ticket system (Jira) asked us to slow down (HTTP 429) for longer than a task waits in place. Retried by the
 * state machine (its own Retry entry, seconds apart); the message carries the Retry-After it sent.
 */
export class TicketThrottledError extends AirlockError {}

/** The ticket system failed transiently (5xx, network). Retried by the state machine with backoff. */
export class TicketUnavailableError extends AirlockError {}

/**
 * The ticket system refused the request as configured: bad credentials (401), no permission (403), a project,
 * issue type or field it does not know (400/404), a status with no transition to it. Not retried: the thread and
 * the alarm name what to fix; containment and the approval go on (the ticket states catch everything).
 */
export class TicketConfigError extends AirlockError {}

/**
 * An earlier attempt may have created the ticket (its create was sent, no answer was recorded) and Jira's search
 * does not show it yet (its index is eventually consistent). Retried until the index has had time to settle.
 */
export class TicketLookupPendingError extends AirlockError {}

/**
 * PagerDuty answered 429 (or asked for a Retry-After longer than the Page task waits in place). Retried by the
 * state machine (the Page states' own Retry entry, tens of seconds apart); paging never blocks containment.
 */
export class PagingThrottledError extends AirlockError {}

/** PagerDuty answered 5xx, or could not be reached in time. Retried by the state machine like a throttle. */
export class PagingUnavailableError extends AirlockError {}

/**
 * Paging is configured but cannot work: the routing key secret is unreadable or malformed, or PagerDuty refused
 * the event (400). Not retried (a retry cannot fix it): the Page state's Catch goes on, the thread says why.
 */
export class PagingConfigError extends AirlockError {}
