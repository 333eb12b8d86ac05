import {
  DeleteSecurityGroupCommand,
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { GetUserCommand, ListUserPoliciesCommand } from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import {
  DeletePublicAccessBlockCommand as DeleteAccountPublicAccessBlockCommand,
  GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand,
  PutPublicAccessBlockCommand as PutAccountPublicAccessBlockCommand,
} from '@aws-sdk/client-s3-control';
import { ListCommandInvocationsCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import { createSecurityGroup } from '../../../../local/sim/build';
import { DEMO } from '../../../../local/sim/seed';
import { demoSim, errorOf, HOME } from './helpers';

describe('the remaining operations', () => {
  it('describes VPCs and subnets by id and filter; unknown ids are NotFound', async () => {
    const { clients } = demoSim();
    const vpcs = await clients.ec2.send(
      new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['staging'] }] }),
    );
    expect(vpcs.Vpcs?.map((v) => [v.VpcId, v.CidrBlock])).toEqual([[DEMO.vpcs.staging, '10.1.0.0/16']]);
    const subnets = await clients.ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [DEMO.vpcs.prod] }] }),
    );
    // prod-a, prod-b, and the subnet of the NAT gateway web-1's session goes out through.
    expect(subnets.Subnets?.map((s) => s.AvailabilityZone)).toEqual([
      'us-east-1a',
      'us-east-1b',
      'us-east-1a',
    ]);
    expect(
      (await errorOf(clients.ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0000000000000dead'] })))).name,
    ).toBe('InvalidVpcID.NotFound');
  });

  it('deletes an unused security group but not one in use (DependencyViolation) or the default group', async () => {
    const { sim, clients } = demoSim();
    const spare = createSecurityGroup(sim.model, HOME, {
      groupName: 'spare',
      description: 'spare',
      vpcId: DEMO.vpcs.prod,
    });
    await clients.ec2.send(new DeleteSecurityGroupCommand({ GroupId: spare.groupId }));
    expect(sim.model.ec2(HOME).securityGroups[spare.groupId]).toBeUndefined();
    expect(
      (await errorOf(clients.ec2.send(new DeleteSecurityGroupCommand({ GroupId: DEMO.securityGroups.web }))))
        .name,
    ).toBe('DependencyViolation');
    const defaultGroup = Object.values(sim.model.ec2(HOME).securityGroups).find(
      (g) => g.groupName === 'default',
    );
    expect(
      (await errorOf(clients.ec2.send(new DeleteSecurityGroupCommand({ GroupId: defaultGroup?.groupId }))))
        .name,
    ).toBe('CannotDelete');
  });

  it('stops and starts an instance; a terminated one can do neither', async () => {
    const { clients } = demoSim();
    const state = async (id: string) =>
      (await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]
        ?.Instances?.[0]?.State?.Name;
    await clients.ec2.send(new StopInstancesCommand({ InstanceIds: [DEMO.instances.batch1] }));
    expect(await state(DEMO.instances.batch1)).toBe('stopped');
    const started = await clients.ec2.send(
      new StartInstancesCommand({ InstanceIds: [DEMO.instances.batch1] }),
    );
    expect(started.StartingInstances?.[0]).toMatchObject({
      PreviousState: { Name: 'stopped' },
      CurrentState: { Name: 'running' },
    });
    await clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [DEMO.instances.batch1] }));
    expect(
      (await errorOf(clients.ec2.send(new StartInstancesCommand({ InstanceIds: [DEMO.instances.batch1] }))))
        .name,
    ).toBe('IncorrectInstanceState');
  });

  it('gets a user and lists its inline policies; an unknown user is NoSuchEntity', async () => {
    const { clients } = demoSim();
    const user = await clients.iam.send(new GetUserCommand({ UserName: DEMO.user.name }));
    expect(user.User).toMatchObject({
      UserName: 'ci-deployer',
      Arn: `arn:aws:iam::${DEMO.accountId}:user/ci-deployer`,
    });
    expect(
      (await clients.iam.send(new ListUserPoliciesCommand({ UserName: DEMO.user.name }))).PolicyNames,
    ).toEqual(['deploy']);
    expect((await errorOf(clients.iam.send(new GetUserCommand({ UserName: 'nobody' })))).name).toBe(
      'NoSuchEntityException',
    );
  });

  it('creates a bucket (Block Public Access on), heads it, deletes objects; a taken name fails', async () => {
    const { sim, clients: home } = demoSim();
    // The member account's clients: no role of theirs restricts S3 there (the home account's clients act as
    // Airlock's task role, which may write only under the evidence bucket's incidents/ prefix).
    const clients = sim.clients({ accountId: DEMO.memberAccountId, region: DEMO.memberRegion });
    await clients.s3.send(new CreateBucketCommand({ Bucket: 'new-bucket-1' }));
    expect(sim.model.state.buckets['new-bucket-1']?.publicAccessBlock?.BlockPublicPolicy).toBe(true);
    expect((await clients.s3.send(new HeadBucketCommand({ Bucket: 'new-bucket-1' }))).BucketRegion).toBe(
      DEMO.memberRegion,
    );
    expect((await errorOf(clients.s3.send(new CreateBucketCommand({ Bucket: 'new-bucket-1' })))).name).toBe(
      'BucketAlreadyOwnedByYou',
    );
    expect((await errorOf(home.s3.send(new CreateBucketCommand({ Bucket: 'new-bucket-1' })))).name).toBe(
      'BucketAlreadyExists',
    );
    await clients.s3.send(new PutObjectCommand({ Bucket: 'new-bucket-1', Key: 'k', Body: 'x' }));
    await clients.s3.send(new DeleteObjectCommand({ Bucket: 'new-bucket-1', Key: 'k' }));
    expect(
      (await errorOf(clients.s3.send(new HeadObjectCommand({ Bucket: 'new-bucket-1', Key: 'k' })))).name,
    ).toBe('NotFound');
    expect(
      (await errorOf(clients.s3.send(new HeadBucketCommand({ Bucket: 'no-such-bucket-here' })))).name,
    ).toBe('NotFound');
  });

  it('deletes the account-level public access block', async () => {
    const { clients } = demoSim();
    const AccountId = DEMO.accountId;
    await clients.s3control.send(
      new PutAccountPublicAccessBlockCommand({
        AccountId,
        PublicAccessBlockConfiguration: { BlockPublicPolicy: true },
      }),
    );
    await clients.s3control.send(new DeleteAccountPublicAccessBlockCommand({ AccountId }));
    expect(
      (await errorOf(clients.s3control.send(new GetAccountPublicAccessBlockCommand({ AccountId })))).name,
    ).toBe('NoSuchPublicAccessBlockConfiguration');
  });

  it('lists command invocations per instance', async () => {
    const { clients } = demoSim();
    const { Command } = await clients.ssm.send(
      new SendCommandCommand({
        InstanceIds: [DEMO.instances.web1, DEMO.instances.webAsg1],
        DocumentName: 'AWS-RunShellScript',
        Parameters: { commands: ['uptime'] },
      }),
    );
    const out = await clients.ssm.send(
      new ListCommandInvocationsCommand({
        CommandId: Command?.CommandId,
        InstanceId: DEMO.instances.webAsg1,
      }),
    );
    expect(out.CommandInvocations?.map((i) => [i.InstanceId, i.Status])).toEqual([
      [DEMO.instances.webAsg1, 'Success'],
    ]);
  });
});
