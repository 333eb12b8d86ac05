import { SimulatedAws } from '../../../../../local/sim';
import {
  addInstanceProfile,
  addRole,
  addSubnet,
  addTargetGroup,
  addVpc,
  createSecurityGroup,
  launchInstance,
} from '../../../../../local/sim/build';
import { readInstanceState } from '../../../../../workflow/domain/ec2/state';

const GOV = { accountId: '111122223333', region: 'us-gov-west-1' };
const INSTANCE = 'i-0f000000000000001';

/** An instance registered in the last of 5 target groups, with a profile whose role has 5 inline policies. */
function estate(listPageSize: number) {
  const sim = new SimulatedAws({ listPageSize });
  const vpc = addVpc(sim.model, GOV, { cidrBlock: '10.20.0.0/16' });
  const subnet = addSubnet(sim.model, GOV, { vpcId: vpc.vpcId, cidrBlock: '10.20.1.0/24' });
  const sg = createSecurityGroup(sim.model, GOV, { groupName: 'app', description: 'app', vpcId: vpc.vpcId });
  const policies = Object.fromEntries(
    ['a', 'b', 'c', 'd', 'e'].map((p) => [`policy-${p}`, '{"Version":"2012-10-17","Statement":[]}']),
  );
  addRole(sim.model, GOV.accountId, { roleName: 'app-role', inlinePolicies: policies });
  const profile = addInstanceProfile(sim.model, GOV.accountId, {
    name: 'app-profile',
    roleNames: ['app-role'],
  });
  launchInstance(sim.model, GOV, {
    instanceId: INSTANCE,
    subnetId: subnet.subnetId,
    groupIds: [sg.groupId],
    instanceProfileArn: profile.arn,
  });
  for (const n of [1, 2, 3, 4, 5]) {
    addTargetGroup(sim.model, GOV, {
      name: `tg-${n}`,
      vpcId: vpc.vpcId,
      port: 8000 + n,
      targets: n === 5 ? [{ id: INSTANCE }] : [],
    });
  }
  return sim;
}

describe('readInstanceState', () => {
  it('follows every page of DescribeTargetGroups and ListRolePolicies (the simulator pages by 2)', async () => {
    const sim = estate(2);
    const state = await readInstanceState(sim.clients(GOV), { instanceId: INSTANCE, ...GOV });
    expect(state.targetGroups.map((t) => [t.targetGroupArn.split('/')[1], t.port])).toEqual([['tg-5', 8005]]);
    expect(state.instanceProfile?.rolePolicyNames).toEqual([
      'policy-a',
      'policy-b',
      'policy-c',
      'policy-d',
      'policy-e',
    ]);
    expect(sim.calls({ operation: 'DescribeTargetGroups' })).toHaveLength(3);
    expect(sim.calls({ operation: 'ListRolePolicies' })).toHaveLength(3);
  });

  it('builds the instance ARN in the region’s partition (no hard-coded arn:aws)', async () => {
    const sim = estate(100);
    const state = await readInstanceState(sim.clients(GOV), { instanceId: INSTANCE, ...GOV });
    expect(state.instanceArn).toBe(`arn:aws-us-gov:ec2:us-gov-west-1:111122223333:instance/${INSTANCE}`);
  });

  it('fails on an instance that does not exist', async () => {
    const sim = estate(2);
    await expect(
      readInstanceState(sim.clients(GOV), { instanceId: 'i-0f00000000000dead', ...GOV }),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
  });
});
