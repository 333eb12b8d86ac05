import type { AwsTarget } from '../../workflow/aws/clients';
import { addSubnet } from './build';
import type { SimFlow, SimFlowPath, SimModel, SimNetworkInterface, SimSgRule } from './model';
import { evaluateNetworkAcl, inCidr, networkAclOf } from './network-acls';

/**
 * Flows (connections) of ENIs and what cuts them, after the EC2 User Guide's "Security group connection
 * tracking": a security group change drops an untracked flow the new groups do not allow, but never a tracked
 * one (it lives on until its idle timeout); flows through a NAT gateway, NLB, GWLB, transit gateway or
 * PrivateLink are always tracked; a network ACL is stateless and evaluated per packet, so a deny drops any flow
 * at once.
 */

/** Paths whose flows EC2 tracks whatever the security group rules say. */
export const AUTOMATICALLY_TRACKED: ReadonlySet<SimFlowPath> = new Set([
  'nat-gateway',
  'nlb',
  'gwlb',
  'transit-gateway',
  'privatelink',
]);

/** EC2's idle timeouts when the ENI sets none (seconds). */
export const DEFAULT_TRACKING = { tcpEstablishedTimeout: 432_000, udpStreamTimeout: 180, udpTimeout: 30 };

const EPHEMERAL_FIRST = 49_152;

function rulesOf(model: SimModel, target: AwsTarget, eni: SimNetworkInterface, egress: boolean): SimSgRule[] {
  const groups = model.ec2(target).securityGroups;
  return eni.groupIds.flatMap((id) => (egress ? groups[id]?.egress : groups[id]?.ingress) ?? []);
}

const protocolMatches = (rule: SimSgRule, protocol: SimFlow['protocol']) =>
  rule.protocol === '-1' || rule.protocol === protocol;

/** Whether the ENI's groups have a rule for these packets (peer by CIDR; group and prefix-list peers never match a remote host). */
function allows(rules: SimSgRule[], protocol: SimFlow['protocol'], peerIp: string, port: number): boolean {
  return rules.some(
    (r) =>
      protocolMatches(r, protocol) &&
      (r.protocol === '-1' || ((r.fromPort ?? 0) <= port && port <= (r.toPort ?? 65_535))) &&
      r.cidrIpv4 !== undefined &&
      inCidr(peerIp, r.cidrIpv4),
  );
}

const allTraffic = (rules: SimSgRule[], protocol: SimFlow['protocol']) =>
  rules.some(
    (r) =>
      protocolMatches(r, protocol) &&
      r.cidrIpv4 === '0.0.0.0/0' &&
      (r.protocol === '-1' || ((r.fromPort ?? 0) === 0 && (r.toPort ?? 65_535) === 65_535)),
  );

/** Whether the ENI's groups let the flow be opened (the initiating direction's rule). */
export function groupsAllowFlow(model: SimModel, target: AwsTarget, flow: SimFlow): boolean {
  const eni = model.ec2(target).networkInterfaces[flow.networkInterfaceId];
  if (!eni) return false;
  return allows(
    rulesOf(model, target, eni, flow.direction === 'outbound'),
    flow.protocol,
    flow.peerIp,
    flow.port,
  );
}

/** Whether the groups let the flow through packet by packet, without tracking (both directions have a rule). */
function groupsAllowUntracked(model: SimModel, target: AwsTarget, flow: SimFlow): boolean {
  const eni = model.ec2(target).networkInterfaces[flow.networkInterfaceId];
  if (!eni) return false;
  const out = flow.direction === 'outbound';
  return (
    allows(rulesOf(model, target, eni, out), flow.protocol, flow.peerIp, flow.port) &&
    allows(rulesOf(model, target, eni, !out), flow.protocol, flow.peerIp, flow.ephemeralPort)
  );
}

/**
 * Whether EC2 tracks the flow: always on an automatically tracked path; otherwise untracked only when a rule
 * allows all traffic of its protocol to/from 0.0.0.0/0 in the initiating direction and one allows all responses.
 */
export function isTracked(model: SimModel, target: AwsTarget, flow: SimFlow): boolean {
  if (AUTOMATICALLY_TRACKED.has(flow.path)) return true;
  const eni = model.ec2(target).networkInterfaces[flow.networkInterfaceId];
  if (!eni) return true;
  const out = flow.direction === 'outbound';
  return !(
    allTraffic(rulesOf(model, target, eni, out), flow.protocol) &&
    allTraffic(rulesOf(model, target, eni, !out), flow.protocol)
  );
}

function drop(model: SimModel, flow: SimFlow, by: string): void {
  flow.state = 'dropped';
  flow.droppedAt = model.iso();
  flow.droppedBy = by;
  delete flow.heldSince;
}

/** The idle timeout that applies to a flow on its ENI now. */
function idleTimeout(eni: SimNetworkInterface | undefined, flow: SimFlow): number {
  const t = eni?.connectionTracking ?? DEFAULT_TRACKING;
  return flow.protocol === 'tcp' ? t.tcpEstablishedTimeout : t.udpStreamTimeout;
}

/** Network ACL crossings of one flow: its own subnet's boundary, and the subnet it passes through. */
function networkAclVerdict(model: SimModel, target: AwsTarget, flow: SimFlow): string | undefined {
  const eni = model.ec2(target).networkInterfaces[flow.networkInterfaceId];
  if (!eni) return 'network interface deleted';
  const out = flow.direction === 'outbound';
  const toPeerPort = out ? flow.port : flow.ephemeralPort;
  const toInstancePort = out ? flow.ephemeralPort : flow.port;
  const crossings: { subnetId: string; egress: boolean; address: string; destinationPort: number }[] = [
    // Leaving the instance's subnet (egress rules match the destination: the peer) and entering it (source: the peer).
    { subnetId: eni.subnetId, egress: true, address: flow.peerIp, destinationPort: toPeerPort },
    { subnetId: eni.subnetId, egress: false, address: flow.peerIp, destinationPort: toInstancePort },
  ];
  if (flow.viaSubnetId && flow.viaSubnetId !== eni.subnetId) {
    // Entering the NAT gateway's (load balancer's, endpoint's …) subnet from the instance, and leaving it to it.
    crossings.push(
      {
        subnetId: flow.viaSubnetId,
        egress: false,
        address: eni.privateIpAddress,
        destinationPort: toPeerPort,
      },
      {
        subnetId: flow.viaSubnetId,
        egress: true,
        address: eni.privateIpAddress,
        destinationPort: toInstancePort,
      },
    );
  }
  for (const c of crossings) {
    const acl = networkAclOf(model, target, c.subnetId);
    if (!acl) continue;
    const verdict = evaluateNetworkAcl(acl, {
      egress: c.egress,
      address: c.address,
      protocol: flow.protocol,
      destinationPort: c.destinationPort,
    });
    if (verdict.action === 'deny')
      return `network ACL ${acl.networkAclId} ${c.egress ? 'egress' : 'ingress'} rule ${verdict.ruleNumber}`;
  }
  return undefined;
}

/** Drops held flows whose tracking entry has timed out on the sim clock (the next packet meets the groups). */
export function expireFlows(model: SimModel, target: AwsTarget): void {
  const ec2 = model.ec2(target);
  const now = model.now().getTime();
  for (const flow of Object.values(ec2.flows)) {
    if (flow.state !== 'alive' || !flow.heldSince) continue;
    const timeout = idleTimeout(ec2.networkInterfaces[flow.networkInterfaceId], flow);
    if (flow.packetIntervalSeconds >= timeout && now >= Date.parse(flow.heldSince) + timeout * 1000) {
      drop(model, flow, `connection-tracking idle timeout (${timeout} s)`);
    }
  }
}

/** After an ENI's security groups changed: untracked flows the groups no longer allow are dropped. */
export function onGroupsChanged(model: SimModel, target: AwsTarget, networkInterfaceId: string): void {
  expireFlows(model, target);
  for (const flow of Object.values(model.ec2(target).flows)) {
    if (flow.state !== 'alive' || flow.networkInterfaceId !== networkInterfaceId) continue;
    if (!flow.tracked && !groupsAllowUntracked(model, target, flow)) {
      drop(model, flow, 'security group change (untracked flow)');
      continue;
    }
    flow.tracked = isTracked(model, target, flow);
    if (groupsAllowFlow(model, target, flow)) delete flow.heldSince;
    else if (!flow.heldSince) flow.heldSince = model.iso();
  }
}

/** After a network ACL changed: every flow with a packet the ACLs now deny is dropped. */
export function onNetworkAclsChanged(model: SimModel, target: AwsTarget): void {
  expireFlows(model, target);
  for (const flow of Object.values(model.ec2(target).flows)) {
    if (flow.state !== 'alive') continue;
    const denied = networkAclVerdict(model, target, flow);
    if (denied) drop(model, flow, denied);
  }
}

/** Flows still alive (after expiring held ones on the clock), in every account and region or one target's. */
export function liveFlows(model: SimModel, target?: AwsTarget): SimFlow[] {
  const targets: AwsTarget[] = target
    ? [target]
    : Object.values(model.state.accounts).flatMap((a) =>
        Object.keys(a.regions).map((region) => ({ accountId: a.accountId, region })),
      );
  return targets.flatMap((t) => {
    expireFlows(model, t);
    return Object.values(model.ec2(t).flows).filter((f) => f.state === 'alive');
  });
}

export interface FlowSpec {
  networkInterfaceId: string;
  peerIp: string;
  port: number;
  direction?: SimFlow['direction'];
  protocol?: SimFlow['protocol'];
  path?: SimFlowPath;
  viaSubnetId?: string;
  packetIntervalSeconds?: number;
  flowId?: string;
}

/** Opens a flow on an ENI (tracking state from its current groups). */
export function addFlow(model: SimModel, target: AwsTarget, spec: FlowSpec): SimFlow {
  const ec2 = model.ec2(target);
  const flowId = spec.flowId ?? `flow-${model.ids.next('flow')}`;
  const existing = ec2.flows[flowId];
  if (existing) return existing;
  if (!ec2.networkInterfaces[spec.networkInterfaceId])
    throw new Error(`addFlow: network interface ${spec.networkInterfaceId} does not exist`);
  const flow: SimFlow = {
    flowId,
    networkInterfaceId: spec.networkInterfaceId,
    direction: spec.direction ?? 'outbound',
    protocol: spec.protocol ?? 'tcp',
    peerIp: spec.peerIp,
    port: spec.port,
    ephemeralPort: EPHEMERAL_FIRST + model.ids.next('ephemeral-port'),
    path: spec.path ?? 'direct',
    ...(spec.viaSubnetId ? { viaSubnetId: spec.viaSubnetId } : {}),
    packetIntervalSeconds: spec.packetIntervalSeconds ?? 30,
    state: 'alive',
    tracked: true,
  };
  flow.tracked = isTracked(model, target, flow);
  ec2.flows[flowId] = flow;
  // A flow the network ACLs already deny never gets going.
  const denied = networkAclVerdict(model, target, flow);
  if (denied) drop(model, flow, denied);
  return flow;
}

/** The VPC's NAT gateway subnet (a public /24 the simulator adds once per VPC, `Name: nat-gateway`). */
export function natGatewaySubnet(model: SimModel, target: AwsTarget, vpcId: string): string {
  const ec2 = model.ec2(target);
  const existing = Object.values(ec2.subnets).find((s) => s.vpcId === vpcId && s.tags.Name === 'nat-gateway');
  if (existing) return existing.subnetId;
  const vpc = ec2.vpcs[vpcId];
  if (!vpc) throw new Error(`natGatewaySubnet: VPC ${vpcId} does not exist`);
  const [a, b] = vpc.cidrBlock.split('.');
  const used = new Set(Object.values(ec2.subnets).map((s) => s.cidrBlock));
  const cidr = [250, 251, 252, 253, 254].map((n) => `${a}.${b}.${n}.0/24`).find((c) => !used.has(c));
  if (!cidr) throw new Error(`natGatewaySubnet: no free /24 for a NAT gateway subnet in ${vpcId}`);
  return addSubnet(model, target, {
    vpcId,
    cidrBlock: cidr,
    mapPublicIpOnLaunch: true,
    tags: { Name: 'nat-gateway' },
  }).subnetId;
}

/** A C2-like session from an ENI out through its VPC's NAT gateway: tracked whatever the groups say. */
export function addNatGatewayFlow(
  model: SimModel,
  target: AwsTarget,
  spec: { networkInterfaceId: string; peerIp?: string; port?: number; packetIntervalSeconds?: number },
): SimFlow {
  const eni = model.ec2(target).networkInterfaces[spec.networkInterfaceId];
  if (!eni) throw new Error(`addNatGatewayFlow: network interface ${spec.networkInterfaceId} does not exist`);
  return addFlow(model, target, {
    networkInterfaceId: eni.networkInterfaceId,
    peerIp: spec.peerIp ?? '198.51.100.200',
    port: spec.port ?? 443,
    path: 'nat-gateway',
    viaSubnetId: natGatewaySubnet(model, target, eni.vpcId),
    packetIntervalSeconds: spec.packetIntervalSeconds ?? 30,
  });
}
