import type {
  CreateNetworkAclEntryCommandInput,
  CreateNetworkAclEntryCommandOutput,
  DeleteNetworkAclEntryCommandInput,
  DeleteNetworkAclEntryCommandOutput,
  DescribeNetworkAclsCommandInput,
  DescribeNetworkAclsCommandOutput,
  NetworkAcl,
} from '@aws-sdk/client-ec2';
import { onNetworkAclsChanged } from '../flows';
import type { SimNetworkAcl, SimNetworkAclEntry } from '../model';
import { DEFAULT_RULE_IPV4, DEFAULT_RULE_IPV6, sortEntries } from '../network-acls';
import { applyFilters, type HandlerTable, type OpContext, op, pick, tagList } from './common';

/** Network ACLs: DescribeNetworkAcls, CreateNetworkAclEntry, DeleteNetworkAclEntry (EC2 API Reference). */

const PROTOCOLS: Record<string, string> = { tcp: '6', udp: '17', icmp: '1', all: '-1' };

function renderNetworkAcl(acl: SimNetworkAcl, ownerId: string): NetworkAcl {
  return {
    NetworkAclId: acl.networkAclId,
    VpcId: acl.vpcId,
    IsDefault: acl.isDefault,
    OwnerId: ownerId,
    Entries: sortEntries(acl.entries).map((e) => ({
      RuleNumber: e.ruleNumber,
      Egress: e.egress,
      Protocol: e.protocol,
      RuleAction: e.ruleAction,
      ...(e.cidrBlock ? { CidrBlock: e.cidrBlock } : {}),
      ...(e.ipv6CidrBlock ? { Ipv6CidrBlock: e.ipv6CidrBlock } : {}),
      ...(e.portRange ? { PortRange: { From: e.portRange.from, To: e.portRange.to } } : {}),
    })),
    Associations: acl.associations.map((a) => ({
      NetworkAclAssociationId: a.associationId,
      NetworkAclId: acl.networkAclId,
      SubnetId: a.subnetId,
    })),
    Tags: tagList(acl.tags),
  };
}

function getAcl(ctx: OpContext, networkAclId: string | undefined): SimNetworkAcl {
  const acl = networkAclId ? ctx.model.ec2(ctx.target).networkAcls[networkAclId] : undefined;
  if (!acl)
    throw ctx.error('InvalidNetworkAclID.NotFound', `The networkAcl ID '${networkAclId}' does not exist`);
  return acl;
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export const ec2NetworkAclHandlers: HandlerTable = {
  DescribeNetworkAcls: op<DescribeNetworkAclsCommandInput, DescribeNetworkAclsCommandOutput>((ctx, input) => {
    const ec2 = ctx.model.ec2(ctx.target);
    const acls = applyFilters(
      ctx,
      pick(ctx, ec2.networkAcls, input.NetworkAclIds, 'InvalidNetworkAclID.NotFound', 'network ACL'),
      input.Filters,
      {
        'network-acl-id': (a) => a.networkAclId,
        'vpc-id': (a) => a.vpcId,
        default: (a) => a.isDefault,
        'association.subnet-id': (a) => a.associations.map((s) => s.subnetId),
        'association.association-id': (a) => a.associations.map((s) => s.associationId),
        'entry.rule-number': (a) => a.entries.map((e) => String(e.ruleNumber)),
        'entry.cidr': (a) => a.entries.map((e) => e.cidrBlock),
        'entry.rule-action': (a) => a.entries.map((e) => e.ruleAction),
      },
      (a) => a.tags,
    );
    return { NetworkAcls: acls.map((a) => renderNetworkAcl(a, ctx.target.accountId)) };
  }),

  CreateNetworkAclEntry: op<CreateNetworkAclEntryCommandInput, CreateNetworkAclEntryCommandOutput>(
    (ctx, input) => {
      const acl = getAcl(ctx, input.NetworkAclId);
      const ruleNumber = input.RuleNumber;
      if (
        ruleNumber === undefined ||
        !Number.isInteger(ruleNumber) ||
        ruleNumber < 1 ||
        ruleNumber > 32_766
      ) {
        throw ctx.error(
          'InvalidParameterValue',
          `Invalid value '${ruleNumber}' for ruleNumber. Rule numbers must be between 1 and 32766.`,
        );
      }
      if (input.Egress === undefined)
        throw ctx.error('MissingParameter', 'The request must contain the parameter egress');
      const protocol = PROTOCOLS[String(input.Protocol ?? '').toLowerCase()] ?? String(input.Protocol ?? '');
      if (!/^-1$|^\d{1,3}$/.test(protocol))
        throw ctx.error('InvalidParameterValue', `Invalid value '${input.Protocol}' for protocol.`);
      if (input.RuleAction !== 'allow' && input.RuleAction !== 'deny')
        throw ctx.error('InvalidParameterValue', `Invalid value '${input.RuleAction}' for ruleAction.`);
      if (Boolean(input.CidrBlock) === Boolean(input.Ipv6CidrBlock)) {
        throw ctx.error(
          'InvalidParameterCombination',
          'Exactly one of cidrBlock and ipv6CidrBlock must be specified',
        );
      }
      const v4 = input.CidrBlock ? IPV4_CIDR.exec(input.CidrBlock) : null;
      if (input.CidrBlock && (!v4 || Number(v4[5]) > 32 || v4.slice(1, 5).some((o) => Number(o) > 255)))
        throw ctx.error('InvalidParameterValue', `Invalid value '${input.CidrBlock}' for cidrBlock.`);
      if ((protocol === '6' || protocol === '17') && !input.PortRange)
        throw ctx.error('MissingParameter', 'The request must contain the parameter portRange');
      const egress = input.Egress;
      const sameDirection = acl.entries.filter((e) => e.egress === egress);
      if (sameDirection.some((e) => e.ruleNumber === ruleNumber)) {
        throw ctx.error(
          'NetworkAclEntryAlreadyExists',
          `The network acl entry identified by ${ruleNumber} already exists.`,
        );
      }
      if (sameDirection.length >= ctx.model.networkAclRuleLimit) {
        throw ctx.error(
          'NetworkAclEntryLimitExceeded',
          `The maximum number of ${egress ? 'egress' : 'ingress'} rules (${ctx.model.networkAclRuleLimit}) for network ACL ${acl.networkAclId} has been reached.`,
        );
      }
      const entry: SimNetworkAclEntry = {
        ruleNumber,
        egress,
        protocol,
        ruleAction: input.RuleAction,
        ...(input.CidrBlock ? { cidrBlock: input.CidrBlock } : {}),
        ...(input.Ipv6CidrBlock ? { ipv6CidrBlock: input.Ipv6CidrBlock } : {}),
        ...(input.PortRange && protocol !== '-1'
          ? { portRange: { from: input.PortRange.From ?? 0, to: input.PortRange.To ?? 65_535 } }
          : {}),
      };
      acl.entries = sortEntries([...acl.entries, entry]);
      onNetworkAclsChanged(ctx.model, ctx.target);
      return {};
    },
  ),

  DeleteNetworkAclEntry: op<DeleteNetworkAclEntryCommandInput, DeleteNetworkAclEntryCommandOutput>(
    (ctx, input) => {
      const acl = getAcl(ctx, input.NetworkAclId);
      if (input.RuleNumber === DEFAULT_RULE_IPV4 || input.RuleNumber === DEFAULT_RULE_IPV6)
        throw ctx.error('InvalidParameterValue', 'The default network ACL entry cannot be deleted.');
      const index = acl.entries.findIndex(
        (e) => e.egress === input.Egress && e.ruleNumber === input.RuleNumber,
      );
      if (index < 0) {
        throw ctx.error(
          'InvalidNetworkAclEntry.NotFound',
          `The network acl entry identified by ${input.RuleNumber} does not exist.`,
        );
      }
      acl.entries = acl.entries.filter((_, i) => i !== index);
      onNetworkAclsChanged(ctx.model, ctx.target);
      return {};
    },
  ),
};
