import type { AwsTarget } from '../../workflow/aws/clients';
import { pruneDraining } from './build';
import type {
  SimAutoScalingGroup,
  SimInstance,
  SimModel,
  SimRegion,
  SimTarget,
  SimTargetGroup,
} from './model';
import { activity, launchReplacement } from './services/autoscaling';
import { makeContext } from './services/common';
import { terminate } from './services/ec2-instances';

const DEFAULT_INTERVAL_SECONDS = 30;
const DEFAULT_UNHEALTHY_THRESHOLD = 2;
const DEFAULT_GRACE_SECONDS = 300;

/** Whether any of the primary ENI's security groups lets the health check in on `port` (TCP). */
function healthCheckAllowed(region: SimRegion, instance: SimInstance, port: number): boolean {
  const eni = region.ec2.networkInterfaces[instance.networkInterfaceIds[0] ?? ''];
  if (!eni) return false;
  return eni.groupIds.some((groupId) =>
    (region.ec2.securityGroups[groupId]?.ingress ?? []).some(
      (rule) =>
        rule.protocol === '-1' ||
        (rule.protocol === 'tcp' && (rule.fromPort ?? 0) <= port && port <= (rule.toPort ?? 65535)),
    ),
  );
}

/** One ELB health-check pass over a target: healthy, or unhealthy once it failed `threshold × interval`. */
function checkTarget(model: SimModel, region: SimRegion, group: SimTargetGroup, target: SimTarget): void {
  if (target.state === 'draining') return;
  const instance = region.ec2.instances[target.id];
  const passes =
    instance?.state === 'running' && healthCheckAllowed(region, instance, target.port || group.port);
  if (passes) {
    delete target.failingSince;
    target.state = 'healthy';
    return;
  }
  const now = model.now().getTime();
  target.failingSince ??= model.iso();
  const interval = group.healthCheck?.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
  const threshold = group.healthCheck?.unhealthyThresholdCount ?? DEFAULT_UNHEALTHY_THRESHOLD;
  if (now - Date.parse(target.failingSince) >= interval * threshold * 1000) target.state = 'unhealthy';
}

/**
 * Replaces the InService instances the group finds unhealthy once their grace period is over: not running
 * (EC2 status), or (HealthCheckType ELB) unhealthy in one of the group's target groups. Termination protection
 * does not stop it; Standby and detached instances are not checked.
 */
function replaceUnhealthy(
  model: SimModel,
  target: AwsTarget,
  region: SimRegion,
  group: SimAutoScalingGroup,
): void {
  const now = model.now().getTime();
  const grace = (group.healthCheckGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS) * 1000;
  for (const member of [...group.instances]) {
    if (member.lifecycleState !== 'InService') continue;
    const instance = region.ec2.instances[member.instanceId];
    if (!instance) continue;
    const since = Date.parse(member.inServiceSince ?? instance.launchTime);
    if (now - since < grace) continue;
    const elbUnhealthy =
      group.healthCheckType === 'ELB' &&
      group.targetGroupArns.some((arn) =>
        region.elbv2.targetGroups[arn]?.targets.some(
          (t) => t.id === member.instanceId && t.state === 'unhealthy',
        ),
      );
    if (instance.state === 'running' && !elbUnhealthy) continue;
    if (instance.state === 'terminated') continue;
    member.healthStatus = 'Unhealthy';
    const ctx = makeContext(model, target, 'autoscaling');
    const cause = `At ${model.iso()} an instance was taken out of service in response to ${
      elbUnhealthy ? 'an ELB' : 'an EC2'
    } health check indicating it has been terminated or stopped or is unhealthy.`;
    activity(ctx, group, `Terminating EC2 instance: ${member.instanceId}`, cause);
    terminate(ctx, instance);
    const replacement = launchReplacement(ctx, group);
    activity(
      ctx,
      group,
      `Launching a new EC2 instance: ${replacement}`,
      `At ${model.iso()} an instance was started in response to a difference between desired and actual capacity.`,
    );
  }
}

/**
 * Health checks as time passes, evaluated lazily before every call: each target group checks its targets, and
 * each Auto Scaling group replaces the unhealthy instances it is responsible for.
 */
export function reconcileHealth(model: SimModel): void {
  for (const account of Object.values(model.state.accounts)) {
    for (const [regionName, region] of Object.entries(account.regions)) {
      const target = { accountId: account.accountId, region: regionName };
      for (const group of Object.values(region.elbv2.targetGroups)) {
        pruneDraining(model, group);
        for (const t of group.targets) checkTarget(model, region, group, t);
      }
      for (const group of Object.values(region.autoscaling.groups))
        replaceUnhealthy(model, target, region, group);
    }
  }
}
