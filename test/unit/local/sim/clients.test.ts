import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  EC2ServiceException,
} from '@aws-sdk/client-ec2';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SimulatedAws, SimulatorUnsupportedOperation } from '../../../../local/sim';
import { addSubnet, addVpc, launchInstance } from '../../../../local/sim/build';
import { DEMO } from '../../../../local/sim/seed';
import { implementedOperations } from '../../../../local/sim/services';
import { demoSim, errorOf, newSim } from './helpers';

describe('SimulatedAws clients', () => {
  it('answers through real SDK client classes with maxAttempts 1 and no network', async () => {
    const { clients } = demoSim();
    expect(await clients.ec2.config.maxAttempts()).toBe(1);
    expect(clients.ec2.middlewareStack.identify()[0]).toBe('airlockSimulator - initialize');
    const out = await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [DEMO.instances.web1] }));
    expect(out.$metadata).toMatchObject({
      httpStatusCode: 200,
      requestId: expect.stringMatching(/^sim-/),
      attempts: 1,
    });
  });

  it('fails an operation it does not model with SimulatorUnsupportedOperation naming it', async () => {
    const { sim, clients } = demoSim();
    const error = await errorOf(clients.ec2.send(new DescribeKeyPairsCommand({})));
    expect(error).toBeInstanceOf(SimulatorUnsupportedOperation);
    expect(error.message).toBe('SimulatorUnsupportedOperation: ec2.DescribeKeyPairs');
    expect(error).not.toBeInstanceOf(EC2ServiceException);
    expect(sim.calls({ operation: 'DescribeKeyPairs' })[0]?.error).toBe('SimulatorUnsupportedOperation');
  });

  it('records every call with a JSON copy of its input, and separates mutations from reads', async () => {
    const { sim, clients } = demoSim();
    const input = { Resources: [DEMO.instances.web1], Tags: [{ Key: 'k', Value: 'v' }] };
    await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [DEMO.instances.web1] }));
    await clients.ec2.send(new CreateTagsCommand(input));
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: DEMO.buckets.evidence,
        Key: 'incidents/k',
        Body: new Uint8Array([1, 2, 3]),
      }),
    );
    input.Tags[0] = { Key: 'changed', Value: 'after' };
    expect(sim.calls().map((c) => `${c.service}.${c.operation}`)).toEqual([
      'ec2.DescribeInstances',
      'ec2.CreateTags',
      's3.PutObject',
    ]);
    expect(sim.mutations()).toMatchObject([
      {
        service: 'ec2',
        operation: 'CreateTags',
        input: { Resources: [DEMO.instances.web1], Tags: [{ Key: 'k', Value: 'v' }] },
        accountId: DEMO.accountId,
        region: 'us-east-1',
      },
      { service: 's3', operation: 'PutObject', input: { Body: '<3 bytes>' } },
    ]);
    expect(JSON.parse(JSON.stringify(sim.calls()))).toEqual(sim.calls());
    expect(sim.calls()[0]?.at).toBe('2026-03-01T12:00:00.000Z');
  });

  it('does not count a conditional write its precondition refused (412) as a mutation', async () => {
    const { sim, clients } = demoSim();
    const put = () =>
      clients.s3.send(
        new PutObjectCommand({
          Bucket: DEMO.buckets.evidence,
          Key: 'incidents/once',
          Body: new Uint8Array([1]),
          IfNoneMatch: '*',
        }),
      );
    await put();
    await expect(put()).rejects.toMatchObject({ name: 'PreconditionFailed' });
    expect(sim.calls({ operation: 'PutObject' }).map((c) => c.error)).toEqual([
      undefined,
      'PreconditionFailed',
    ]);
    expect(sim.mutations().map((c) => c.error)).toEqual([undefined]);
  });

  it('keeps accounts and regions apart, and serves them through clientFactory', async () => {
    const { sim } = demoSim();
    const factory = sim.clientFactory();
    const member = await factory({ accountId: DEMO.memberAccountId, region: DEMO.memberRegion });
    const memberOut = await member.ec2.send(new DescribeInstancesCommand({}));
    expect(memberOut.Reservations?.flatMap((r) => r.Instances?.map((i) => i.InstanceId))).toEqual([
      DEMO.member.instance,
    ]);
    const homeOtherRegion = await factory({ accountId: DEMO.accountId, region: 'eu-west-1' });
    expect((await homeOtherRegion.ec2.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
    expect(await factory({ accountId: DEMO.memberAccountId, region: DEMO.memberRegion })).toBe(member);
    expect(sim.calls({ accountId: DEMO.memberAccountId })).toHaveLength(1);
  });

  it('lets a test build its own estate with the builders', async () => {
    const { sim, clients } = newSim();
    const target = sim.home;
    const vpc = addVpc(sim.model, target, { cidrBlock: '10.9.0.0/16' });
    const subnet = addSubnet(sim.model, target, { vpcId: vpc.vpcId, cidrBlock: '10.9.1.0/24' });
    const instance = launchInstance(sim.model, target, { subnetId: subnet.subnetId, groupIds: [] });
    expect(instance.instanceId).toBe('i-00000000000000001');
    expect(instance.privateIpAddress).toBe('10.9.1.10');
    const out = await clients.ec2.send(new DescribeInstancesCommand({}));
    expect(out.Reservations?.[0]?.Instances?.[0]?.InstanceId).toBe(instance.instanceId);
  });

  it('implements the operations the workflow calls', () => {
    const ops = implementedOperations();
    for (const op of [
      'ec2.DescribeInstances',
      'ec2.ModifyNetworkInterfaceAttribute',
      'ec2.CreateSecurityGroup',
      'ec2.GetConsoleScreenshot',
      'iam.PutRolePolicy',
      'ssm.SendCommand',
      's3.PutObject',
      's3.GetPublicAccessBlock',
      's3control.PutPublicAccessBlock',
      'autoscaling.DetachInstances',
      'elbv2.DeregisterTargets',
      'securityhub.BatchUpdateFindings',
    ]) {
      expect(ops).toContain(op);
    }
    expect(new SimulatedAws().home).toEqual({ accountId: '111122223333', region: 'us-east-1' });
  });
});
