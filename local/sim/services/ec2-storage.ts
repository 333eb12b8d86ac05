import type {
  CreateSnapshotCommandInput,
  CreateSnapshotCommandOutput,
  CreateSnapshotsCommandInput,
  CreateSnapshotsCommandOutput,
  DeleteSnapshotCommandInput,
  DeleteSnapshotCommandOutput,
  DescribeLockedSnapshotsCommandInput,
  DescribeLockedSnapshotsCommandOutput,
  DescribeSnapshotsCommandInput,
  DescribeSnapshotsCommandOutput,
  DescribeVolumesCommandInput,
  DescribeVolumesCommandOutput,
  LockSnapshotCommandInput,
  LockSnapshotCommandOutput,
  LockState,
} from '@aws-sdk/client-ec2';
import type { SimSnapshot, SimVolume } from '../model';
import {
  applyFilters,
  type HandlerTable,
  type OpContext,
  op,
  page,
  pick,
  tagList,
  tagsFromSpecifications,
} from './common';
import { getInstance } from './ec2-instances';
import { renderSnapshot, renderVolume } from './ec2-render';

/** A new snapshot of `volume` (pending for `snapshotPendingPolls` DescribeSnapshots calls). */
function newSnapshot(
  ctx: OpContext,
  volume: SimVolume,
  description: string,
  tags: SimSnapshot['tags'],
  startTime: string,
): SimSnapshot {
  const pendingPolls = ctx.model.snapshotPendingPolls;
  const snapshot: SimSnapshot = {
    snapshotId: ctx.model.ids.ec2('snap'),
    volumeId: volume.volumeId,
    volumeSize: volume.size,
    ownerId: ctx.target.accountId,
    description,
    encrypted: volume.encrypted,
    ...(volume.kmsKeyId ? { kmsKeyId: volume.kmsKeyId } : {}),
    state: pendingPolls > 0 ? 'pending' : 'completed',
    startTime,
    pendingPolls,
    tags,
  };
  ctx.model.ec2(ctx.target).snapshots[snapshot.snapshotId] = snapshot;
  return snapshot;
}

const DAY_MS = 86_400_000;

export const ec2StorageHandlers: HandlerTable = {
  /** EBS snapshot lock: governance or compliance, 1–36,500 days; a pending or completed snapshot. */
  LockSnapshot: op<LockSnapshotCommandInput, LockSnapshotCommandOutput>((ctx, input) => {
    const snapshot = input.SnapshotId ? ctx.model.ec2(ctx.target).snapshots[input.SnapshotId] : undefined;
    if (!snapshot)
      throw ctx.error('InvalidSnapshot.NotFound', `The snapshot '${input.SnapshotId}' does not exist.`);
    if (input.LockMode !== 'governance' && input.LockMode !== 'compliance')
      throw ctx.error('InvalidParameterValue', `Invalid LockMode ${input.LockMode}`);
    const days = input.LockDuration;
    if (days === undefined || days < 1 || days > 36_500)
      throw ctx.error('InvalidParameterValue', 'LockDuration must be between 1 and 36500 days');
    if (input.LockMode === 'governance' && input.CoolOffPeriod !== undefined)
      throw ctx.error('InvalidParameterCombination', 'CoolOffPeriod is only valid in compliance mode');
    const now = ctx.model.now().getTime();
    snapshot.lock = {
      mode: input.LockMode,
      expiresAt: new Date(now + days * DAY_MS).toISOString(),
      lockedAt: new Date(now).toISOString(),
      durationDays: days,
      ...(input.CoolOffPeriod
        ? { coolOffEndsAt: new Date(now + input.CoolOffPeriod * 3_600_000).toISOString() }
        : {}),
    };
    return {
      SnapshotId: snapshot.snapshotId,
      LockState:
        input.LockMode === 'governance'
          ? 'governance'
          : input.CoolOffPeriod
            ? 'compliance-cooloff'
            : 'compliance',
      LockDuration: days,
      LockCreatedOn: new Date(now),
      LockExpiresOn: new Date(snapshot.lock.expiresAt),
    };
  }),

  /**
   * The lock of each locked snapshot (of those named in SnapshotIds, and matching a `lock-state` filter): its state
   * on the sim clock (`compliance-cooloff` until the cooling-off period ends, `expired` once the duration has run
   * out), duration and dates. A snapshot never locked is not listed (the simulator's reading: the call describes
   * locked snapshots).
   */
  DescribeLockedSnapshots: op<DescribeLockedSnapshotsCommandInput, DescribeLockedSnapshotsCommandOutput>(
    (ctx, input) => {
      const now = ctx.model.now().getTime();
      const wanted = input.SnapshotIds?.length ? new Set(input.SnapshotIds) : undefined;
      const states = input.Filters?.find((f) => f.Name === 'lock-state')?.Values;
      const stateOf = (lock: NonNullable<SimSnapshot['lock']>): LockState =>
        Date.parse(lock.expiresAt) <= now
          ? 'expired'
          : lock.mode === 'governance'
            ? 'governance'
            : lock.coolOffEndsAt && Date.parse(lock.coolOffEndsAt) > now
              ? 'compliance-cooloff'
              : 'compliance';
      const rows = Object.values(ctx.model.ec2(ctx.target).snapshots)
        .filter((s) => s.lock && (!wanted || wanted.has(s.snapshotId)))
        .map((s) => {
          const lock = s.lock as NonNullable<SimSnapshot['lock']>;
          return {
            OwnerId: s.ownerId,
            SnapshotId: s.snapshotId,
            LockState: stateOf(lock),
            ...(lock.durationDays !== undefined ? { LockDuration: lock.durationDays } : {}),
            ...(lock.lockedAt
              ? { LockCreatedOn: new Date(lock.lockedAt), LockDurationStartTime: new Date(lock.lockedAt) }
              : {}),
            ...(lock.coolOffEndsAt ? { CoolOffPeriodExpiresOn: new Date(lock.coolOffEndsAt) } : {}),
            LockExpiresOn: new Date(lock.expiresAt),
          };
        })
        .filter((row) => !states || states.includes(row.LockState));
      return { Snapshots: rows };
    },
  ),

  /** Refused while the snapshot is locked (until the lock expires). */
  DeleteSnapshot: op<DeleteSnapshotCommandInput, DeleteSnapshotCommandOutput>((ctx, input) => {
    const snapshots = ctx.model.ec2(ctx.target).snapshots;
    const snapshot = input.SnapshotId ? snapshots[input.SnapshotId] : undefined;
    if (!snapshot)
      throw ctx.error('InvalidSnapshot.NotFound', `The snapshot '${input.SnapshotId}' does not exist.`);
    if (snapshot.lock && Date.parse(snapshot.lock.expiresAt) > ctx.model.now().getTime())
      throw ctx.error(
        'SnapshotLocked',
        `The snapshot '${snapshot.snapshotId}' is locked in ${snapshot.lock.mode} mode until ${snapshot.lock.expiresAt} and can't be deleted.`,
      );
    delete snapshots[snapshot.snapshotId];
    return {};
  }),

  /**
   * Crash-consistent snapshots of an instance's attached EBS volumes, one per volume, all at one point in time
   * (one StartTime). The root volume is left out only with ExcludeBootVolume; naming it in ExcludeDataVolumeIds
   * fails the request. Instance store is never included (it is not EBS).
   */
  CreateSnapshots: op<CreateSnapshotsCommandInput, CreateSnapshotsCommandOutput>((ctx, input) => {
    const spec = input.InstanceSpecification;
    if (!spec?.InstanceId) {
      throw ctx.error(
        'MissingParameter',
        'The request must contain the parameter InstanceSpecification.InstanceId',
      );
    }
    const instance = getInstance(ctx, spec.InstanceId);
    if (instance.state === 'terminated') {
      throw ctx.error(
        'IncorrectInstanceState',
        `The instance '${instance.instanceId}' is not in a valid state.`,
      );
    }
    const excluded = spec.ExcludeDataVolumeIds ?? [];
    if (excluded.length > 40) {
      throw ctx.error('InvalidParameterValue', 'You can specify up to 40 volume IDs to exclude.');
    }
    const root = instance.blockDeviceMappings.find((b) => b.deviceName === instance.rootDeviceName);
    if (root && excluded.includes(root.volumeId)) {
      throw ctx.error(
        'InvalidParameterValue',
        `The root volume ${root.volumeId} cannot be excluded with ExcludeDataVolumeIds; use ExcludeBootVolume.`,
      );
    }
    if ((input.Description ?? '').length > 255) {
      throw ctx.error(
        'InvalidParameterValue',
        'Value for parameter Description is too long (maximum 255 characters)',
      );
    }
    const tags = tagsFromSpecifications(ctx, input.TagSpecifications, 'snapshot');
    const ec2 = ctx.model.ec2(ctx.target);
    const mappings = instance.blockDeviceMappings.filter(
      (b) => !(spec.ExcludeBootVolume && b === root) && !excluded.includes(b.volumeId),
    );
    const startTime = ctx.model.iso();
    const snapshots = mappings.map((b) => {
      const volume = ec2.volumes[b.volumeId];
      if (!volume) throw ctx.error('InvalidVolume.NotFound', `The volume '${b.volumeId}' does not exist.`);
      const copied = input.CopyTagsFromSource === 'volume' ? volume.tags : {};
      return newSnapshot(ctx, volume, input.Description ?? '', { ...copied, ...tags }, startTime);
    });
    return {
      Snapshots: snapshots.map((s) => ({
        SnapshotId: s.snapshotId,
        VolumeId: s.volumeId,
        VolumeSize: s.volumeSize,
        Description: s.description,
        Encrypted: s.encrypted,
        OwnerId: s.ownerId,
        StartTime: new Date(s.startTime),
        // EC2 answers before the snapshots complete.
        State: 'pending',
        Progress: '',
        ...(Object.keys(s.tags).length ? { Tags: tagList(s.tags) } : {}),
      })),
    };
  }),

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
      ...(volume.kmsKeyId ? { kmsKeyId: volume.kmsKeyId } : {}),
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
    // Paginated only when asked (MaxResults 5–1000, or a NextToken), as EC2 does; then at most listPageSize a page.
    const paged = input.MaxResults !== undefined || input.NextToken !== undefined;
    if (input.MaxResults !== undefined && (input.MaxResults < 5 || input.MaxResults > 1000)) {
      throw ctx.error('InvalidParameterValue', 'Value for parameter maxResults must be between 5 and 1000');
    }
    const { items, next } = paged
      ? page(ctx, snapshots, input.NextToken, input.MaxResults, 'InvalidNextToken')
      : { items: snapshots, next: undefined };
    const rendered = items.map(renderSnapshot);
    // A pending snapshot is reported pending `snapshotPendingPolls` times, then completes.
    for (const s of items) {
      if (s.state !== 'pending') continue;
      s.pendingPolls = Math.max(0, s.pendingPolls - 1);
      if (s.pendingPolls === 0) s.state = 'completed';
    }
    return { Snapshots: rendered, ...(next ? { NextToken: next } : {}) };
  }),
};
