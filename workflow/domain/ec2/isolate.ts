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

/** The egress rule EC2 gives a new group: all IPv4 traffic. */
const DEFAULT_EGRESS: IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

const ALL_TRAFFIC: IpPermission = {
  IpProtocol: '-1',
  IpRanges: [{ CidrIp: '0.0.0.0/0' }],
  Ipv6Ranges: [{ CidrIpv6: '::/0' }],
};

/** One of Airlock's per-VPC groups, by name (undefined when the VPC has none yet). */
export async function findGroup(
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
 * Airlock's groups of the given names in the given VPCs, in one DescribeSecurityGroups (each filter matches any of
 * its values; every page is read).
 */
async function describeGroups(
  clients: AwsClients,
  vpcIds: string[],
  names: string[],
): Promise<SecurityGroup[]> {
  const groups: SecurityGroup[] = [];
  let token: string | undefined;
  do {
    const page = await aws(`ec2:DescribeSecurityGroups ${vpcIds.join(',')}/${names.join(',')}`, () =>
      clients.ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [
            { Name: 'vpc-id', Values: vpcIds },
            { Name: 'group-name', Values: names },
          ],
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    );
    groups.push(...(page.SecurityGroups ?? []));
    token = page.NextToken;
  } while (token);
  return groups;
}

/**
 * Looks up, or creates, one of Airlock's per-VPC security groups. Concurrent incidents in the same VPC race on the
 * name: the loser gets InvalidGroup.Duplicate and uses the winner's group. Rules are converged every time, so a
 * group created by a run that crashed half-way is completed by the next one. `described`: the group as a describe
 * made just before found it (`group` undefined: not found), so it is not described again. `createdRules`:
 * `'default'` takes a group this call created to hold EC2's default rules (no ingress, all IPv4 egress) instead of
 * describing it again; only for preparing ahead (PrepareIsolation), since IsolateNetwork describes and converges
 * every group again before any swap.
 */
export async function ensureGroup(
  clients: AwsClients,
  vpcId: string,
  name: string,
  description: string,
  rules: { ingress: IpPermission[]; egress: IpPermission[] },
  described?: { group: SecurityGroup | undefined },
  createdRules: 'describe' | 'default' = 'describe',
): Promise<string> {
  let group = described ? described.group : await findGroup(clients, vpcId, name);
  if (!group) {
    let createdId: string | undefined;
    try {
      const created = await aws(`ec2:CreateSecurityGroup ${vpcId}/${name}`, () =>
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
      createdId = created.GroupId;
    } catch (error) {
      if (!isAwsError(error, 'InvalidGroup.Duplicate')) throw error;
    }
    group =
      createdId && createdRules === 'default'
        ? { GroupId: createdId, IpPermissions: [], IpPermissionsEgress: [DEFAULT_EGRESS] }
        : // Eventual consistency: the group just created may not be listed (or found by id) for a moment.
          await eventually(`security group ${name} in ${vpcId}`, () => findGroup(clients, vpcId, name));
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
  const missingEgress = wantEgress.filter((w) => !has(haveEgress, w));
  const haveIngress = atoms(group.IpPermissions ?? []);
  const missingIngress = atoms(rules.ingress).filter((w) => !has(haveIngress, w));
  // The three changes touch disjoint rules (a revoked atom is never one being authorized): made together.
  await Promise.all([
    extraEgress.length
      ? eventually(`ec2:RevokeSecurityGroupEgress ${groupId}`, () =>
          aws(`ec2:RevokeSecurityGroupEgress ${groupId}`, () =>
            clients.ec2.send(
              new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: extraEgress }),
            ),
          ),
        )
      : undefined,
    missingEgress.length
      ? eventually(`ec2:AuthorizeSecurityGroupEgress ${groupId}`, () =>
          aws(`ec2:AuthorizeSecurityGroupEgress ${groupId}`, () =>
            clients.ec2.send(
              new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: missingEgress }),
            ),
          ),
        ).catch((error: unknown) => {
          if (!isAwsError(error, 'InvalidPermission.Duplicate')) throw error;
        })
      : undefined,
    missingIngress.length
      ? eventually(`ec2:AuthorizeSecurityGroupIngress ${groupId}`, () =>
          aws(`ec2:AuthorizeSecurityGroupIngress ${groupId}`, () =>
            clients.ec2.send(
              new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: missingIngress }),
            ),
          ),
        ).catch((error: unknown) => {
          if (!isAwsError(error, 'InvalidPermission.Duplicate')) throw error;
        })
      : undefined,
  ]);
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

export interface IsolationGroups {
  /** VPC id → the transitional allow-all group. */
  allowAll: Record<string, string>;
  /** VPC id → the isolation group. */
  isolation: Record<string, string>;
}

const ALLOW_ALL_DESCRIPTION = 'Airlock: transitional allow-all (untracks flows before isolation)';
const ISOLATION_DESCRIPTION = 'Airlock: incident isolation (no rules)';

/**
 * Makes sure Airlock's shared groups (allow-all and isolation) exist in each VPC with exactly their rules: one
 * DescribeSecurityGroups for every VPC and both names, then every missing group or rule at once. Changes no
 * instance, and is check-before-act (converging what is there), so it can run before the capture ends and again
 * in IsolateNetwork, where it costs that one describe once the groups are there. `createdRules`: see ensureGroup.
 */
export async function ensureIsolationGroups(
  clients: AwsClients,
  vpcIds: string[],
  config: WorkflowSettings,
  createdRules: 'describe' | 'default' = 'describe',
): Promise<IsolationGroups> {
  const vpcs = [...new Set(vpcIds)].sort();
  if (!vpcs.length) return { allowAll: {}, isolation: {} };
  const isolationName = isolationGroupName(config.isolationMode);
  const [described, egress] = await Promise.all([
    describeGroups(clients, vpcs, [ALLOW_ALL_GROUP, isolationName]),
    Promise.all(vpcs.map((vpcId) => isolationEgress(clients, vpcId, config.isolationMode))),
  ]);
  const found = (vpcId: string, name: string) => ({
    group: described.find((g) => g.VpcId === vpcId && g.GroupName === name),
  });
  const ids = await Promise.all(
    vpcs.map((vpcId, i) =>
      Promise.all([
        ensureGroup(
          clients,
          vpcId,
          ALLOW_ALL_GROUP,
          ALLOW_ALL_DESCRIPTION,
          { ingress: [ALL_TRAFFIC], egress: [ALL_TRAFFIC] },
          found(vpcId, ALLOW_ALL_GROUP),
          createdRules,
        ),
        ensureGroup(
          clients,
          vpcId,
          isolationName,
          ISOLATION_DESCRIPTION,
          { ingress: [], egress: egress[i] ?? [] },
          found(vpcId, isolationName),
          createdRules,
        ),
      ]),
    ),
  );
  const groups: IsolationGroups = { allowAll: {}, isolation: {} };
  vpcs.forEach((vpcId, i) => {
    const [allowAll, isolation] = ids[i] as [string, string];
    groups.allowAll[vpcId] = allowAll;
    groups.isolation[vpcId] = isolation;
  });
  return groups;
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
  const eniIds = preState.networkInterfaces.map((n) => n.networkInterfaceId);
  // The groups (prepared by PrepareIsolation during the capture; converged here if missing) and the ENIs' current
  // groups are read together.
  const [groups, current] = await Promise.all([
    ensureIsolationGroups(
      clients,
      preState.networkInterfaces.map((n) => n.vpcId),
      config,
    ),
    aws('ec2:DescribeNetworkInterfaces', () =>
      clients.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: eniIds })),
    ),
  ]);
  const { allowAll: allowAllGroups, isolation: isolationGroups } = groups;
  const groupsOf = (id: string) =>
    (current.NetworkInterfaces ?? [])
      .find((n) => n.NetworkInterfaceId === id)
      ?.Groups?.map((g) => g.GroupId ?? '') ?? [];

  // ENIs are swapped concurrently; each one still goes allow-all first, then isolation.
  const results: IsolateOutput['networkInterfaces'] = await Promise.all(
    preState.networkInterfaces.map(async (eni) => {
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
      return {
        networkInterfaceId: eni.networkInterfaceId,
        from: eni.securityGroupIds,
        to: isolation,
        changed,
      };
    }),
  );

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
