import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeInstancesCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { GetPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { DescribeInstanceInformationCommand } from '@aws-sdk/client-ssm';
import { DEMO, seedDemoEstate, seedFromRequest } from '../../../../local/sim/seed';
import { readInstanceState } from '../../../../workflow/domain/ec2/state';
import { normalize } from '../../../../workflow/intake/normalize';
import type { IncidentRequest } from '../../../../workflow/intake/types';
import { makeRequest } from '../../../helpers/requests';
import { errorOf, newSim } from './helpers';

function fixtureRequest(name: string): IncidentRequest {
  const raw = JSON.parse(readFileSync(join(__dirname, '../../../fixtures', name), 'utf8'));
  const result = normalize(raw);
  if (result.status !== 'accepted') throw new Error(`${name} did not normalize: ${result.status}`);
  return result.request;
}

describe('seedFromRequest', () => {
  it('builds the instance a real GuardDuty finding names, placeholder ids included', async () => {
    const request = fixtureRequest('gd-eventbridge-ec2-unauthorizedaccess-toripcaller.json');
    const { sim } = newSim();
    seedFromRequest(sim, request);
    const clients = sim.clients({ accountId: request.accountId, region: request.region });
    const instance = (await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-99999999'] })))
      .Reservations?.[0]?.Instances?.[0];
    expect(instance).toMatchObject({
      InstanceId: 'i-99999999',
      VpcId: 'GeneratedFindingVPCId',
      SubnetId: 'GeneratedFindingSubnetId',
      PrivateIpAddress: '10.0.0.1',
      PublicIpAddress: '198.51.100.0',
      NetworkInterfaces: [
        { NetworkInterfaceId: 'eni-bfcffe88', Groups: [{ GroupId: 'GeneratedFindingSecurityId' }] },
      ],
      IamInstanceProfile: {
        Arn: 'arn:aws:iam::123456789012:instance-profile/GeneratedFindingInstanceProfileArn',
      },
    });
    expect(instance?.BlockDeviceMappings?.map((b) => b.DeviceName)).toEqual(['/dev/xvda', '/dev/sdf']);
    expect(instance?.Tags).toContainEqual({ Key: 'Name', Value: 'app-instance' });
    const group = (
      await clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['GeneratedFindingSecurityId'] }))
    ).SecurityGroups?.[0];
    expect(group?.VpcId).toBe('GeneratedFindingVPCId');
    const info = await clients.ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: ['i-99999999'] }] }),
    );
    expect(info.InstanceInformationList?.[0]?.PingStatus).toBe('Online');
    const profile = await clients.iam.send(
      new GetInstanceProfileCommand({ InstanceProfileName: 'GeneratedFindingInstanceProfileArn' }),
    );
    expect(profile.InstanceProfile?.Roles?.[0]?.RoleName).toBe('GeneratedFindingInstanceProfileArn-role');
    await expect(
      clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'airlock-forensic' })),
    ).resolves.toBeDefined();
    expect(sim.model.state.buckets['airlock-evidence']?.ownerAccountId).toBe(sim.home.accountId);

    // The domain's own pre-state reader works on it.
    const state = await readInstanceState(clients, {
      instanceId: 'i-99999999',
      accountId: request.accountId,
      region: request.region,
    });
    expect(state.networkInterfaces).toEqual([
      {
        networkInterfaceId: 'eni-bfcffe88',
        vpcId: 'GeneratedFindingVPCId',
        deviceIndex: 0,
        securityGroupIds: ['GeneratedFindingSecurityId'],
      },
    ]);
  });

  it('is idempotent', () => {
    const request = fixtureRequest('gd-eventbridge-ec2-unauthorizedaccess-toripcaller.json');
    const { sim } = newSim();
    seedFromRequest(sim, request);
    const once = sim.snapshot();
    seedFromRequest(sim, request);
    expect(sim.diff(once, sim.snapshot(), { ignoreVolatile: false })).toEqual([]);
  });

  it('registers no SSM agent when asked, and names groups as given', async () => {
    const { sim } = newSim();
    const request = makeRequest();
    seedFromRequest(sim, request, { ssm: false, securityGroupNames: { 'sg-0a1b2c3d4e5f67890': 'web' } });
    const clients = sim.clients({ accountId: request.accountId, region: request.region });
    const info = await clients.ssm.send(new DescribeInstanceInformationCommand({}));
    expect(info.InstanceInformationList).toEqual([]);
    const group = await clients.ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0a1b2c3d4e5f67890'] }),
    );
    expect(group.SecurityGroups?.[0]?.GroupName).toBe('web');
  });

  it('creates the user and access key of an IAM finding', async () => {
    const request = fixtureRequest('gd-eventbridge-iam-toripcaller.json');
    const { sim } = newSim();
    seedFromRequest(sim, request);
    const keys = await sim
      .clients({ accountId: request.accountId, region: request.region })
      .iam.send(new ListAccessKeysCommand({ UserName: 'GeneratedFindingUserName' }));
    expect(keys.AccessKeyMetadata).toMatchObject([
      { AccessKeyId: 'GeneratedFindingAccessKeyId', Status: 'Active' },
    ]);
  });

  it('creates the buckets of an S3 finding with Block Public Access disabled, and its Security Hub finding', async () => {
    const request = makeRequest({
      resource: {
        kind: 's3-bucket',
        rawType: 'S3Bucket',
        bucketNames: ['leaky-bucket'],
        instanceId: undefined,
        networkInterfaces: undefined,
      },
      securityHub: { id: 'sh-finding-1', productArn: 'arn:aws:securityhub:us-east-1::product/aws/guardduty' },
    });
    const { sim } = newSim();
    seedFromRequest(sim, request);
    const clients = sim.clients({ accountId: request.accountId, region: request.region });
    const block = await clients.s3.send(new GetPublicAccessBlockCommand({ Bucket: 'leaky-bucket' }));
    expect(block.PublicAccessBlockConfiguration?.BlockPublicPolicy).toBe(false);
    expect(
      sim.model.region({ accountId: request.accountId, region: request.region }).securityhub.findings[
        'sh-finding-1'
      ]?.workflowStatus,
    ).toBe('NEW');
    seedFromRequest(
      sim,
      { ...request, resource: { ...request.resource, bucketNames: ['no-config'] } },
      { bucketPublicAccess: 'none' },
    );
    expect(
      (await errorOf(clients.s3.send(new GetPublicAccessBlockCommand({ Bucket: 'no-config' })))).name,
    ).toBe('NoSuchPublicAccessBlockConfiguration');
  });
});

describe('seedDemoEstate', () => {
  it('seeds the demo estate idempotently, with the shape the drills rely on', async () => {
    const { sim, clients } = newSim();
    expect(seedDemoEstate(sim)).toBe(DEMO);
    const once = sim.snapshot();
    seedDemoEstate(sim);
    expect(sim.diff(once, sim.snapshot(), { ignoreVolatile: false })).toEqual([]);

    const state = await readInstanceState(clients, {
      instanceId: DEMO.instances.webAsg1,
      accountId: DEMO.accountId,
      region: DEMO.region,
    });
    expect(state).toMatchObject({
      autoScalingGroupName: 'web-asg',
      targetGroups: [{ port: 80 }],
      elasticIps: [{ allocationId: DEMO.elasticIp.allocationId, publicIp: DEMO.elasticIp.publicIp }],
      instanceProfile: { name: 'web-app-profile', roleNames: ['web-app-role'] },
    });
    const sharing = await clients.ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          {
            Name: 'iam-instance-profile.arn',
            Values: [`arn:aws:iam::${DEMO.accountId}:instance-profile/web-app-profile`],
          },
        ],
      }),
    );
    expect(sharing.Reservations).toHaveLength(3);
    const batch = await readInstanceState(clients, {
      instanceId: DEMO.instances.batch1,
      accountId: DEMO.accountId,
      region: DEMO.region,
    });
    expect(batch.networkInterfaces.map((n) => n.networkInterfaceId)).toEqual([
      DEMO.networkInterfaces.batch1Primary,
      DEMO.networkInterfaces.batch1Secondary,
    ]);
  });
});
