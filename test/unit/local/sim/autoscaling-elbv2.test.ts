import {
  AttachInstancesCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeScalingActivitiesCommand,
  DetachInstancesCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  DeregisterTargetsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  RegisterTargetsCommand,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DEMO } from '../../../../local/sim/seed';
import { demoSim, errorOf, HOME } from './helpers';

const { webAsg1, webAsg2, web1, batch1 } = DEMO.instances;
const group = DEMO.autoScalingGroup;

async function targetGroupArn(clients: ReturnType<typeof demoSim>['clients']): Promise<string> {
  const out = await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [DEMO.targetGroupName] }));
  return out.TargetGroups?.[0]?.TargetGroupArn as string;
}

async function targets(clients: ReturnType<typeof demoSim>['clients']) {
  const out = await clients.elbv2.send(
    new DescribeTargetHealthCommand({ TargetGroupArn: await targetGroupArn(clients) }),
  );
  return out.TargetHealthDescriptions?.map((d) => [d.Target?.Id, d.Target?.Port, d.TargetHealth?.State]);
}

describe('Auto Scaling', () => {
  it('names the group of an instance, and none for an instance outside any group', async () => {
    const { clients } = demoSim();
    const out = await clients.autoscaling.send(
      new DescribeAutoScalingInstancesCommand({ InstanceIds: [webAsg1, web1] }),
    );
    expect(out.AutoScalingInstances).toMatchObject([
      { InstanceId: webAsg1, AutoScalingGroupName: group, LifecycleState: 'InService' },
    ]);
  });

  it("detaches with a decrement (and deregisters from the group's target groups), then re-attaches", async () => {
    const { clients } = demoSim();
    const detached = await clients.autoscaling.send(
      new DetachInstancesCommand({
        AutoScalingGroupName: group,
        InstanceIds: [webAsg1],
        ShouldDecrementDesiredCapacity: true,
      }),
    );
    expect(detached.Activities?.[0]?.Description).toBe(`Detaching EC2 instance: ${webAsg1}`);
    const describe = async () =>
      (
        await clients.autoscaling.send(
          new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
        )
      ).AutoScalingGroups?.[0];
    expect(await describe()).toMatchObject({ DesiredCapacity: 1, Instances: [{ InstanceId: webAsg2 }] });
    expect(await targets(clients)).toEqual([[webAsg2, 80, 'healthy']]);

    await clients.autoscaling.send(
      new AttachInstancesCommand({ AutoScalingGroupName: group, InstanceIds: [webAsg1] }),
    );
    expect((await describe())?.DesiredCapacity).toBe(2);
    expect(await targets(clients)).toEqual([
      [webAsg2, 80, 'healthy'],
      [webAsg1, 80, 'healthy'],
    ]);
  });

  it('rejects a decrement below the minimum with ValidationError, changing nothing', async () => {
    const { sim, clients } = demoSim();
    await clients.autoscaling.send(
      new DetachInstancesCommand({
        AutoScalingGroupName: group,
        InstanceIds: [webAsg2],
        ShouldDecrementDesiredCapacity: true,
      }),
    );
    const before = sim.snapshot();
    const error = await errorOf(
      clients.autoscaling.send(
        new DetachInstancesCommand({
          AutoScalingGroupName: group,
          InstanceIds: [webAsg1],
          ShouldDecrementDesiredCapacity: true,
        }),
      ),
    );
    expect(error.name).toBe('ValidationError');
    expect(sim.diff(before, sim.snapshot())).toEqual([]);
  });

  it('launches (and records) a replacement when a detach keeps the desired capacity', async () => {
    const { sim, clients } = demoSim();
    await clients.autoscaling.send(
      new DetachInstancesCommand({
        AutoScalingGroupName: group,
        InstanceIds: [webAsg1],
        ShouldDecrementDesiredCapacity: false,
      }),
    );
    const g = sim.model.region(HOME).autoscaling.groups[group];
    expect(g?.desiredCapacity).toBe(2);
    const replacement = g?.instances.find((i) => i.instanceId !== webAsg2)?.instanceId as string;
    expect(replacement).toMatch(/^i-/);
    expect(sim.model.ec2(HOME).instances[replacement]?.state).toBe('running');
    const activities = await clients.autoscaling.send(
      new DescribeScalingActivitiesCommand({ AutoScalingGroupName: group }),
    );
    expect(activities.Activities?.map((a) => a.Description)).toEqual(
      expect.arrayContaining([
        `Detaching EC2 instance: ${webAsg1}`,
        `Launching a new EC2 instance: ${replacement}`,
      ]),
    );
    expect(await targets(clients)).toEqual([
      [webAsg2, 80, 'healthy'],
      [replacement, 80, 'healthy'],
    ]);
  });

  it('rejects unknown groups, instances outside the group, another VPC, and attaching beyond the maximum', async () => {
    const { sim, clients } = demoSim();
    const detach = (AutoScalingGroupName: string, id: string) =>
      errorOf(
        clients.autoscaling.send(
          new DetachInstancesCommand({
            AutoScalingGroupName,
            InstanceIds: [id],
            ShouldDecrementDesiredCapacity: true,
          }),
        ),
      );
    expect((await detach('nope', webAsg1)).name).toBe('ValidationError');
    expect((await detach(group, web1)).name).toBe('ValidationError');
    expect(
      (
        await errorOf(
          clients.autoscaling.send(
            new AttachInstancesCommand({ AutoScalingGroupName: group, InstanceIds: [webAsg1] }),
          ),
        )
      ).name,
    ).toBe('ValidationError');
    expect(
      (
        await errorOf(
          clients.autoscaling.send(
            new AttachInstancesCommand({ AutoScalingGroupName: group, InstanceIds: [batch1] }),
          ),
        )
      ).name,
    ).toBe('ValidationError'); // another VPC
    const g = sim.model.region(HOME).autoscaling.groups[group];
    if (g) g.maxSize = 2;
    expect(
      (
        await errorOf(
          clients.autoscaling.send(
            new AttachInstancesCommand({ AutoScalingGroupName: group, InstanceIds: [web1] }),
          ),
        )
      ).name,
    ).toBe('ValidationError'); // above maxSize
    expect(g?.desiredCapacity).toBe(2);
  });
});

describe('ELBv2', () => {
  it('describes target groups and target health; deregisters and registers a target', async () => {
    const { clients } = demoSim();
    const groups = await clients.elbv2.send(new DescribeTargetGroupsCommand({}));
    expect(groups.TargetGroups).toMatchObject([
      { TargetGroupName: 'web-tg', VpcId: DEMO.vpcs.prod, Port: 80, TargetType: 'instance' },
    ]);
    const TargetGroupArn = await targetGroupArn(clients);
    await clients.elbv2.send(
      new DeregisterTargetsCommand({ TargetGroupArn, Targets: [{ Id: webAsg1, Port: 80 }] }),
    );
    expect(await targets(clients)).toEqual([[webAsg2, 80, 'healthy']]);
    await clients.elbv2.send(
      new RegisterTargetsCommand({ TargetGroupArn, Targets: [{ Id: webAsg1, Port: 80 }] }),
    );
    await clients.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn, Targets: [{ Id: webAsg1 }] }));
    expect(await targets(clients)).toEqual([
      [webAsg2, 80, 'healthy'],
      [webAsg1, 80, 'healthy'],
    ]);
  });

  it('keeps a deregistered target draining for the deregistration delay', async () => {
    const { sim, clock, clients } = demoSim();
    const TargetGroupArn = await targetGroupArn(clients);
    const tg = sim.model.region(HOME).elbv2.targetGroups[TargetGroupArn];
    if (tg) tg.deregistrationDelaySeconds = 300;
    await clients.elbv2.send(
      new DeregisterTargetsCommand({ TargetGroupArn, Targets: [{ Id: webAsg1, Port: 80 }] }),
    );
    expect(await targets(clients)).toContainEqual([webAsg1, 80, 'draining']);
    clock.t += 301_000;
    expect(await targets(clients)).toEqual([[webAsg2, 80, 'healthy']]);
  });

  it('rejects an unknown target group and a target from another VPC', async () => {
    const { clients } = demoSim();
    const missing = await errorOf(
      clients.elbv2.send(
        new DescribeTargetHealthCommand({
          TargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/nope/1',
        }),
      ),
    );
    expect(missing).toBeInstanceOf(TargetGroupNotFoundException);
    const TargetGroupArn = await targetGroupArn(clients);
    const otherVpc = await errorOf(
      clients.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn, Targets: [{ Id: batch1 }] })),
    );
    expect(otherVpc.name).toBe('InvalidTargetException');
  });
});

describe('health checks as time passes (HealthCheckType ELB)', () => {
  /** The demo group on ELB health checks with no grace period, and web-asg-1's ENI on a rule-less group. */
  async function isolatedInElbGroup() {
    const s = demoSim();
    const asg = s.sim.model.region(HOME).autoscaling.groups[group];
    if (!asg) throw new Error('no demo ASG');
    asg.healthCheckType = 'ELB';
    asg.healthCheckGracePeriodSeconds = 0;
    const {
      CreateSecurityGroupCommand,
      ModifyInstanceAttributeCommand,
      ModifyNetworkInterfaceAttributeCommand,
    } = await import('@aws-sdk/client-ec2');
    const sg = await s.clients.ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'no-rules', Description: 'x', VpcId: DEMO.vpcs.prod }),
    );
    await s.clients.ec2.send(
      new ModifyInstanceAttributeCommand({ InstanceId: webAsg1, DisableApiTermination: { Value: true } }),
    );
    await s.clients.ec2.send(
      new ModifyNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: DEMO.networkInterfaces.webAsg1,
        Groups: [sg.GroupId as string],
      }),
    );
    return s;
  }

  it('fails the target after 2 × 30 s, then terminates the instance despite termination protection, root volume included', async () => {
    const s = await isolatedInElbGroup();
    const arn = await targetGroupArn(s.clients);
    s.clock.t += 30_000;
    expect((await targets(s.clients))?.find(([id]) => id === webAsg1)?.[2]).toBe('healthy');
    s.clock.t += 31_000;
    await s.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
    const instance = s.sim.model.ec2(HOME).instances[webAsg1];
    expect(instance?.state).toBe('terminated');
    expect(s.sim.model.ec2(HOME).volumes[DEMO.volumes.webAsg1Root]).toBeUndefined();
    const activities = await s.clients.autoscaling.send(
      new DescribeScalingActivitiesCommand({ AutoScalingGroupName: group }),
    );
    expect(activities.Activities?.map((a) => a.Description)).toEqual(
      expect.arrayContaining([`Terminating EC2 instance: ${webAsg1}`]),
    );
    // The group keeps its capacity with a replacement.
    const asg = s.sim.model.region(HOME).autoscaling.groups[group];
    expect(asg?.instances).toHaveLength(2);
    expect(asg?.instances.map((i) => i.instanceId)).not.toContain(webAsg1);
  });

  it('leaves a detached instance alone, however long it fails the health check', async () => {
    const s = demoSim();
    const asg = s.sim.model.region(HOME).autoscaling.groups[group];
    if (!asg) throw new Error('no demo ASG');
    asg.healthCheckType = 'ELB';
    asg.healthCheckGracePeriodSeconds = 0;
    await s.clients.autoscaling.send(
      new DetachInstancesCommand({
        AutoScalingGroupName: group,
        InstanceIds: [webAsg1],
        ShouldDecrementDesiredCapacity: true,
      }),
    );
    const { CreateSecurityGroupCommand, ModifyNetworkInterfaceAttributeCommand } = await import(
      '@aws-sdk/client-ec2'
    );
    const sg = await s.clients.ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'no-rules', Description: 'x', VpcId: DEMO.vpcs.prod }),
    );
    await s.clients.ec2.send(
      new ModifyNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: DEMO.networkInterfaces.webAsg1,
        Groups: [sg.GroupId as string],
      }),
    );
    s.clock.t += 3_600_000;
    await targets(s.clients);
    expect(s.sim.model.ec2(HOME).instances[webAsg1]?.state).toBe('running');
  });

  it('waits for the grace period and ignores a group on EC2 health checks', async () => {
    const s = await isolatedInElbGroup();
    const asg = s.sim.model.region(HOME).autoscaling.groups[group];
    if (!asg) throw new Error('no demo ASG');
    asg.healthCheckGracePeriodSeconds = 3600;
    s.clock.t += 120_000;
    expect((await targets(s.clients))?.find(([id]) => id === webAsg1)?.[2]).toBe('unhealthy');
    expect(s.sim.model.ec2(HOME).instances[webAsg1]?.state).toBe('running');
    asg.healthCheckType = 'EC2';
    s.clock.t += 3_600_000;
    await targets(s.clients);
    expect(s.sim.model.ec2(HOME).instances[webAsg1]?.state).toBe('running');
  });
});
