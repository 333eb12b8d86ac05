import { applySnapshotCustody, type CustodyOutput } from '../domain/ec2/custody';
import type { CustodyCopy } from '../domain/ec2/custody-copy';
import type { CustodiedEvidence } from '../domain/ec2/evidence';
import { type SnapshotVolumesOutput, snapshotInstanceVolumes } from '../domain/ec2/snapshot';
import type { TaskRun } from './deps';
import { parseEc2Input } from './ec2-input';
import { lambdaHandler } from './lambda';
import { loadEc2PreState } from './pre-state';
import { runStep } from './step';

/**
 * e. Crash-consistent snapshots of the instance's EBS volumes (one CreateSnapshots, check-before-act by tag), each
 * added to the evidence manifest. The volume list comes from the ledger's pre-state, never from the state payload,
 * so an instance with many volumes cannot push the execution towards Step Functions' 256 KiB limit.
 */
export const run: TaskRun<SnapshotVolumesOutput> = async (deps, input) => {
  const { target, config } = parseEc2Input(input);
  const preState = await loadEc2PreState(deps.ledger, target.incidentId);
  const clients = await deps.clients(target);
  let taken: { volumeId: string; snapshotId: string }[] = [];
  let copies: CustodyCopy[] = [];
  let lockedUntil: Record<string, string> = {};
  const output = await runStep(deps, target.incidentId, 'snapshot-volumes', input, async () => {
    const outcome = await snapshotInstanceVolumes(clients, target, preState);
    taken = outcome.snapshots;
    // Custody right after creation (a pending snapshot can be locked), before anything else can delete it.
    const custody = await applySnapshotCustody(
      clients,
      taken.map((s) => s.snapshotId),
      config,
      {
        target,
        // Airlock's own client in the IR account (its home account: no role is assumed there).
        irClients: (accountId) =>
          deps.clients({ accountId, region: target.region, incidentId: target.incidentId }),
      },
    );
    copies = custody.copies ?? [];
    lockedUntil = custody.lockedUntil ?? {};
    return { ...outcome, summary: `${outcome.summary}${custodyLine(custody)}` };
  });
  const at = deps.clock.now().toISOString();
  // Custody: the snapshot id is its identity; the writer is this task's role (through the member account's
  // containment role it assumes); the retention is the snapshot lock EC2 answered.
  const writer = deps.evidenceWriter ? { writerPrincipal: await deps.evidenceWriter() } : {};
  const lock = (snapshotId: string) => {
    const until = lockedUntil[snapshotId];
    return until ? { retention: { mode: 'SNAPSHOT-LOCK' as const, retainUntil: until } } : {};
  };
  const items: CustodiedEvidence[] = [
    ...taken.map((s) => ({
      id: s.snapshotId,
      kind: 'snapshot' as const,
      at,
      ...writer,
      ...lock(s.snapshotId),
    })),
    ...copies.map((c) => ({ id: c.copySnapshotId, kind: 'snapshot' as const, at, ...writer })),
  ];
  await deps.ledger.addEvidence(target.incidentId, items);
  return output;
};

function custodyLine(custody: CustodyOutput): string {
  if (custody.custody === 'lock')
    return `; ${custody.locked.length} locked (${custody.lockMode}, ${custody.retentionDays} days)`;
  if (custody.custody === 'copy')
    return `; ${custody.copies?.length ?? 0} copied to IR account ${custody.copyAccountId} (encrypted with its key)`;
  return '; not locked (snapshotCustody: none)';
}

export const handler = lambdaHandler(run);
