import {
  AssociateIamInstanceProfileCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  DisassociateIamInstanceProfileCommand,
  EC2ServiceException,
  GetConsoleOutputCommand,
  GetConsoleScreenshotCommand,
  ModifyInstanceAttributeCommand,
  ReplaceIamInstanceProfileAssociationCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { DEMO } from '../../../../local/sim/seed';
import { demoSim, errorOf, HOME } from './helpers';

const { web1, webAsg1, webAsg2, batch1 } = DEMO.instances;
const webProfileArn = `arn:aws:iam::${DEMO.accountId}:instance-profile/${DEMO.instanceProfiles.webApp}`;
const forensicArn = `arn:aws:iam::${DEMO.accountId}:instance-profile/airlock-forensic`;

describe('EC2 instances', () => {
  it('describes an instance with its ENIs, groups, profile, volumes, tags and state', async () => {
    const { clients } = demoSim();
    const out = await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [webAsg1] }));
    const instance = out.Reservations?.[0]?.Instances?.[0];
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(instance).toMatchObject({
      InstanceId: webAsg1,
      State: { Code: 16, Name: 'running' },
      VpcId: DEMO.vpcs.prod,
      SubnetId: DEMO.subnets.prodB,
      PublicIpAddress: DEMO.elasticIp.publicIp,
      IamInstanceProfile: { Arn: webProfileArn },
      BlockDeviceMappings: [
        { DeviceName: '/dev/xvda', Ebs: { VolumeId: DEMO.volumes.webAsg1Root, DeleteOnTermination: true } },
      ],
      NetworkInterfaces: [
        {
          NetworkInterfaceId: DEMO.networkInterfaces.webAsg1,
          Groups: [
            { GroupId: DEMO.securityGroups.web, GroupName: 'web-sg' },
            { GroupId: DEMO.securityGroups.app, GroupName: 'app-sg' },
          ],
          Attachment: { DeviceIndex: 0, DeleteOnTermination: true },
        },
      ],
    });
    expect(instance?.LaunchTime).toBeInstanceOf(Date);
    expect(instance?.Tags).toEqual(expect.arrayContaining([{ Key: 'Name', Value: 'web-asg-1' }]));
  });

  it('filters instances by instance profile, VPC and tag', async () => {
    const { clients } = demoSim();
    const ids = async (Filters: { Name: string; Values: string[] }[]) =>
      (await clients.ec2.send(new DescribeInstancesCommand({ Filters }))).Reservations?.flatMap(
        (r) => r.Instances?.map((i) => i.InstanceId) ?? [],
      );
    expect(await ids([{ Name: 'iam-instance-profile.arn', Values: [webProfileArn] }])).toEqual([
      web1,
      webAsg1,
      webAsg2,
    ]);
    expect(await ids([{ Name: 'vpc-id', Values: [DEMO.vpcs.staging] }])).toEqual([batch1]);
    expect(await ids([{ Name: 'tag:Name', Values: ['web-asg-*'] }])).toEqual([webAsg1, webAsg2]);
    expect(
      await ids([
        { Name: 'tag-key', Values: ['app'] },
        { Name: 'subnet-id', Values: [DEMO.subnets.prodA] },
      ]),
    ).toEqual([web1]);
  });

  it('rejects an unknown instance id with InvalidInstanceID.NotFound as an EC2ServiceException', async () => {
    const { clients } = demoSim();
    const error = await errorOf(
      clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })),
    );
    expect(error).toBeInstanceOf(EC2ServiceException);
    expect(error).toMatchObject({
      name: 'InvalidInstanceID.NotFound',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    expect(error.message).toContain('i-0123456789abcdef0');
  });

  it('rejects an unknown filter name', async () => {
    const { clients } = demoSim();
    const error = await errorOf(
      clients.ec2.send(
        new DescribeInstancesCommand({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] }),
      ),
    );
    expect(error.name).toBe('InvalidParameterValue');
  });

  it('reads and modifies termination protection, shutdown behaviour and DeleteOnTermination', async () => {
    const { clients } = demoSim();
    const read = (Attribute: 'disableApiTermination' | 'instanceInitiatedShutdownBehavior') =>
      clients.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: batch1, Attribute }));
    expect((await read('disableApiTermination')).DisableApiTermination?.Value).toBe(false);
    expect((await read('instanceInitiatedShutdownBehavior')).InstanceInitiatedShutdownBehavior?.Value).toBe(
      'terminate',
    );

    await clients.ec2.send(
      new ModifyInstanceAttributeCommand({ InstanceId: batch1, DisableApiTermination: { Value: true } }),
    );
    await clients.ec2.send(
      new ModifyInstanceAttributeCommand({
        InstanceId: batch1,
        InstanceInitiatedShutdownBehavior: { Value: 'stop' },
      }),
    );
    await clients.ec2.send(
      new ModifyInstanceAttributeCommand({
        InstanceId: batch1,
        BlockDeviceMappings: [
          { DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: false } },
          { DeviceName: '/dev/sdb', Ebs: { DeleteOnTermination: false } },
        ],
      }),
    );
    expect((await read('disableApiTermination')).DisableApiTermination?.Value).toBe(true);
    expect((await read('instanceInitiatedShutdownBehavior')).InstanceInitiatedShutdownBehavior?.Value).toBe(
      'stop',
    );
    const volumes = await clients.ec2.send(
      new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [batch1] }] }),
    );
    expect(volumes.Volumes?.map((v) => v.Attachments?.[0]?.DeleteOnTermination)).toEqual([false, false]);
  });

  it('rejects modifying two attributes in one call, and an unmapped device', async () => {
    const { sim, clients } = demoSim();
    const before = sim.snapshot();
    const two = await errorOf(
      clients.ec2.send(
        new ModifyInstanceAttributeCommand({
          InstanceId: web1,
          DisableApiTermination: { Value: true },
          InstanceInitiatedShutdownBehavior: { Value: 'stop' },
        }),
      ),
    );
    expect(two.name).toBe('InvalidParameterCombination');
    const device = await errorOf(
      clients.ec2.send(
        new ModifyInstanceAttributeCommand({
          InstanceId: web1,
          BlockDeviceMappings: [
            { DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: false } },
            { DeviceName: '/dev/sdz', Ebs: { DeleteOnTermination: false } },
          ],
        }),
      ),
    );
    expect(device.name).toBe('InvalidInstanceAttributeValue');
    expect(sim.diff(before, sim.snapshot())).toEqual([]);
  });

  it('describes, replaces, disassociates and associates instance profile associations', async () => {
    const { clients } = demoSim();
    const current = async () =>
      (
        await clients.ec2.send(
          new DescribeIamInstanceProfileAssociationsCommand({
            Filters: [
              { Name: 'instance-id', Values: [web1] },
              { Name: 'state', Values: ['associated'] },
            ],
          }),
        )
      ).IamInstanceProfileAssociations ?? [];
    const [original] = await current();
    expect(original).toMatchObject({
      InstanceId: web1,
      State: 'associated',
      IamInstanceProfile: { Arn: webProfileArn },
    });

    const replaced = await clients.ec2.send(
      new ReplaceIamInstanceProfileAssociationCommand({
        AssociationId: original?.AssociationId,
        IamInstanceProfile: { Arn: forensicArn },
      }),
    );
    expect(replaced.IamInstanceProfileAssociation?.AssociationId).not.toBe(original?.AssociationId);
    expect((await current())[0]?.IamInstanceProfile?.Arn).toBe(forensicArn);

    await clients.ec2.send(
      new DisassociateIamInstanceProfileCommand({
        AssociationId: replaced.IamInstanceProfileAssociation?.AssociationId,
      }),
    );
    expect(await current()).toEqual([]);

    await clients.ec2.send(
      new AssociateIamInstanceProfileCommand({
        InstanceId: web1,
        IamInstanceProfile: { Name: DEMO.instanceProfiles.webApp },
      }),
    );
    expect((await current())[0]?.IamInstanceProfile?.Arn).toBe(webProfileArn);
  });

  it('rejects a second association, an unknown association id and an unknown profile', async () => {
    const { clients } = demoSim();
    const again = await errorOf(
      clients.ec2.send(
        new AssociateIamInstanceProfileCommand({
          InstanceId: web1,
          IamInstanceProfile: { Arn: forensicArn },
        }),
      ),
    );
    expect(again.name).toBe('IncorrectState');
    const unknown = await errorOf(
      clients.ec2.send(
        new ReplaceIamInstanceProfileAssociationCommand({
          AssociationId: 'iip-assoc-nope',
          IamInstanceProfile: { Arn: forensicArn },
        }),
      ),
    );
    expect(unknown.name).toBe('InvalidAssociationID.NotFound');
    const [association] =
      (
        await clients.ec2.send(
          new DescribeIamInstanceProfileAssociationsCommand({
            Filters: [{ Name: 'instance-id', Values: [web1] }],
          }),
        )
      ).IamInstanceProfileAssociations ?? [];
    const badProfile = await errorOf(
      clients.ec2.send(
        new ReplaceIamInstanceProfileAssociationCommand({
          AssociationId: association?.AssociationId,
          IamInstanceProfile: { Arn: 'arn:aws:iam::111122223333:instance-profile/nope' },
        }),
      ),
    );
    expect(badProfile.name).toBe('InvalidParameterValue');
  });

  it('returns the console output base64-encoded and a PNG screenshot', async () => {
    const { clients } = demoSim();
    const output = await clients.ec2.send(new GetConsoleOutputCommand({ InstanceId: web1, Latest: true }));
    expect(Buffer.from(output.Output ?? '', 'base64').toString('utf8')).toContain(`instance-id: ${web1}`);
    const shot = await clients.ec2.send(new GetConsoleScreenshotCommand({ InstanceId: web1, WakeUp: true }));
    const png = Buffer.from(shot.ImageData ?? '', 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const again = await clients.ec2.send(new GetConsoleScreenshotCommand({ InstanceId: web1 }));
    expect(again.ImageData).toBe(shot.ImageData);
  });

  it('fails a screenshot on an instance type without support, and on a stopped instance', async () => {
    const { sim, clients } = demoSim();
    const instance = sim.model.ec2(HOME).instances[batch1];
    if (instance) instance.screenshotSupported = false;
    expect(
      (await errorOf(clients.ec2.send(new GetConsoleScreenshotCommand({ InstanceId: batch1 })))).name,
    ).toBe('UnsupportedOperation');
    await clients.ec2.send(new StopInstancesCommand({ InstanceIds: [web1] }));
    expect(
      (await errorOf(clients.ec2.send(new GetConsoleScreenshotCommand({ InstanceId: web1 })))).name,
    ).toBe('IncorrectInstanceState');
  });

  it('creates and deletes tags on instances, snapshots, security groups and volumes', async () => {
    const { sim, clients } = demoSim();
    const ids = [web1, DEMO.securityGroups.web, DEMO.volumes.web1Root];
    await clients.ec2.send(
      new CreateTagsCommand({ Resources: ids, Tags: [{ Key: 'IncidentStatus', Value: 'Quarantined' }] }),
    );
    const ec2 = sim.model.ec2(HOME);
    expect(ec2.instances[web1]?.tags.IncidentStatus).toBe('Quarantined');
    expect(ec2.securityGroups[DEMO.securityGroups.web]?.tags.IncidentStatus).toBe('Quarantined');
    expect(ec2.volumes[DEMO.volumes.web1Root]?.tags.IncidentStatus).toBe('Quarantined');

    // A value that does not match leaves the tag; no value deletes it whatever it is.
    await clients.ec2.send(
      new DeleteTagsCommand({ Resources: [web1], Tags: [{ Key: 'IncidentStatus', Value: 'Other' }] }),
    );
    expect(ec2.instances[web1]?.tags.IncidentStatus).toBe('Quarantined');
    await clients.ec2.send(new DeleteTagsCommand({ Resources: ids, Tags: [{ Key: 'IncidentStatus' }] }));
    expect(
      ids.map((id) => ec2.instances[id]?.tags ?? ec2.securityGroups[id]?.tags ?? ec2.volumes[id]?.tags),
    ).toEqual(ids.map(() => expect.not.objectContaining({ IncidentStatus: expect.anything() })));
  });

  it('rejects tagging an unknown resource without tagging the others', async () => {
    const { sim, clients } = demoSim();
    const error = await errorOf(
      clients.ec2.send(
        new CreateTagsCommand({
          Resources: [web1, 'snap-0000000000000dead'],
          Tags: [{ Key: 'k', Value: 'v' }],
        }),
      ),
    );
    expect(error.name).toBe('InvalidSnapshot.NotFound');
    expect(sim.model.ec2(HOME).instances[web1]?.tags.k).toBeUndefined();
    const reserved = await errorOf(
      clients.ec2.send(new CreateTagsCommand({ Resources: [web1], Tags: [{ Key: 'aws:foo', Value: 'v' }] })),
    );
    expect(reserved.name).toBe('InvalidParameterValue');
  });

  it('refuses to terminate a protected instance; termination deletes only DeleteOnTermination volumes', async () => {
    const { sim, clients } = demoSim();
    await clients.ec2.send(
      new ModifyInstanceAttributeCommand({ InstanceId: web1, DisableApiTermination: { Value: true } }),
    );
    expect(
      (await errorOf(clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [web1] })))).name,
    ).toBe('OperationNotPermitted');
    await clients.ec2.send(
      new ModifyInstanceAttributeCommand({ InstanceId: web1, DisableApiTermination: { Value: false } }),
    );
    const out = await clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [web1] }));
    expect(out.TerminatingInstances?.[0]?.CurrentState?.Name).toBe('terminated');
    const volumes = sim.model.ec2(HOME).volumes;
    expect(volumes[DEMO.volumes.web1Root]).toBeUndefined(); // root: DeleteOnTermination true
    expect(volumes[DEMO.volumes.web1Data]?.attachedTo).toBeUndefined(); // data: kept, detached
  });
});
