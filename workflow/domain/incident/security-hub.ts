import {
  BatchUpdateFindingsCommand,
  type BatchUpdateFindingsCommandOutput,
} from '@aws-sdk/client-securityhub';
import { aws, isAwsError, mapAwsError } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import { partitionOf } from '../../aws/partition';
import { ThrottledError, TransientAwsError } from '../../errors';
import type { IncidentRequest } from '../../intake/types';
import { SecurityHubUpdateError } from './errors';

export type FindingWorkflowStatus = 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED';
export type FindingVerificationState = 'UNKNOWN' | 'TRUE_POSITIVE' | 'FALSE_POSITIVE' | 'BENIGN_POSITIVE';

export interface SecurityHubFinding {
  id: string;
  productArn: string;
  /** true when derived from a GuardDuty finding (it may not be in Security Hub), false when it came from there. */
  derived: boolean;
}

/**
 * The Security Hub identifiers of the incident's finding. A finding that came through Security Hub carries them;
 * for a GuardDuty finding they are derived: GuardDuty sends its findings to Security Hub with the finding's ARN
 * (`arn:<partition>:guardduty:<region>:<account>:detector/<detector>/finding/<id>`) as `Id` and
 * `arn:<partition>:securityhub:<region>::product/aws/guardduty` as `ProductArn`. Undefined for anything else.
 */
export function securityHubFindingOf(request: IncidentRequest): SecurityHubFinding | undefined {
  if (request.securityHub) return { ...request.securityHub, derived: false };
  if (request.source !== 'guardduty' || !request.findingArn) return undefined;
  const partition = partitionOf(request.region);
  const expected = new RegExp(
    `^arn:${partition}:guardduty:${request.region}:${request.accountId}:detector/[^/]+/finding/${request.findingId}$`,
  );
  if (!expected.test(request.findingArn)) return undefined;
  return {
    id: request.findingArn,
    productArn: `arn:${partition}:securityhub:${request.region}::product/aws/guardduty`,
    derived: true,
  };
}

/** Why an update was skipped (no call failed): Security Hub is off, or it never received the finding. */
export type SecurityHubSkip = { skipped: 'not-enabled' | 'finding-not-found'; reason: string };

/** Security Hub notes are at most 512 characters. */
const NOTE_MAX = 512;

/**
 * Sets the finding's Workflow.Status (and VerificationState) with a note (BatchUpdateFindings; naturally
 * idempotent). Returns a skip, not an error, when Security Hub is not enabled (InvalidAccessException "not
 * subscribed") or never received a derived GuardDuty finding (FindingNotFound). A finding Security
 * Hub reports as unprocessed fails the call: throttling/internal codes as ThrottledError/TransientAwsError
 * (retried), anything else as SecurityHubUpdateError with the reason.
 */
export async function setFindingWorkflow(
  clients: AwsClients,
  finding: { id: string; productArn: string; derived?: boolean },
  status: FindingWorkflowStatus,
  note: string,
  options: { updatedBy?: string; verificationState?: FindingVerificationState } = {},
): Promise<SecurityHubSkip | undefined> {
  const what = `securityhub:BatchUpdateFindings ${finding.id}`;
  let out: BatchUpdateFindingsCommandOutput;
  try {
    out = await aws(what, () =>
      clients.securityhub.send(
        new BatchUpdateFindingsCommand({
          FindingIdentifiers: [{ Id: finding.id, ProductArn: finding.productArn }],
          Workflow: { Status: status },
          ...(options.verificationState ? { VerificationState: options.verificationState } : {}),
          Note: { Text: note.slice(0, NOTE_MAX), UpdatedBy: (options.updatedBy ?? 'airlock').slice(0, 512) },
        }),
      ),
    );
  } catch (error) {
    // Security Hub not enabled in this account and region: nothing to update, and not a failure of the incident.
    // (The same exception without "not subscribed" is a missing permission: that fails.)
    const message = [error, (error as { cause?: unknown })?.cause]
      .map((e) => (e instanceof Error ? e.message : ''))
      .join(' ');
    if (isAwsError(error, 'InvalidAccessException') && /not subscribed/i.test(message)) {
      return { skipped: 'not-enabled', reason: message.trim() };
    }
    throw error;
  }
  const unprocessed = out.UnprocessedFindings?.[0];
  if (!unprocessed) return undefined;
  const code = unprocessed.ErrorCode ?? 'Unknown';
  const reason = unprocessed.ErrorMessage ?? 'no reason given';
  // A GuardDuty finding Security Hub never received (its GuardDuty integration is off): skipped, said so.
  if (finding.derived && code === 'FindingNotFound') return { skipped: 'finding-not-found', reason };
  const mapped = mapAwsError({ name: code, message: reason }, `${what} (unprocessed)`);
  if (mapped instanceof ThrottledError || mapped instanceof TransientAwsError) throw mapped;
  throw new SecurityHubUpdateError(`${what}: finding not updated to ${status}: ${code}: ${reason}`);
}
