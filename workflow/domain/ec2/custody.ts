import { LockSnapshotCommand } from '@aws-sdk/client-ec2';
import { aws } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import type { WorkflowSettings } from '../../config';
import { snapshotsLockedAsWanted } from './custody-lock';

export interface CustodyOutput {
  custody: WorkflowSettings['snapshotCustody'];
  /** Snapshots under the custody lock: locked by this call, or found locked as wanted (a re-run locks none again). */
  locked: string[];
  lockMode?: 'governance' | 'compliance';
  retentionDays?: number;
}

/**
 * Puts evidence snapshots in custody, per the `snapshotCustody` setting: `lock` locks each one (EBS snapshot lock,
 * pending or completed) in `snapshotLockMode` for `evidenceRetentionDays`, so DeleteSnapshot is refused in the
 * workload account until it expires; `none` leaves them. Nothing in Airlock ever unlocks or deletes evidence.
 * Call it right after the snapshots are created (the snapshot step).
 */
export async function applySnapshotCustody(
  clients: AwsClients,
  snapshotIds: string[],
  config: Pick<WorkflowSettings, 'snapshotCustody' | 'snapshotLockMode' | 'evidenceRetentionDays'>,
): Promise<CustodyOutput> {
  if (config.snapshotCustody === 'none') return { custody: 'none', locked: [] };
  const locked: string[] = [];
  const held = await snapshotsLockedAsWanted(
    clients,
    snapshotIds,
    config.snapshotLockMode,
    config.evidenceRetentionDays,
  );
  for (const snapshotId of snapshotIds) {
    if (held.has(snapshotId)) {
      locked.push(snapshotId);
      continue;
    }
    await aws(`ec2:LockSnapshot ${snapshotId}`, () =>
      clients.ec2.send(
        new LockSnapshotCommand({
          SnapshotId: snapshotId,
          LockMode: config.snapshotLockMode,
          LockDuration: config.evidenceRetentionDays,
        }),
      ),
    );
    locked.push(snapshotId);
  }
  return {
    custody: 'lock',
    locked,
    lockMode: config.snapshotLockMode,
    retentionDays: config.evidenceRetentionDays,
  };
}
