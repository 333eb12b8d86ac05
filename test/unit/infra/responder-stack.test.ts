import type { CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { STAR_REQUIRED } from '../../../infra/lib/iam-policy';
import { trustedRoleNames, workflowActionUnion } from '../../../infra/lib/names';
import type { AirlockResponderStack } from '../../../infra/lib/responder-stack';
import { TASK_KEYS, TASKS } from '../../../workflow/tasks/catalog';
import { CONTEXT, nagFindings, synthResponderStack } from './synth';

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  Sid?: string;
};

let stack: AirlockResponderStack;
let template: Template;
let json: {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  Parameters: Record<string, Record<string, unknown>>;
  Rules?: unknown;
};

beforeAll(() => {
  ({ stack, template } = synthResponderStack());
  json = template.toJSON() as typeof json;
});

const actionsOf = (s: Statement) => [s.Action].flat();
function statementsOfRole(construct: { node: { defaultChild?: unknown } }): Statement[] {
  const id = stack.getLogicalId(construct.node.defaultChild as CfnElement);
  return Object.values(json.Resources)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as { Ref: string }[]).some((x) => x.Ref === id),
    )
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

describe('AirlockResponderStack (member accounts)', () => {
  it('passes cdk-nag AwsSolutions with zero unacknowledged errors and warnings', () => {
    const { errors, warnings } = nagFindings(stack);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('is StackSets-ready: parameters for the IR account and trusted roles, no bootstrap rule, no assets', () => {
    expect(json.Parameters.IrAccountId).toMatchObject({
      Type: 'String',
      AllowedPattern: '^\\d{12}$',
      Default: '999999999999',
    });
    expect(json.Parameters.TrustedRoleArns).toMatchObject({
      Type: 'CommaDelimitedList',
      Default: trustedRoleNames('Airlock')
        .map((n) => `arn:aws:iam::999999999999:role/${n}`)
        .join(','),
    });
    expect(json.Parameters).not.toHaveProperty('BootstrapVersion');
    expect(json.Rules).toBeUndefined();
    expect(JSON.stringify(json)).not.toMatch(/AssetParameters|cdk-hnb659fds/);
  });

  it('has no parameter defaults without irAccountId (StackSets pass them)', () => {
    const { template: bare } = synthResponderStack({});
    const params = bare.toJSON().Parameters as Record<string, Record<string, unknown>>;
    expect(params.IrAccountId).not.toHaveProperty('Default');
    expect(params.TrustedRoleArns).not.toHaveProperty('Default');
  });

  it('is assumable only from the IR account, by the listed role ARNs', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AirlockResponder',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: {
              AWS: {
                'Fn::Join': [
                  '',
                  ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'IrAccountId' }, ':root'],
                ],
              },
            },
            Condition: { ArnEquals: { 'aws:PrincipalArn': { Ref: 'TrustedRoleArns' } } },
          },
        ],
      },
    });
  });

  it('trusts every workflow task role that acts on AWS and the bot, and no other role', () => {
    const names = trustedRoleNames('Airlock');
    for (const key of TASK_KEYS) {
      const acts = TASKS[key].owner === 'workflow' && TASKS[key].actions.length > 0;
      expect(names.includes(`Airlock-${key}`)).toBe(acts);
    }
    expect(names).toContain('Airlock-SlackBot');
  });

  it('holds exactly the union of the workflow tasks catalog actions', () => {
    const allowed = statementsOfRole(stack.role).filter((s) => s.Effect === 'Allow');
    expect([...new Set(allowed.flatMap(actionsOf))].sort()).toEqual(workflowActionUnion());
    expect(workflowActionUnion()).toEqual(
      [
        ...new Set(
          TASK_KEYS.filter((k) => TASKS[k].owner === 'workflow').flatMap((k) => [...TASKS[k].actions]),
        ),
      ].sort(),
    );
  });

  it('uses Resource "*" only for STAR_REQUIRED actions, and never Action "*"', () => {
    for (const r of Object.values(json.Resources)) {
      const doc = (r.Properties?.PolicyDocument ?? r.Properties?.AssumeRolePolicyDocument) as {
        Statement?: Statement[];
      };
      for (const s of doc?.Statement ?? []) {
        expect(actionsOf(s)).not.toContain('*');
        if (s.Effect === 'Allow' && [s.Resource].flat().includes('*')) {
          for (const a of actionsOf(s)) expect(Object.keys(STAR_REQUIRED)).toContain(a);
        }
      }
    }
  });

  it('passes roles to EC2 only, and never its own role', () => {
    const statements = statementsOfRole(stack.role);
    const pass = statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).includes('iam:PassRole'));
    expect(pass).toHaveLength(1);
    expect(pass[0]?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } });
    const deny = statements.find((s) => s.Sid === 'DenyPassingAirlockRoles');
    expect(JSON.stringify(deny?.Resource)).toContain(':role/AirlockResponder');
  });

  it('creates its own forensic instance profile that uploads into the IR evidence bucket', () => {
    template.hasResourceProperties('AWS::IAM::InstanceProfile', { InstanceProfileName: 'airlock-forensic' });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AirlockForensic',
      ManagedPolicyArns: [
        Match.objectLike({
          'Fn::Join': Match.arrayWith([Match.arrayWith([':iam::aws:policy/AmazonSSMManagedInstanceCore'])]),
        }),
      ],
    });
    const forensic = statementsOfRole(stack.forensic.role);
    const put = forensic.find((s) => s.Sid === 'PutRunCommandOutput');
    expect(JSON.stringify(put?.Resource)).toContain('airlock-evidence-');
    expect(JSON.stringify(put?.Resource)).toContain('/incidents/*');
    expect(forensic.find((s) => s.Sid === 'EncryptEvidence')?.Condition).toEqual({
      StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' },
    });
  });

  it('binds actions to the allowed regions from the context', () => {
    const star = statementsOfRole(stack.role).find((s) => s.Sid === 'ReadOnlyNoResourceLevel');
    expect(star?.Condition).toEqual({
      StringEquals: { 'aws:RequestedRegion': CONTEXT.allowedRegions.split(',') },
    });
  });
});
