import { ModifyNetworkInterfaceAttributeCommand } from '@aws-sdk/client-ec2';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  InvalidInstanceId,
  ListCommandsCommand,
  SendCommandCommand,
  type SendCommandCommandInput,
} from '@aws-sdk/client-ssm';
import { addManagedInstance, createSecurityGroup } from '../../../../local/sim/build';
import { DEMO } from '../../../../local/sim/seed';
import { demoSim, errorOf, HOME } from './helpers';

const send = (InstanceIds: string[], extra: Partial<SendCommandCommandInput> = {}) =>
  new SendCommandCommand({
    InstanceIds,
    DocumentName: 'AWS-RunShellScript',
    Comment: 'airlock:inc-1',
    Parameters: { commands: ['echo "== processes"; ps auxww', 'echo "== connections"; ss -tanup'] },
    OutputS3BucketName: DEMO.buckets.evidence,
    OutputS3KeyPrefix: 'incidents/inc-1/volatile',
    ...extra,
  });

/** Puts the instance's only ENI behind a fresh rule-less group (the no-egress isolation). */
function isolate(sim: ReturnType<typeof demoSim>['sim']) {
  const group = createSecurityGroup(sim.model, HOME, {
    groupName: 'iso',
    description: 'iso',
    vpcId: DEMO.vpcs.prod,
    egress: [],
  });
  const { ec2 } = sim.clients();
  return ec2.send(
    new ModifyNetworkInterfaceAttributeCommand({
      NetworkInterfaceId: DEMO.networkInterfaces.web1,
      Groups: [group.groupId],
    }),
  );
}

describe('SSM', () => {
  it('reports managed instances by id, with ping status and platform', async () => {
    const { clients } = demoSim();
    const out = await clients.ssm.send(
      new DescribeInstanceInformationCommand({
        Filters: [{ Key: 'InstanceIds', Values: [DEMO.instances.web1, DEMO.instances.batch1] }],
      }),
    );
    expect(out.InstanceInformationList).toMatchObject([
      {
        InstanceId: DEMO.instances.web1,
        PingStatus: 'Online',
        PlatformType: 'Linux',
        ResourceType: 'EC2Instance',
      },
    ]);
  });

  it("runs a command at once by default; the agent's upload under the instance's own role is refused by the evidence bucket", async () => {
    const { sim, clients } = demoSim();
    const sent = await clients.ssm.send(send([DEMO.instances.web1]));
    expect(sent.Command).toMatchObject({
      Status: 'Pending',
      Comment: 'airlock:inc-1',
      DocumentName: 'AWS-RunShellScript',
    });
    const commandId = sent.Command?.CommandId as string;
    const invocation = await clients.ssm.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: DEMO.instances.web1 }),
    );
    expect(invocation).toMatchObject({
      Status: 'Success',
      ResponseCode: 0,
      PluginName: 'aws:runShellScript',
    });
    expect(invocation.StandardOutputContent).toContain('/tmp/.x/kworkerd');
    const key = `incidents/inc-1/volatile/${commandId}/${DEMO.instances.web1}/awsrunShellScript/0.awsrunShellScript/stdout`;
    const text = invocation.StandardOutputContent;
    expect(text).toContain('+ echo "== connections"; ss -tanup');
    expect(text).toContain('10.0.1.10:41862');
    expect(sim.model.state.buckets[DEMO.buckets.evidence]?.objects[key]).toBeUndefined();
  });

  it('answers InvocationDoesNotExist until delivery, InProgress while running, then the final status', async () => {
    const { clients } = demoSim({ ssm: { deliveryPolls: 2, runningPolls: 2 } });
    const { Command } = await clients.ssm.send(send([DEMO.instances.web1]));
    const poll = async () => {
      try {
        return (
          await clients.ssm.send(
            new GetCommandInvocationCommand({
              CommandId: Command?.CommandId,
              InstanceId: DEMO.instances.web1,
            }),
          )
        ).Status;
      } catch (error) {
        return (error as Error).name;
      }
    };
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push(await poll());
    expect(statuses).toEqual([
      'InvocationDoesNotExist',
      'InvocationDoesNotExist',
      'InProgress',
      'InProgress',
      'Success',
      'Success',
    ]);
  });

  it('finds a command sent earlier by its comment (check before act)', async () => {
    const { clients } = demoSim();
    await clients.ssm.send(send([DEMO.instances.web1], { Comment: 'airlock:inc-A' }));
    await clients.ssm.send(send([DEMO.instances.webAsg1], { Comment: 'airlock:inc-B' }));
    const listed = await clients.ssm.send(new ListCommandsCommand({ InstanceId: DEMO.instances.web1 }));
    expect(listed.Commands?.map((c) => [c.Comment, c.Status, c.InstanceIds])).toEqual([
      ['airlock:inc-A', 'Success', [DEMO.instances.web1]],
    ]);
  });

  it('rejects instances that are not managed or not online with InvalidInstanceId, and unknown documents', async () => {
    const { sim, clients } = demoSim();
    const unmanaged = await errorOf(clients.ssm.send(send([DEMO.instances.batch1])));
    expect(unmanaged).toBeInstanceOf(InvalidInstanceId);
    expect(unmanaged.name).toBe('InvalidInstanceId');
    addManagedInstance(sim.model, HOME, DEMO.instances.batch1, { pingStatus: 'ConnectionLost' });
    expect((await errorOf(clients.ssm.send(send([DEMO.instances.batch1])))).name).toBe('InvalidInstanceId');
    expect(
      (await errorOf(clients.ssm.send(send([DEMO.instances.web1], { DocumentName: 'AWS-Nope' })))).name,
    ).toBe('InvalidDocument');
    expect(sim.model.region(HOME).ssm.commands).toEqual({});
  });

  it('loses the agent when isolation cuts HTTPS egress: ConnectionLost, and a running command stalls', async () => {
    const { clients, sim } = demoSim({ ssm: { runningPolls: 1 } });
    const { Command } = await clients.ssm.send(send([DEMO.instances.web1]));
    await isolate(sim);
    const info = await clients.ssm.send(
      new DescribeInstanceInformationCommand({
        Filters: [{ Key: 'InstanceIds', Values: [DEMO.instances.web1] }],
      }),
    );
    expect(info.InstanceInformationList?.[0]?.PingStatus).toBe('ConnectionLost');
    const poll = () =>
      clients.ssm.send(
        new GetCommandInvocationCommand({ CommandId: Command?.CommandId, InstanceId: DEMO.instances.web1 }),
      );
    expect((await errorOf(poll())).name).toBe('InvocationDoesNotExist');
    expect((await errorOf(clients.ssm.send(send([DEMO.instances.web1])))).name).toBe('InvalidInstanceId');
  });

  it('keeps the agent reachable through the VPC endpoints when isolation allows 443 to their group', async () => {
    const { clients, sim } = demoSim();
    const group = createSecurityGroup(sim.model, HOME, {
      groupName: 'iso-ssm',
      description: 'iso',
      vpcId: DEMO.vpcs.prod,
      egress: [
        {
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          UserIdGroupPairs: [{ GroupId: DEMO.securityGroups.ssmEndpoints }],
        },
      ],
    });
    await clients.ec2.send(
      new ModifyNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: DEMO.networkInterfaces.web1,
        Groups: [group.groupId],
      }),
    );
    await expect(clients.ssm.send(send([DEMO.instances.web1]))).resolves.toMatchObject({
      Command: { Status: 'Pending' },
    });
  });
});
