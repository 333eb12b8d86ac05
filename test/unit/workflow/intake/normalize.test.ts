import { ValidationError } from '../../../../workflow/errors';
import { incidentIdFor } from '../../../../workflow/intake/ids';
import { type NormalizeResult, normalize, normalizeAll } from '../../../../workflow/intake/normalize';
import { labelForSeverity, severityForLabel } from '../../../../workflow/intake/severity';
import type { IncidentRequest } from '../../../../workflow/intake/types';
import { deletePath, fixture, getPath, guardDutyEvent, securityHubEvent, setPath } from './fixtures';

function accepted(result: NormalizeResult | undefined): IncidentRequest {
  if (result?.status !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(result)}`);
  return result.request;
}

function rejected(result: NormalizeResult | undefined): ValidationError {
  if (result?.status !== 'invalid') throw new Error(`expected invalid, got ${JSON.stringify(result)}`);
  expect(result.error).toBeInstanceOf(ValidationError);
  return result.error;
}

describe('normalize: GuardDuty (camelCase, as EventBridge delivers)', () => {
  it('maps the EC2 resource: instance, ENIs with VPC/subnet/security groups, profile ARN, tags', () => {
    const request = accepted(normalize(fixture('gd-eventbridge-ec2-unauthorizedaccess-toripcaller.json')));
    expect(request).toMatchObject({
      source: 'guardduty',
      findingId: 'c4b59ed2edb47b698856e71c67bdf10d',
      type: 'UnauthorizedAccess:EC2/TorIPCaller',
      severity: { value: 5, label: 'MEDIUM' },
      title: 'Tor Exit node is communicating with EC2 instance i-99999999.',
      accountId: '123456789012',
      region: 'us-west-2',
      resourceRole: 'TARGET',
      sample: true,
      archived: false,
      count: 2,
      firstSeen: '2019-06-09T19:10:08.232Z',
      lastSeen: '2019-06-09T19:10:23.309Z',
      dedupeKey: '123456789012:us-west-2:c4b59ed2edb47b698856e71c67bdf10d',
      resourceKey: '123456789012:us-west-2:ec2-instance:i-99999999',
    });
    expect(request.resource).toEqual({
      kind: 'ec2-instance',
      rawType: 'Instance',
      instanceId: 'i-99999999',
      networkInterfaces: [
        {
          networkInterfaceId: 'eni-bfcffe88',
          vpcId: 'GeneratedFindingVPCId',
          subnetId: 'GeneratedFindingSubnetId',
          securityGroupIds: ['GeneratedFindingSecurityId'],
          privateIpAddress: '10.0.0.1',
          publicIp: '198.51.100.0',
        },
      ],
      instanceProfileArn: 'GeneratedFindingInstanceProfileArn',
      tags: {
        GeneratedFindingInstaceTag1: 'GeneratedFindingInstaceValue1',
        GeneratedFindingInstaceTag2: 'GeneratedFindingInstaceTagValue2',
        Name: 'app-instance',
      },
    });
    expect(request.securityHub).toBeUndefined();
  });

  it('defaults resourceRole to TARGET, count to 1, archived to false; drops ENIs without an id', () => {
    const request = accepted(
      normalize(fixture('gd-eventbridge-ec2-backdoor-cc-activity-b-dns-minimal.json')),
    );
    expect(request).toMatchObject({
      resourceRole: 'TARGET',
      count: 1,
      archived: false,
      sample: true,
      severity: { value: 8.7, label: 'HIGH' },
    });
    expect(request.resource.instanceId).toBe('i-0123456789abcdef0');
    expect(request.resource.networkInterfaces).toBeUndefined();
  });

  it('maps several ENIs and every security group of each', () => {
    const raw = fixture('gd-eventbridge-ec2-unauthorizedaccess-toripcaller.json');
    const enis = getPath(raw, 'detail.resource.instanceDetails.networkInterfaces') as unknown[];
    enis.push({
      networkInterfaceId: 'eni-0aaaaaaaaaaaaaaaa',
      vpcId: 'vpc-1',
      subnetId: 'subnet-2',
      securityGroups: [{ groupId: 'sg-1' }, { groupId: 'sg-2', groupName: 'web' }],
    });
    const request = accepted(normalize(raw));
    expect(
      request.resource.networkInterfaces?.map((e) => [e.networkInterfaceId, e.securityGroupIds]),
    ).toEqual([
      ['eni-bfcffe88', ['GeneratedFindingSecurityId']],
      ['eni-0aaaaaaaaaaaaaaaa', ['sg-1', 'sg-2']],
    ]);
  });

  it('maps an access key: key id, principal name and type', () => {
    const request = accepted(normalize(fixture('gd-eventbridge-iam-toripcaller.json')));
    expect(request.resource).toEqual({
      kind: 'iam-access-key',
      rawType: 'AccessKey',
      accessKeyId: 'GeneratedFindingAccessKeyId',
      principalName: 'GeneratedFindingUserName',
      principalType: 'IAMUser',
    });
    expect(request.resourceKey).toBe('883606788610:us-east-1:iam-access-key:GeneratedFindingAccessKeyId');
  });

  it('maps S3 buckets (all names; the first is the resource key) and the count', () => {
    const request = accepted(
      normalize(fixture('gd-eventbridge-s3-exfiltration-objectread-unusual-SYNTHETIC.json')),
    );
    expect(request.resource.kind).toBe('s3-bucket');
    expect(request.resource.bucketNames).toEqual(['sensitive-data-bucket']);
    expect(request.count).toBe(847);
    expect(request.lastSeen).toBe('2024-03-15T14:05:00Z');
    expect(request.resourceKey).toBe('123456789012:us-east-1:s3-bucket:sensitive-data-bucket');
  });

  it('maps resource types it cannot contain to kind other, keyed by the finding id', () => {
    const request = accepted(
      normalize(fixture('gd-eventbridge-eks-privesc-privilegedcontainer-SYNTHETIC.json')),
    );
    expect(request.resource).toEqual({ kind: 'other', rawType: 'EKSCluster' });
    expect(request.resourceKey).toBe(`123456789012:us-east-1:other:${request.findingId}`);
  });

  it('reads archived and the ACTOR role from service', () => {
    expect(accepted(normalize(fixture('gd-bare-s3-pentest-parrotlinux.json'))).archived).toBe(true);
    expect(
      accepted(normalize(fixture('gd-eventbridge-ec2-backdoor-denialofservice-tcp.json'))).resourceRole,
    ).toBe('ACTOR');
  });

  it('reads sample as a boolean, as the string "true", and in the {type, value} form', () => {
    const detail = fixture('gd-bare-ec2-canary-stateless-integtest.json');
    expect(accepted(normalize(detail)).sample).toBe(false);
    setPath(detail, 'service.additionalInfo', { sample: 'true' });
    expect(accepted(normalize(detail)).sample).toBe(true);
    setPath(detail, 'service.additionalInfo', { type: 'default', value: '{"sample":true}' });
    expect(accepted(normalize(detail)).sample).toBe(true);
    setPath(detail, 'service.additionalInfo', { sample: false });
    expect(accepted(normalize(detail)).sample).toBe(false);
  });

  it('falls back to createdAt / updatedAt when eventFirstSeen / eventLastSeen are absent', () => {
    const detail = fixture('gd-bare-ec2-canary-stateless-integtest.json');
    deletePath(detail, 'service.eventFirstSeen');
    deletePath(detail, 'service.eventLastSeen');
    const request = accepted(normalize(detail));
    expect(request.firstSeen).toBe(detail.createdAt);
    expect(request.lastSeen).toBe(detail.updatedAt);
  });

  it('normalizes a bare finding and the same finding in an EventBridge envelope identically', () => {
    const detail = fixture('gd-bare-ec2-canary-stateless-integtest.json');
    expect(accepted(normalize(guardDutyEvent(structuredClone(detail))))).toEqual(accepted(normalize(detail)));
  });

  it('maps a repeat (new event id, higher count, later lastSeen) to the same dedupe key and incident id', () => {
    const first = fixture('gd-eventbridge-ec2-unauthorizedaccess-toripcaller.json');
    const repeat = structuredClone(first);
    repeat.id = 'a-different-event-id';
    setPath(repeat, 'detail.service.count', 9);
    setPath(repeat, 'detail.service.eventLastSeen', '2019-06-10T01:10:23.309Z');
    setPath(repeat, 'detail.updatedAt', '2019-06-10T01:10:23.309Z');
    const a = accepted(normalize(first));
    const b = accepted(normalize(repeat));
    expect(b.dedupeKey).toBe(a.dedupeKey);
    expect(b.resourceKey).toBe(a.resourceKey);
    expect(incidentIdFor(b.dedupeKey)).toBe(incidentIdFor(a.dedupeKey));
    expect(b.count).toBe(9);
    expect(b.lastSeen).toBe('2019-06-10T01:10:23.309Z');
  });

  it('uses the envelope account and region only when the finding has none', () => {
    const event = guardDutyEvent(fixture('gd-bare-ec2-canary-stateless-integtest.json'));
    deletePath(event, 'detail.accountId');
    deletePath(event, 'detail.region');
    event.account = '999988887777';
    event.region = 'ap-south-1';
    const request = accepted(normalize(event));
    expect([request.accountId, request.region]).toEqual(['999988887777', 'ap-south-1']);
  });
});

describe('normalize: rejects malformed GuardDuty input with the field that is wrong', () => {
  const event = () => fixture('gd-eventbridge-ec2-unauthorizedaccess-toripcaller.json');

  it('rejects a non-numeric severity (detail.severity)', () => {
    const raw = event();
    setPath(raw, 'detail.severity', 'HIGH');
    expect(rejected(normalize(raw)).field).toBe('detail.severity');
  });

  it('rejects a missing finding id (detail.id)', () => {
    const raw = event();
    deletePath(raw, 'detail.id');
    expect(rejected(normalize(raw)).field).toBe('detail.id');
  });

  it('rejects an unknown resource role (detail.service.resourceRole)', () => {
    const raw = event();
    setPath(raw, 'detail.service.resourceRole', 'BYSTANDER');
    expect(rejected(normalize(raw)).field).toBe('detail.service.resourceRole');
  });

  it('rejects a malformed instance id (detail.resource.instanceDetails.instanceId)', () => {
    const raw = event();
    setPath(raw, 'detail.resource.instanceDetails.instanceId', 'i-NOTANID');
    const error = rejected(normalize(raw));
    expect(error.field).toBe('detail.resource.instanceDetails.instanceId');
    expect(error.message).toMatch(/not an EC2 instance id/);
  });

  it('rejects a malformed ENI list with the array index in the path', () => {
    const raw = event();
    setPath(raw, 'detail.resource.instanceDetails.networkInterfaces.0.securityGroups', 'sg-1');
    expect(rejected(normalize(raw)).field).toBe(
      'detail.resource.instanceDetails.networkInterfaces[0].securityGroups',
    );
  });

  it('rejects a GetFindings-shaped (PascalCase) detail without reading any of it', () => {
    const error = rejected(
      normalize(fixture('gd-eventbridge-pascal-unauthorizedaccess-ec2-sshbruteforce.json')),
    );
    expect(error.field).toBe('detail.Id');
    expect(error.message).toMatch(/GetFindings\/PascalCase/);
    expect(error.message).toMatch(/camelCase/);
  });

  it('rejects a bare PascalCase finding (one element of GetFindings Findings[])', () => {
    const response = fixture('gd-getfindings-cli-trojan-ec2-droppoint-dns-sample.json');
    const error = rejected(normalize(getPath(response, 'Findings.0')));
    expect(error.field).toBe('Id');
    expect(error.message).toMatch(/GetFindings\/PascalCase/);
  });

  it('rejects a GuardDuty event whose source is not aws.guardduty (field source)', () => {
    const raw = event();
    raw.source = 'custom.attacker';
    expect(rejected(normalize(raw)).field).toBe('source');
  });

  it('rejects an unsupported detail-type, naming what is expected', () => {
    const raw = event();
    raw['detail-type'] = 'EC2 Instance State-change Notification';
    const error = rejected(normalize(raw));
    expect(error.field).toBe('detail-type');
    expect(error.message).toMatch(/GuardDuty Finding/);
    expect(error.message).toMatch(/Security Hub Findings - Imported/);
  });

  it.each([
    ['a string', 'hello'],
    ['an array', [1, 2]],
    ['null', null],
    ['an unrelated object', { hello: 'world' }],
  ])('rejects %s at the root, naming the accepted shapes', (_what, raw) => {
    const error = rejected(normalize(raw));
    expect(error.field).toBe('(root)');
    expect(error.message).toMatch(/EventBridge event/);
    expect(error.message).toMatch(/kind: 'manual'/);
  });
});

describe('normalize: Security Hub (ASFF)', () => {
  const gdAsff = () => fixture('sh-asff-bare-guardduty-ec2-sshbruteforce.json');

  it('maps a GuardDuty-produced ASFF finding to the GuardDuty fields', () => {
    const request = accepted(normalize(gdAsff()));
    expect(request).toMatchObject({
      source: 'securityhub',
      findingId: '46ba0ac2845071e23ccdeb2ae03bfdea',
      type: 'UnauthorizedAccess:EC2/SSHBruteForce',
      accountId: '193043430472',
      region: 'us-east-1',
      resourceRole: 'TARGET',
      archived: false,
      sample: false,
      count: 74,
      firstSeen: '2020-08-22T09:15:57Z',
      lastSeen: '2020-09-30T11:56:49Z',
      securityHub: {
        id: 'arn:aws::guardduty:us-east-1:193043430472:detector/d4b040365221be2b54a6264dc9a4bc64/finding/46ba0ac2845071e23ccdeb2ae03bfdea',
        productArn: 'arn:aws::securityhub:us-east-1::product/aws/guardduty',
      },
    });
    expect(request.resource).toEqual({
      kind: 'ec2-instance',
      rawType: 'AwsEc2Instance',
      instanceId: 'i-0c10c2c7863d1a356',
      tags: { Name: 'kubectl' },
    });
  });

  it('uses the GuardDuty finding id, so one finding seen as a GuardDuty event and via Security Hub dedupes', () => {
    const viaSecurityHub = accepted(normalize(securityHubEvent([gdAsff()])));
    const native = fixture('gd-bare-ec2-canary-stateless-integtest.json');
    setPath(native, 'id', '46ba0ac2845071e23ccdeb2ae03bfdea');
    setPath(native, 'accountId', '193043430472');
    setPath(native, 'region', 'us-east-1');
    const viaGuardDuty = accepted(normalize(guardDutyEvent(native)));
    expect(viaSecurityHub.dedupeKey).toBe(viaGuardDuty.dedupeKey);
    expect(viaSecurityHub.dedupeKey).toBe('193043430472:us-east-1:46ba0ac2845071e23ccdeb2ae03bfdea');
    expect(viaSecurityHub.securityHub?.id).toMatch(
      /^arn:aws::guardduty:.*\/finding\/46ba0ac2845071e23ccdeb2ae03bfdea$/,
    );
  });

  it('takes the label from Severity.Label; the value is the native score only when it agrees with the label', () => {
    // Product 2 (LOW on GuardDuty's scale) disagrees with Label MEDIUM; Normalized 40 agrees → 4.0
    expect(accepted(normalize(gdAsff())).severity).toEqual({ value: 4, label: 'MEDIUM' });
    const analystRaised = gdAsff();
    analystRaised.Severity = { Product: 2, Label: 'HIGH', Normalized: 40 };
    expect(accepted(normalize(analystRaised)).severity).toEqual({ value: 7, label: 'HIGH' });
    const consistent = gdAsff();
    consistent.Severity = { Product: 8.2, Label: 'HIGH', Normalized: 60 };
    expect(accepted(normalize(consistent)).severity).toEqual({ value: 8.2, label: 'HIGH' });
  });

  it('falls back to the ProductFields severity label when Severity has none', () => {
    const event = fixture('sh-eventbridge-customaction-guardduty-iamuser-consolelogin.json');
    const request = accepted(normalize(event));
    expect(request.severity).toEqual({ value: 5, label: 'MEDIUM' });
    expect(request.type).toBe('UnauthorizedAccess:IAMUser/ConsoleLogin');
    expect(request.resource).toMatchObject({ kind: 'iam-access-key', principalName: 'kapil' });
    expect(request.resource.accessKeyId).toBeUndefined();
  });

  it('reads the access key id from an AwsIamAccessKey resource id', () => {
    const recorded = fixture('sh-getfindings-guardduty-recon-iamuser-x5.json');
    const request = accepted(normalize(getPath(recorded, 'data.Findings.0')));
    expect(request.resource).toMatchObject({
      kind: 'iam-access-key',
      accessKeyId: 'AKIAIPRJCJL6BOF6DPMA',
      principalName: 'brent.clements',
    });
    expect(request.type).toBe('Recon:IAMUser/ResourcePermissions');
  });

  it('prefers an EC2 instance, then an S3 bucket, over an access key among Resources', () => {
    const finding = gdAsff();
    finding.Resources = [
      {
        Type: 'AwsIamAccessKey',
        Id: 'AWS::IAM::AccessKey:AKIAAAAAAAAAAAAAAAAA',
        Details: { AwsIamAccessKey: { UserName: 'u' } },
      },
      { Type: 'AwsS3Bucket', Id: 'arn:aws:s3:::bucket-a' },
      { Type: 'AwsS3Bucket', Id: 'arn:aws:s3:::bucket-b' },
    ];
    const request = accepted(normalize(finding));
    expect(request.resource).toEqual({
      kind: 's3-bucket',
      rawType: 'AwsS3Bucket',
      bucketNames: ['bucket-a', 'bucket-b'],
    });
  });

  it('reads archived, sample and role from GuardDuty ProductFields', () => {
    const finding = gdAsff();
    const fields = finding.ProductFields as Record<string, string>;
    fields['aws/guardduty/service/archived'] = 'true';
    fields['aws/guardduty/service/resourceRole'] = 'ACTOR';
    fields['aws/guardduty/service/additionalInfo/sample'] = 'true';
    expect(accepted(normalize(finding))).toMatchObject({
      archived: true,
      resourceRole: 'ACTOR',
      sample: true,
    });
  });

  it('normalizes each finding of a Security Hub event; normalize() gives the first', () => {
    const control = fixture('sh-asff-bare-control-fsbp-sample.json');
    const event = securityHubEvent([gdAsff(), control]);
    const results = normalizeAll(event);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'not-actionable']);
    expect(accepted(normalize(event)).type).toBe('UnauthorizedAccess:EC2/SSHBruteForce');
  });

  it('rejects a bad finding inside an event with its path (detail.findings[1].Severity.Label)', () => {
    const bad = gdAsff();
    bad.Severity = { Label: 'SEVERE' };
    const results = normalizeAll(securityHubEvent([gdAsff(), bad], 'Security Hub Findings - Custom Action'));
    expect(results[0]?.status).toBe('accepted');
    expect(rejected(results[1]).field).toBe('detail.findings[1].Severity.Label');
  });

  it('rejects an instance ARN that names no valid instance id', () => {
    const finding = gdAsff();
    setPath(finding, 'Resources.0.Id', 'arn:aws:ec2:us-east-1:193043430472:instance/i-XYZ');
    expect(rejected(normalize(finding)).field).toBe('Resources[0].Id');
  });

  it('recognizes control findings (Compliance / product securityhub / config rule) as not actionable', () => {
    for (const name of ['sh-asff-bare-config-rule.json', 'sh-asff-bare-control-fsbp-sample.json']) {
      const result = normalize(fixture(name));
      expect(result).toMatchObject({
        status: 'not-actionable',
        source: 'securityhub',
        reason: 'Security Hub control finding: not actionable',
      });
    }
    const security = fixture('sh-asff-bare-control-fsbp-sample.json');
    delete security.Compliance;
    security.ProductArn = 'arn:aws:securityhub:us-east-2::product/aws/other';
    security.GeneratorId = 'security-control/CloudTrail.2';
    expect(normalize(security)).toMatchObject({ status: 'not-actionable', reason: /control finding/ });
  });

  it('does not act on ASFF findings from other products (e.g. Inspector), naming the product', () => {
    const finding = gdAsff();
    finding.ProductArn = 'arn:aws:securityhub:us-east-1::product/aws/inspector';
    const result = normalize(finding);
    expect(result).toMatchObject({
      status: 'not-actionable',
      reason: /product\/aws\/inspector.*only on GuardDuty/,
    });
  });

  it('recognizes Insight Results events as not actionable (aggregates, no finding)', () => {
    expect(normalize(fixture('sh-eventbridge-insight-results.json'))).toMatchObject({
      status: 'not-actionable',
      reason: /Insight Results/,
      accountId: '644160558196',
    });
  });

  it('rejects Security Hub events without findings (detail.findings)', () => {
    expect(rejected(normalize(securityHubEvent([]))).field).toBe('detail.findings');
  });
});

describe('normalize: Security Hub v2 (OCSF)', () => {
  const bare = () => fixture('sh2-ocsf-bare-guardduty-runtime-newbinaryexecuted.json');

  it('maps a GuardDuty Detection Finding in a Findings Imported V2 event', () => {
    const request = accepted(normalize(securityHubEvent([bare()], 'Findings Imported V2')));
    expect(request).toMatchObject({
      source: 'securityhub',
      findingId: 'ffffffffffffffffffffffffffffffff',
      type: 'Execution:Runtime/NewBinaryExecuted',
      severity: { value: 4, label: 'MEDIUM' },
      accountId: '123456789012',
      region: 'us-east-1',
      firstSeen: '2025-10-03T20:37:13.911Z',
      archived: false,
    });
    expect(request.resource).toMatchObject({
      kind: 'ec2-instance',
      instanceId: 'i-0123456789abcdef0',
      instanceProfileArn:
        'arn:aws:iam::123456789012:instance-profile/example-instance-profile/example-runner-profile',
      networkInterfaces: [
        {
          networkInterfaceId: 'eni-0123456789abcdef0',
          vpcId: 'vpc-0123456789abcdef0',
          subnetId: 'subnet-0123456789abcdef0',
          securityGroupIds: ['sg-0123456789abcdef0'],
        },
      ],
      tags: { Name: 'example-action-runner', environment: 'production' },
    });
  });

  it('maps OCSF severity_id 4 to HIGH (7.0) and archived status to archived', () => {
    const finding = bare();
    finding.severity_id = 4;
    finding.status_id = 5;
    expect(accepted(normalize(finding))).toMatchObject({
      severity: { value: 7, label: 'HIGH' },
      archived: true,
    });
  });

  it('recognizes compliance findings and other products as not actionable', () => {
    expect(normalize(fixture('sh2-ocsf-bare-cspm-cis-2.5-config.json'))).toMatchObject({
      status: 'not-actionable',
      reason: 'Security Hub control finding: not actionable',
    });
    const other = bare();
    setPath(other, 'metadata.product', {
      name: 'Inspector',
      uid: 'arn:aws:securityhub:us-east-1::productv2/aws/inspector',
    });
    expect(normalize(other)).toMatchObject({ status: 'not-actionable', reason: /Inspector/ });
  });
});

describe('normalize: rejects API responses with a clear message', () => {
  it.each([
    ['gd-getfindings-cli-recon-iamuser-userpermissions.json', 'Findings', /GuardDuty GetFindings response/],
    ['sh-getfindings-cli-pci-lambda2.json', 'Findings', /Security Hub GetFindings response/],
    ['sh-getfindings-guardduty-recon-iamuser-x5.json', 'data.Findings', /Security Hub GetFindings response/],
    ['gd-listfindings-cli.json', 'FindingIds', /ListFindings/],
  ])('rejects %s', (name, field, message) => {
    const error = rejected(normalize(fixture(name)));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });
});

describe('severity labels', () => {
  it.each([
    [0, 'INFORMATIONAL'],
    [1, 'LOW'],
    [3.9, 'LOW'],
    [4, 'MEDIUM'],
    [6.9, 'MEDIUM'],
    [7, 'HIGH'],
    [8.9, 'HIGH'],
    [9, 'CRITICAL'],
    [10, 'CRITICAL'],
  ] as const)('%s → %s', (value, label) => {
    expect(labelForSeverity(value)).toBe(label);
    expect(labelForSeverity(severityForLabel(label))).toBe(label);
  });
});

describe('normalize: manual requests', () => {
  const scope = {
    homeAccountId: '111122223333',
    allowedAccountIds: ['444455556666'],
    allowedRegions: [],
    responderRoleName: 'AirlockResponder',
  };
  const options = { scope, defaultRegion: 'eu-west-1', now: new Date('2026-03-01T12:00:00.000Z') };
  const request = (extra: Record<string, unknown> = {}) => ({
    kind: 'manual',
    instanceId: 'i-0123456789abcdef0',
    requesterSlackUserId: 'U1',
    ...extra,
  });

  it('fills account and region from the scope and synthesizes the finding id manual:<instanceId>', () => {
    expect(accepted(normalize(request({ reason: 'beaconing' }), options))).toEqual({
      source: 'manual',
      findingId: 'manual:i-0123456789abcdef0',
      type: 'Manual:EC2/Isolate',
      severity: { value: 8, label: 'HIGH' },
      title: 'Isolation of i-0123456789abcdef0 requested by <@U1>',
      description: 'beaconing',
      accountId: '111122223333',
      region: 'eu-west-1',
      resource: { kind: 'ec2-instance', rawType: 'Instance', instanceId: 'i-0123456789abcdef0' },
      resourceRole: 'TARGET',
      sample: false,
      archived: false,
      count: 1,
      firstSeen: '2026-03-01T12:00:00.000Z',
      lastSeen: '2026-03-01T12:00:00.000Z',
      dedupeKey: '111122223333:eu-west-1:manual:i-0123456789abcdef0',
      resourceKey: '111122223333:eu-west-1:ec2-instance:i-0123456789abcdef0',
      requester: { slackUserId: 'U1', reason: 'beaconing' },
    });
  });

  it('gives the same dedupe key to the same request twice (later, another requester)', () => {
    const a = accepted(normalize(request(), options));
    const b = accepted(normalize(request({ requesterSlackUserId: 'U2' }), { ...options, now: new Date() }));
    expect(b.dedupeKey).toBe(a.dedupeKey);
  });

  it('accepts 8- and 17-hex instance ids and an allowed member account and region', () => {
    expect(accepted(normalize(request({ instanceId: 'i-0123abcd' }), options)).resource.instanceId).toBe(
      'i-0123abcd',
    );
    expect(
      accepted(normalize(request({ accountId: '444455556666', region: 'us-west-2' }), options)),
    ).toMatchObject({
      accountId: '444455556666',
      region: 'us-west-2',
    });
  });

  it.each([
    ['i-123', 'instanceId'],
    ['i-0123456789ABCDEF0', 'instanceId'],
    ['vol-0123456789abcdef0', 'instanceId'],
    ['i-0123456789abcdef01', 'instanceId'],
  ])('rejects instance id %s naming the field instanceId', (instanceId, field) => {
    const error = rejected(normalize(request({ instanceId }), options));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(/EC2 instance id/);
  });

  it.each([
    [{ accountId: '12345678901' }, 'accountId', /12-digit/],
    [{ accountId: '999999999999' }, 'accountId', /not one Airlock may act in/],
    [{ region: 'mars-1' }, 'region', /AWS region/],
    [{ requesterSlackUserId: '' }, 'requesterSlackUserId', /manual request/],
  ])('rejects %j naming %s', (extra, field, message) => {
    const error = rejected(normalize(request(extra), options));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('rejects a request with no account when no scope is configured (accountId)', () => {
    expect(rejected(normalize(request(), { now: new Date() })).field).toBe('accountId');
    expect(rejected(normalize(request({ accountId: '123456789012' }), { now: new Date() })).field).toBe(
      'region',
    );
  });

  it('enforces allowed regions when the scope lists them', () => {
    const regional = { ...options, scope: { ...scope, allowedRegions: ['eu-west-1'] } };
    expect(rejected(normalize(request({ region: 'us-east-1' }), regional)).field).toBe('region');
  });
});
