import { RoutingPolicySchema } from '../../../../workflow/config';
import { ValidationError } from '../../../../workflow/errors';
import { normalizeAll } from '../../../../workflow/intake/normalize';
import { route } from '../../../../workflow/intake/route';
import { IncidentRequestSchema, type Route } from '../../../../workflow/intake/types';
import { findingFixtureNames, fixture } from './fixtures';

/**
 * Every finding fixture in test/fixtures, and what Airlock does with it. A fixture added without an entry here
 * fails the suite: decide its expected outcome first.
 */
type Expected =
  /** Normalized; routed `samples` with allowSampleFindings on and `noSamples` with it off. */
  | { routes: { samples: Route; noSamples: Route } }
  /** Recognized but not actionable (routed ignore without an incident). */
  | { notActionable: RegExp }
  /** Rejected with a ValidationError naming `field`. */
  | { rejected: string; message: RegExp };

const same = (r: Route): Expected => ({ routes: { samples: r, noSamples: r } });
const sample = (r: Route): Expected => ({ routes: { samples: r, noSamples: 'ignore' } });
const pascal: Expected = { rejected: 'detail.Id', message: /GetFindings\/PascalCase/ };
const control: Expected = { notActionable: /^Security Hub control finding: not actionable$/ };
const getFindings = (field: string): Expected => ({ rejected: field, message: /GetFindings response/ });

const EXPECTED: Record<string, Expected> = {
  // GuardDuty, bare camelCase findings
  'gd-bare-attacksequence-iam-compromisedcredentials.json': same('notify'), // critical, but no containable resource
  'gd-bare-attacksequence-s3-compromiseddata-sample.json': sample('notify'),
  'gd-bare-ec2-canary-stateless-integtest.json': same('review'), // severity 5, no sample flag
  'gd-bare-iam-privesc-administrativepermissions.json': {
    rejected: 'resource',
    message: /GuardDuty finding/,
  },
  'gd-bare-iam-recon-maliciousipcaller-custom.json': same('ignore'), // archived
  'gd-bare-s3-pentest-parrotlinux.json': same('ignore'), // archived
  'gd-bare-s3-policy-bucketblockpublicaccessdisabled-sample.json': same('ignore'), // severity 2
  // GuardDuty in EventBridge envelopes (camelCase detail)
  'gd-eventbridge-ec2-backdoor-cc-activity-b-dns-minimal.json': sample('contain-ec2'), // 8.7, role defaults TARGET
  'gd-eventbridge-ec2-backdoor-cc-activity-b-dns.json': sample('review'),
  'gd-eventbridge-ec2-backdoor-denialofservice-tcp.json': sample('notify'), // ACTOR
  'gd-eventbridge-ec2-behavior-networkportunusual.json': sample('notify'), // ACTOR
  'gd-eventbridge-ec2-unauthorizedaccess-toripcaller.json': sample('review'),
  'gd-eventbridge-eks-privesc-privilegedcontainer-SYNTHETIC.json': same('notify'), // EKSCluster: not containable
  'gd-eventbridge-iam-stealth-loggingconfigurationmodified.json': {
    rejected: 'detail.accountId', // '999999999' as published: 9 digits
    message: /12 digits/,
  },
  'gd-eventbridge-iam-toripcaller.json': sample('review'),
  'gd-eventbridge-partial-ec2-sshbruteforce-camelcase.json': {
    rejected: 'detail-type',
    message: /detail-type/,
  },
  'gd-eventbridge-s3-exfiltration-objectread-unusual-SYNTHETIC.json': same('contain-s3'),
  // GetFindings-shaped (PascalCase) detail inside a GuardDuty envelope: rejected, never half-parsed
  'gd-eventbridge-pascal-credentialaccess-iamuser-anomalousbehavior.json': pascal,
  'gd-eventbridge-pascal-discovery-rds-toripcaller.json': pascal,
  'gd-eventbridge-pascal-policy-iamuser-rootcredentialusage.json': pascal,
  'gd-eventbridge-pascal-recon-ec2-portprobeemrunprotectedport.json': pascal,
  'gd-eventbridge-pascal-recon-ec2-portprobeunprotectedport.json': pascal,
  'gd-eventbridge-pascal-recon-ec2-portscan.json': pascal,
  'gd-eventbridge-pascal-trojan-ec2-blackholetraffic.json': pascal,
  'gd-eventbridge-pascal-trojan-ec2-dgadomainrequest-b.json': pascal,
  'gd-eventbridge-pascal-trojan-ec2-dnsdataexfiltration.json': pascal,
  'gd-eventbridge-pascal-trojan-ec2-droppoint.json': pascal,
  'gd-eventbridge-pascal-unauthorizedaccess-ec2-maliciousipcaller-custom.json': pascal,
  'gd-eventbridge-pascal-unauthorizedaccess-ec2-metadatadnsrebind.json': pascal,
  'gd-eventbridge-pascal-unauthorizedaccess-ec2-rdpbruteforce.json': pascal,
  'gd-eventbridge-pascal-unauthorizedaccess-ec2-sshbruteforce.json': pascal,
  'gd-eventbridge-pascal-unauthorizedaccess-ec2-torclient.json': pascal,
  'gd-eventbridge-pascal-unauthorizedaccess-ec2-torrelay.json': pascal,
  // GuardDuty API (CLI) responses
  'gd-getfindings-cli-recon-iamuser-userpermissions.json': getFindings('Findings'),
  'gd-getfindings-cli-trojan-ec2-drivebysourcetraffic-dns-sample.json': getFindings('Findings'),
  'gd-getfindings-cli-trojan-ec2-droppoint-dns-sample.json': getFindings('Findings'),
  'gd-listfindings-cli.json': { rejected: 'FindingIds', message: /ListFindings response/ },
  // Security Hub (ASFF)
  'sh-asff-bare-config-rule.json': control,
  'sh-asff-bare-control-fsbp-sample.json': control,
  'sh-asff-bare-guardduty-ec2-sshbruteforce.json': same('review'), // Label MEDIUM
  'sh-eventbridge-customaction-cis-1.6.json': control,
  'sh-eventbridge-customaction-guardduty-iamuser-consolelogin.json': same('review'),
  'sh-eventbridge-imported-fsbp-ec2.7.json': control,
  'sh-eventbridge-insight-results.json': { notActionable: /^Security Hub Insight Results/ },
  'sh-getfindings-cli-pci-lambda2.json': getFindings('Findings'),
  'sh-getfindings-guardduty-recon-iamuser-x5.json': getFindings('data.Findings'),
  // Security Hub v2 (OCSF)
  'sh2-eventbridge-findings-imported-v2-guardduty-bitcointool-minimal.json': {
    rejected: 'detail.findings[0].resources[0].data.instance_id', // 'i-test-instance' in the trimmed fixture
    message: /not an EC2 instance id/,
  },
  'sh2-eventbridge-findings-imported-v2-guardduty-portprobe-minimal.json': {
    rejected: 'detail.findings[0].resources[0].data.instance_id', // 'i-scanner-approved'
    message: /not an EC2 instance id/,
  },
  'sh2-ocsf-bare-cspm-cis-2.5-config.json': control,
  'sh2-ocsf-bare-guardduty-runtime-containermountshostdirectory.json': same('review'),
  'sh2-ocsf-bare-guardduty-runtime-newbinaryexecuted.json': same('review'),
};

const withSamples = RoutingPolicySchema.parse({ allowSampleFindings: true });
const withoutSamples = RoutingPolicySchema.parse({ allowSampleFindings: false });

describe('every finding fixture in test/fixtures', () => {
  const names = findingFixtureNames();

  it('has an expected outcome in the table (and the table names no missing file)', () => {
    expect(names.length).toBeGreaterThan(40);
    expect(names.filter((n) => !(n in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((n) => !names.includes(n))).toEqual([]);
  });

  it.each(names)('%s', (name) => {
    const expected = EXPECTED[name];
    if (!expected) throw new Error(`${name} has no entry in the expected-outcome table`);
    const results = normalizeAll(fixture(name));
    expect(results).toHaveLength(1);
    const [result] = results;
    if ('rejected' in expected) {
      expect(result?.status).toBe('invalid');
      if (result?.status !== 'invalid') return;
      expect(result.error).toBeInstanceOf(ValidationError);
      expect(result.error.field).toBe(expected.rejected);
      expect(result.error.message).toMatch(expected.message);
    } else if ('notActionable' in expected) {
      expect(result?.status).toBe('not-actionable');
      if (result?.status !== 'not-actionable') return;
      expect(result.reason).toMatch(expected.notActionable);
    } else {
      expect(result?.status).toBe('accepted');
      if (result?.status !== 'accepted') return;
      const { request } = result;
      expect(IncidentRequestSchema.parse(request)).toEqual(request);
      expect(request.dedupeKey).toBe(`${request.accountId}:${request.region}:${request.findingId}`);
      expect(
        request.resourceKey.startsWith(`${request.accountId}:${request.region}:${request.resource.kind}:`),
      ).toBe(true);
      const allowed = route(request, withSamples);
      const strict = route(request, withoutSamples);
      expect({ samples: allowed.route, noSamples: strict.route }).toEqual(expected.routes);
      expect(allowed.reason).not.toBe('');
      expect(strict.reason).not.toBe('');
    }
  });

  it('takes the finding id from detail.id, never from the event id', () => {
    for (const name of names.filter((n) => n.startsWith('gd-eventbridge-'))) {
      const raw = fixture(name);
      const [result] = normalizeAll(raw);
      if (result?.status !== 'accepted') continue;
      const detail = raw.detail as { id: string };
      expect(result.request.findingId).toBe(detail.id);
    }
  });
});
