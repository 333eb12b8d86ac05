import type {
  CopySnapshotCommandInput,
  CopySnapshotCommandOutput,
  DescribeSnapshotAttributeCommandInput,
  DescribeSnapshotAttributeCommandOutput,
  ModifySnapshotAttributeCommandInput,
  ModifySnapshotAttributeCommandOutput,
} from '@aws-sdk/client-ec2';
import type { SimSnapshot } from '../model';
import { type HandlerTable, type OpContext, op, tagsFromSpecifications } from './common';

function ownSnapshot(ctx: OpContext, snapshotId: string | undefined): SimSnapshot {
  const snapshot = snapshotId ? ctx.model.ec2(ctx.target).snapshots[snapshotId] : undefined;
  if (!snapshot) throw ctx.error('InvalidSnapshot.NotFound', `The snapshot '${snapshotId}' does not exist.`);
  return snapshot;
}

/** The source of a copy: a snapshot of any account in `region` that the caller owns or that is shared with it. */
function visibleSnapshot(ctx: OpContext, region: string, snapshotId: string | undefined): SimSnapshot {
  for (const account of Object.values(ctx.model.state.accounts)) {
    const snapshot = snapshotId ? account.regions[region]?.ec2.snapshots[snapshotId] : undefined;
    if (!snapshot) continue;
    const caller = ctx.target.accountId;
    if (snapshot.ownerId === caller || snapshot.createVolumePermissions?.includes(caller)) return snapshot;
  }
  throw ctx.error('InvalidSnapshot.NotFound', `The snapshot '${snapshotId}' does not exist.`);
}

export const ec2SnapshotSharingHandlers: HandlerTable = {
  /**
   * createVolumePermission add/remove of account ids. A snapshot encrypted with the default aws/ebs key cannot be
   * shared with another account; encrypted snapshots cannot be made public.
   */
  ModifySnapshotAttribute: op<ModifySnapshotAttributeCommandInput, ModifySnapshotAttributeCommandOutput>(
    (ctx, input) => {
      const snapshot = ownSnapshot(ctx, input.SnapshotId);
      const add = [
        ...(input.CreateVolumePermission?.Add ?? []).map((p) => p.UserId),
        ...(input.OperationType === 'add' ? (input.UserIds ?? []) : []),
      ].filter((id): id is string => Boolean(id));
      const remove = [
        ...(input.CreateVolumePermission?.Remove ?? []).map((p) => p.UserId),
        ...(input.OperationType === 'remove' ? (input.UserIds ?? []) : []),
      ].filter((id): id is string => Boolean(id));
      if (add.length && remove.length) {
        throw ctx.error(
          'InvalidParameterCombination',
          'You cannot both add and remove permissions in one call.',
        );
      }
      if (snapshot.encrypted && !snapshot.kmsKeyId && add.some((id) => id !== snapshot.ownerId)) {
        throw ctx.error(
          'OperationNotPermitted',
          'Snapshots encrypted with the AWS Managed CMK cannot be shared. Try again with a customer managed CMK.',
        );
      }
      const current = new Set(snapshot.createVolumePermissions ?? []);
      for (const id of add) current.add(id);
      for (const id of remove) current.delete(id);
      snapshot.createVolumePermissions = [...current].sort();
      return {};
    },
  ),

  DescribeSnapshotAttribute: op<
    DescribeSnapshotAttributeCommandInput,
    DescribeSnapshotAttributeCommandOutput
  >((ctx, input) => {
    const snapshot = ownSnapshot(ctx, input.SnapshotId);
    if (input.Attribute !== 'createVolumePermission') {
      throw ctx.error('InvalidParameterValue', `Attribute ${input.Attribute} is not simulated.`);
    }
    return {
      SnapshotId: snapshot.snapshotId,
      CreateVolumePermissions: (snapshot.createVolumePermissions ?? []).map((UserId) => ({ UserId })),
    };
  }),

  /**
   * A copy in the caller's account and region from SourceRegion: the source must be the caller's or shared with
   * it, and completed; a source under a customer managed key needs a KmsKeyId of the caller's (the copy is
   * re-encrypted with it). The copy is pending like a new snapshot.
   */
  CopySnapshot: op<CopySnapshotCommandInput, CopySnapshotCommandOutput>((ctx, input) => {
    const source = visibleSnapshot(ctx, input.SourceRegion ?? ctx.target.region, input.SourceSnapshotId);
    if (source.state !== 'completed') {
      throw ctx.error('IncorrectState', `Snapshot '${source.snapshotId}' is not in the completed state.`);
    }
    const foreign = source.ownerId !== ctx.target.accountId;
    if (foreign && source.kmsKeyId && !input.KmsKeyId) {
      throw ctx.error(
        'InvalidParameter',
        `A KmsKeyId of account ${ctx.target.accountId} is required to copy a shared snapshot encrypted with a customer managed key.`,
      );
    }
    const encrypted = source.encrypted || input.Encrypted === true;
    const pendingPolls = ctx.model.snapshotPendingPolls;
    const copy: SimSnapshot = {
      snapshotId: ctx.model.ids.ec2('snap'),
      volumeId: 'vol-ffffffff',
      volumeSize: source.volumeSize,
      ownerId: ctx.target.accountId,
      description: input.Description ?? '',
      encrypted,
      ...(encrypted && input.KmsKeyId ? { kmsKeyId: input.KmsKeyId } : {}),
      state: pendingPolls > 0 ? 'pending' : 'completed',
      startTime: ctx.model.iso(),
      pendingPolls,
      tags: tagsFromSpecifications(ctx, input.TagSpecifications, 'snapshot'),
    };
    ctx.model.ec2(ctx.target).snapshots[copy.snapshotId] = copy;
    return { SnapshotId: copy.snapshotId };
  }),
};
