import type { IpPermission } from '@aws-sdk/client-ec2';
import type { AwsTarget } from '../../workflow/aws/clients';
import {
  addAccessKey,
  addAutoScalingGroup,
  addBucket,
  addInstanceProfile,
  addManagedInstance,
  addNetworkInterface,
  addRole,
  addSubnet,
  addTargetGroup,
  addUser,
  addVpc,
  addVpcEndpoint,
  allocateAddress,
  associateAddress,
  createSecurityGroup,
  launchInstance,
  registerTarget,
  storeObject,
} from './build';
import type { SimulatedAws } from './clients';
import type {
  EstateAccount,
  EstateFile,
  EstatePublicAccessBlock,
  EstateRegion,
  EstateSgRule,
} from './estate-file';
import { registerCaptureDocument } from './evidence-access';
import { addFlow, natGatewaySubnet } from './flows';
import type { SimModel, SimPublicAccessBlock } from './model';
import { addNetworkAcl, associateNetworkAcl, networkAclOf } from './network-acls';
import { type SeedOptions, seedAirlockPrerequisites } from './seed';

/** Builds an estate file into a simulator with the builders seeding uses (idempotent, as they are). */

const PROTOCOL_NUMBER = { tcp: '6', udp: '17', icmp: '1', '-1': '-1' } as const;

const policyText = (doc: string | Record<string, unknown>) =>
  typeof doc === 'string' ? doc : JSON.stringify(doc);
const policies = (docs: Record<string, string | Record<string, unknown>> | undefined) =>
  Object.fromEntries(Object.entries(docs ?? {}).map(([name, doc]) => [name, policyText(doc)]));

export function publicAccessBlockOf(setting: EstatePublicAccessBlock): SimPublicAccessBlock {
  if (typeof setting !== 'string') return { ...setting };
  const on = setting === 'all';
  return { BlockPublicAcls: on, IgnorePublicAcls: on, BlockPublicPolicy: on, RestrictPublicBuckets: on };
}

export function ipPermissionOf(rule: EstateSgRule): IpPermission {
  const all = rule.protocol === '-1';
  return {
    IpProtocol: rule.protocol,
    ...(all ? {} : { FromPort: rule.fromPort ?? -1, ToPort: rule.toPort ?? rule.fromPort ?? -1 }),
    ...(rule.cidr
      ? { IpRanges: [{ CidrIp: rule.cidr, ...(rule.description ? { Description: rule.description } : {}) }] }
      : {}),
    ...(rule.cidrIpv6 ? { Ipv6Ranges: [{ CidrIpv6: rule.cidrIpv6 }] } : {}),
    ...(rule.group ? { UserIdGroupPairs: [{ GroupId: rule.group }] } : {}),
  };
}

function applyIam(model: SimModel, account: EstateAccount): void {
  for (const role of account.roles) {
    addRole(model, account.accountId, {
      roleName: role.roleName,
      ...(role.path ? { path: role.path } : {}),
      ...(role.trust ? { trust: policyText(role.trust) } : {}),
      inlinePolicies: policies(role.inlinePolicies),
      ...(role.tags ? { tags: role.tags } : {}),
    });
  }
  for (const profile of account.instanceProfiles) {
    addInstanceProfile(model, account.accountId, {
      name: profile.name,
      roleNames: profile.roles,
      ...(profile.path ? { path: profile.path } : {}),
    });
  }
  for (const spec of account.users) {
    const user = addUser(model, account.accountId, {
      userName: spec.userName,
      ...(spec.path ? { path: spec.path } : {}),
      inlinePolicies: policies(spec.inlinePolicies),
      ...(spec.tags ? { tags: spec.tags } : {}),
    });
    for (const key of spec.accessKeys ?? [])
      addAccessKey(model, user, {
        accessKeyId: key.accessKeyId,
        ...(key.status ? { status: key.status } : {}),
      });
  }
  if (account.publicAccessBlock)
    model.account(account.accountId).publicAccessBlock = publicAccessBlockOf(account.publicAccessBlock);
}

function applyNetwork(model: SimModel, target: AwsTarget, region: EstateRegion): void {
  for (const vpc of region.vpcs) {
    addVpc(model, target, {
      vpcId: vpc.vpcId,
      cidrBlock: vpc.cidr,
      ...(vpc.isDefault ? { isDefault: true } : {}),
      ...(vpc.tags ? { tags: vpc.tags } : {}),
    });
    const acls = new Map(
      (vpc.networkAcls ?? []).map((acl) => [
        acl.networkAclId,
        addNetworkAcl(model, target, {
          vpcId: vpc.vpcId,
          networkAclId: acl.networkAclId,
          entries: acl.entries.map((e) => ({
            ruleNumber: e.ruleNumber,
            egress: e.egress,
            protocol: PROTOCOL_NUMBER[e.protocol],
            ruleAction: e.ruleAction,
            cidrBlock: e.cidr,
            ...(e.fromPort !== undefined
              ? { portRange: { from: e.fromPort, to: e.toPort ?? e.fromPort } }
              : {}),
          })),
          ...(acl.tags ? { tags: acl.tags } : {}),
        }),
      ]),
    );
    for (const subnet of vpc.subnets) {
      addSubnet(model, target, {
        vpcId: vpc.vpcId,
        subnetId: subnet.subnetId,
        cidrBlock: subnet.cidr,
        ...(subnet.availabilityZone ? { availabilityZone: subnet.availabilityZone } : {}),
        ...(subnet.mapPublicIpOnLaunch ? { mapPublicIpOnLaunch: true } : {}),
        ...(subnet.tags ? { tags: subnet.tags } : {}),
      });
      const acl = subnet.networkAcl ? acls.get(subnet.networkAcl) : undefined;
      if (acl && networkAclOf(model, target, subnet.subnetId)?.networkAclId !== acl.networkAclId)
        associateNetworkAcl(model, target, acl, subnet.subnetId);
    }
  }
  for (const group of region.securityGroups) {
    createSecurityGroup(model, target, {
      groupId: group.groupId,
      groupName: group.groupName,
      description: group.description ?? group.groupName,
      vpcId: group.vpcId,
      ingress: (group.ingress ?? []).map(ipPermissionOf),
      ...(group.egress ? { egress: group.egress.map(ipPermissionOf) } : {}),
      ...(group.tags ? { tags: group.tags } : {}),
    });
  }
  for (const vpc of region.vpcs) {
    for (const endpoint of vpc.endpoints ?? []) {
      addVpcEndpoint(model, target, {
        vpcId: vpc.vpcId,
        service: endpoint.service,
        ...(endpoint.vpcEndpointId ? { vpcEndpointId: endpoint.vpcEndpointId } : {}),
        ...(endpoint.securityGroups ? { groupIds: endpoint.securityGroups } : {}),
        ...(endpoint.subnets ? { subnetIds: endpoint.subnets } : {}),
      });
    }
  }
}

function applyInstances(model: SimModel, target: AwsTarget, accountId: string, region: EstateRegion): void {
  const ec2 = model.ec2(target);
  for (const spec of region.instances) {
    const eniIds = spec.networkInterfaces.map(
      (eni, index) =>
        addNetworkInterface(model, target, {
          networkInterfaceId: eni.eniId,
          subnetId: eni.subnet,
          groupIds: eni.securityGroups,
          ...(eni.privateIp ? { privateIpAddress: eni.privateIp } : {}),
          ...(eni.publicIp ? { publicIp: eni.publicIp } : {}),
          description: eni.description ?? (index === 0 ? 'Primary network interface' : ''),
        }).networkInterfaceId,
    );
    const primary = spec.networkInterfaces[0];
    const profileArn = spec.instanceProfile
      ? model.iam(accountId).instanceProfiles[spec.instanceProfile]?.arn
      : undefined;
    launchInstance(model, target, {
      instanceId: spec.instanceId,
      subnetId: primary?.subnet ?? '',
      groupIds: primary?.securityGroups ?? [],
      networkInterfaceIds: eniIds,
      instanceType: spec.instanceType,
      ...(spec.lifecycle === 'spot' ? { spot: true } : {}),
      ...(spec.imageId ? { imageId: spec.imageId } : {}),
      ...(spec.state ? { state: spec.state } : {}),
      ...(spec.platform ? { platform: spec.platform } : {}),
      ...(profileArn ? { instanceProfileArn: profileArn } : {}),
      ...(spec.disableApiTermination !== undefined
        ? { disableApiTermination: spec.disableApiTermination }
        : {}),
      ...(spec.shutdownBehavior ? { instanceInitiatedShutdownBehavior: spec.shutdownBehavior } : {}),
      ...(spec.screenshotSupported !== undefined ? { screenshotSupported: spec.screenshotSupported } : {}),
      volumes: spec.volumes.map((v) => ({
        deviceName: v.deviceName,
        size: v.sizeGiB,
        deleteOnTermination: v.deleteOnTermination,
        volumeId: v.volumeId,
      })),
      ...(spec.tags ? { tags: spec.tags } : {}),
    });
    for (const v of spec.volumes) {
      const volume = ec2.volumes[v.volumeId];
      if (volume && v.volumeType) volume.volumeType = v.volumeType;
      if (volume && v.encrypted !== undefined) volume.encrypted = v.encrypted;
    }
    for (const eni of spec.networkInterfaces) {
      const record = ec2.networkInterfaces[eni.eniId];
      if (!eni.elasticIp || !record) continue;
      const address = allocateAddress(model, target, eni.elasticIp);
      if (!address.associationId) associateAddress(model, target, address, record);
    }
    if (spec.ssm.managed)
      addManagedInstance(model, target, spec.instanceId, {
        pingStatus: spec.ssm.online ? 'Online' : 'ConnectionLost',
        ...(spec.platform === 'windows' ? { platform: 'Windows' as const } : {}),
      });
  }
}

function applyScaling(model: SimModel, target: AwsTarget, region: EstateRegion): void {
  const arns = new Map<string, string>();
  for (const spec of region.targetGroups) {
    const group = addTargetGroup(model, target, {
      name: spec.name,
      vpcId: spec.vpcId,
      port: spec.port,
      ...(spec.protocol ? { protocol: spec.protocol } : {}),
      ...(spec.deregistrationDelaySeconds !== undefined
        ? { deregistrationDelaySeconds: spec.deregistrationDelaySeconds }
        : {}),
    });
    if (spec.healthCheck) group.healthCheck = { ...spec.healthCheck };
    for (const t of spec.targets ?? []) registerTarget(group, t.instanceId, t.port);
    arns.set(spec.name, group.arn);
  }
  for (const spec of region.autoScalingGroups) {
    const group = addAutoScalingGroup(model, target, {
      name: spec.name,
      instanceIds: spec.instances,
      minSize: spec.minSize,
      maxSize: spec.maxSize,
      ...(spec.desiredCapacity !== undefined ? { desiredCapacity: spec.desiredCapacity } : {}),
      targetGroupArns: (spec.targetGroups ?? []).flatMap((name) => arns.get(name) ?? []),
      ...(spec.tags ? { tags: spec.tags } : {}),
    });
    group.healthCheckType = spec.healthCheckType;
    group.healthCheckGracePeriodSeconds = spec.gracePeriodSeconds;
  }
}

function applyFlows(model: SimModel, target: AwsTarget, region: EstateRegion): void {
  const natSubnets = new Map(
    region.vpcs.flatMap((v) => (v.natGateways ?? []).map((n) => [n.natGatewayId, n.subnet] as const)),
  );
  for (const flow of region.flows) {
    const eni = model.ec2(target).networkInterfaces[flow.eniId];
    // Without a named NAT gateway, the one the simulator adds to the VPC (as addNatGatewayFlow does).
    const viaSubnetId = flow.natGateway
      ? natSubnets.get(flow.natGateway)
      : flow.via === 'nat-gateway' && eni
        ? natGatewaySubnet(model, target, eni.vpcId)
        : undefined;
    addFlow(model, target, {
      networkInterfaceId: flow.eniId,
      peerIp: flow.peer,
      port: flow.port,
      direction: flow.direction,
      protocol: flow.protocol,
      path: flow.via,
      ...(viaSubnetId ? { viaSubnetId } : {}),
      ...(flow.packetIntervalSeconds ? { packetIntervalSeconds: flow.packetIntervalSeconds } : {}),
    });
  }
}

/**
 * Builds an estate file into the simulator: Airlock's own prerequisites first (the evidence bucket in the home
 * account, the forensic instance profile in every account), then per account IAM and the account's Block Public
 * Access, per region the network, instances (ENIs, volumes, Elastic IPs, SSM registration), target groups, Auto
 * Scaling groups and flows, then the buckets. The file must be valid (parseEstateFile).
 */
export function applyEstate(sim: SimulatedAws, estate: EstateFile, options: SeedOptions = {}): void {
  const model = sim.model;
  for (const account of estate.accounts) {
    seedAirlockPrerequisites(sim, account.accountId, options);
    applyIam(model, account);
    for (const region of account.regions) {
      const target: AwsTarget = { accountId: account.accountId, region: region.region };
      // The Airlock-Capture document, as the member-account stack deploys it in each region.
      registerCaptureDocument(model, target);
      applyNetwork(model, target, region);
      applyInstances(model, target, account.accountId, region);
      applyScaling(model, target, region);
      applyFlows(model, target, region);
    }
  }
  for (const spec of estate.buckets) {
    const bucket = addBucket(model, {
      name: spec.name,
      accountId: spec.accountId,
      region: spec.region,
      ...(spec.publicAccessBlock ? { publicAccessBlock: publicAccessBlockOf(spec.publicAccessBlock) } : {}),
      ...(spec.tags ? { tags: spec.tags } : {}),
    });
    for (const object of spec.objects ?? []) {
      if (bucket.objects[object.key]) continue;
      storeObject(model, bucket, object.key, new TextEncoder().encode(object.text), {
        ...(object.contentType ? { contentType: object.contentType } : {}),
      });
    }
  }
}
