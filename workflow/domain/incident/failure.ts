import type { AuditEvent } from '../../ledger/types';

/** Audit actions Compensate itself writes (never the step that failed). */
export const COMPENSATE_AUDIT = {
  tagged: 'compensation-tagged',
  tagFailed: 'compensation-tag-failed',
  /** The failure needs the on-call: recorded once (paging itself is its own state after Compensate). */
  onCallNeeded: 'on-call-needed',
  done: 'compensated',
} as const;

/**
 * The step that failed, from the audit log: the last `<step>-failed` event runStep wrote whose step did not
 * succeed later (a step that failed, was retried and succeeded is not the failure). Compensate's own failures
 * are ignored.
 */
export function failedStepFromAudit(audit: AuditEvent[]): string | undefined {
  for (let i = audit.length - 1; i >= 0; i--) {
    const event = audit[i];
    const action = event?.action ?? '';
    if (event?.actor !== 'workflow' || !action.endsWith('-failed') || action.startsWith('compensat'))
      continue;
    const step = action.slice(0, -'-failed'.length);
    if (!step) continue;
    const succeededLater = audit.slice(i + 1).some((e) => e.action === step);
    if (!succeededLater) return step;
  }
  return undefined;
}

/** What a Catch Cause says: a Lambda error JSON (`{errorType, errorMessage, trace}`) → its message; else as is. */
export function readableCause(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed: unknown = JSON.parse(cause);
    if (typeof parsed === 'object' && parsed !== null && 'errorMessage' in parsed) {
      const message = (parsed as { errorMessage: unknown }).errorMessage;
      if (typeof message === 'string') return message;
    }
  } catch {
    // not JSON: the cause is already text
  }
  return cause;
}

/** The AWS call named at the start of a mapped error message (`iam:UpdateAccessKey …: Throttling: …`). */
export function failedCallFromMessage(message: string): string | undefined {
  return /^([a-z0-9-]+:[A-Z][A-Za-z0-9]+)\b/.exec(message)?.[1];
}
