import { BatchUpdateFindingsCommand } from '@aws-sdk/client-securityhub';
import { aws, mapAwsError } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import { ThrottledError, TransientAwsError } from '../../errors';
import { SecurityHubUpdateError } from './errors';

export type FindingWorkflowStatus = 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED';

/** Security Hub notes are at most 512 characters. */
const NOTE_MAX = 512;

/**
 * Sets the finding's Workflow.Status with a note (BatchUpdateFindings; naturally idempotent). A finding Security
 * Hub reports as unprocessed fails the call: throttling/internal codes as ThrottledError/TransientAwsError
 * (retried), anything else as SecurityHubUpdateError with the reason.
 */
export async function setFindingWorkflow(
  clients: AwsClients,
  finding: { id: string; productArn: string },
  status: FindingWorkflowStatus,
  note: string,
): Promise<void> {
  const what = `securityhub:BatchUpdateFindings ${finding.id}`;
  const out = await aws(what, () =>
    clients.securityhub.send(
      new BatchUpdateFindingsCommand({
        FindingIdentifiers: [{ Id: finding.id, ProductArn: finding.productArn }],
        Workflow: { Status: status },
        Note: { Text: note.slice(0, NOTE_MAX), UpdatedBy: 'airlock' },
      }),
    ),
  );
  const unprocessed = out.UnprocessedFindings?.[0];
  if (!unprocessed) return;
  const code = unprocessed.ErrorCode ?? 'Unknown';
  const reason = unprocessed.ErrorMessage ?? 'no reason given';
  const mapped = mapAwsError({ name: code, message: reason }, `${what} (unprocessed)`);
  if (mapped instanceof ThrottledError || mapped instanceof TransientAwsError) throw mapped;
  throw new SecurityHubUpdateError(`${what}: finding not updated to ${status}: ${code}: ${reason}`);
}
