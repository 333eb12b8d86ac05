import { Match, type Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { acknowledge } from '../../../infra/lib/nag';
import { CONTEXT, synthIrStack } from './synth';

/** The same stack with the non-default options: home account only, no Security Hub, COMPLIANCE lock, alarm e-mail. */
let template: Template;

beforeAll(() => {
  const { allowedAccountIds: _accounts, allowedRegions: _regions, ...base } = CONTEXT;
  ({ template } = synthIrStack({
    ...base,
    securityHub: 'false',
    evidenceLockMode: 'COMPLIANCE',
    evidenceRetentionDays: '30',
    alarmEmail: 'soc@example.com',
    namePrefix: 'Ir',
    ledgerTtlAttribute: 'expiresAtEpoch',
    snapshotCustody: 'copy',
  }));
});

describe('AirlockStack options', () => {
  it('with no member accounts: no sts:AssumeRole and no cross-account evidence statements', () => {
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('sts:AssumeRole');
    expect(JSON.stringify(template.toJSON())).not.toContain('MemberForensicRoles');
  });

  it('without Security Hub: only the GuardDuty rule and the failure rule, no custom action', () => {
    template.resourceCountIs('AWS::SecurityHub::ActionTarget', 0);
    template.resourceCountIs('AWS::Events::Rule', 2);
    expect(template.toJSON().Outputs).not.toHaveProperty('SecurityHubActionTargetArn');
  });

  it('applies the lock mode and retention, the alarm e-mail, the role prefix and the TTL attribute', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'soc@example.com',
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: { 'Fn::Join': ['', ['Ir-RecordPreState-', { Ref: 'AWS::Region' }]] },
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiresAtEpoch', Enabled: true },
    });
  });

  it('snapshotCustody copy: the workflow settings copy to this account, encrypted with the evidence key', () => {
    const fns = Object.values(template.findResources('AWS::Lambda::Function'));
    const settings = fns
      .map(
        (f) =>
          (f.Properties?.Environment?.Variables as Record<string, unknown> | undefined)?.WORKFLOW_SETTINGS,
      )
      .find((v) => v !== undefined);
    const json = JSON.stringify(settings);
    expect(json).toContain('\\"snapshotCustody\\":\\"copy\\"');
    expect(json).toContain('snapshotCopyAccountId');
    expect(json).toContain('AWS::AccountId');
    expect(json).toMatch(/snapshotCopyKmsKeyId.*EvidenceKey.*Arn/);
  });

  it('leaves the IAM policies without region conditions when any region is allowed', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    expect(JSON.stringify(policies)).not.toContain('aws:RequestedRegion');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: 'ReadOnlyNoResourceLevel', Resource: '*' })]),
      },
    });
  });
});

describe('cdk-nag acknowledgements', () => {
  it('rejects an acknowledgement without a specific reason', () => {
    const scope = new Construct(undefined as unknown as Construct, 'Root');
    expect(() => acknowledge(scope, [{ id: 'AwsSolutions-IAM5', reason: 'needed' }])).toThrow(
      'airlock: cdk-nag acknowledgement AwsSolutions-IAM5 on Root needs a specific reason',
    );
  });
});
