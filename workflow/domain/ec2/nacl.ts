import {
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  type NetworkAcl,
  type NetworkAclEntry,
} from '@aws-sdk/client-ec2';
import { aws, isAwsError } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import { NetworkAclFullError, VerificationFailedError } from '../../errors';
import type { CreatedResource, CreatedResourceRecorder } from '../../ledger/created-resources';
import type { StepOutcome } from '../../tasks/step';
import type { Ec2State } from './state';

/**
 * The stateless cut: network ACL deny entries for each of the instance's private addresses (/32, and /128 for
 * IPv6), inbound (source) and outbound (destination), in every network ACL of the VPC that guards another subnet.
 * Security groups cannot drop a tracked flow, and flows through a NAT gateway, NLB, GWLB, transit gateway or
 * PrivateLink are always tracked; a network ACL is evaluated per packet at a subnet's boundary, so these entries
 * drop such flows where they cross into the NAT gateway's (load balancer's, endpoint's …) subnet.
 *
 * Rule numbers: the lowest free number below the ACL's first entry that is not a single-host deny (so every
 * entry is evaluated before any allow), deterministic, re-picked when a concurrent incident took it first.
 */

export const NACL_DENY_PROTOCOL = '-1';
/** Attempts to place one entry when concurrent incidents keep taking the number picked. */
const PLACE_ATTEMPTS = 5;

export interface NetworkAclCutOutput {
  entries: { networkAclId: string; egress: boolean; ruleNumber: number; cidr: string; created: boolean }[];
}

interface Address {
  cidr: string;
  subnetId: string;
  vpcId: string;
}

const isHostCidr = (cidr: string | undefined) => Boolean(cidr?.endsWith('/32') || cidr?.endsWith('/128'));
const cidrOf = (e: NetworkAclEntry) => e.CidrBlock ?? e.Ipv6CidrBlock;

/** A deny of all traffic for one host: Airlock's shape (whoever placed it). */
const isHostDeny = (e: NetworkAclEntry) =>
  e.RuleAction === 'deny' && e.Protocol === NACL_DENY_PROTOCOL && isHostCidr(cidrOf(e));

/** The first rule number in a direction that is not a host deny: a host deny must sit below it. */
function boundary(acl: NetworkAcl, egress: boolean): number {
  const numbers = (acl.Entries ?? [])
    .filter((e) => e.Egress === egress && !isHostDeny(e))
    .map((e) => e.RuleNumber ?? 32_767);
  return Math.min(32_767, ...numbers);
}

/** The existing entry that already denies this host before any allow, if there is one. */
function effectiveDeny(acl: NetworkAcl, egress: boolean, cidr: string): NetworkAclEntry | undefined {
  const limit = boundary(acl, egress);
  return (acl.Entries ?? []).find(
    (e) => e.Egress === egress && isHostDeny(e) && cidrOf(e) === cidr && (e.RuleNumber ?? 32_767) < limit,
  );
}

/** The lowest unused rule number below the boundary, or undefined when there is none. */
export function freeRuleNumber(acl: NetworkAcl, egress: boolean): number | undefined {
  const used = new Set((acl.Entries ?? []).filter((e) => e.Egress === egress).map((e) => e.RuleNumber));
  for (let n = 1; n < boundary(acl, egress); n++) if (!used.has(n)) return n;
  return undefined;
}

/** The `name` of a recorded network ACL entry: `<egress|ingress>:<rule number>:<cidr>`. */
export const entryName = (egress: boolean, ruleNumber: number, cidr: string) =>
  `${egress ? 'egress' : 'ingress'}:${ruleNumber}:${cidr}`;

export function parseEntryName(
  name: string,
): { egress: boolean; ruleNumber: number; cidr: string } | undefined {
  const m = /^(egress|ingress):(\d+):(.+)$/.exec(name);
  if (!m?.[2] || !m[3]) return undefined;
  return { egress: m[1] === 'egress', ruleNumber: Number(m[2]), cidr: m[3] };
}

async function readAcls(clients: AwsClients, vpcId: string): Promise<NetworkAcl[]> {
  const out = await aws(`ec2:DescribeNetworkAcls ${vpcId}`, () =>
    clients.ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })),
  );
  return out.NetworkAcls ?? [];
}

async function readAcl(clients: AwsClients, networkAclId: string): Promise<NetworkAcl | undefined> {
  const out = await aws(`ec2:DescribeNetworkAcls ${networkAclId}`, () =>
    clients.ec2.send(
      new DescribeNetworkAclsCommand({ Filters: [{ Name: 'network-acl-id', Values: [networkAclId] }] }),
    ),
  );
  return out.NetworkAcls?.[0];
}

/** The instance's private addresses (every IPv4 and IPv6 of every ENI), with the subnet each lives in. */
async function instanceAddresses(clients: AwsClients, pre: Ec2State): Promise<Address[]> {
  const ids = pre.networkInterfaces.map((n) => n.networkInterfaceId);
  if (!ids.length) return [];
  const out = await aws('ec2:DescribeNetworkInterfaces (addresses)', () =>
    clients.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ids })),
  );
  return (out.NetworkInterfaces ?? []).flatMap((eni) => {
    const where = { subnetId: eni.SubnetId ?? '', vpcId: eni.VpcId ?? '' };
    const v4 = (eni.PrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress).filter(Boolean);
    if (!v4.length && eni.PrivateIpAddress) v4.push(eni.PrivateIpAddress);
    const v6 = (eni.Ipv6Addresses ?? []).map((a) => a.Ipv6Address).filter(Boolean);
    return [...v4.map((ip) => `${ip}/32`), ...v6.map((ip) => `${ip}/128`)].map((cidr) => ({
      cidr,
      ...where,
    }));
  });
}

/**
 * The ACLs that guard a subnet other than the address's own (an ACL only sees traffic crossing the boundary of
 * the subnets it is associated with, so one that guards only the instance's own subnet never sees its packets).
 */
function aclsFor(acls: NetworkAcl[], address: Address, vpcSubnets: Set<string>): NetworkAcl[] {
  return acls.filter((acl) =>
    (acl.Associations ?? []).some(
      (a) => a.SubnetId && a.SubnetId !== address.subnetId && vpcSubnets.has(a.SubnetId),
    ),
  );
}

async function placeDeny(
  clients: AwsClients,
  recorder: CreatedResourceRecorder,
  start: NetworkAcl,
  egress: boolean,
  cidr: string,
): Promise<NetworkAclCutOutput['entries'][number]> {
  const networkAclId = start.NetworkAclId ?? '';
  let acl: NetworkAcl | undefined = start;
  for (let attempt = 1; attempt <= PLACE_ATTEMPTS && acl; attempt++) {
    const present = effectiveDeny(acl, egress, cidr);
    if (present) return { networkAclId, egress, ruleNumber: present.RuleNumber ?? 0, cidr, created: false };
    const ruleNumber = freeRuleNumber(acl, egress);
    if (ruleNumber === undefined) {
      throw new NetworkAclFullError(
        `network ACL ${networkAclId} has no free ${egress ? 'egress' : 'ingress'} rule number below its first rule (${boundary(acl, egress)}) for a deny of ${cidr}`,
      );
    }
    // Recorded before it exists: a crash in between still leaves the restore its exact identity.
    await recorder.record({
      kind: 'network-acl-entry',
      parent: networkAclId,
      name: entryName(egress, ruleNumber, cidr),
      step: 'isolate-network',
    });
    try {
      await aws(
        `ec2:CreateNetworkAclEntry ${networkAclId} ${egress ? 'egress' : 'ingress'} ${ruleNumber} deny ${cidr}`,
        () =>
          clients.ec2.send(
            new CreateNetworkAclEntryCommand({
              NetworkAclId: networkAclId,
              RuleNumber: ruleNumber,
              Egress: egress,
              Protocol: NACL_DENY_PROTOCOL,
              RuleAction: 'deny',
              ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
            }),
          ),
        { idempotent: false },
      );
      return { networkAclId, egress, ruleNumber, cidr, created: true };
    } catch (error) {
      if (isAwsError(error, 'NetworkAclEntryLimitExceeded')) {
        throw new NetworkAclFullError(
          `network ACL ${networkAclId} is at its ${egress ? 'egress' : 'ingress'} rule limit: cannot deny ${cidr} (raise the "Rules per network ACL" quota, or free entries)`,
          { cause: error },
        );
      }
      if (!isAwsError(error, 'NetworkAclEntryAlreadyExists')) throw error;
      // Another incident took the number between our read and our create: read again and pick again.
      acl = await readAcl(clients, networkAclId);
    }
  }
  throw new NetworkAclFullError(
    `network ACL ${networkAclId}: could not place a deny of ${cidr} in ${PLACE_ATTEMPTS} attempts (rule numbers taken concurrently)`,
  );
}

/**
 * Denies the instance's addresses in the VPC's network ACLs (check-before-act: an effective deny of exactly that
 * address is reused, never duplicated), then verifies every deny is in place before any allow.
 */
export async function denyInstanceInNetworkAcls(
  clients: AwsClients,
  pre: Ec2State,
  recorder: CreatedResourceRecorder,
): Promise<StepOutcome<NetworkAclCutOutput>> {
  const addresses = await instanceAddresses(clients, pre);
  const entries: NetworkAclCutOutput['entries'] = [];
  for (const vpcId of [...new Set(addresses.map((a) => a.vpcId))].sort()) {
    const subnets = await aws(`ec2:DescribeSubnets ${vpcId}`, () =>
      clients.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })),
    );
    const vpcSubnets = new Set((subnets.Subnets ?? []).map((s) => s.SubnetId ?? ''));
    const acls = await readAcls(clients, vpcId);
    for (const address of addresses.filter((a) => a.vpcId === vpcId)) {
      for (const acl of aclsFor(acls, address, vpcSubnets)) {
        // Read again: an earlier address, or a concurrent incident, may have taken numbers meanwhile.
        const fresh = (await readAcl(clients, acl.NetworkAclId ?? '')) ?? acl;
        for (const egress of [false, true]) {
          entries.push(await placeDeny(clients, recorder, fresh, egress, address.cidr));
        }
      }
    }
    const after = await readAcls(clients, vpcId);
    for (const e of entries) {
      const acl = after.find((a) => a.NetworkAclId === e.networkAclId);
      if (!acl || !effectiveDeny(acl, e.egress, e.cidr)) {
        throw new VerificationFailedError(
          `network ACL ${e.networkAclId} does not deny ${e.cidr} (${e.egress ? 'egress' : 'ingress'}) before its first allow`,
        );
      }
    }
  }
  const created = entries.filter((e) => e.created).length;
  return {
    output: { entries },
    summary: entries.length
      ? `Network ACL deny for ${[...new Set(entries.map((e) => e.cidr))].join(', ')} in ${
          new Set(entries.map((e) => e.networkAclId)).size
        } ACL(s), both directions (${created} entr${created === 1 ? 'y' : 'ies'} added, verified)`
      : 'No other subnet in the VPC: no network ACL sees this instance’s traffic',
    ids: [...new Set(entries.map((e) => e.networkAclId))],
  };
}

/**
 * Reject: removes exactly the entries this incident recorded, each only if the entry at that number is still the
 * deny of that address (a number recorded but lost to a concurrent incident holds that incident's entry).
 */
export async function removeNetworkAclEntries(
  clients: AwsClients,
  created: CreatedResource[],
): Promise<string[]> {
  const changes: string[] = [];
  const own = created.filter((c) => c.kind === 'network-acl-entry');
  for (const networkAclId of [...new Set(own.map((c) => c.parent))].sort()) {
    const acl = await readAcl(clients, networkAclId);
    if (!acl) continue;
    for (const record of own.filter((c) => c.parent === networkAclId)) {
      const entry = parseEntryName(record.name);
      if (!entry) continue;
      const live = (acl.Entries ?? []).find(
        (e) => e.Egress === entry.egress && e.RuleNumber === entry.ruleNumber,
      );
      if (!live || !isHostDeny(live) || cidrOf(live) !== entry.cidr) continue;
      await aws(`ec2:DeleteNetworkAclEntry ${networkAclId} ${record.name}`, () =>
        clients.ec2.send(
          new DeleteNetworkAclEntryCommand({
            NetworkAclId: networkAclId,
            Egress: entry.egress,
            RuleNumber: entry.ruleNumber,
          }),
        ),
      ).catch((error: unknown) => {
        if (!isAwsError(error, 'InvalidNetworkAclEntry.NotFound')) throw error;
      });
      changes.push(`removed network ACL entry ${networkAclId} ${record.name}`);
    }
  }
  return changes;
}
