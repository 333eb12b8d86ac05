import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { aws } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import type { CreatedResourceRecorder } from '../../ledger/created-resources';
import type { StepOutcome } from '../../tasks/step';
import { describeInstance } from './state';

export const TAG_STEP = 'tag-instance';

/**
 * f. Tags the instance IncidentStatus=Quarantined with the finding and incident ids (only what is missing). Each
 * tag it is about to set is recorded first (key and value) as this incident's, so the restore removes exactly
 * those, and only while they still hold that value.
 */
export async function tagQuarantined(
  clients: AwsClients,
  target: { incidentId: string; findingId: string; instanceId: string },
  recorder: CreatedResourceRecorder,
): Promise<StepOutcome<{ tagged: string[] }>> {
  const wanted: Record<string, string> = {
    IncidentStatus: 'Quarantined',
    'airlock:incident-id': target.incidentId,
    'airlock:finding-id': target.findingId.slice(0, 256),
  };
  const instance = await describeInstance(clients, target.instanceId);
  const have = Object.fromEntries((instance.Tags ?? []).map((t) => [t.Key, t.Value]));
  const missing = Object.entries(wanted).filter(([k, v]) => have[k] !== v);
  for (const [name, value] of missing) {
    await recorder.record({ kind: 'tag', parent: target.instanceId, name, value, step: TAG_STEP });
  }
  if (missing.length) {
    await aws(`ec2:CreateTags ${target.instanceId}`, () =>
      clients.ec2.send(
        new CreateTagsCommand({
          Resources: [target.instanceId],
          Tags: missing.map(([Key, Value]) => ({ Key, Value })),
        }),
      ),
    );
  }
  return {
    output: { tagged: missing.map(([k]) => k) },
    summary: missing.length
      ? `Tagged ${target.instanceId}: ${missing.map(([k, v]) => `${k}=${v}`).join(', ')}`
      : `${target.instanceId} already tagged Quarantined`,
    ids: [target.instanceId],
  };
}
