import {
  CreateSnapshotCommand,
  CreateSnapshotsCommand,
  DescribeSnapshotsCommand,
  type Snapshot,
  type Tag,
} from '@aws-sdk/client-ec2';
import { aws } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import { VerificationFailedError } from '../../errors';
import type { StepOutcome } from '../../tasks/step';
import { describeInstance, type Ec2State } from './state';

export interface SnapshotVolumesOutput {
  instanceId: string;
  /** Snapshots of this incident covering the pre-state's EBS volumes (ids are in the ledger, not the payload). */
  snapshotCount: number;
  createdCount: number;
}

export interface SnapshotTarget {
  incidentId: string;
  findingId: string;
  instanceId: string;
}

const snapshotTags = (target: SnapshotTarget): Tag[] => [
  { Key: 'airlock:incident-id', Value: target.incidentId },
  { Key: 'airlock:finding-id', Value: target.findingId.slice(0, 256) },
  { Key: 'airlock:instance-id', Value: target.instanceId },
  { Key: 'Name', Value: `airlock-${target.incidentId}` },
];

/** This incident's snapshots (by tag, every page), newest first per volume; failed ones are ignored. */
async function incidentSnapshots(clients: AwsClients, incidentId: string): Promise<Snapshot[]> {
  const found: Snapshot[] = [];
  for (let token: string | undefined, first = true; first || token; first = false) {
    const page = await aws(`ec2:DescribeSnapshots ${incidentId}`, () =>
      clients.ec2.send(
        new DescribeSnapshotsCommand({
          OwnerIds: ['self'],
          Filters: [{ Name: 'tag:airlock:incident-id', Values: [incidentId] }],
          MaxResults: 1000,
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    );
    found.push(...(page.Snapshots ?? []).filter((s) => s.SnapshotId && s.VolumeId && s.State !== 'error'));
    token = page.NextToken;
  }
  return found;
}

/**
 * e. Snapshots the instance's EBS volumes together: one CreateSnapshots call with an InstanceSpecification gives
 * crash-consistent snapshots (one point in time across volumes), tagged at creation. EC2 snapshot calls take no
 * client token, so this is check-before-act: snapshots tagged with this incident are found first and only the
 * pre-state volumes still missing one are snapshotted (volumes attached since the pre-state are excluded; a
 * pre-state volume detached since is snapshotted on its own). The result must cover every pre-state volume.
 */
export async function snapshotInstanceVolumes(
  clients: AwsClients,
  target: SnapshotTarget,
  preState: Pick<Ec2State, 'blockDevices'>,
): Promise<StepOutcome<SnapshotVolumesOutput> & { snapshots: { volumeId: string; snapshotId: string }[] }> {
  const wanted = preState.blockDevices.map((b) => b.volumeId);
  const bySnapshot = new Map<string, string>(); // volumeId → snapshotId
  for (const s of await incidentSnapshots(clients, target.incidentId)) {
    if (wanted.includes(s.VolumeId as string) && !bySnapshot.has(s.VolumeId as string)) {
      bySnapshot.set(s.VolumeId as string, s.SnapshotId as string);
    }
  }
  const missing = wanted.filter((v) => !bySnapshot.has(v));
  let created = 0;
  if (missing.length) {
    const instance = await describeInstance(clients, target.instanceId);
    const attached = (instance.BlockDeviceMappings ?? []).filter((b) => b.Ebs?.VolumeId);
    const root = attached.find((b) => b.DeviceName === instance.RootDeviceName)?.Ebs?.VolumeId;
    const attachedIds = attached.map((b) => b.Ebs?.VolumeId as string);
    const together = missing.filter((v) => attachedIds.includes(v));
    if (together.length) {
      const out = await aws(
        `ec2:CreateSnapshots ${target.instanceId}`,
        () =>
          clients.ec2.send(
            new CreateSnapshotsCommand({
              InstanceSpecification: {
                InstanceId: target.instanceId,
                ExcludeBootVolume: root !== undefined && !together.includes(root),
                ExcludeDataVolumeIds: attachedIds.filter((v) => v !== root && !together.includes(v)),
              },
              Description: `Airlock ${target.incidentId}: ${target.instanceId} (crash-consistent)`,
              TagSpecifications: [{ ResourceType: 'snapshot', Tags: snapshotTags(target) }],
            }),
          ),
        { idempotent: false },
      );
      for (const s of out.Snapshots ?? []) {
        if (s.VolumeId && s.SnapshotId && together.includes(s.VolumeId)) {
          bySnapshot.set(s.VolumeId, s.SnapshotId);
          created += 1;
        }
      }
    }
    // A pre-state volume no longer attached (detached since) still exists: snapshot it on its own.
    for (const volumeId of missing.filter((v) => !attachedIds.includes(v))) {
      const out = await aws(
        `ec2:CreateSnapshot ${volumeId}`,
        () =>
          clients.ec2.send(
            new CreateSnapshotCommand({
              VolumeId: volumeId,
              Description: `Airlock ${target.incidentId}: ${target.instanceId} (detached since pre-state)`,
              TagSpecifications: [{ ResourceType: 'snapshot', Tags: snapshotTags(target) }],
            }),
          ),
        { idempotent: false },
      );
      if (out.SnapshotId) {
        bySnapshot.set(volumeId, out.SnapshotId);
        created += 1;
      }
    }
  }
  const uncovered = wanted.filter((v) => !bySnapshot.has(v));
  if (uncovered.length) {
    throw new VerificationFailedError(
      `no snapshot of ${uncovered.join(', ')} after snapshotting ${target.instanceId}`,
    );
  }
  const snapshots = wanted.map((volumeId) => ({ volumeId, snapshotId: bySnapshot.get(volumeId) as string }));
  return {
    output: { instanceId: target.instanceId, snapshotCount: snapshots.length, createdCount: created },
    summary: !wanted.length
      ? `No EBS volume to snapshot on ${target.instanceId}`
      : created === 0
        ? `${snapshots.length} snapshot(s) of ${target.instanceId} already taken`
        : `${created} crash-consistent snapshot(s) of ${target.instanceId} started${
            snapshots.length > created ? ` (${snapshots.length - created} already taken)` : ''
          }: ${snapshots.map((s) => s.snapshotId).join(', ')}`,
    ids: snapshots.map((s) => s.snapshotId),
    snapshots,
  };
}
