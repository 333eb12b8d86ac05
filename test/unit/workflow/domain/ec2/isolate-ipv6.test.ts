import type { IpPermission } from '@aws-sdk/client-ec2';
import { SimulatedAws } from '../../../../../local/sim';
import { addVpc } from '../../../../../local/sim/build';
import { HOME_ACCOUNT_ID, HOME_REGION } from '../../../../../local/sim/model';
import { ensureGroup } from '../../../../../workflow/domain/ec2/isolate';

const HOME = { accountId: HOME_ACCOUNT_ID, region: HOME_REGION };
const ALL: IpPermission = {
  IpProtocol: '-1',
  IpRanges: [{ CidrIp: '0.0.0.0/0' }],
  Ipv6Ranges: [{ CidrIpv6: '::/0' }],
};

function setup() {
  const sim = new SimulatedAws();
  const vpc = addVpc(sim.model, HOME, { cidrBlock: '10.9.0.0/16' });
  return { sim, vpcId: vpc.vpcId };
}

const peers = (rules: { cidrIpv4?: string; cidrIpv6?: string }[]) =>
  rules.map((r) => r.cidrIpv4 ?? r.cidrIpv6).sort();

describe('ensureGroup (IPv6)', () => {
  it('gives the allow-all group ::/0 egress beside the default IPv4 rule EC2 creates', async () => {
    const { sim, vpcId } = setup();
    const id = await ensureGroup(sim.clients(), vpcId, 'airlock-allow-all', 'allow all', {
      ingress: [ALL],
      egress: [ALL],
    });
    const group = sim.model.ec2(HOME).securityGroups[id];
    expect(peers(group?.egress ?? [])).toEqual(['0.0.0.0/0', '::/0']);
    expect(peers(group?.ingress ?? [])).toEqual(['0.0.0.0/0', '::/0']);
  });

  it('converges a group holding only the IPv6 half, and revokes a stray IPv4 rule without touching ::/0', async () => {
    const { sim, vpcId } = setup();
    const v6only: IpPermission = { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] };
    const id = await ensureGroup(sim.clients(), vpcId, 'airlock-v6', 'v6 only', {
      ingress: [],
      egress: [v6only],
    });
    expect(peers(sim.model.ec2(HOME).securityGroups[id]?.egress ?? [])).toEqual(['::/0']);
    await ensureGroup(sim.clients(), vpcId, 'airlock-v6', 'v6 only', { ingress: [], egress: [ALL] });
    expect(peers(sim.model.ec2(HOME).securityGroups[id]?.egress ?? [])).toEqual(['0.0.0.0/0', '::/0']);
    const mutations = sim.mutations().map((c) => c.operation);
    await ensureGroup(sim.clients(), vpcId, 'airlock-v6', 'v6 only', { ingress: [], egress: [ALL] });
    expect(sim.mutations().map((c) => c.operation)).toEqual(mutations);
  });
});
