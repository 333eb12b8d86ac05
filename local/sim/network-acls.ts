import type { AwsTarget } from '../../workflow/aws/clients';
import type { SimModel, SimNetworkAcl, SimNetworkAclEntry, Tags } from './model';

/** The default `*` rules: 32767 for IPv4, 32768 for IPv6 (DescribeNetworkAcls reports these numbers). */
export const DEFAULT_RULE_IPV4 = 32767;
export const DEFAULT_RULE_IPV6 = 32768;

/** A VPC's default network ACL: allow all (rule 100) then deny all (`*`), both directions, as EC2 creates it. */
export function ensureDefaultNetworkAcl(model: SimModel, target: AwsTarget, vpcId: string): SimNetworkAcl {
  const acls = model.ec2(target).networkAcls;
  const existing = Object.values(acls).find((a) => a.vpcId === vpcId && a.isDefault);
  if (existing) return existing;
  return addNetworkAcl(model, target, {
    vpcId,
    isDefault: true,
    entries: [false, true].flatMap((egress) => [
      { ruleNumber: 100, egress, protocol: '-1', ruleAction: 'allow' as const, cidrBlock: '0.0.0.0/0' },
      {
        ruleNumber: DEFAULT_RULE_IPV4,
        egress,
        protocol: '-1',
        ruleAction: 'deny' as const,
        cidrBlock: '0.0.0.0/0',
      },
    ]),
  });
}

/** A network ACL with the given entries (the default `*` deny is added when missing). */
export function addNetworkAcl(
  model: SimModel,
  target: AwsTarget,
  spec: {
    vpcId: string;
    networkAclId?: string;
    isDefault?: boolean;
    entries?: SimNetworkAclEntry[];
    subnetIds?: string[];
    tags?: Tags;
  },
): SimNetworkAcl {
  const ec2 = model.ec2(target);
  const networkAclId = spec.networkAclId ?? model.ids.ec2('acl');
  const existing = ec2.networkAcls[networkAclId];
  if (existing) return existing;
  const entries = (spec.entries ?? []).map((e) => ({ ...e }));
  for (const egress of [false, true]) {
    if (!entries.some((e) => e.egress === egress && e.ruleNumber === DEFAULT_RULE_IPV4)) {
      entries.push({
        ruleNumber: DEFAULT_RULE_IPV4,
        egress,
        protocol: '-1',
        ruleAction: 'deny',
        cidrBlock: '0.0.0.0/0',
      });
    }
  }
  const acl: SimNetworkAcl = {
    networkAclId,
    vpcId: spec.vpcId,
    isDefault: spec.isDefault ?? false,
    entries: sortEntries(entries),
    associations: [],
    tags: { ...spec.tags },
  };
  ec2.networkAcls[networkAclId] = acl;
  for (const subnetId of spec.subnetIds ?? []) associateNetworkAcl(model, target, acl, subnetId);
  return acl;
}

/** Associates a subnet with a network ACL (a subnet has exactly one: the previous association is replaced). */
export function associateNetworkAcl(
  model: SimModel,
  target: AwsTarget,
  acl: SimNetworkAcl,
  subnetId: string,
): void {
  for (const other of Object.values(model.ec2(target).networkAcls)) {
    other.associations = other.associations.filter((a) => a.subnetId !== subnetId);
  }
  acl.associations.push({ associationId: model.ids.ec2('aclassoc'), subnetId });
}

/** The network ACL associated with a subnet (every subnet has one). */
export function networkAclOf(
  model: SimModel,
  target: AwsTarget,
  subnetId: string,
): SimNetworkAcl | undefined {
  return Object.values(model.ec2(target).networkAcls).find((a) =>
    a.associations.some((s) => s.subnetId === subnetId),
  );
}

export function sortEntries(entries: SimNetworkAclEntry[]): SimNetworkAclEntry[] {
  return [...entries].sort((a, b) => Number(a.egress) - Number(b.egress) || a.ruleNumber - b.ruleNumber);
}

const ipv4ToInt = (ip: string): number =>
  ip.split('.').reduce((n, octet) => n * 256 + Number.parseInt(octet, 10), 0);

/** Whether an IPv4 address lies in a CIDR block. */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  if (!base || ip.includes(':') || base.includes(':')) return false;
  const size = Number(bits ?? 32);
  if (size === 0) return true;
  const mask = size === 32 ? 0xffffffff : (~((1 << (32 - size)) - 1) >>> 0) >>> 0;
  return (ipv4ToInt(ip) & mask) >>> 0 === (ipv4ToInt(base) & mask) >>> 0;
}

const PROTOCOL_NUMBERS: Record<string, string> = { tcp: '6', udp: '17', icmp: '1' };

/**
 * One packet through a network ACL in one direction: the entries of that direction in ascending rule number,
 * the first that matches decides. Ingress entries match the packet's source, egress entries its destination.
 */
export function evaluateNetworkAcl(
  acl: SimNetworkAcl,
  packet: { egress: boolean; address: string; protocol: 'tcp' | 'udp'; destinationPort: number },
): { action: 'allow' | 'deny'; ruleNumber: number } {
  const entries = sortEntries(acl.entries).filter((e) => e.egress === packet.egress);
  for (const entry of entries) {
    if (entry.protocol !== '-1' && entry.protocol !== PROTOCOL_NUMBERS[packet.protocol]) continue;
    if (!entry.cidrBlock || !inCidr(packet.address, entry.cidrBlock)) continue;
    if (
      entry.protocol !== '-1' &&
      entry.portRange &&
      (packet.destinationPort < entry.portRange.from || packet.destinationPort > entry.portRange.to)
    )
      continue;
    return { action: entry.ruleAction, ruleNumber: entry.ruleNumber };
  }
  return { action: 'deny', ruleNumber: DEFAULT_RULE_IPV4 };
}
