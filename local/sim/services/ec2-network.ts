import type {
  AssociateAddressCommandInput,
  AssociateAddressCommandOutput,
  AuthorizeSecurityGroupEgressCommandInput,
  AuthorizeSecurityGroupEgressCommandOutput,
  AuthorizeSecurityGroupIngressCommandInput,
  AuthorizeSecurityGroupIngressCommandOutput,
  CreateSecurityGroupCommandInput,
  CreateSecurityGroupCommandOutput,
  DeleteSecurityGroupCommandInput,
  DeleteSecurityGroupCommandOutput,
  DescribeAddressesCommandInput,
  DescribeAddressesCommandOutput,
  DescribeNetworkInterfacesCommandInput,
  DescribeNetworkInterfacesCommandOutput,
  DescribePrefixListsCommandInput,
  DescribePrefixListsCommandOutput,
  DescribeSecurityGroupsCommandInput,
  DescribeSecurityGroupsCommandOutput,
  DescribeSubnetsCommandInput,
  DescribeSubnetsCommandOutput,
  DescribeVpcEndpointsCommandInput,
  DescribeVpcEndpointsCommandOutput,
  DescribeVpcsCommandInput,
  DescribeVpcsCommandOutput,
  DisassociateAddressCommandInput,
  DisassociateAddressCommandOutput,
  IpPermission,
  ModifyNetworkInterfaceAttributeCommandInput,
  ModifyNetworkInterfaceAttributeCommandOutput,
  RevokeSecurityGroupEgressCommandInput,
  RevokeSecurityGroupEgressCommandOutput,
  RevokeSecurityGroupIngressCommandInput,
  RevokeSecurityGroupIngressCommandOutput,
} from '@aws-sdk/client-ec2';
import { associateAddress, createSecurityGroup, disassociateAddress } from '../build';
import { notYetVisible, openConsistencyWindow } from '../consistency';
import { DEFAULT_TRACKING, onGroupsChanged } from '../flows';
import type { SimSecurityGroup, SimSgRule } from '../model';
import {
  atomize,
  describeRule,
  type RuleShape,
  ruleKey,
  toIpPermissions,
  toSecurityGroupRule,
  withId,
} from '../sg-rules';
import {
  applyFilters,
  copy,
  type HandlerTable,
  type OpContext,
  op,
  pick,
  tagList,
  tagsFromSpecifications,
} from './common';
import { getInstance } from './ec2-instances';
import { renderAddress, renderNetworkInterface, renderSecurityGroup, renderVpcEndpoint } from './ec2-render';

/** Xen-based instance families (everything else in the simulator is Nitro): no configurable tracking timeouts. */
const XEN_FAMILIES = /^(t1|t2|m1|m2|m3|m4|c1|c3|c4|r3|r4|x1|x1e|i2|i3|d2|g2|g3|p2|p3|f1|h1)\./;
const isNitro = (instanceType: string) => !XEN_FAMILIES.test(instanceType) || instanceType === 'i3.metal';

function getGroup(ctx: OpContext, groupId: string | undefined, groupName?: string): SimSecurityGroup {
  const groups = ctx.model.ec2(ctx.target).securityGroups;
  const group = groupId
    ? groups[groupId]
    : Object.values(groups).find((g) => groupName !== undefined && g.groupName === groupName);
  if (!group || notYetVisible(ctx.model, group.groupId)) {
    throw ctx.error('InvalidGroup.NotFound', `The security group '${groupId ?? groupName}' does not exist`);
  }
  return group;
}

/** IpPermissions from a request, including the legacy top-level CidrIp/IpProtocol/FromPort/ToPort form. */
function requestedPermissions(input: {
  IpPermissions?: IpPermission[];
  CidrIp?: string;
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
}): IpPermission[] {
  if (input.IpPermissions?.length) return copy(input.IpPermissions);
  if (input.CidrIp || input.IpProtocol) {
    return [
      {
        IpProtocol: input.IpProtocol ?? '-1',
        ...(input.FromPort !== undefined ? { FromPort: input.FromPort } : {}),
        ...(input.ToPort !== undefined ? { ToPort: input.ToPort } : {}),
        IpRanges: [{ CidrIp: input.CidrIp ?? '0.0.0.0/0' }],
      },
    ];
  }
  return [];
}

function authorize(ctx: OpContext, group: SimSecurityGroup, permissions: IpPermission[], egress: boolean) {
  const { rules, error } = atomize(permissions);
  if (error) throw ctx.error('InvalidParameterValue', error);
  if (!rules.length)
    throw ctx.error('MissingParameter', 'The request must contain the parameter ipPermissions');
  const existing = new Set((egress ? group.egress : group.ingress).map(ruleKey));
  const groups = ctx.model.ec2(ctx.target).securityGroups;
  for (const rule of rules) {
    if (rule.groupId && !groups[rule.groupId]) {
      throw ctx.error('InvalidGroup.NotFound', `The security group '${rule.groupId}' does not exist`);
    }
    const key = ruleKey(rule);
    if (existing.has(key)) {
      throw ctx.error(
        'InvalidPermission.Duplicate',
        `the specified rule "${describeRule(rule)}" already exists`,
      );
    }
    existing.add(key);
  }
  const added = rules.map((r) => withId(r, ctx.model.ids));
  (egress ? group.egress : group.ingress).push(...added);
  return { Return: true, SecurityGroupRules: added.map((r) => toSecurityGroupRule(group, r, egress)) };
}

function revoke(
  ctx: OpContext,
  group: SimSecurityGroup,
  input: { IpPermissions?: IpPermission[]; SecurityGroupRuleIds?: string[] },
  egress: boolean,
) {
  const list = egress ? group.egress : group.ingress;
  let targets: SimSgRule[];
  let unknown: RuleShape[] = [];
  if (input.SecurityGroupRuleIds?.length) {
    const missing = input.SecurityGroupRuleIds.filter((id) => !list.some((r) => r.ruleId === id));
    if (missing.length) {
      throw ctx.error(
        'InvalidSecurityGroupRuleId.NotFound',
        `The security group rule ID '${missing[0]}' does not exist`,
      );
    }
    targets = list.filter((r) => input.SecurityGroupRuleIds?.includes(r.ruleId));
  } else {
    const { rules, error } = atomize(copy(input.IpPermissions ?? []));
    if (error) throw ctx.error('InvalidParameterValue', error);
    const wanted = new Set(rules.map(ruleKey));
    targets = list.filter((r) => wanted.has(ruleKey(r)));
    const found = new Set(targets.map(ruleKey));
    unknown = rules.filter((r) => !found.has(ruleKey(r)));
    if (!targets.length) {
      throw ctx.error(
        'InvalidPermission.NotFound',
        `The specified rule does not exist in this security group.${rules[0] ? ` (${describeRule(rules[0])})` : ''}`,
      );
    }
  }
  const remove = new Set(targets.map((r) => r.ruleId));
  const kept = list.filter((r) => !remove.has(r.ruleId));
  if (egress) group.egress = kept;
  else group.ingress = kept;
  return {
    Return: true,
    RevokedSecurityGroupRules: targets.map((r) => ({
      SecurityGroupRuleId: r.ruleId,
      GroupId: group.groupId,
      IsEgress: egress,
      IpProtocol: r.protocol,
      FromPort: r.fromPort ?? -1,
      ToPort: r.toPort ?? -1,
      ...(r.cidrIpv4 ? { CidrIpv4: r.cidrIpv4 } : {}),
      ...(r.cidrIpv6 ? { CidrIpv6: r.cidrIpv6 } : {}),
    })),
    ...(unknown.length
      ? {
          UnknownIpPermissions: toIpPermissions(
            unknown.map((r) => ({ ruleId: '', ...r })),
            group.ownerId,
          ),
        }
      : {}),
  };
}

export const ec2NetworkHandlers: HandlerTable = {
  DescribeVpcs: op<DescribeVpcsCommandInput, DescribeVpcsCommandOutput>((ctx, input) => {
    const ec2 = ctx.model.ec2(ctx.target);
    const vpcs = applyFilters(
      ctx,
      pick(ctx, ec2.vpcs, input.VpcIds, 'InvalidVpcID.NotFound', 'vpc'),
      input.Filters,
      { 'vpc-id': (v) => v.vpcId, 'cidr-block': (v) => v.cidrBlock, 'is-default': (v) => v.isDefault },
      (v) => v.tags,
    );
    return {
      Vpcs: vpcs.map((v) => ({
        VpcId: v.vpcId,
        CidrBlock: v.cidrBlock,
        IsDefault: v.isDefault,
        State: 'available',
        OwnerId: ctx.target.accountId,
        InstanceTenancy: 'default',
        Tags: tagList(v.tags),
      })),
    };
  }),

  DescribeSubnets: op<DescribeSubnetsCommandInput, DescribeSubnetsCommandOutput>((ctx, input) => {
    const ec2 = ctx.model.ec2(ctx.target);
    const subnets = applyFilters(
      ctx,
      pick(ctx, ec2.subnets, input.SubnetIds, 'InvalidSubnetID.NotFound', 'subnet'),
      input.Filters,
      {
        'subnet-id': (s) => s.subnetId,
        'vpc-id': (s) => s.vpcId,
        'availability-zone': (s) => s.availabilityZone,
      },
      (s) => s.tags,
    );
    return {
      Subnets: subnets.map((s) => ({
        SubnetId: s.subnetId,
        VpcId: s.vpcId,
        CidrBlock: s.cidrBlock,
        AvailabilityZone: s.availabilityZone,
        MapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
        State: 'available',
        OwnerId: ctx.target.accountId,
        Tags: tagList(s.tags),
      })),
    };
  }),

  DescribeSecurityGroups: op<DescribeSecurityGroupsCommandInput, DescribeSecurityGroupsCommandOutput>(
    (ctx, input) => {
      const ec2 = ctx.model.ec2(ctx.target);
      const unseen = input.GroupIds?.find((id) => ec2.securityGroups[id] && notYetVisible(ctx.model, id));
      if (unseen) throw ctx.error('InvalidGroup.NotFound', `The security group '${unseen}' does not exist`);
      let groups = pick(ctx, ec2.securityGroups, input.GroupIds, 'InvalidGroup.NotFound', 'security group');
      if (input.GroupNames?.length) {
        const names = input.GroupNames;
        const missing = names.filter((n) => !groups.some((g) => g.groupName === n));
        if (missing.length)
          throw ctx.error('InvalidGroup.NotFound', `The security group '${missing[0]}' does not exist`);
        groups = groups.filter((g) => names.includes(g.groupName));
      }
      const filtered = applyFilters(
        ctx,
        groups,
        input.Filters,
        {
          'group-id': (g) => g.groupId,
          'group-name': (g) => g.groupName,
          'vpc-id': (g) => g.vpcId,
          description: (g) => g.description,
          'owner-id': (g) => g.ownerId,
        },
        (g) => g.tags,
      );
      const visible = filtered.filter((g) => !notYetVisible(ctx.model, g.groupId));
      return { SecurityGroups: visible.map((g) => renderSecurityGroup(g, ctx.target.region)) };
    },
  ),

  CreateSecurityGroup: op<CreateSecurityGroupCommandInput, CreateSecurityGroupCommandOutput>((ctx, input) => {
    const ec2 = ctx.model.ec2(ctx.target);
    const name = input.GroupName ?? '';
    const vpcId = input.VpcId ?? Object.values(ec2.vpcs).find((v) => v.isDefault)?.vpcId;
    if (!name) throw ctx.error('MissingParameter', 'The request must contain the parameter groupName');
    if (!input.Description)
      throw ctx.error('MissingParameter', 'The request must contain the parameter groupDescription');
    if (name.toLowerCase().startsWith('sg-')) {
      throw ctx.error('InvalidParameterValue', `Group names may not be in the format sg-*.`);
    }
    if (name.length > 255) throw ctx.error('InvalidParameterValue', 'Group name exceeds 255 characters');
    if (!vpcId) throw ctx.error('VPCIdNotSpecified', 'No default VPC for this user');
    if (!ec2.vpcs[vpcId]) throw ctx.error('InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist`);
    if (Object.values(ec2.securityGroups).some((g) => g.vpcId === vpcId && g.groupName === name)) {
      throw ctx.error(
        'InvalidGroup.Duplicate',
        `The security group '${name}' already exists for VPC '${vpcId}'`,
      );
    }
    const tags = tagsFromSpecifications(ctx, input.TagSpecifications, 'security-group');
    const group = createSecurityGroup(ctx.model, ctx.target, {
      groupName: name,
      description: input.Description,
      vpcId,
      tags,
    });
    openConsistencyWindow(ctx.model, group.groupId);
    return {
      GroupId: group.groupId,
      SecurityGroupArn: `arn:aws:ec2:${ctx.target.region}:${ctx.target.accountId}:security-group/${group.groupId}`,
      ...(Object.keys(tags).length ? { Tags: tagList(tags) } : {}),
    };
  }),

  DeleteSecurityGroup: op<DeleteSecurityGroupCommandInput, DeleteSecurityGroupCommandOutput>((ctx, input) => {
    const group = getGroup(ctx, input.GroupId, input.GroupName);
    const ec2 = ctx.model.ec2(ctx.target);
    if (group.groupName === 'default') {
      throw ctx.error(
        'CannotDelete',
        `the specified group: "${group.groupId}" name: "default" cannot be deleted by a user`,
      );
    }
    const inUse =
      Object.values(ec2.networkInterfaces).some((e) => e.groupIds.includes(group.groupId)) ||
      Object.values(ec2.vpcEndpoints).some((e) => e.groupIds.includes(group.groupId));
    const referenced = Object.values(ec2.securityGroups).some(
      (g) =>
        g.groupId !== group.groupId && [...g.ingress, ...g.egress].some((r) => r.groupId === group.groupId),
    );
    if (inUse || referenced) {
      throw ctx.error('DependencyViolation', `resource ${group.groupId} has a dependent object`);
    }
    delete ec2.securityGroups[group.groupId];
    return { Return: true, GroupId: group.groupId };
  }),

  AuthorizeSecurityGroupIngress: op<
    AuthorizeSecurityGroupIngressCommandInput,
    AuthorizeSecurityGroupIngressCommandOutput
  >((ctx, input) =>
    authorize(ctx, getGroup(ctx, input.GroupId, input.GroupName), requestedPermissions(input), false),
  ),

  AuthorizeSecurityGroupEgress: op<
    AuthorizeSecurityGroupEgressCommandInput,
    AuthorizeSecurityGroupEgressCommandOutput
  >((ctx, input) => authorize(ctx, getGroup(ctx, input.GroupId), requestedPermissions(input), true)),

  RevokeSecurityGroupIngress: op<
    RevokeSecurityGroupIngressCommandInput,
    RevokeSecurityGroupIngressCommandOutput
  >((ctx, input) =>
    revoke(
      ctx,
      getGroup(ctx, input.GroupId, input.GroupName),
      {
        IpPermissions: requestedPermissions(input),
        ...(input.SecurityGroupRuleIds ? { SecurityGroupRuleIds: input.SecurityGroupRuleIds } : {}),
      },
      false,
    ),
  ),

  RevokeSecurityGroupEgress: op<
    RevokeSecurityGroupEgressCommandInput,
    RevokeSecurityGroupEgressCommandOutput
  >((ctx, input) =>
    revoke(
      ctx,
      getGroup(ctx, input.GroupId),
      {
        IpPermissions: requestedPermissions(input),
        ...(input.SecurityGroupRuleIds ? { SecurityGroupRuleIds: input.SecurityGroupRuleIds } : {}),
      },
      true,
    ),
  ),

  DescribeNetworkInterfaces: op<
    DescribeNetworkInterfacesCommandInput,
    DescribeNetworkInterfacesCommandOutput
  >((ctx, input) => {
    const ec2 = ctx.model.ec2(ctx.target);
    const enis = applyFilters(
      ctx,
      pick(
        ctx,
        ec2.networkInterfaces,
        input.NetworkInterfaceIds,
        'InvalidNetworkInterfaceID.NotFound',
        'network interface',
      ),
      input.Filters,
      {
        'network-interface-id': (e) => e.networkInterfaceId,
        'attachment.instance-id': (e) => e.attachment?.instanceId,
        'attachment.device-index': (e) => e.attachment?.deviceIndex,
        'vpc-id': (e) => e.vpcId,
        'subnet-id': (e) => e.subnetId,
        'group-id': (e) => e.groupIds,
        'private-ip-address': (e) => e.privateIpAddress,
        'association.public-ip': (e) => e.association?.publicIp,
        'association.allocation-id': (e) => e.association?.allocationId,
        status: (e) => e.status,
      },
      (e) => e.tags,
    );
    return {
      NetworkInterfaces: enis.map((e) =>
        renderNetworkInterface(ec2, e, ctx.target.accountId, ctx.target.region),
      ),
    };
  }),

  ModifyNetworkInterfaceAttribute: op<
    ModifyNetworkInterfaceAttributeCommandInput,
    ModifyNetworkInterfaceAttributeCommandOutput
  >((ctx, input) => {
    const ec2 = ctx.model.ec2(ctx.target);
    const eni = input.NetworkInterfaceId ? ec2.networkInterfaces[input.NetworkInterfaceId] : undefined;
    if (!eni) {
      throw ctx.error(
        'InvalidNetworkInterfaceID.NotFound',
        `The networkInterface ID '${input.NetworkInterfaceId}' does not exist`,
      );
    }
    const given = (
      ['Groups', 'SourceDestCheck', 'Description', 'Attachment', 'ConnectionTrackingSpecification'] as const
    ).filter((k) => input[k] !== undefined);
    if (given.length !== 1) {
      throw ctx.error(
        given.length ? 'InvalidParameterCombination' : 'MissingParameter',
        given.length ? 'Only one attribute can be modified at a time' : 'No attributes specified.',
      );
    }
    if (input.Groups) {
      if (!input.Groups.length)
        throw ctx.error('MissingParameter', 'The request must contain at least one security group');
      if (input.Groups.length > 5)
        throw ctx.error('SecurityGroupsPerInterfaceLimitExceeded', 'Too many security groups');
      for (const id of input.Groups) {
        const group = ec2.securityGroups[id];
        if (!group || notYetVisible(ctx.model, id))
          throw ctx.error('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
        if (group.vpcId !== eni.vpcId) {
          throw ctx.error(
            'InvalidParameterValue',
            `Security group ${id} and network interface ${eni.networkInterfaceId} belong to different networks.`,
          );
        }
      }
      eni.groupIds = [...new Set(input.Groups)];
      onGroupsChanged(ctx.model, ctx.target, eni.networkInterfaceId);
    }
    if (input.ConnectionTrackingSpecification) {
      const spec = input.ConnectionTrackingSpecification;
      const instance = eni.attachment ? ec2.instances[eni.attachment.instanceId] : undefined;
      if (instance && !isNitro(instance.instanceType)) {
        throw ctx.error(
          'UnsupportedOperation',
          `Connection tracking timeouts are not supported for instance type ${instance.instanceType}.`,
        );
      }
      const next = { ...DEFAULT_TRACKING, ...eni.connectionTracking };
      for (const [key, value, min, max] of [
        ['tcpEstablishedTimeout', spec.TcpEstablishedTimeout, 60, 432_000],
        ['udpStreamTimeout', spec.UdpStreamTimeout, 60, 180],
        ['udpTimeout', spec.UdpTimeout, 30, 60],
      ] as const) {
        if (value === undefined) continue;
        if (!Number.isInteger(value) || value < min || value > max) {
          throw ctx.error('InvalidParameterValue', `${key} must be between ${min} and ${max} seconds.`);
        }
        next[key] = value;
      }
      eni.connectionTracking = next;
      // Settings equal to the defaults are kept as none (see FIDELITY.md: Describe then reports none).
      if (JSON.stringify(next) === JSON.stringify(DEFAULT_TRACKING)) delete eni.connectionTracking;
    }
    if (input.SourceDestCheck) eni.sourceDestCheck = input.SourceDestCheck.Value ?? true;
    if (input.Description) eni.description = input.Description.Value ?? '';
    if (input.Attachment) {
      if (!eni.attachment || eni.attachment.attachmentId !== input.Attachment.AttachmentId) {
        throw ctx.error(
          'InvalidAttachmentID.NotFound',
          `The attachment ID '${input.Attachment.AttachmentId}' does not exist`,
        );
      }
      eni.attachment.deleteOnTermination =
        input.Attachment.DeleteOnTermination ?? eni.attachment.deleteOnTermination;
    }
    return {};
  }),

  DescribeAddresses: op<DescribeAddressesCommandInput, DescribeAddressesCommandOutput>((ctx, input) => {
    const ec2 = ctx.model.ec2(ctx.target);
    let addresses = pick(
      ctx,
      ec2.addresses,
      input.AllocationIds,
      'InvalidAllocationID.NotFound',
      'allocation',
    );
    if (input.PublicIps?.length) {
      const ips = input.PublicIps;
      const missing = ips.filter((ip) => !addresses.some((a) => a.publicIp === ip));
      if (missing.length) throw ctx.error('InvalidAddress.NotFound', `Address '${missing[0]}' not found.`);
      addresses = addresses.filter((a) => ips.includes(a.publicIp));
    }
    const filtered = applyFilters(
      ctx,
      addresses,
      input.Filters,
      {
        'allocation-id': (a) => a.allocationId,
        'association-id': (a) => a.associationId,
        'instance-id': (a) => a.instanceId,
        'network-interface-id': (a) => a.networkInterfaceId,
        'private-ip-address': (a) => a.privateIpAddress,
        'public-ip': (a) => a.publicIp,
        domain: (a) => a.domain,
      },
      (a) => a.tags,
    );
    return { Addresses: filtered.map((a) => renderAddress(a, ctx.target.accountId, ctx.target.region)) };
  }),

  AssociateAddress: op<AssociateAddressCommandInput, AssociateAddressCommandOutput>((ctx, input) => {
    const ec2 = ctx.model.ec2(ctx.target);
    const address = input.AllocationId
      ? ec2.addresses[input.AllocationId]
      : Object.values(ec2.addresses).find((a) => a.publicIp === input.PublicIp);
    if (!address) {
      throw ctx.error(
        input.AllocationId ? 'InvalidAllocationID.NotFound' : 'InvalidAddress.NotFound',
        `The allocation ID '${input.AllocationId ?? input.PublicIp}' does not exist`,
      );
    }
    let eniId = input.NetworkInterfaceId;
    if (!eniId && input.InstanceId) {
      const instance = getInstance(ctx, input.InstanceId);
      if (instance.state !== 'running' && instance.state !== 'stopped') {
        throw ctx.error(
          'IncorrectInstanceState',
          `The instance '${instance.instanceId}' is not in a valid state.`,
        );
      }
      eniId = instance.networkInterfaceIds[0];
    }
    if (!eniId)
      throw ctx.error('MissingParameter', 'Either instance ID or network interface ID must be specified');
    const eni = ec2.networkInterfaces[eniId];
    if (!eni)
      throw ctx.error(
        'InvalidNetworkInterfaceID.NotFound',
        `The networkInterface ID '${eniId}' does not exist`,
      );
    if (input.PrivateIpAddress && input.PrivateIpAddress !== eni.privateIpAddress) {
      throw ctx.error(
        'InvalidParameterValue',
        `The private IP address ${input.PrivateIpAddress} is not assigned to ${eni.networkInterfaceId}`,
      );
    }
    if (address.networkInterfaceId === eni.networkInterfaceId && address.associationId) {
      return { AssociationId: address.associationId };
    }
    if (address.associationId && input.AllowReassociation !== true) {
      throw ctx.error(
        'Resource.AlreadyAssociated',
        `resource ${address.allocationId} is already associated with associate-id ${address.associationId}`,
      );
    }
    return { AssociationId: associateAddress(ctx.model, ctx.target, address, eni, input.PrivateIpAddress) };
  }),

  DisassociateAddress: op<DisassociateAddressCommandInput, DisassociateAddressCommandOutput>((ctx, input) => {
    const ec2 = ctx.model.ec2(ctx.target);
    const address = Object.values(ec2.addresses).find(
      (a) =>
        (input.AssociationId !== undefined && a.associationId === input.AssociationId) ||
        (input.PublicIp !== undefined && a.publicIp === input.PublicIp),
    );
    if (!address) {
      throw ctx.error(
        'InvalidAssociationID.NotFound',
        `The association ID '${input.AssociationId ?? input.PublicIp}' does not exist`,
      );
    }
    if (address.associationId) disassociateAddress(ctx.model, ctx.target, address);
    return {};
  }),

  DescribeVpcEndpoints: op<DescribeVpcEndpointsCommandInput, DescribeVpcEndpointsCommandOutput>(
    (ctx, input) => {
      const ec2 = ctx.model.ec2(ctx.target);
      const endpoints = applyFilters(
        ctx,
        pick(ctx, ec2.vpcEndpoints, input.VpcEndpointIds, 'InvalidVpcEndpointId.NotFound', 'VPC endpoint'),
        input.Filters,
        {
          'vpc-id': (e) => e.vpcId,
          'service-name': (e) => e.serviceName,
          'vpc-endpoint-id': (e) => e.vpcEndpointId,
          'vpc-endpoint-type': (e) => e.type,
          'vpc-endpoint-state': () => 'available',
        },
        (e) => e.tags,
      );
      return { VpcEndpoints: endpoints.map((e) => renderVpcEndpoint(ec2, e, ctx.target.accountId)) };
    },
  ),

  DescribePrefixLists: op<DescribePrefixListsCommandInput, DescribePrefixListsCommandOutput>((ctx, input) => {
    const ec2 = ctx.model.ec2(ctx.target);
    const lists = applyFilters(
      ctx,
      pick(ctx, ec2.prefixLists, input.PrefixListIds, 'InvalidPrefixListID.NotFound', 'prefix list'),
      input.Filters,
      { 'prefix-list-id': (p) => p.prefixListId, 'prefix-list-name': (p) => p.prefixListName },
    );
    return {
      PrefixLists: lists.map((p) => ({
        PrefixListId: p.prefixListId,
        PrefixListName: p.prefixListName,
        Cidrs: [...p.cidrs],
      })),
    };
  }),
};
