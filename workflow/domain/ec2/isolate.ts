import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcEndpointsCommand,
  type IpPermission,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { aws, isAwsError } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import { eventually } from '../../aws/consistency';
import type { WorkflowSettings } from '../../config';
import { VerificationFailedError } from '../../errors';
import type { StepOutcome } from '../../tasks/step';
import type { Ec2State } from './state';

export const ALLOW_ALL_GROUP = 'airlock-allow-all';
export const isolationGroupName = (mode: WorkflowSettings['isolationMode']) =>
  mode === 'ssm-endpoints' ? 'airlock-isolation-ssm' : 'airlock-isolation';

const ALL_TRAFFIC: IpPermission = {
  IpProtocol: '-1',
  IpRanges: [{ CidrIp: '0.0.0.0/0' }],
  Ipv6Ranges: [{ CidrIpv6: '::/0' }],
};

async function findGroup(
  clients: AwsClients,
  vpcId: string,
  name: string,
): Promise<SecurityGroup | undefined> {
  const out = await aws(`ec2:DescribeSecurityGroups ${vpcId}/${name}`, () =>
    clients.ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'group-name', Values: [name] },
        ],
      }),
    ),
  );
  return out.SecurityGroups?.[0];
}

/** One permission per peer (IPv4 range, IPv6 range, group pair, prefix list), as EC2 keeps rules. */
function atoms(permissions: IpPermission[]): IpPermission[] {
  return permissions.flatMap((p) => {
    const base = {
      IpProtocol: p.IpProtocol,
      ...(p.FromPort !== undefined ? { FromPort: p.FromPort } : {}),
      ...(p.ToPort !== undefined ? { ToPort: p.ToPort } : {}),
    };
    return [
      ...(p.IpRanges ?? []).map((r) => ({ ...base, IpRanges: [r] })),
      ...(p.Ipv6Ranges ?? []).map((r) => ({ ...base, Ipv6Ranges: [r] })),
      ...(p.UserIdGroupPairs ?? []).map((r) => ({ ...base, UserIdGroupPairs: [r] })),
      ...(p.PrefixListIds ?? []).map((r) => ({ ...base, PrefixListIds: [r] })),
    ];
  });
}

/** The one peer of an atomic permission. */
function peerOf(p: IpPermission): string {
  return (
    p.IpRanges?.[0]?.CidrIp ??
    p.Ipv6Ranges?.[0]?.CidrIpv6 ??
    p.UserIdGroupPairs?.[0]?.GroupId ??
    p.PrefixListIds?.[0]?.PrefixListId ??
    ''
  );
}

/**
 * Looks up, or creates, one of Airlock's per-VPC security groups. Concurrent incidents in the same VPC race on the
 * name: the loser gets InvalidGroup.Duplicate and uses the winner's group. Rules are converged every time, so a
 * group created by a run that crashed half-way is completed by the next one.
 */
export async function ensureGroup(
  clients: AwsClients,
  vpcId: string,
  name: string,
  description: string,
  rules: { ingress: IpPermission[]; egress: IpPermission[] },
): Promise<string> {
  let group = await findGroup(clients, vpcId, name);
  if (!group) {
    try {
      await aws(`ec2:CreateSecurityGroup ${vpcId}/${name}`, () =>
        clients.ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: name,
            Description: description,
            VpcId: vpcId,
            TagSpecifications: [
              {
                ResourceType: 'security-group',
                Tags: [
                  { Key: 'airlock:managed', Value: 'true' },
                  { Key: 'Name', Value: name },
                ],
              },
            ],
          }),
        ),
      );
    } catch (error) {
      if (!isAwsError(error, 'InvalidGroup.Duplicate')) throw error;
    }
    // Eventual consistency: the group just created may not be listed (or found by id) for a moment.
    group = await eventually(`security group ${name} in ${vpcId}`, () => findGroup(clients, vpcId, name));
  }
  const groupId = group.GroupId as string;
  // Compared one peer at a time (IPv4 range, IPv6 range, group, prefix list): a permission EC2 reports may hold
  // several, and the default egress rule (0.0.0.0/0 only) must not pass for the wanted rule that also has ::/0.
  const atomKey = (p: IpPermission) =>
    JSON.stringify([p.IpProtocol, p.FromPort ?? null, p.ToPort ?? null, peerOf(p)]);
  const has = (list: IpPermission[], p: IpPermission) => list.some((q) => atomKey(q) === atomKey(p));
  const haveEgress = atoms(group.IpPermissionsEgress ?? []);
  const wantEgress = atoms(rules.egress);
  const extraEgress = haveEgress.filter((p) => !has(wantEgress, p));
  if (extraEgress.length) {
    await eventually(`ec2:RevokeSecurityGroupEgress ${groupId}`, () =>
      aws(`ec2:RevokeSecurityGroupEgress ${groupId}`, () =>
        clients.ec2.send(
          new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: extraEgress }),
        ),
      ),
    );
  }
  const missingEgress = wantEgress.filter((w) => !has(haveEgress, w));
  if (missingEgress.length) {
    await eventually(`ec2:AuthorizeSecurityGroupEgress ${groupId}`, () =>
      aws(`ec2:AuthorizeSecurityGroupEgress ${groupId}`, () =>
        clients.ec2.send(
          new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: missingEgress }),
        ),
      ),
    ).catch((error: unknown) => {
      if (!isAwsError(error, 'InvalidPermission.Duplicate')) throw error;
    });
  }
  const haveIngress = atoms(group.IpPermissions ?? []);
  const missingIngress = atoms(rules.ingress).filter((w) => !has(haveIngress, w));
  if (missingIngress.length) {
    await eventually(`ec2:AuthorizeSecurityGroupIngress ${groupId}`, () =>
      aws(`ec2:AuthorizeSecurityGroupIngress ${groupId}`, () =>
        clients.ec2.send(
          new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: missingIngress }),
        ),
      ),
    ).catch((error: unknown) => {
      if (!isAwsError(error, 'InvalidPermission.Duplicate')) throw error;
    });
  }
  return groupId;
}

/** The isolation group's egress: none, or (ssm-endpoints mode) 443 to the VPC's interface endpoints only. */
async function isolationEgress(
  clients: AwsClients,
  vpcId: string,
  mode: WorkflowSettings['isolationMode'],
): Promise<IpPermission[]> {
  if (mode === 'no-egress') return [];
  const endpoints = await aws(`ec2:DescribeVpcEndpoints ${vpcId}`, () =>
    clients.ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })),
  );
  const groupIds = [
    ...new Set(
      (endpoints.VpcEndpoints ?? [])
        .filter(
          (e) =>
            e.VpcEndpointType === 'Interface' && /\.(ssm|ssmmessages|ec2messages)$/.test(e.ServiceName ?? ''),
        )
        .flatMap((e) => (e.Groups ?? []).map((g) => g.GroupId ?? ''))
        .filter(Boolean),
    ),
  ].sort();
  if (!groupIds.length) return [];
  return [
    {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      UserIdGroupPairs: groupIds.map((GroupId) => ({ GroupId })),
    },
  ];
}

export interface IsolateOutput {
  isolationGroups: Record<string, string>;
  networkInterfaces: { networkInterfaceId: string; from: string[]; to: string; changed: boolean }[];
}

/**
 * c. Network isolation that cuts existing connections: per ENI, first the allow-all group (every flow becomes
 * untracked), then the rule-less isolation group; then verify each ENI carries only the isolation group.
 */
export async function isolateNetwork(
  clients: AwsClients,
  preState: Ec2State,
  config: WorkflowSettings,
): Promise<StepOutcome<IsolateOutput>> {
  const vpcs = [...new Set(preState.networkInterfaces.map((n) => n.vpcId))].sort();
  const isolationGroups: Record<string, string> = {};
  const allowAllGroups: Record<string, string> = {};
  for (const vpcId of vpcs) {
    allowAllGroups[vpcId] = await ensureGroup(
      clients,
      vpcId,
      ALLOW_ALL_GROUP,
      'Airlock: transitional allow-all (untracks flows before isolation)',
      { ingress: [ALL_TRAFFIC], egress: [ALL_TRAFFIC] },
    );
    isolationGroups[vpcId] = await ensureGroup(
      clients,
      vpcId,
      isolationGroupName(config.isolationMode),
      'Airlock: incident isolation (no rules)',
      { ingress: [], egress: await isolationEgress(clients, vpcId, config.isolationMode) },
    );
  }

  const eniIds = preState.networkInterfaces.map((n) => n.networkInterfaceId);
  const current = await aws('ec2:DescribeNetworkInterfaces', () =>
    clients.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: eniIds })),
  );
  const groupsOf = (id: string) =>
    (current.NetworkInterfaces ?? [])
      .find((n) => n.NetworkInterfaceId === id)
      ?.Groups?.map((g) => g.GroupId ?? '') ?? [];

  const results: IsolateOutput['networkInterfaces'] = [];
  for (const eni of preState.networkInterfaces) {
    const isolation = isolationGroups[eni.vpcId] as string;
    const allowAll = allowAllGroups[eni.vpcId] as string;
    const now = groupsOf(eni.networkInterfaceId);
    const changed = !(now.length === 1 && now[0] === isolation);
    if (changed) {
      if (!(now.length === 1 && now[0] === allowAll)) {
        await aws(`ec2:ModifyNetworkInterfaceAttribute ${eni.networkInterfaceId} allow-all`, () =>
          clients.ec2.send(
            new ModifyNetworkInterfaceAttributeCommand({
              NetworkInterfaceId: eni.networkInterfaceId,
              Groups: [allowAll],
            }),
          ),
        );
      }
      await aws(`ec2:ModifyNetworkInterfaceAttribute ${eni.networkInterfaceId} isolation`, () =>
        clients.ec2.send(
          new ModifyNetworkInterfaceAttributeCommand({
            NetworkInterfaceId: eni.networkInterfaceId,
            Groups: [isolation],
          }),
        ),
      );
    }
    results.push({
      networkInterfaceId: eni.networkInterfaceId,
      from: eni.securityGroupIds,
      to: isolation,
      changed,
    });
  }

  const verify = await aws('ec2:DescribeNetworkInterfaces (verify)', () =>
    clients.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: eniIds })),
  );
  for (const eni of preState.networkInterfaces) {
    const groups =
      verify.NetworkInterfaces?.find((n) => n.NetworkInterfaceId === eni.networkInterfaceId)?.Groups?.map(
        (g) => g.GroupId,
      ) ?? [];
    if (groups.length !== 1 || groups[0] !== isolationGroups[eni.vpcId]) {
      throw new VerificationFailedError(
        `${eni.networkInterfaceId} carries ${JSON.stringify(groups)}, expected only ${isolationGroups[eni.vpcId]}`,
      );
    }
  }
  return {
    output: { isolationGroups, networkInterfaces: results },
    summary: `Isolated ${results.length} ENI(s): ${results
      .map((r) => `${r.networkInterfaceId} ${r.from.join('+') || '(none)'} → ${r.to}`)
      .join('; ')} (verified)`,
    ids: [...results.map((r) => r.networkInterfaceId), ...Object.values(isolationGroups)],
  };
}
