import { CreateSnapshotCommand, DescribeSnapshotsCommand } from '@aws-sdk/client-ec2';
import { aws } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import type { StepOutcome } from '../../tasks/step';

export interface SnapshotOutput {
  volumeId: string;
  snapshotId: string;
  created: boolean;
}

/**
 * e. Snapshots one volume. EC2 snapshot calls take no client token, so this is check-before-act: a snapshot of
 * this volume tagged with this incident is reused; a new one is tagged at creation (TagSpecifications).
 */
export async function snapshotVolume(
  clients: AwsClients,
  target: { incidentId: string; findingId: string; instanceId: string; volumeId: string; deviceName: string },
): Promise<StepOutcome<SnapshotOutput>> {
  const existing = await aws(`ec2:DescribeSnapshots ${target.volumeId}`, () =>
    clients.ec2.send(
      new DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [
          { Name: 'volume-id', Values: [target.volumeId] },
          { Name: 'tag:airlock:incident-id', Values: [target.incidentId] },
        ],
      }),
    ),
  );
  const found = existing.Snapshots?.find((s) => s.SnapshotId && s.State !== 'error');
  if (found?.SnapshotId) {
    return {
      output: { volumeId: target.volumeId, snapshotId: found.SnapshotId, created: false },
      summary: `Snapshot ${found.SnapshotId} of ${target.volumeId} already taken`,
      ids: [found.SnapshotId],
    };
  }
  const created = await aws(
    `ec2:CreateSnapshot ${target.volumeId}`,
    () =>
      clients.ec2.send(
        new CreateSnapshotCommand({
          VolumeId: target.volumeId,
          Description: `Airlock ${target.incidentId}: ${target.instanceId} ${target.deviceName}`,
          TagSpecifications: [
            {
              ResourceType: 'snapshot',
              Tags: [
                { Key: 'airlock:incident-id', Value: target.incidentId },
                { Key: 'airlock:finding-id', Value: target.findingId },
                { Key: 'airlock:instance-id', Value: target.instanceId },
                {
                  Key: 'Name',
                  Value: `airlock-${target.incidentId}-${target.deviceName.replace(/\W+/g, '')}`,
                },
              ],
            },
          ],
        }),
      ),
    { idempotent: false },
  );
  if (!created.SnapshotId) throw new Error(`ec2:CreateSnapshot ${target.volumeId} returned no snapshot id`);
  return {
    output: { volumeId: target.volumeId, snapshotId: created.SnapshotId, created: true },
    summary: `Snapshot ${created.SnapshotId} of ${target.volumeId} (${target.deviceName}) started`,
    ids: [created.SnapshotId],
  };
}
