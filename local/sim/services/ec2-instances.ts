import type {
  _InstanceType,
  AssociateIamInstanceProfileCommandInput,
  AssociateIamInstanceProfileCommandOutput,
  CreateTagsCommandInput,
  CreateTagsCommandOutput,
  DeleteTagsCommandInput,
  DeleteTagsCommandOutput,
  DescribeIamInstanceProfileAssociationsCommandInput,
  DescribeIamInstanceProfileAssociationsCommandOutput,
  DescribeInstanceAttributeCommandInput,
  DescribeInstanceAttributeCommandOutput,
  DescribeInstancesCommandInput,
  DescribeInstancesCommandOutput,
  DescribeInstanceTypesCommandInput,
  DescribeInstanceTypesCommandOutput,
  DisassociateIamInstanceProfileCommandInput,
  DisassociateIamInstanceProfileCommandOutput,
  GetConsoleOutputCommandInput,
  GetConsoleOutputCommandOutput,
  GetConsoleScreenshotCommandInput,
  GetConsoleScreenshotCommandOutput,
  IamInstanceProfileAssociation,
  InstanceStateChange,
  ModifyInstanceAttributeCommandInput,
  ModifyInstanceAttributeCommandOutput,
  ReplaceIamInstanceProfileAssociationCommandInput,
  ReplaceIamInstanceProfileAssociationCommandOutput,
  StartInstancesCommandInput,
  StartInstancesCommandOutput,
  StopInstancesCommandInput,
  StopInstancesCommandOutput,
  TerminateInstancesCommandInput,
  TerminateInstancesCommandOutput,
} from '@aws-sdk/client-ec2';
import { associateInstanceProfile, deregisterTarget, disassociateAddress } from '../build';
import { notYetVisible, openConsistencyWindow } from '../consistency';
import { SimulatorUnsupportedOperation } from '../errors';
import { INSTANCE_TYPES } from '../instance-types';
import type { SimInstance, Tags } from '../model';
import { consolePng } from '../png';
import {
  applyFilters,
  type HandlerTable,
  type OpContext,
  op,
  pick,
  tagsFrom,
  toDate,
  validateTags,
} from './common';
import { groupIdentifiers, renderInstance } from './ec2-render';

const STATE_CODES: Record<SimInstance['state'], number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export function getInstance(ctx: OpContext, instanceId: string | undefined): SimInstance {
  const instance = instanceId ? ctx.model.ec2(ctx.target).instances[instanceId] : undefined;
  if (!instance)
    throw ctx.error('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
  return instance;
}

function associationOf(instance: SimInstance): IamInstanceProfileAssociation | undefined {
  const p = instance.iamInstanceProfile;
  if (!p) return undefined;
  return {
    AssociationId: p.associationId,
    InstanceId: instance.instanceId,
    IamInstanceProfile: { Arn: p.arn, Id: p.id },
    State: 'associated',
    Timestamp: toDate(p.associatedAt),
  };
}

function findAssociation(ctx: OpContext, associationId: string | undefined): SimInstance {
  const instance = Object.values(ctx.model.ec2(ctx.target).instances).find(
    (i) => associationId !== undefined && i.iamInstanceProfile?.associationId === associationId,
  );
  if (!instance) {
    throw ctx.error(
      'InvalidAssociationID.NotFound',
      `An association with ID ${associationId} could not be found.`,
    );
  }
  return instance;
}

/** The instance profile ARN named in a request (by ARN or name), which must exist in this account's IAM. */
function resolveProfileArn(ctx: OpContext, spec: { Arn?: string; Name?: string } | undefined): string {
  const profiles = Object.values(ctx.model.iam(ctx.target.accountId).instanceProfiles);
  const profile = profiles.find(
    (p) => (spec?.Arn && p.arn === spec.Arn) || (spec?.Name && p.instanceProfileName === spec.Name),
  );
  if (!profile) {
    throw ctx.error(
      'InvalidParameterValue',
      `Value (${spec?.Arn ?? spec?.Name}) for parameter iamInstanceProfile.${spec?.Arn ? 'arn' : 'name'} is invalid. Invalid IAM Instance Profile ${spec?.Arn ? 'ARN' : 'name'}`,
    );
  }
  return profile.arn;
}

/** Everything CreateTags/DeleteTags can address, by id. */
function taggable(ctx: OpContext, id: string): { tags: Tags } {
  const ec2 = ctx.model.ec2(ctx.target);
  const found =
    ec2.instances[id] ??
    ec2.securityGroups[id] ??
    ec2.snapshots[id] ??
    ec2.volumes[id] ??
    ec2.networkInterfaces[id] ??
    ec2.vpcs[id] ??
    ec2.subnets[id] ??
    ec2.addresses[id] ??
    ec2.vpcEndpoints[id];
  if (found) return found;
  const codes: [string, string][] = [
    ['i-', 'InvalidInstanceID.NotFound'],
    ['sg-', 'InvalidGroup.NotFound'],
    ['snap-', 'InvalidSnapshot.NotFound'],
    ['vol-', 'InvalidVolume.NotFound'],
    ['eni-', 'InvalidNetworkInterfaceID.NotFound'],
    ['vpc-', 'InvalidVpcID.NotFound'],
    ['subnet-', 'InvalidSubnetID.NotFound'],
    ['eipalloc-', 'InvalidAllocationID.NotFound'],
    ['vpce-', 'InvalidVpcEndpointId.NotFound'],
  ];
  const code = codes.find(([prefix]) => id.startsWith(prefix))?.[1] ?? 'InvalidID';
  throw ctx.error(
    code,
    code === 'InvalidID' ? `The ID '${id}' is not valid` : `The ID '${id}' does not exist`,
  );
}

/** The attributes ModifyInstanceAttribute may change, one per call (as EC2 enforces). */
const MODIFIABLE = [
  'DisableApiTermination',
  'InstanceInitiatedShutdownBehavior',
  'BlockDeviceMappings',
  'Groups',
  'SourceDestCheck',
  'Attribute',
] as const;
const UNSUPPORTED_MODIFY = [
  'InstanceType',
  'UserData',
  'EbsOptimized',
  'Kernel',
  'Ramdisk',
  'SriovNetSupport',
  'EnaSupport',
  'DisableApiStop',
] as const;

function setShutdownBehavior(ctx: OpContext, instance: SimInstance, value: string | undefined): void {
  if (value !== 'stop' && value !== 'terminate') {
    throw ctx.error(
      'InvalidParameterValue',
      `Value (${value}) for parameter instanceInitiatedShutdownBehavior is invalid.`,
    );
  }
  instance.instanceInitiatedShutdownBehavior = value;
}

/** Terminates an instance as EC2 does (volumes per DeleteOnTermination, ENIs, EIPs, ASG and target groups). */
export function terminate(ctx: OpContext, instance: SimInstance): void {
  const region = ctx.model.region(ctx.target);
  const ec2 = region.ec2;
  for (const mapping of instance.blockDeviceMappings) {
    if (mapping.deleteOnTermination) delete ec2.volumes[mapping.volumeId];
    else {
      const volume = ec2.volumes[mapping.volumeId];
      if (volume) delete volume.attachedTo;
    }
  }
  instance.blockDeviceMappings = [];
  for (const id of instance.networkInterfaceIds) {
    const eni = ec2.networkInterfaces[id];
    if (!eni) continue;
    const address = eni.association?.allocationId ? ec2.addresses[eni.association.allocationId] : undefined;
    if (address) disassociateAddress(ctx.model, ctx.target, address);
    if (eni.attachment?.deleteOnTermination) delete ec2.networkInterfaces[id];
    else {
      delete eni.attachment;
      eni.status = 'available';
    }
  }
  instance.networkInterfaceIds = [];
  delete instance.iamInstanceProfile;
  instance.state = 'terminated';
  for (const group of Object.values(region.autoscaling.groups)) {
    group.instances = group.instances.filter((i) => i.instanceId !== instance.instanceId);
  }
  for (const tg of Object.values(region.elbv2.targetGroups)) {
    for (const t of tg.targets.filter((t) => t.id === instance.instanceId)) {
      deregisterTarget(ctx.model, tg, t.id, t.port);
    }
  }
  const managed = region.ssm.managedInstances[instance.instanceId];
  if (managed) managed.pingStatus = 'ConnectionLost';
}

function stateChange(instance: SimInstance, previous: SimInstance['state']): InstanceStateChange {
  return {
    InstanceId: instance.instanceId,
    PreviousState: { Code: STATE_CODES[previous], Name: previous },
    CurrentState: { Code: STATE_CODES[instance.state], Name: instance.state },
  };
}

export const ec2InstanceHandlers: HandlerTable = {
  DescribeInstances: op<DescribeInstancesCommandInput, DescribeInstancesCommandOutput>((ctx, input) => {
    const ec2 = ctx.model.ec2(ctx.target);
    const picked = pick(ctx, ec2.instances, input.InstanceIds, 'InvalidInstanceID.NotFound', 'instance');
    const enis = (i: SimInstance) => i.networkInterfaceIds.map((id) => ec2.networkInterfaces[id]);
    const instances = applyFilters(
      ctx,
      picked,
      input.Filters,
      {
        'instance-id': (i) => i.instanceId,
        'instance-state-name': (i) => i.state,
        'instance-type': (i) => i.instanceType,
        'vpc-id': (i) => i.vpcId,
        'subnet-id': (i) => i.subnetId,
        'availability-zone': (i) => i.availabilityZone,
        'private-ip-address': (i) => i.privateIpAddress,
        'ip-address': (i) => enis(i)[0]?.association?.publicIp,
        'iam-instance-profile.arn': (i) => i.iamInstanceProfile?.arn,
        'network-interface.network-interface-id': (i) => i.networkInterfaceIds,
        'instance.group-id': (i) => enis(i).flatMap((e) => e?.groupIds ?? []),
        'network-interface.group-id': (i) => enis(i).flatMap((e) => e?.groupIds ?? []),
        'block-device-mapping.volume-id': (i) => i.blockDeviceMappings.map((b) => b.volumeId),
        'reservation-id': (i) => i.reservationId,
      },
      (i) => i.tags,
    );
    return {
      Reservations: instances.map((i) => ({
        ReservationId: i.reservationId,
        OwnerId: ctx.target.accountId,
        Groups: [],
        Instances: [renderInstance(ec2, i, ctx.target.accountId, ctx.target.region)],
      })),
    };
  }),

  DescribeInstanceAttribute: op<
    DescribeInstanceAttributeCommandInput,
    DescribeInstanceAttributeCommandOutput
  >((ctx, input) => {
    const instance = getInstance(ctx, input.InstanceId);
    const ec2 = ctx.model.ec2(ctx.target);
    const base = { InstanceId: instance.instanceId };
    switch (input.Attribute) {
      case 'disableApiTermination':
        return { ...base, DisableApiTermination: { Value: instance.disableApiTermination } };
      case 'instanceInitiatedShutdownBehavior':
        return {
          ...base,
          InstanceInitiatedShutdownBehavior: { Value: instance.instanceInitiatedShutdownBehavior },
        };
      case 'blockDeviceMapping':
        return {
          ...base,
          BlockDeviceMappings: instance.blockDeviceMappings.map((b) => ({
            DeviceName: b.deviceName,
            Ebs: {
              VolumeId: b.volumeId,
              Status: 'attached',
              AttachTime: toDate(b.attachTime),
              DeleteOnTermination: b.deleteOnTermination,
            },
          })),
        };
      case 'groupSet':
        return {
          ...base,
          Groups: groupIdentifiers(
            ec2,
            ec2.networkInterfaces[instance.networkInterfaceIds[0] ?? '']?.groupIds ?? [],
          ),
        };
      case 'instanceType':
        return { ...base, InstanceType: { Value: instance.instanceType } };
      case 'rootDeviceName':
        return { ...base, RootDeviceName: { Value: instance.rootDeviceName } };
      case 'sourceDestCheck':
        return {
          ...base,
          SourceDestCheck: {
            Value: ec2.networkInterfaces[instance.networkInterfaceIds[0] ?? '']?.sourceDestCheck ?? true,
          },
        };
      case 'disableApiStop':
        return { ...base, DisableApiStop: { Value: false } };
      default:
        throw ctx.error(
          'InvalidParameterValue',
          `Value (${input.Attribute}) for parameter attribute is invalid.`,
        );
    }
  }),

  ModifyInstanceAttribute: op<ModifyInstanceAttributeCommandInput, ModifyInstanceAttributeCommandOutput>(
    (ctx, input) => {
      const instance = getInstance(ctx, input.InstanceId);
      const ec2 = ctx.model.ec2(ctx.target);
      const unsupported = UNSUPPORTED_MODIFY.find((k) => input[k] !== undefined);
      if (unsupported) {
        throw new SimulatorUnsupportedOperation('ec2', `ModifyInstanceAttribute(${unsupported})`);
      }
      const given = MODIFIABLE.filter((k) => input[k] !== undefined);
      if (given.length !== 1) {
        throw ctx.error(
          given.length ? 'InvalidParameterCombination' : 'MissingParameter',
          given.length
            ? `Fields for multiple attribute types specified: ${given.join(', ')}`
            : 'No attributes specified.',
        );
      }
      if (instance.state === 'terminated') {
        throw ctx.error(
          'IncorrectInstanceState',
          `The instance '${instance.instanceId}' is not in a valid state.`,
        );
      }
      const terminationValue =
        input.DisableApiTermination?.Value ??
        (input.Attribute === 'disableApiTermination' ? input.Value === 'true' : undefined);
      if (terminationValue !== undefined && instance.instanceLifecycle === 'spot') {
        throw ctx.error(
          'UnsupportedOperation',
          "Modifying 'disableApiTermination' is not supported for spot instances.",
        );
      }
      if (input.DisableApiTermination)
        instance.disableApiTermination = input.DisableApiTermination.Value ?? false;
      if (input.InstanceInitiatedShutdownBehavior) {
        setShutdownBehavior(ctx, instance, input.InstanceInitiatedShutdownBehavior.Value);
      }
      if (input.Attribute) {
        if (input.Attribute === 'disableApiTermination')
          instance.disableApiTermination = input.Value === 'true';
        else if (input.Attribute === 'instanceInitiatedShutdownBehavior')
          setShutdownBehavior(ctx, instance, input.Value);
        else
          throw ctx.error(
            'InvalidParameterValue',
            `Value (${input.Attribute}) for parameter attribute is invalid.`,
          );
      }
      if (input.BlockDeviceMappings) {
        const updates = input.BlockDeviceMappings.map((m) => {
          const mapping = instance.blockDeviceMappings.find((b) => b.deviceName === m.DeviceName);
          if (!mapping) {
            throw ctx.error(
              'InvalidInstanceAttributeValue',
              `No device is currently mapped at ${m.DeviceName}`,
            );
          }
          return { mapping, value: m.Ebs?.DeleteOnTermination };
        });
        for (const { mapping, value } of updates)
          if (value !== undefined) mapping.deleteOnTermination = value;
      }
      if (input.Groups) {
        if (instance.networkInterfaceIds.length !== 1) {
          throw ctx.error(
            'InvalidInstanceID',
            `There are multiple interfaces attached to instance '${instance.instanceId}'. Please specify an interface ID for the operation instead.`,
          );
        }
        const eni = ec2.networkInterfaces[instance.networkInterfaceIds[0] ?? ''];
        if (input.Groups.length > 5)
          throw ctx.error('SecurityGroupsPerInterfaceLimitExceeded', 'Too many security groups');
        for (const id of input.Groups) {
          if (ec2.securityGroups[id]?.vpcId !== instance.vpcId) {
            throw ctx.error(
              'InvalidGroup.NotFound',
              `The security group '${id}' does not exist in VPC '${instance.vpcId}'`,
            );
          }
        }
        if (eni) eni.groupIds = [...new Set(input.Groups)];
      }
      if (input.SourceDestCheck) {
        for (const id of instance.networkInterfaceIds) {
          const eni = ec2.networkInterfaces[id];
          if (eni) eni.sourceDestCheck = input.SourceDestCheck.Value ?? true;
        }
      }
      return {};
    },
  ),

  DescribeIamInstanceProfileAssociations: op<
    DescribeIamInstanceProfileAssociationsCommandInput,
    DescribeIamInstanceProfileAssociationsCommandOutput
  >((ctx, input) => {
    const all = Object.values(ctx.model.ec2(ctx.target).instances)
      .map(associationOf)
      .filter((a): a is IamInstanceProfileAssociation => a !== undefined)
      .map((a) => (notYetVisible(ctx.model, a.AssociationId) ? { ...a, State: 'associating' as const } : a));
    const byId = input.AssociationIds?.length
      ? input.AssociationIds.map((id) => {
          const found = all.find((a) => a.AssociationId === id);
          if (!found)
            throw ctx.error(
              'InvalidAssociationID.NotFound',
              `An association with ID ${id} could not be found.`,
            );
          return found;
        })
      : all;
    return {
      IamInstanceProfileAssociations: applyFilters(ctx, byId, input.Filters, {
        'instance-id': (a) => a.InstanceId,
        state: (a) => a.State,
      }),
    };
  }),

  AssociateIamInstanceProfile: op<
    AssociateIamInstanceProfileCommandInput,
    AssociateIamInstanceProfileCommandOutput
  >((ctx, input) => {
    const instance = getInstance(ctx, input.InstanceId);
    const arn = resolveProfileArn(ctx, input.IamInstanceProfile);
    if (instance.iamInstanceProfile) {
      throw ctx.error(
        'IncorrectState',
        `There is an existing association for instance ${instance.instanceId}`,
      );
    }
    if (instance.state !== 'running' && instance.state !== 'stopped') {
      throw ctx.error(
        'IncorrectInstanceState',
        `The instance '${instance.instanceId}' is not in a valid state.`,
      );
    }
    associateInstanceProfile(ctx.model, ctx.target, instance, arn);
    openConsistencyWindow(ctx.model, associationOf(instance)?.AssociationId ?? '');
    return { IamInstanceProfileAssociation: { ...associationOf(instance), State: 'associating' } };
  }),

  ReplaceIamInstanceProfileAssociation: op<
    ReplaceIamInstanceProfileAssociationCommandInput,
    ReplaceIamInstanceProfileAssociationCommandOutput
  >((ctx, input) => {
    const instance = findAssociation(ctx, input.AssociationId);
    const arn = resolveProfileArn(ctx, input.IamInstanceProfile);
    associateInstanceProfile(ctx.model, ctx.target, instance, arn);
    openConsistencyWindow(ctx.model, associationOf(instance)?.AssociationId ?? '');
    return { IamInstanceProfileAssociation: { ...associationOf(instance), State: 'associating' } };
  }),

  DisassociateIamInstanceProfile: op<
    DisassociateIamInstanceProfileCommandInput,
    DisassociateIamInstanceProfileCommandOutput
  >((ctx, input) => {
    const instance = findAssociation(ctx, input.AssociationId);
    const association = associationOf(instance);
    delete instance.iamInstanceProfile;
    return { IamInstanceProfileAssociation: { ...association, State: 'disassociating' } };
  }),

  GetConsoleOutput: op<GetConsoleOutputCommandInput, GetConsoleOutputCommandOutput>((ctx, input) => {
    const instance = getInstance(ctx, input.InstanceId);
    if (input.Latest && INSTANCE_TYPES[instance.instanceType]?.hypervisor !== 'nitro') {
      throw ctx.error(
        'UnsupportedOperation',
        'Retrieving the latest console output is only supported on instances built on the Nitro System.',
      );
    }
    return {
      InstanceId: instance.instanceId,
      Timestamp: ctx.model.now(),
      Output: Buffer.from(instance.consoleOutput, 'utf8').toString('base64'),
    };
  }),

  DescribeInstanceTypes: op<DescribeInstanceTypesCommandInput, DescribeInstanceTypesCommandOutput>(
    (ctx, input) => {
      const names = input.InstanceTypes?.length ? input.InstanceTypes : Object.keys(INSTANCE_TYPES).sort();
      return {
        InstanceTypes: names.map((name) => {
          const t = INSTANCE_TYPES[name];
          if (!t) {
            throw ctx.error(
              'InvalidInstanceType',
              `The following supplied instance types do not exist: [${name}]`,
            );
          }
          const store = t.instanceStore;
          return {
            InstanceType: name as _InstanceType,
            Hypervisor: t.hypervisor,
            VCpuInfo: { DefaultVCpus: t.vcpus },
            MemoryInfo: { SizeInMiB: t.memoryMiB },
            InstanceStorageSupported: store !== undefined,
            ...(store
              ? {
                  InstanceStorageInfo: {
                    TotalSizeInGB: store.count * store.sizeGb,
                    Disks: [{ Count: store.count, SizeInGB: store.sizeGb, Type: store.type }],
                    NvmeSupport: store.nvme ? 'required' : 'unsupported',
                  },
                }
              : {}),
          };
        }),
      };
    },
  ),

  GetConsoleScreenshot: op<GetConsoleScreenshotCommandInput, GetConsoleScreenshotCommandOutput>(
    (ctx, input) => {
      const instance = getInstance(ctx, input.InstanceId);
      if (!instance.screenshotSupported) {
        throw ctx.error(
          'UnsupportedOperation',
          `The instance type ${instance.instanceType} does not support screenshots.`,
        );
      }
      if (instance.state !== 'running') {
        throw ctx.error(
          'IncorrectInstanceState',
          `The instance '${instance.instanceId}' is not in the 'running' state.`,
        );
      }
      return {
        InstanceId: instance.instanceId,
        ImageData: consolePng(instance.instanceId).toString('base64'),
      };
    },
  ),

  CreateTags: op<CreateTagsCommandInput, CreateTagsCommandOutput>((ctx, input) => {
    const targets = (input.Resources ?? []).map((id) => taggable(ctx, id));
    const tags = tagsFrom(input.Tags);
    validateTags(ctx, tags);
    for (const t of targets) {
      if (Object.keys({ ...t.tags, ...tags }).length > 50) {
        throw ctx.error('TagLimitExceeded', 'The maximum number of tags (50) for a resource is exceeded');
      }
    }
    for (const t of targets) Object.assign(t.tags, tags);
    return {};
  }),

  DeleteTags: op<DeleteTagsCommandInput, DeleteTagsCommandOutput>((ctx, input) => {
    const targets = (input.Resources ?? []).map((id) => taggable(ctx, id));
    for (const t of targets) {
      if (!input.Tags) {
        for (const key of Object.keys(t.tags)) delete t.tags[key];
        continue;
      }
      for (const tag of input.Tags) {
        if (tag.Key === undefined) continue;
        if (tag.Value === undefined || t.tags[tag.Key] === tag.Value) delete t.tags[tag.Key];
      }
    }
    return {};
  }),

  TerminateInstances: op<TerminateInstancesCommandInput, TerminateInstancesCommandOutput>((ctx, input) => {
    const instances = pick(
      ctx,
      ctx.model.ec2(ctx.target).instances,
      input.InstanceIds ?? [],
      'InvalidInstanceID.NotFound',
      'instance',
    );
    const protectedOne = instances.find((i) => i.disableApiTermination);
    if (protectedOne) {
      throw ctx.error(
        'OperationNotPermitted',
        `The instance '${protectedOne.instanceId}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`,
      );
    }
    return {
      TerminatingInstances: instances.map((i) => {
        const previous = i.state;
        if (previous !== 'terminated') terminate(ctx, i);
        return stateChange(i, previous);
      }),
    };
  }),

  StopInstances: op<StopInstancesCommandInput, StopInstancesCommandOutput>((ctx, input) => {
    const instances = pick(
      ctx,
      ctx.model.ec2(ctx.target).instances,
      input.InstanceIds ?? [],
      'InvalidInstanceID.NotFound',
      'instance',
    );
    const gone = instances.find((i) => i.state === 'terminated');
    if (gone) {
      throw ctx.error(
        'IncorrectInstanceState',
        `The instance '${gone.instanceId}' is not in a state from which it can be stopped.`,
      );
    }
    return {
      StoppingInstances: instances.map((i) => {
        const previous = i.state;
        i.state = 'stopped';
        return stateChange(i, previous);
      }),
    };
  }),

  StartInstances: op<StartInstancesCommandInput, StartInstancesCommandOutput>((ctx, input) => {
    const instances = pick(
      ctx,
      ctx.model.ec2(ctx.target).instances,
      input.InstanceIds ?? [],
      'InvalidInstanceID.NotFound',
      'instance',
    );
    const gone = instances.find((i) => i.state === 'terminated');
    if (gone) {
      throw ctx.error(
        'IncorrectInstanceState',
        `The instance '${gone.instanceId}' is not in a state from which it can be started.`,
      );
    }
    return {
      StartingInstances: instances.map((i) => {
        const previous = i.state;
        i.state = 'running';
        return stateChange(i, previous);
      }),
    };
  }),
};
