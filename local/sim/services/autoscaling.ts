import type {
  Activity,
  AttachInstancesCommandInput,
  AttachInstancesCommandOutput,
  AutoScalingGroup,
  DescribeAutoScalingGroupsCommandInput,
  DescribeAutoScalingGroupsCommandOutput,
  DescribeAutoScalingInstancesCommandInput,
  DescribeAutoScalingInstancesCommandOutput,
  DescribeScalingActivitiesCommandInput,
  DescribeScalingActivitiesCommandOutput,
  DetachInstancesCommandInput,
  DetachInstancesCommandOutput,
} from '@aws-sdk/client-auto-scaling';
import { deregisterTarget, launchInstance, registerTarget } from '../build';
import type { SimAutoScalingGroup, SimScalingActivity } from '../model';
import { type HandlerTable, type OpContext, op, toDate } from './common';

function group(ctx: OpContext, name: string | undefined): SimAutoScalingGroup {
  const found = name ? ctx.model.region(ctx.target).autoscaling.groups[name] : undefined;
  if (!found)
    throw ctx.error(
      'ValidationError',
      `AutoScalingGroup name not found - AutoScalingGroup ${name} not found`,
    );
  return found;
}

export function activity(
  ctx: OpContext,
  g: SimAutoScalingGroup,
  description: string,
  cause: string,
): SimScalingActivity {
  const a: SimScalingActivity = {
    activityId: ctx.model.ids.uuid('asg-activity'),
    description,
    cause,
    statusCode: 'Successful',
    startTime: ctx.model.iso(),
  };
  g.activities.push(a);
  return a;
}

function renderActivity(g: SimAutoScalingGroup, a: SimScalingActivity): Activity {
  return {
    ActivityId: a.activityId,
    AutoScalingGroupName: g.name,
    AutoScalingGroupARN: g.arn,
    Description: a.description,
    Cause: a.cause,
    StartTime: toDate(a.startTime),
    EndTime: toDate(a.startTime),
    StatusCode: a.statusCode,
    Progress: 100,
  };
}

function renderGroup(ctx: OpContext, g: SimAutoScalingGroup): AutoScalingGroup {
  const instances = ctx.model.ec2(ctx.target).instances;
  return {
    AutoScalingGroupName: g.name,
    AutoScalingGroupARN: g.arn,
    MinSize: g.minSize,
    MaxSize: g.maxSize,
    DesiredCapacity: g.desiredCapacity,
    DefaultCooldown: 300,
    AvailabilityZones: [...new Set(g.instances.map((i) => i.availabilityZone))],
    VPCZoneIdentifier: g.subnetIds.join(','),
    HealthCheckType: g.healthCheckType ?? 'EC2',
    HealthCheckGracePeriod: g.healthCheckGracePeriodSeconds ?? 300,
    CreatedTime: toDate(g.activities[0]?.startTime ?? ctx.model.iso()),
    TargetGroupARNs: [...g.targetGroupArns],
    LoadBalancerNames: [],
    Instances: g.instances.map((i) => ({
      InstanceId: i.instanceId,
      InstanceType: instances[i.instanceId]?.instanceType,
      AvailabilityZone: i.availabilityZone,
      LifecycleState: i.lifecycleState,
      HealthStatus: i.healthStatus,
      ProtectedFromScaleIn: false,
    })),
    Tags: Object.entries(g.tags).map(([Key, Value]) => ({
      Key,
      Value,
      ResourceId: g.name,
      ResourceType: 'auto-scaling-group',
      PropagateAtLaunch: true,
    })),
  };
}

/** Launches one replacement instance, as the group does when a detach keeps its desired capacity. */
export function launchReplacement(ctx: OpContext, g: SimAutoScalingGroup): string {
  const subnetId = g.subnetIds[0];
  if (!subnetId) throw new Error(`simulator: ASG ${g.name} has no subnet to launch a replacement in`);
  const instance = launchInstance(ctx.model, ctx.target, {
    subnetId,
    groupIds: g.launch.securityGroupIds,
    instanceType: g.launch.instanceType,
    imageId: g.launch.imageId,
    ...(g.launch.instanceProfileArn ? { instanceProfileArn: g.launch.instanceProfileArn } : {}),
    tags: { 'aws:autoscaling:groupName': g.name },
  });
  g.instances.push({
    instanceId: instance.instanceId,
    lifecycleState: 'InService',
    healthStatus: 'Healthy',
    availabilityZone: instance.availabilityZone,
  });
  for (const arn of g.targetGroupArns) {
    const tg = ctx.model.region(ctx.target).elbv2.targetGroups[arn];
    if (tg) registerTarget(tg, instance.instanceId);
  }
  return instance.instanceId;
}

export const autoscalingHandlers: HandlerTable = {
  DescribeAutoScalingInstances: op<
    DescribeAutoScalingInstancesCommandInput,
    DescribeAutoScalingInstancesCommandOutput
  >((ctx, input) => {
    const region = ctx.model.region(ctx.target);
    const rows = Object.values(region.autoscaling.groups).flatMap((g) => g.instances.map((i) => ({ g, i })));
    const wanted = input.InstanceIds;
    return {
      AutoScalingInstances: rows
        .filter(({ i }) => !wanted?.length || wanted.includes(i.instanceId))
        .map(({ g, i }) => ({
          InstanceId: i.instanceId,
          InstanceType: region.ec2.instances[i.instanceId]?.instanceType,
          AutoScalingGroupName: g.name,
          AvailabilityZone: i.availabilityZone,
          LifecycleState: i.lifecycleState,
          HealthStatus: i.healthStatus.toUpperCase(),
          ProtectedFromScaleIn: false,
        })),
    };
  }),

  DescribeAutoScalingGroups: op<
    DescribeAutoScalingGroupsCommandInput,
    DescribeAutoScalingGroupsCommandOutput
  >((ctx, input) => {
    const groups = Object.values(ctx.model.region(ctx.target).autoscaling.groups).filter(
      (g) => !input.AutoScalingGroupNames?.length || input.AutoScalingGroupNames.includes(g.name),
    );
    return { AutoScalingGroups: groups.map((g) => renderGroup(ctx, g)) };
  }),

  DescribeScalingActivities: op<
    DescribeScalingActivitiesCommandInput,
    DescribeScalingActivitiesCommandOutput
  >((ctx, input) => {
    const groups = Object.values(ctx.model.region(ctx.target).autoscaling.groups).filter(
      (g) => !input.AutoScalingGroupName || g.name === input.AutoScalingGroupName,
    );
    return {
      Activities: groups
        .flatMap((g) => g.activities.map((a) => renderActivity(g, a)))
        .sort((a, b) => (b.StartTime?.getTime() ?? 0) - (a.StartTime?.getTime() ?? 0))
        .filter((a) => !input.ActivityIds?.length || input.ActivityIds.includes(a.ActivityId ?? '')),
    };
  }),

  DetachInstances: op<DetachInstancesCommandInput, DetachInstancesCommandOutput>((ctx, input) => {
    const g = group(ctx, input.AutoScalingGroupName);
    if (input.ShouldDecrementDesiredCapacity === undefined) {
      throw ctx.error('ValidationError', 'ShouldDecrementDesiredCapacity is required');
    }
    const ids = [...new Set(input.InstanceIds ?? [])];
    for (const id of ids) {
      if (!g.instances.some((i) => i.instanceId === id)) {
        throw ctx.error('ValidationError', `The instance ${id} is not part of Auto Scaling group ${g.name}.`);
      }
    }
    if (input.ShouldDecrementDesiredCapacity && g.desiredCapacity - ids.length < g.minSize) {
      throw ctx.error(
        'ValidationError',
        `Currently, desiredSize equals minSize (${g.minSize}). Detaching ${ids.length} instance(s) will decrement desired capacity below minSize.`,
      );
    }
    const elbv2 = ctx.model.region(ctx.target).elbv2;
    g.instances = g.instances.filter((i) => !ids.includes(i.instanceId));
    const activities = ids.map((id) => {
      for (const arn of g.targetGroupArns) {
        const tg = elbv2.targetGroups[arn];
        if (tg) deregisterTarget(ctx.model, tg, id);
      }
      return activity(
        ctx,
        g,
        `Detaching EC2 instance: ${id}`,
        `At ${ctx.model.iso()} instance ${id} was detached in response to a user request${
          input.ShouldDecrementDesiredCapacity ? ', shrinking the capacity' : ''
        }.`,
      );
    });
    if (input.ShouldDecrementDesiredCapacity) g.desiredCapacity -= ids.length;
    else {
      for (const _ of ids) {
        const replacement = launchReplacement(ctx, g);
        activity(
          ctx,
          g,
          `Launching a new EC2 instance: ${replacement}`,
          `At ${ctx.model.iso()} an instance was started in response to a difference between desired and actual capacity.`,
        );
      }
    }
    return {
      Activities: activities.map((a) => ({
        ...renderActivity(g, a),
        StatusCode: 'InProgress',
        Progress: 50,
      })),
    };
  }),

  AttachInstances: op<AttachInstancesCommandInput, AttachInstancesCommandOutput>((ctx, input) => {
    const g = group(ctx, input.AutoScalingGroupName);
    const region = ctx.model.region(ctx.target);
    const ids = [...new Set(input.InstanceIds ?? [])];
    for (const id of ids) {
      const instance = region.ec2.instances[id];
      if (instance?.state !== 'running') {
        throw ctx.error('ValidationError', `Instance ${id} is not in correct state (it must be running).`);
      }
      const groupVpcs = new Set(g.subnetIds.map((subnetId) => region.ec2.subnets[subnetId]?.vpcId));
      if (!groupVpcs.has(instance.vpcId)) {
        throw ctx.error(
          'ValidationError',
          `Instance ${id} is not in the VPC of Auto Scaling group ${g.name}.`,
        );
      }
      const other = Object.values(region.autoscaling.groups).find((o) =>
        o.instances.some((i) => i.instanceId === id),
      );
      if (other)
        throw ctx.error(
          'ValidationError',
          `The instance ${id} is already part of Auto Scaling group ${other.name}.`,
        );
    }
    if (g.desiredCapacity + ids.length > g.maxSize) {
      throw ctx.error(
        'ValidationError',
        `Attaching ${ids.length} instance(s) would increase desired capacity above the group's maxSize (${g.maxSize}).`,
      );
    }
    for (const id of ids) {
      const instance = region.ec2.instances[id];
      g.instances.push({
        instanceId: id,
        lifecycleState: 'InService',
        healthStatus: 'Healthy',
        availabilityZone: instance?.availabilityZone ?? `${ctx.target.region}a`,
      });
      for (const arn of g.targetGroupArns) {
        const tg = region.elbv2.targetGroups[arn];
        if (tg) registerTarget(tg, id);
      }
      activity(
        ctx,
        g,
        `Attaching an existing EC2 instance: ${id}`,
        `At ${ctx.model.iso()} an instance was attached.`,
      );
    }
    g.desiredCapacity += ids.length;
    return {};
  }),
};
