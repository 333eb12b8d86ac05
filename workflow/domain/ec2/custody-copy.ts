import {
  CopySnapshotCommand,
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
  ModifySnapshotAttributeCommand,
  type Snapshot,
} from '@aws-sdk/client-ec2';
import { aws } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import { SnapshotPendingError } from '../../errors';

/** Tags on a custody copy: the incident, and the source (a retry finds its copy by this tag, never copies twice). */
export const COPY_INCIDENT_TAG = 'airlock:incident';
export const COPY_SOURCE_TAG = 'airlock:source-snapshot';
export const COPY_SOURCE_ACCOUNT_TAG = 'airlock:source-account';

/** Where custody copies go: the IR account, through Airlock's own EC2 client there, encrypted with its key. */
export interface CopyDestination {
  clients: AwsClients;
  accountId: string;
  /** A key (id, ARN, alias) of the IR account in the target's region. */
  kmsKeyId: string;
}

export interface CustodyCopy {
  sourceSnapshotId: string;
  copySnapshotId: string;
}

async function describeSources(member: AwsClients, snapshotIds: string[]): Promise<Map<string, Snapshot>> {
  const out = await aws('ec2:DescribeSnapshots (custody sources)', () =>
    member.ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: snapshotIds })),
  );
  return new Map((out.Snapshots ?? []).map((s) => [s.SnapshotId ?? '', s]));
}

/** Shares the snapshot with the IR account (createVolumePermission), unless it already is. */
async function shareWith(member: AwsClients, snapshotId: string, accountId: string): Promise<void> {
  const attribute = await aws(`ec2:DescribeSnapshotAttribute ${snapshotId}`, () =>
    member.ec2.send(
      new DescribeSnapshotAttributeCommand({ SnapshotId: snapshotId, Attribute: 'createVolumePermission' }),
    ),
  );
  if ((attribute.CreateVolumePermissions ?? []).some((p) => p.UserId === accountId)) return;
  await aws(`ec2:ModifySnapshotAttribute ${snapshotId} (share with ${accountId})`, () =>
    member.ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: snapshotId,
        Attribute: 'createVolumePermission',
        CreateVolumePermission: { Add: [{ UserId: accountId }] },
      }),
    ),
  );
}

/** The IR account's copy of `sourceSnapshotId`, found by tag (a re-run must not copy twice). */
async function existingCopy(ir: CopyDestination, sourceSnapshotId: string): Promise<string | undefined> {
  const out = await aws(`ec2:DescribeSnapshots (copy of ${sourceSnapshotId})`, () =>
    ir.clients.ec2.send(
      new DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [{ Name: `tag:${COPY_SOURCE_TAG}`, Values: [sourceSnapshotId] }],
      }),
    ),
  );
  return out.Snapshots?.find((s) => s.State !== 'error')?.SnapshotId;
}

/**
 * Custody `copy`: each evidence snapshot is shared with the IR account (createVolumePermission, check-before-act),
 * then copied IN the IR account by Airlock's own client there, encrypted with the IR account's key and tagged with
 * the incident and the source. CopySnapshot takes a completed snapshot: completed sources are copied now, and if
 * any is still pending, SnapshotPendingError lets the state machine run the step again later (copies already made
 * are found by tag). The member account's snapshots stay as they are: nothing is ever deleted.
 */
export async function copySnapshotsToIrAccount(
  member: AwsClients,
  memberTarget: { accountId: string; region: string; incidentId: string },
  snapshotIds: string[],
  ir: CopyDestination,
): Promise<CustodyCopy[]> {
  if (!snapshotIds.length) return [];
  const sources = await describeSources(member, snapshotIds);
  const copies: CustodyCopy[] = [];
  const pending: string[] = [];
  for (const sourceSnapshotId of snapshotIds) {
    const found = await existingCopy(ir, sourceSnapshotId);
    if (found) {
      copies.push({ sourceSnapshotId, copySnapshotId: found });
      continue;
    }
    await shareWith(member, sourceSnapshotId, ir.accountId);
    if (sources.get(sourceSnapshotId)?.State !== 'completed') {
      pending.push(sourceSnapshotId);
      continue;
    }
    const out = await aws(
      `ec2:CopySnapshot ${sourceSnapshotId} → ${ir.accountId}`,
      () =>
        ir.clients.ec2.send(
          new CopySnapshotCommand({
            SourceRegion: memberTarget.region,
            SourceSnapshotId: sourceSnapshotId,
            Encrypted: true,
            KmsKeyId: ir.kmsKeyId,
            Description: `Airlock ${memberTarget.incidentId}: evidence ${sourceSnapshotId} of ${memberTarget.accountId}`,
            TagSpecifications: [
              {
                ResourceType: 'snapshot',
                Tags: [
                  { Key: COPY_INCIDENT_TAG, Value: memberTarget.incidentId },
                  { Key: COPY_SOURCE_TAG, Value: sourceSnapshotId },
                  { Key: COPY_SOURCE_ACCOUNT_TAG, Value: memberTarget.accountId },
                ],
              },
            ],
          }),
        ),
      { idempotent: false },
    );
    copies.push({ sourceSnapshotId, copySnapshotId: out.SnapshotId ?? '' });
  }
  if (pending.length) {
    throw new SnapshotPendingError(
      `${pending.length} evidence snapshot(s) still pending (${pending.join(', ')}): custody copy to ${ir.accountId} waits for them`,
    );
  }
  return copies;
}
