import type { NetworkAcl } from '@aws-sdk/client-ec2';
import { entryName, freeRuleNumber, parseEntryName } from '../../../../../workflow/domain/ec2/nacl';

const acl = (entries: [number, boolean, 'allow' | 'deny', string, string?][]): NetworkAcl => ({
  NetworkAclId: 'acl-1',
  Entries: entries.map(([RuleNumber, Egress, RuleAction, CidrBlock, Protocol]) => ({
    RuleNumber,
    Egress,
    RuleAction,
    CidrBlock,
    Protocol: Protocol ?? '-1',
  })),
});

describe('freeRuleNumber', () => {
  it('is the lowest unused number of that direction', () => {
    const a = acl([
      [1, false, 'deny', '10.0.0.5/32'],
      [100, false, 'allow', '0.0.0.0/0'],
      [1, true, 'deny', '10.0.0.5/32'],
      [2, true, 'deny', '10.0.0.6/32'],
      [100, true, 'allow', '0.0.0.0/0'],
    ]);
    expect(freeRuleNumber(a, false)).toBe(2);
    expect(freeRuleNumber(a, true)).toBe(3);
  });

  it('stays below the first rule that is not a single-host deny (host denies of others may sit anywhere)', () => {
    const a = acl([
      [1, false, 'deny', '10.0.0.5/32'],
      [2, false, 'deny', '10.0.0.0/24'],
      [3, false, 'allow', '0.0.0.0/0'],
    ]);
    expect(freeRuleNumber(a, false)).toBeUndefined();
  });

  it('is undefined when the first rule is rule 1 (nothing can go before it)', () => {
    expect(freeRuleNumber(acl([[1, false, 'allow', '0.0.0.0/0']]), false)).toBeUndefined();
  });

  it('treats a host allow, or a host deny of one protocol only, as a rule to stay below', () => {
    expect(freeRuleNumber(acl([[5, false, 'allow', '10.0.0.9/32']]), false)).toBe(1);
    const oneProtocol = acl([
      [1, false, 'deny', '10.0.0.8/32', '6'],
      [3, false, 'allow', '0.0.0.0/0'],
    ]);
    expect(freeRuleNumber(oneProtocol, false)).toBeUndefined();
  });
});

describe('entry names', () => {
  it('round-trip direction, rule number and CIDR (IPv4 and IPv6)', () => {
    expect(parseEntryName(entryName(true, 12, '10.0.1.10/32'))).toEqual({
      egress: true,
      ruleNumber: 12,
      cidr: '10.0.1.10/32',
    });
    expect(parseEntryName(entryName(false, 3, '2001:db8::10/128'))).toEqual({
      egress: false,
      ruleNumber: 3,
      cidr: '2001:db8::10/128',
    });
  });

  it('rejects a name without a CIDR (not one of these entries)', () => {
    expect(parseEntryName('egress:12')).toBeUndefined();
  });
});
