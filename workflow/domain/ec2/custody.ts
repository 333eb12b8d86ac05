import { LockSnapshotCommand } from '@aws-sdk/client-ec2';
import { aws } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import type { WorkflowSettings } from '../../config';
import { ValidationError } from '../../errors';
import { type CopyDestination, type CustodyCopy, copySnapshotsToIrAccount } from './custody-copy';
import { snapshotsLockedAsWanted } from './custody-lock';

export interface CustodyOutput {
  custody: WorkflowSettings['snapshotCustody'];
  /** Snapshots under the custody lock: locked by this call, or found locked as wanted (a re-run locks none again). */
  locked: string[];
  lockMode?: 'governance' | 'compliance';
  retentionDays?: number;
  /** custody `lock`: each locked snapshot's lock expiry (ISO), as EC2 answered it (LockSnapshot / DescribeLockedSnapshots). */
  lockedUntil?: Record<string, string>;
  /** custody `copy`: each evidence snapshot's copy in the IR account. */
  copies?: CustodyCopy[];
  copyAccountId?: string;
}

/** custody `copy`: the member snapshots' target, and how to reach the IR account (its clients are built lazily). */
export interface CopyContext {
  target: { accountId: string; region: string; incidentId: string };
  irClients: (accountId: string) => Promise<AwsClients>;
}

type CustodyConfig = Pick<
  WorkflowSettings,
  | 'snapshotCustody'
  | 'snapshotLockMode'
  | 'evidenceRetentionDays'
  | 'snapshotCopyAccountId'
  | 'snapshotCopyKmsKeyId'
>;

/**
 * Puts evidence snapshots in custody, per the `snapshotCustody` setting: `lock` locks each one (EBS snapshot lock,
 * pending or completed) in `snapshotLockMode` for `evidenceRetentionDays`, so DeleteSnapshot is refused in the
 * workload account until it expires; `copy` shares each with the IR account and copies it there, encrypted with
 * the IR account's key (custody-copy.ts); `none` leaves them. Nothing in Airlock ever unlocks or deletes evidence.
 * Call it right after the snapshots are created (the snapshot step).
 */
export async function applySnapshotCustody(
  clients: AwsClients,
  snapshotIds: string[],
  config: CustodyConfig,
  copy?: CopyContext,
): Promise<CustodyOutput> {
  if (config.snapshotCustody === 'none') return { custody: 'none', locked: [] };
  if (config.snapshotCustody === 'copy') return copyCustody(clients, snapshotIds, config, copy);
  const locked: string[] = [];
  const lockedUntil: Record<string, string> = {};
  const held = await snapshotsLockedAsWanted(
    clients,
    snapshotIds,
    config.snapshotLockMode,
    config.evidenceRetentionDays,
  );
  for (const snapshotId of snapshotIds) {
    if (held.has(snapshotId)) {
      locked.push(snapshotId);
      const until = held.get(snapshotId);
      if (until) lockedUntil[snapshotId] = until.toISOString();
      continue;
    }
    const out = await aws(`ec2:LockSnapshot ${snapshotId}`, () =>
      clients.ec2.send(
        new LockSnapshotCommand({
          SnapshotId: snapshotId,
          LockMode: config.snapshotLockMode,
          LockDuration: config.evidenceRetentionDays,
        }),
      ),
    );
    locked.push(snapshotId);
    if (out.LockExpiresOn) lockedUntil[snapshotId] = out.LockExpiresOn.toISOString();
  }
  return {
    custody: 'lock',
    locked,
    lockedUntil,
    lockMode: config.snapshotLockMode,
    retentionDays: config.evidenceRetentionDays,
  };
}

async function copyCustody(
  clients: AwsClients,
  snapshotIds: string[],
  config: CustodyConfig,
  copy: CopyContext | undefined,
): Promise<CustodyOutput> {
  const accountId = config.snapshotCopyAccountId;
  const kmsKeyId = config.snapshotCopyKmsKeyId;
  if (!accountId)
    throw new ValidationError('snapshotCustody copy needs snapshotCopyAccountId', 'snapshotCopyAccountId');
  if (!kmsKeyId)
    throw new ValidationError('snapshotCustody copy needs snapshotCopyKmsKeyId', 'snapshotCopyKmsKeyId');
  if (!copy)
    throw new ValidationError('snapshotCustody copy needs the IR account clients', 'snapshotCustody');
  const destination: CopyDestination = { clients: await copy.irClients(accountId), accountId, kmsKeyId };
  const copies = await copySnapshotsToIrAccount(clients, copy.target, snapshotIds, destination);
  return { custody: 'copy', locked: [], copies, copyAccountId: accountId };
}
