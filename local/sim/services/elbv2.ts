import type {
  DeregisterTargetsCommandInput,
  DeregisterTargetsCommandOutput,
  DescribeTargetGroupsCommandInput,
  DescribeTargetGroupsCommandOutput,
  DescribeTargetHealthCommandInput,
  DescribeTargetHealthCommandOutput,
  RegisterTargetsCommandInput,
  RegisterTargetsCommandOutput,
  TargetDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { deregisterTarget, pruneDraining, registerTarget } from '../build';
import type { SimTargetGroup } from '../model';
import { type HandlerTable, type OpContext, op, page } from './common';

function group(ctx: OpContext, arn: string | undefined): SimTargetGroup {
  const found = arn ? ctx.model.region(ctx.target).elbv2.targetGroups[arn] : undefined;
  if (!found) throw ctx.error('TargetGroupNotFound', `One or more target groups not found`);
  pruneDraining(ctx.model, found);
  return found;
}

/** Targets must be instances in the group's VPC, not terminated (ELBv2's InvalidTarget otherwise). */
function checkTargets(
  ctx: OpContext,
  g: SimTargetGroup,
  targets: TargetDescription[] | undefined,
  registering: boolean,
) {
  if (!targets?.length) throw ctx.error('ValidationError', 'Targets must contain at least one target');
  const instances = ctx.model.ec2(ctx.target).instances;
  for (const t of targets) {
    const instance = t.Id ? instances[t.Id] : undefined;
    const usable =
      instance && instance.vpcId === g.vpcId && (!registering || instance.state !== 'terminated');
    if (!usable) {
      throw ctx.error(
        'InvalidTarget',
        `The following targets are not in a running state and cannot be registered: '${t.Id}'`,
      );
    }
  }
  return targets;
}

export const elbv2Handlers: HandlerTable = {
  DescribeTargetGroups: op<DescribeTargetGroupsCommandInput, DescribeTargetGroupsCommandOutput>(
    (ctx, input) => {
      const all = Object.values(ctx.model.region(ctx.target).elbv2.targetGroups);
      const wantedArns = input.TargetGroupArns ?? [];
      const wantedNames = input.Names ?? [];
      if (
        wantedArns.some((a) => !all.some((g) => g.arn === a)) ||
        wantedNames.some((n) => !all.some((g) => g.name === n))
      ) {
        throw ctx.error('TargetGroupNotFound', 'One or more target groups not found');
      }
      const groups = all.filter(
        (g) =>
          (!wantedArns.length || wantedArns.includes(g.arn)) &&
          (!wantedNames.length || wantedNames.includes(g.name)) &&
          (!input.LoadBalancerArn || g.loadBalancerArns.includes(input.LoadBalancerArn)),
      );
      if (input.PageSize !== undefined && (input.PageSize < 1 || input.PageSize > 400)) {
        throw ctx.error('ValidationError', 'PageSize must be between 1 and 400');
      }
      const { items, next } = page(ctx, groups, input.Marker, input.PageSize);
      return {
        ...(next ? { NextMarker: next } : {}),
        TargetGroups: items.map((g) => ({
          TargetGroupArn: g.arn,
          TargetGroupName: g.name,
          Protocol: g.protocol as 'HTTP',
          Port: g.port,
          VpcId: g.vpcId,
          TargetType: g.targetType,
          HealthCheckEnabled: true,
          HealthCheckProtocol: g.protocol as 'HTTP',
          HealthCheckPort: 'traffic-port',
          HealthCheckPath: '/',
          HealthCheckIntervalSeconds: 30,
          HealthCheckTimeoutSeconds: 5,
          HealthyThresholdCount: 5,
          UnhealthyThresholdCount: 2,
          Matcher: { HttpCode: '200' },
          LoadBalancerArns: [...g.loadBalancerArns],
          IpAddressType: 'ipv4',
          ProtocolVersion: 'HTTP1',
        })),
      };
    },
  ),

  DescribeTargetHealth: op<DescribeTargetHealthCommandInput, DescribeTargetHealthCommandOutput>(
    (ctx, input) => {
      const g = group(ctx, input.TargetGroupArn);
      const wanted = input.Targets;
      const rows = g.targets.filter(
        (t) =>
          !wanted?.length || wanted.some((w) => w.Id === t.id && (w.Port === undefined || w.Port === t.port)),
      );
      return {
        TargetHealthDescriptions: rows.map((t) => ({
          Target: { Id: t.id, Port: t.port },
          HealthCheckPort: String(t.port),
          TargetHealth: {
            State: t.state,
            ...(t.state === 'draining'
              ? {
                  Reason: 'Target.DeregistrationInProgress',
                  Description: 'Target deregistration is in progress',
                }
              : {}),
          },
        })),
      };
    },
  ),

  RegisterTargets: op<RegisterTargetsCommandInput, RegisterTargetsCommandOutput>((ctx, input) => {
    const g = group(ctx, input.TargetGroupArn);
    for (const t of checkTargets(ctx, g, input.Targets, true)) registerTarget(g, t.Id as string, t.Port);
    return {};
  }),

  DeregisterTargets: op<DeregisterTargetsCommandInput, DeregisterTargetsCommandOutput>((ctx, input) => {
    const g = group(ctx, input.TargetGroupArn);
    for (const t of checkTargets(ctx, g, input.Targets, false))
      deregisterTarget(ctx.model, g, t.Id as string, t.Port);
    return {};
  }),
};
