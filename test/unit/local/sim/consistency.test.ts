import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeSecurityGroupsCommand,
  ReplaceIamInstanceProfileAssociationCommand,
} from '@aws-sdk/client-ec2';
import { DEMO } from '../../../../local/sim/seed';
import { demoSim, errorOf } from './helpers';

const rule = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }] };

describe('eventual consistency window (consistencyPolls)', () => {
  it('fails the first requests naming a just-created group with InvalidGroup.NotFound, then sees it', async () => {
    const { sim, clients } = demoSim();
    sim.model.consistencyPolls = 2;
    const { GroupId } = await clients.ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'fresh', Description: 'x', VpcId: DEMO.vpcs.prod }),
    );
    const byName = new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: 'vpc-id', Values: [DEMO.vpcs.prod] },
        { Name: 'group-name', Values: ['fresh'] },
      ],
    });
    expect((await clients.ec2.send(byName)).SecurityGroups).toEqual([]);
    const first = await errorOf(
      clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [rule] })),
    );
    expect(first.name).toBe('InvalidGroup.NotFound');
    await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [rule] }));
    expect((await clients.ec2.send(byName)).SecurityGroups?.[0]?.GroupId).toBe(GroupId);
  });

  it('reports a new instance-profile association as associating for the window', async () => {
    const { sim, clients } = demoSim();
    sim.model.consistencyPolls = 1;
    const describe = new DescribeIamInstanceProfileAssociationsCommand({
      Filters: [{ Name: 'instance-id', Values: [DEMO.instances.web1] }],
    });
    const before = (await clients.ec2.send(describe)).IamInstanceProfileAssociations?.[0];
    await clients.ec2.send(
      new ReplaceIamInstanceProfileAssociationCommand({
        AssociationId: before?.AssociationId,
        IamInstanceProfile: { Arn: before?.IamInstanceProfile?.Arn },
      }),
    );
    expect((await clients.ec2.send(describe)).IamInstanceProfileAssociations?.[0]?.State).toBe('associating');
    expect((await clients.ec2.send(describe)).IamInstanceProfileAssociations?.[0]?.State).toBe('associated');
  });

  it('sees everything at once by default', async () => {
    const { clients } = demoSim();
    const { GroupId } = await clients.ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'fresh', Description: 'x', VpcId: DEMO.vpcs.prod }),
    );
    await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [rule] }));
  });
});
