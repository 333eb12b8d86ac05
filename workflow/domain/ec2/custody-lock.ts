import {
  DescribeLockedSnapshotsCommand,
  type LockedSnapshotsInfo,
  type LockState,
} from '@aws-sdk/client-ec2';
import { aws } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';

const DAY_MS = 86_400_000;

/** Lock states that hold a snapshot at least as firmly as `mode` (compliance is governance that cannot be undone). */
const HOLDS: Record<'governance' | 'compliance', readonly LockState[]> = {
  governance: ['governance', 'compliance-cooloff', 'compliance'],
  compliance: ['compliance'],
};

/** The lock's duration in days: LockDuration, else from its start to its expiry (a lock set with an ExpirationDate). */
function durationDays(info: LockedSnapshotsInfo): number | undefined {
  if (info.LockDuration !== undefined) return info.LockDuration;
  if (!info.LockExpiresOn || !info.LockDurationStartTime) return undefined;
  return (info.LockExpiresOn.getTime() - info.LockDurationStartTime.getTime()) / DAY_MS;
}

/**
 * The snapshots among `snapshotIds` already locked as wanted (EC2 API Reference, DescribeLockedSnapshots): in
 * `mode` or firmer, not expired, for at least `days`. Check-before-act for the custody lock, so a re-run makes no
 * second LockSnapshot (which would restart the duration from now). Every page is read. Maps each held snapshot to
 * its lock's expiry (LockExpiresOn).
 */
export async function snapshotsLockedAsWanted(
  clients: AwsClients,
  snapshotIds: string[],
  mode: 'governance' | 'compliance',
  days: number,
): Promise<Map<string, Date | undefined>> {
  const held = new Map<string, Date | undefined>();
  if (!snapshotIds.length) return held;
  let token: string | undefined;
  do {
    const out = await aws('ec2:DescribeLockedSnapshots', () =>
      clients.ec2.send(
        new DescribeLockedSnapshotsCommand({
          SnapshotIds: snapshotIds,
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    );
    for (const info of out.Snapshots ?? []) {
      const span = durationDays(info);
      if (
        info.SnapshotId &&
        info.LockState &&
        HOLDS[mode].includes(info.LockState) &&
        span !== undefined &&
        span >= days
      )
        held.set(info.SnapshotId, info.LockExpiresOn);
    }
    token = out.NextToken;
  } while (token);
  return held;
}
