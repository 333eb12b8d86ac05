import type { IpPermission, SecurityGroupRule } from '@aws-sdk/client-ec2';
import type { IdGenerator } from './ids';
import type { SimSecurityGroup, SimSgRule } from './model';

/**
 * Security group rules as EC2 keeps them: one atomic rule per (protocol, port range, single peer), each with its
 * own `sgr-` id; `IpPermissions` in requests and responses are groupings of those.
 */

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', all: '-1' };

export function normalizeProtocol(protocol: string | undefined): string {
  const p = (protocol ?? '').toLowerCase();
  return PROTOCOL_NAMES[p] ?? p;
}

/** Rule without id/description: its identity. */
export type RuleShape = Omit<SimSgRule, 'ruleId' | 'description'> & { description?: string };

export function ruleKey(rule: RuleShape): string {
  return JSON.stringify([
    rule.protocol,
    rule.fromPort ?? null,
    rule.toPort ?? null,
    rule.cidrIpv4 ?? null,
    rule.cidrIpv6 ?? null,
    rule.groupId ?? null,
    rule.prefixListId ?? null,
  ]);
}

/** Splits IpPermissions into atomic rules. Throws a message (the caller turns it into an EC2 error). */
export function atomize(permissions: IpPermission[]): { rules: RuleShape[]; error?: string } {
  const rules: RuleShape[] = [];
  for (const p of permissions) {
    const protocol = normalizeProtocol(p.IpProtocol);
    if (!protocol) return { rules, error: 'Invalid value for IpProtocol: a protocol is required' };
    let ports: { fromPort?: number; toPort?: number } = {};
    if (protocol !== '-1') {
      if (p.FromPort === undefined || p.ToPort === undefined) {
        return {
          rules,
          error: `Invalid value for portRange. Must specify both from and to ports with ${protocol}.`,
        };
      }
      if (protocol !== 'icmp' && (p.FromPort > p.ToPort || p.FromPort < 0 || p.ToPort > 65535)) {
        return { rules, error: `Invalid value for portRange: ${p.FromPort}-${p.ToPort}` };
      }
      ports = { fromPort: p.FromPort, toPort: p.ToPort };
    }
    const base = { protocol, ...ports };
    const before = rules.length;
    for (const r of p.IpRanges ?? [])
      if (r.CidrIp)
        rules.push({ ...base, cidrIpv4: r.CidrIp, ...(r.Description ? { description: r.Description } : {}) });
    for (const r of p.Ipv6Ranges ?? [])
      if (r.CidrIpv6)
        rules.push({
          ...base,
          cidrIpv6: r.CidrIpv6,
          ...(r.Description ? { description: r.Description } : {}),
        });
    for (const r of p.UserIdGroupPairs ?? [])
      if (r.GroupId)
        rules.push({ ...base, groupId: r.GroupId, ...(r.Description ? { description: r.Description } : {}) });
    for (const r of p.PrefixListIds ?? [])
      if (r.PrefixListId)
        rules.push({
          ...base,
          prefixListId: r.PrefixListId,
          ...(r.Description ? { description: r.Description } : {}),
        });
    if (rules.length === before) {
      return {
        rules,
        error: 'Invalid value for IpPermissions: at least one peer (CIDR, group or prefix list) is required',
      };
    }
  }
  return { rules };
}

export function withId(rule: RuleShape, ids: IdGenerator): SimSgRule {
  return { ruleId: ids.ec2('sgr'), ...rule };
}

/** Groups atomic rules into IpPermissions, as DescribeSecurityGroups returns them (always with all four lists). */
export function toIpPermissions(rules: SimSgRule[], ownerId: string): IpPermission[] {
  const groups = new Map<string, IpPermission>();
  for (const rule of rules) {
    const key = JSON.stringify([rule.protocol, rule.fromPort ?? null, rule.toPort ?? null]);
    let p = groups.get(key);
    if (!p) {
      p = {
        IpProtocol: rule.protocol,
        ...(rule.fromPort !== undefined ? { FromPort: rule.fromPort, ToPort: rule.toPort } : {}),
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      };
      groups.set(key, p);
    }
    const description = rule.description ? { Description: rule.description } : {};
    if (rule.cidrIpv4) p.IpRanges?.push({ CidrIp: rule.cidrIpv4, ...description });
    if (rule.cidrIpv6) p.Ipv6Ranges?.push({ CidrIpv6: rule.cidrIpv6, ...description });
    if (rule.groupId) p.UserIdGroupPairs?.push({ GroupId: rule.groupId, UserId: ownerId, ...description });
    if (rule.prefixListId) p.PrefixListIds?.push({ PrefixListId: rule.prefixListId, ...description });
  }
  return [...groups.values()];
}

export function toSecurityGroupRule(
  group: SimSecurityGroup,
  rule: SimSgRule,
  egress: boolean,
): SecurityGroupRule {
  return {
    SecurityGroupRuleId: rule.ruleId,
    GroupId: group.groupId,
    GroupOwnerId: group.ownerId,
    IsEgress: egress,
    IpProtocol: rule.protocol,
    FromPort: rule.fromPort ?? -1,
    ToPort: rule.toPort ?? -1,
    ...(rule.cidrIpv4 ? { CidrIpv4: rule.cidrIpv4 } : {}),
    ...(rule.cidrIpv6 ? { CidrIpv6: rule.cidrIpv6 } : {}),
    ...(rule.prefixListId ? { PrefixListId: rule.prefixListId } : {}),
    ...(rule.groupId ? { ReferencedGroupInfo: { GroupId: rule.groupId, UserId: group.ownerId } } : {}),
    ...(rule.description ? { Description: rule.description } : {}),
  };
}

/** Human-readable rule, as in EC2's InvalidPermission.Duplicate message. */
export function describeRule(rule: RuleShape): string {
  const peer = rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.groupId ?? rule.prefixListId ?? '?';
  const proto = rule.protocol === '-1' ? 'ALL' : rule.protocol.toUpperCase();
  const ports = rule.fromPort !== undefined ? `, from port: ${rule.fromPort}, to port: ${rule.toPort}` : '';
  return `peer: ${peer}, ${proto}${ports}, ALLOW`;
}

/** True when a rule lets TCP port `port` out to anything matching `peer`. */
export function allowsTcpPort(rule: SimSgRule, port: number): boolean {
  if (rule.protocol === '-1') return true;
  if (rule.protocol !== 'tcp') return false;
  return (rule.fromPort ?? 0) <= port && port <= (rule.toPort ?? 65535);
}
