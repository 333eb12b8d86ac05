import { RoutingPolicySchema } from '../../../../workflow/config';
import { dedupeKeyFor, resourceKeyFor } from '../../../../workflow/intake/ids';
import { globMatches, route } from '../../../../workflow/intake/route';
import { labelForSeverity } from '../../../../workflow/intake/severity';
import type { IncidentRequest, ResourceRef } from '../../../../workflow/intake/types';

const policy = RoutingPolicySchema.parse({});

/** A GuardDuty EC2 finding, TARGET, not sample, not archived; override what a test is about. */
function makeRequest(overrides: Partial<IncidentRequest> & { severityValue?: number } = {}): IncidentRequest {
  const { severityValue = 8, ...rest } = overrides;
  const resource: ResourceRef = rest.resource ?? {
    kind: 'ec2-instance',
    rawType: 'Instance',
    instanceId: 'i-0abc1234def567890',
  };
  const findingId = rest.findingId ?? 'f1';
  return {
    source: 'guardduty',
    findingId,
    type: 'Backdoor:EC2/C&CActivity.B!DNS',
    severity: { value: severityValue, label: labelForSeverity(severityValue) },
    title: 't',
    accountId: '123456789012',
    region: 'us-east-1',
    resourceRole: 'TARGET',
    sample: false,
    archived: false,
    count: 1,
    firstSeen: '2026-01-01T00:00:00Z',
    lastSeen: '2026-01-01T00:00:00Z',
    dedupeKey: dedupeKeyFor('123456789012', 'us-east-1', findingId),
    resourceKey: resourceKeyFor('123456789012', 'us-east-1', resource.kind, 'x'),
    ...rest,
    resource,
  };
}

const protectedTag = { 'airlock:protected': 'true' };

describe('route: severity thresholds', () => {
  it.each([
    [9.5, 'contain-ec2'],
    [7.0, 'contain-ec2'],
    [6.9, 'review'],
    [4.0, 'review'],
    [3.9, 'ignore'],
    [0, 'ignore'],
  ] as const)('severity %s → %s', (value, expected) => {
    expect(route(makeRequest({ severityValue: value }), policy).route).toBe(expected);
  });

  it('names the rule and the threshold in the reason', () => {
    expect(route(makeRequest({ severityValue: 7 }), policy).reason).toBe(
      'contain: severity 7.0 (HIGH) ≥ containMinSeverity 7 on ec2-instance i-0abc1234def567890',
    );
    expect(route(makeRequest({ severityValue: 6.9 }), policy).reason).toMatch(
      /^review: severity 6\.9 \(MEDIUM\) is in \[4, 7\)/,
    );
    expect(route(makeRequest({ severityValue: 2 }), policy).reason).toMatch(/^low-severity: .*recorded/);
  });

  it('honours the policy thresholds', () => {
    const strict = RoutingPolicySchema.parse({ containMinSeverity: 9, reviewMinSeverity: 2 });
    expect(route(makeRequest({ severityValue: 8.9 }), strict).route).toBe('review');
    expect(route(makeRequest({ severityValue: 9 }), strict).route).toBe('contain-ec2');
    expect(route(makeRequest({ severityValue: 2 }), strict).route).toBe('review');
  });

  it('contains by resource kind: access key → contain-iam, bucket → contain-s3, other → notify', () => {
    expect(
      route(
        makeRequest({ resource: { kind: 'iam-access-key', rawType: 'AccessKey', accessKeyId: 'AKIA1' } }),
        policy,
      ).route,
    ).toBe('contain-iam');
    expect(
      route(makeRequest({ resource: { kind: 's3-bucket', rawType: 'S3Bucket', bucketNames: ['b'] } }), policy)
        .route,
    ).toBe('contain-s3');
    const other = route(makeRequest({ resource: { kind: 'other', rawType: 'EKSCluster' } }), policy);
    expect(other).toEqual({
      route: 'notify',
      reason: expect.stringMatching(/^unsupported-resource: .*EKSCluster: notify only$/),
    });
  });
});

describe('route: rules before severity', () => {
  it('ignores archived findings whatever their severity', () => {
    expect(route(makeRequest({ archived: true, severityValue: 10 }), policy)).toEqual({
      route: 'ignore',
      reason: 'archived: the finding is archived',
    });
  });

  it('ignores sample findings unless allowSampleFindings is set', () => {
    const request = makeRequest({ sample: true });
    expect(route(request, policy).route).toBe('ignore');
    expect(route(request, policy).reason).toMatch(/^sample: /);
    expect(route(request, RoutingPolicySchema.parse({ allowSampleFindings: true })).route).toBe(
      'contain-ec2',
    );
  });

  it('notifies only when the resource is the ACTOR, even at high severity', () => {
    const decision = route(makeRequest({ resourceRole: 'ACTOR', severityValue: 8.5 }), policy);
    expect(decision.route).toBe('notify');
    expect(decision.reason).toMatch(/^actor: /);
  });

  it('applies the default override Recon:EC2/* → notify before severity', () => {
    const decision = route(
      makeRequest({ type: 'Recon:EC2/PortProbeUnprotectedPort', severityValue: 8 }),
      policy,
    );
    expect(decision).toEqual({
      route: 'notify',
      reason: "override: type Recon:EC2/PortProbeUnprotectedPort matches 'Recon:EC2/*' → notify",
    });
  });

  it('applies the first matching override (before the ACTOR rule), and only whole-type matches', () => {
    const custom = RoutingPolicySchema.parse({
      overrides: [
        { pattern: 'Backdoor:EC2/C&CActivity.B!DNS', route: 'review' },
        { pattern: 'Backdoor:*', route: 'ignore' },
        { pattern: '*!DNS', route: 'notify' },
      ],
    });
    expect(route(makeRequest({ resourceRole: 'ACTOR' }), custom).route).toBe('review');
    expect(route(makeRequest({ type: 'Backdoor:EC2/DenialOfService.Tcp' }), custom).route).toBe('ignore');
    expect(route(makeRequest({ type: 'Trojan:EC2/DropPoint!DNS' }), custom).route).toBe('notify');
    expect(route(makeRequest({ type: 'Trojan:EC2/DropPoint!DNS.extra' }), custom).route).toBe('contain-ec2');
  });

  it('turns an override to the wrong contain route for the resource into notify', () => {
    const custom = RoutingPolicySchema.parse({ overrides: [{ pattern: 'Stealth:*', route: 'contain-ec2' }] });
    const decision = route(
      makeRequest({
        type: 'Stealth:IAMUser/X',
        resource: { kind: 'iam-access-key', rawType: 'AccessKey', accessKeyId: 'AKIA1' },
      }),
      custom,
    );
    expect(decision.route).toBe('notify');
    expect(decision.reason).toMatch(/^override: .*iam-access-key: notify only$/);
  });

  it('never lets an override contain a sample or archived finding', () => {
    const custom = RoutingPolicySchema.parse({ overrides: [{ pattern: '*', route: 'contain-ec2' }] });
    expect(route(makeRequest({ sample: true, severityValue: 1 }), custom).route).toBe('ignore');
    expect(route(makeRequest({ archived: true, severityValue: 1 }), custom).route).toBe('ignore');
    expect(route(makeRequest({ severityValue: 1 }), custom).route).toBe('contain-ec2');
  });
});

describe('route: protected resources', () => {
  const tagged = (severityValue: number) =>
    makeRequest({
      severityValue,
      resource: {
        kind: 'ec2-instance',
        rawType: 'Instance',
        instanceId: 'i-0abc1234def567890',
        tags: protectedTag,
      },
    });

  it('asks before containing a resource with the protected tag', () => {
    expect(route(tagged(8), policy)).toEqual({
      route: 'ask-before-contain',
      reason:
        'protected: ec2-instance i-0abc1234def567890 is protected (tag airlock:protected=true): ask before containing',
    });
  });

  it('asks when the caller marks the resource protected', () => {
    const decision = route(makeRequest(), policy, { protectedResource: true });
    expect(decision.route).toBe('ask-before-contain');
    expect(decision.reason).toMatch(/marked protected by the caller/);
  });

  it('does not change review or ignore routes (protection only stops automatic containment)', () => {
    expect(route(tagged(5), policy).route).toBe('review');
    expect(route(tagged(1), policy).route).toBe('ignore');
  });

  it('uses the policy tag key and value (another value is not protected)', () => {
    const custom = RoutingPolicySchema.parse({ protectedTag: { key: 'env', value: 'prod' } });
    expect(
      route(
        makeRequest({
          resource: {
            kind: 'ec2-instance',
            rawType: 'Instance',
            instanceId: 'i-0abc1234def567890',
            tags: { env: 'prod' },
          },
        }),
        custom,
      ).route,
    ).toBe('ask-before-contain');
    expect(route(tagged(8), custom).route).toBe('contain-ec2');
  });

  it('asks before an override would contain a protected resource', () => {
    const custom = RoutingPolicySchema.parse({
      overrides: [{ pattern: 'Backdoor:*', route: 'contain-ec2' }],
    });
    const decision = route(tagged(2), custom);
    expect(decision.route).toBe('ask-before-contain');
    expect(decision.reason).toMatch(/override: type Backdoor/);
  });
});

describe('route: manual requests', () => {
  const manual = (tags?: Record<string, string>) =>
    makeRequest({
      source: 'manual',
      severityValue: 1,
      requester: { slackUserId: 'U123' },
      resource: {
        kind: 'ec2-instance',
        rawType: 'Instance',
        instanceId: 'i-0abc1234def567890',
        ...(tags ? { tags } : {}),
      },
    });

  it('always routes contain-ec2, whatever the severity or overrides', () => {
    const everythingIgnored = RoutingPolicySchema.parse({ overrides: [{ pattern: '*', route: 'ignore' }] });
    expect(route(manual(), everythingIgnored)).toEqual({
      route: 'contain-ec2',
      reason: 'manual: isolation of ec2-instance i-0abc1234def567890 requested by <@U123>',
    });
  });

  it('asks first when the instance is protected', () => {
    expect(route(manual(protectedTag), policy).route).toBe('ask-before-contain');
    expect(route(manual(), policy, { protectedResource: true }).route).toBe('ask-before-contain');
  });
});

describe('route: determinism', () => {
  it('answers the same for the same input, and every reason names its rule', () => {
    const cases = [
      makeRequest(),
      makeRequest({ severityValue: 5 }),
      makeRequest({ severityValue: 1 }),
      makeRequest({ archived: true }),
      makeRequest({ sample: true }),
      makeRequest({ resourceRole: 'ACTOR' }),
      makeRequest({ type: 'Recon:EC2/Portscan' }),
    ];
    for (const request of cases) {
      const first = route(request, policy);
      expect(route(structuredClone(request), policy)).toEqual(first);
      expect(first.reason).toMatch(
        /^(manual|archived|sample|override|actor|unsupported-resource|protected|contain|review|low-severity): /,
      );
    }
  });
});

describe('globMatches', () => {
  it.each([
    ['Recon:EC2/*', 'Recon:EC2/Portscan', true],
    ['Recon:EC2/*', 'Recon:IAMUser/UserPermissions', false],
    ['*', 'anything', true],
    ['Trojan:EC2/DropPoint!DNS', 'Trojan:EC2/DropPoint!DNS', true],
    ['Backdoor:EC2/C&CActivity.B', 'Backdoor:EC2/C&CActivityXB', false],
    ['*:S3/*', 'Exfiltration:S3/ObjectRead.Unusual', true],
    ['recon:ec2/*', 'Recon:EC2/Portscan', false],
  ])('%s vs %s → %s', (pattern, type, expected) => {
    expect(globMatches(pattern, type)).toBe(expected);
  });
});
