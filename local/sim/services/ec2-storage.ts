import type {
  CreateSnapshotCommandInput,
  CreateSnapshotCommandOutput,
  DescribeSnapshotsCommandInput,
  DescribeSnapshotsCommandOutput,
  DescribeVolumesCommandInput,
  DescribeVolumesCommandOutput,
} from '@aws-sdk/client-ec2';
import type { SimSnapshot } from '../model';
import { applyFilters, type HandlerTable, op, pick, tagList, tagsFromSpecifications } from './common';
import { renderSnapshot, renderVolume } from './ec2-render';

export const ec2StorageHandlers: HandlerTable = {
  DescribeVolumes: op<DescribeVolumesCommandInput, DescribeVolumesCommandOutput>((ctx, input) => {
    const ec2 = ctx.model.ec2(ctx.target);
    const deviceOf = (volumeId: string, instanceId: string | undefined) =>
      instanceId
        ? ec2.instances[instanceId]?.blockDeviceMappings.find((b) => b.volumeId === volumeId)
        : undefined;
    const volumes = applyFilters(
      ctx,
      pick(ctx, ec2.volumes, input.VolumeIds, 'InvalidVolume.NotFound', 'volume'),
      input.Filters,
      {
        'volume-id': (v) => v.volumeId,
        'attachment.instance-id': (v) => (deviceOf(v.volumeId, v.attachedTo) ? v.attachedTo : undefined),
        'attachment.device': (v) => deviceOf(v.volumeId, v.attachedTo)?.deviceName,
        'attachment.delete-on-termination': (v) => deviceOf(v.volumeId, v.attachedTo)?.deleteOnTermination,
        status: (v) => (deviceOf(v.volumeId, v.attachedTo) ? 'in-use' : 'available'),
        'availability-zone': (v) => v.availabilityZone,
        'volume-type': (v) => v.volumeType,
        encrypted: (v) => v.encrypted,
      },
      (v) => v.tags,
    );
    return { Volumes: volumes.map((v) => renderVolume(ec2, v)) };
  }),

  CreateSnapshot: op<CreateSnapshotCommandInput, CreateSnapshotCommandOutput>((ctx, input) => {
    const ec2 = ctx.model.ec2(ctx.target);
    const volume = input.VolumeId ? ec2.volumes[input.VolumeId] : undefined;
    if (!volume) throw ctx.error('InvalidVolume.NotFound', `The volume '${input.VolumeId}' does not exist.`);
    const tags = tagsFromSpecifications(ctx, input.TagSpecifications, 'snapshot');
    if ((input.Description ?? '').length > 255) {
      throw ctx.error(
        'InvalidParameterValue',
        'Value for parameter Description is too long (maximum 255 characters)',
      );
    }
    const pendingPolls = ctx.model.snapshotPendingPolls;
    const snapshot: SimSnapshot = {
      snapshotId: ctx.model.ids.ec2('snap'),
      volumeId: volume.volumeId,
      volumeSize: volume.size,
      ownerId: ctx.target.accountId,
      description: input.Description ?? '',
      encrypted: volume.encrypted,
      state: pendingPolls > 0 ? 'pending' : 'completed',
      startTime: ctx.model.iso(),
      pendingPolls,
      tags,
    };
    ec2.snapshots[snapshot.snapshotId] = snapshot;
    // The response always says pending: EC2 answers before the snapshot completes.
    return {
      ...renderSnapshot(snapshot),
      State: 'pending',
      Progress: '',
      ...(Object.keys(tags).length ? { Tags: tagList(tags) } : {}),
    };
  }),

  DescribeSnapshots: op<DescribeSnapshotsCommandInput, DescribeSnapshotsCommandOutput>((ctx, input) => {
    const ec2 = ctx.model.ec2(ctx.target);
    const owners = input.OwnerIds;
    const own = (ownerId: string) =>
      !owners?.length ||
      owners.some((o) => (o === 'self' ? ownerId === ctx.target.accountId : o === ownerId));
    const snapshots = applyFilters(
      ctx,
      pick(ctx, ec2.snapshots, input.SnapshotIds, 'InvalidSnapshot.NotFound', 'snapshot').filter((s) =>
        own(s.ownerId),
      ),
      input.Filters,
      {
        'snapshot-id': (s) => s.snapshotId,
        'volume-id': (s) => s.volumeId,
        status: (s) => s.state,
        'owner-id': (s) => s.ownerId,
        description: (s) => s.description,
      },
      (s) => s.tags,
    );
    const rendered = snapshots.map(renderSnapshot);
    // A pending snapshot is reported pending `snapshotPendingPolls` times, then completes.
    for (const s of snapshots) {
      if (s.state !== 'pending') continue;
      s.pendingPolls = Math.max(0, s.pendingPolls - 1);
      if (s.pendingPolls === 0) s.state = 'completed';
    }
    return { Snapshots: rendered };
  }),
};
