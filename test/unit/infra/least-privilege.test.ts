import type { CfnElement, Stack } from 'aws-cdk-lib';
import type { AirlockStack } from '../../../infra/lib/airlock-stack';
import { PLANNER_ACTIONS } from '../../../infra/lib/iam-policy';
import type { AirlockResponderStack } from '../../../infra/lib/responder-stack';
import { captureDocumentContent } from '../../../workflow/domain/ec2/capture-document';
import { TASK_KEYS, TASKS } from '../../../workflow/tasks/catalog';
import { CONTEXT, synthIrStack, synthResponderStack } from './synth';
import {
  actionsOf,
  allStatements,
  ofType,
  resolve,
  resourcesOf,
  roleStatements,
  type Statement,
  type TemplateJson,
} from './template';

let member: AirlockResponderStack;
let m: TemplateJson;
let ir: AirlockStack;
let t: TemplateJson;

beforeAll(() => {
  const a = synthResponderStack();
  member = a.stack;
  m = a.template.toJSON() as TemplateJson;
  const b = synthIrStack();
  ir = b.stack;
  t = b.template.toJSON() as TemplateJson;
});

const idOf = (stack: Stack, c: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(c.node.defaultChild as CfnElement);
const IR = CONTEXT.irAccountId;
const IR_REGION = CONTEXT.irRegion;
const acting = (duty: 'containment' | 'restore') =>
  TASK_KEYS.filter(
    (k) =>
      TASKS[k].owner === 'workflow' &&
      TASKS[k].actions.length > 0 &&
      k.startsWith('Restore') === (duty === 'restore'),
  );
const irRoleArn = (name: string) => `arn:aws:iam::${IR}:role/Airlock-${name}-${IR_REGION}`;

function trustOf(tpl: TemplateJson, roleId: string) {
  const role = tpl.Resources[roleId];
  const doc = resolve(role?.Properties?.AssumeRolePolicyDocument, tpl) as { Statement: Statement[] };
  return doc.Statement;
}

function memberRole(name: 'planner' | 'containment' | 'restore') {
  const role = member[name];
  const id = idOf(member, role);
  return { id, statements: resolve(roleStatements(m, id), m) as Statement[] };
}

describe('member account: one role per duty', () => {
  it.each([
    ['planner', ['SlackBot']],
    ['containment', acting('containment')],
    ['restore', acting('restore')],
  ] as const)('trusts the %s role only to the IR roles that use it', (duty, names) => {
    const [statement, ...rest] = trustOf(m, memberRole(duty).id);
    expect(rest).toEqual([]);
    expect(statement?.Principal).toEqual({ AWS: `arn:aws:iam::${IR}:root` });
    expect(statement?.Action).toBe('sts:AssumeRole');
    const arns = [statement?.Condition?.ArnEquals?.['aws:PrincipalArn']].flat();
    expect([...arns].sort()).toEqual(names.map(irRoleArn).sort());
  });

  it('lets the bot assume only the planner role, which cannot write', () => {
    const bot = irRoleArn('SlackBot');
    for (const duty of ['containment', 'restore'] as const) {
      expect(JSON.stringify(trustOf(m, memberRole(duty).id))).not.toContain(bot);
    }
    const planner = memberRole('planner').statements.filter((s) => s.Effect === 'Allow');
    const actions = planner.flatMap(actionsOf);
    expect([...new Set(actions)].sort()).toEqual([...PLANNER_ACTIONS].sort());
    for (const a of actions) expect(a).toMatch(/^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*$/);
  });

  it('deploys the Airlock-Capture document with the content the workflow defines', () => {
    const docs = ofType(m, 'AWS::SSM::Document');
    expect(docs).toHaveLength(1);
    expect(docs[0]?.[1].Properties).toMatchObject({
      Name: 'Airlock-Capture',
      DocumentType: 'Command',
      Content: captureDocumentContent(),
    });
  });

  it('limits SendCommand to the Airlock-Capture document and instances, never a free shell', () => {
    const all = [...allStatements(m), ...allStatements(t)];
    const send = all.filter((s) => s.Effect === 'Allow' && actionsOf(s).includes('ssm:SendCommand'));
    expect(send.length).toBeGreaterThanOrEqual(2);
    for (const s of resolve(send, m) as Statement[]) {
      expect(actionsOf(s)).toEqual(['ssm:SendCommand']);
      const resources = resourcesOf(s).map(String).sort();
      expect(resources).toEqual([
        expect.stringMatching(/^arn:aws:ec2:\*:\d{12}:instance\/\*$/),
        expect.stringMatching(/^arn:aws:ssm:\*:\d{12}:document\/Airlock-Capture$/),
      ]);
    }
    expect(JSON.stringify([m, t])).not.toContain('AWS-RunShellScript');
  });

  it('lets containment pass only the forensic role, to EC2; restore alone passes workload roles', () => {
    const pass = (duty: 'containment' | 'restore' | 'planner') =>
      memberRole(duty).statements.filter(
        (s) => s.Effect === 'Allow' && actionsOf(s).includes('iam:PassRole'),
      );
    expect(pass('containment')).toEqual([
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [idOf(member, member.forensic.role), 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      },
    ]);
    expect(pass('planner')).toEqual([]);
    expect(pass('restore')).toHaveLength(1);
    expect(pass('restore')[0]?.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' },
    });
  });

  it('binds containment instance-profile calls to the forensic profile (ec2:NewInstanceProfile)', () => {
    const profileCalls = memberRole('containment').statements.filter((s) =>
      actionsOf(s).some((a) => /IamInstanceProfile/.test(a) && !a.includes(':Describe')),
    );
    expect(profileCalls).toHaveLength(1);
    expect(profileCalls[0]?.Condition?.ArnEquals).toEqual({
      'ec2:NewInstanceProfile': 'arn:aws:iam::123456789012:instance-profile/airlock-forensic',
    });
  });

  it("denies rewriting Airlock's own roles and protected roles", () => {
    for (const duty of ['containment', 'restore'] as const) {
      const denies = memberRole(duty).statements.filter((s) => s.Effect === 'Deny');
      const protectedTag = denies.find((s) => s.Sid === 'DenyModifyingProtectedRoles');
      expect(actionsOf(protectedTag as Statement)).toEqual(
        expect.arrayContaining(['iam:PutRolePolicy', 'iam:DeleteRolePolicy']),
      );
      expect(protectedTag?.Condition).toEqual({
        StringEquals: { 'aws:ResourceTag/airlock:protected': 'true' },
      });
      const own = denies.find((s) => s.Sid === 'DenyModifyingAirlockRoles');
      expect(JSON.stringify(own?.Resource)).toContain(':role/AirlockResponder-*');
    }
  });

  it('denies changing the inline and managed policies of users tagged protected', () => {
    for (const duty of ['containment', 'restore'] as const) {
      const denies = memberRole(duty).statements.filter((s) => s.Effect === 'Deny');
      const users = denies.find((s) => s.Sid === 'DenyModifyingProtectedUsers');
      expect(actionsOf(users as Statement).sort()).toEqual([
        'iam:AttachUserPolicy',
        'iam:DeleteUserPolicy',
        'iam:DetachUserPolicy',
        'iam:PutUserPolicy',
      ]);
      expect(JSON.stringify(users?.Resource)).toContain(':user/*');
      expect(users?.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/airlock:protected': 'true' } });
    }
    // The IR account's own task roles act in the home account directly.
    for (const key of ['ContainAccessKey', 'RestoreAccessKey'] as const) {
      const statements = resolve(roleStatements(t, idOf(ir, ir.functions[key].role)), t) as Statement[];
      expect(statements.some((s) => s.Effect === 'Deny' && s.Sid === 'DenyModifyingProtectedUsers')).toBe(
        true,
      );
    }
  });

  it('has no Action "*" in either template', () => {
    for (const s of [...allStatements(m), ...allStatements(t)]) expect(actionsOf(s)).not.toContain('*');
  });

  it('forwards GuardDuty and Security Hub findings to the IR default bus, through a role', () => {
    const rules = ofType(m, 'AWS::Events::Rule').map(
      ([, r]) => resolve(r.Properties, m) as Record<string, unknown>,
    );
    const sources = rules.flatMap((r) => (r.EventPattern as { source: string[] }).source);
    expect(sources.sort()).toEqual(['aws.guardduty', 'aws.securityhub']);
    for (const r of rules) {
      const [target] = r.Targets as { Arn: string; RoleArn: unknown }[];
      expect(target?.Arn).toBe(`arn:aws:events:${IR_REGION}:${IR}:event-bus/default`);
      expect(target?.RoleArn).toBeDefined();
    }
  });
});

describe('IR account', () => {
  it('admits exactly the allowed member accounts on the default bus, one statement each', () => {
    const policies = ofType(t, 'AWS::Events::EventBusPolicy').map(([, r]) => r.Properties ?? {});
    expect(policies).toHaveLength(2);
    const principals = policies.map((p) => resolve((p.Statement as Statement).Principal, t));
    expect(principals).toEqual([
      { AWS: 'arn:aws:iam::111111111111:root' },
      { AWS: 'arn:aws:iam::222222222222:root' },
    ]);
    for (const p of policies) {
      expect(p.EventBusName).toBe('default');
      expect((p.Statement as Statement).Action).toBe('events:PutEvents');
    }
  });

  it('matches finding events of the home and allowed accounts only', () => {
    const rules = ofType(t, 'AWS::Events::Rule')
      .map(([, r]) => r.Properties?.EventPattern as { source?: string[]; account?: unknown })
      .filter((p) => p?.source?.some((s) => s === 'aws.guardduty' || s === 'aws.securityhub'));
    expect(rules.length).toBeGreaterThanOrEqual(2);
    for (const p of rules) {
      expect(resolve(p.account, t)).toEqual(['123456789012', '111111111111', '222222222222']);
    }
  });

  it('denies an evidence PutObject under another KMS key, and not one without the header', () => {
    const policy = ofType(t, 'AWS::S3::BucketPolicy')
      .map(([, r]) => r.Properties?.PolicyDocument as { Statement: Statement[] })
      .find((d) => d.Statement.some((s) => s.Sid === 'DenyOtherKmsKeys'));
    const deny = policy?.Statement.find((s) => s.Sid === 'DenyOtherKmsKeys');
    expect(deny?.Effect).toBe('Deny');
    expect(deny?.Action).toBe('s3:PutObject');
    expect(deny?.Condition?.StringNotEquals?.['s3:x-amz-server-side-encryption-aws-kms-key-id']).toEqual({
      'Fn::GetAtt': [idOf(ir, ir.evidence.key), 'Arn'],
    });
    // A request without the header is not denied: the bucket default (the stack key) applies.
    expect(deny?.Condition?.Null).toEqual({ 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' });
  });

  it('fixes no retained name a redeploy or a second region would collide with, and generates the rest', () => {
    for (const [, bucket] of ofType(t, 'AWS::S3::Bucket')) {
      expect(bucket.Properties).not.toHaveProperty('BucketName');
    }
    for (const [, lg] of ofType(t, 'AWS::Logs::LogGroup')) {
      const name = lg.Properties?.LogGroupName;
      if (name === undefined) continue;
      // The state machine's vended-logs group: region and this stack's own id in the name.
      expect(JSON.stringify(name)).toContain('/aws/vendedlogs/states/Airlock-');
      expect(JSON.stringify(name)).toContain('"Ref":"AWS::Region"');
      expect(JSON.stringify(name)).toContain('"Ref":"AWS::StackId"');
    }
    const fixed = ofType(t, 'AWS::IAM::Role')
      .map(([, r]) => resolve(r.Properties?.RoleName, t))
      .filter((n): n is string => typeof n === 'string');
    const crossAccount = [...acting('containment'), ...acting('restore'), 'SlackBot'];
    expect(fixed.filter((n) => n.startsWith('Airlock-')).sort()).toEqual(
      crossAccount.map((k) => `Airlock-${k}-eu-west-1`).sort(),
    );
  });

  it('grants SendTaskSuccess/SendTaskFailure on "*": the SAR lists no resource type for them', () => {
    const bot = resolve(roleStatements(t, idOf(ir, ir.bot.role)), t) as Statement[];
    const callbacks = bot.find((s) => actionsOf(s).includes('states:SendTaskSuccess'));
    expect(callbacks).toMatchObject({
      Action: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
      Resource: '*',
    });
  });

  it('gives the forensic instance role no evidence write (uploads use presigned URLs)', () => {
    for (const tpl of [t, m]) {
      const forensic = ofType(tpl, 'AWS::IAM::Role').find(([, r]) =>
        JSON.stringify(r.Properties?.AssumeRolePolicyDocument).includes('ec2.amazonaws.com'),
      );
      const statements = roleStatements(tpl, forensic?.[0] ?? '');
      expect(statements.flatMap(actionsOf)).not.toContain('s3:PutObject');
    }
    expect(JSON.stringify(t)).not.toContain('MemberForensicRoles');
  });

  it('lets each task assume only the member role of its duty, and the bot only the planner', () => {
    const assumed = (role: { node: { defaultChild?: unknown } }) =>
      (resolve(roleStatements(t, idOf(ir, role)), t) as Statement[])
        .filter((s) => actionsOf(s).includes('sts:AssumeRole'))
        .flatMap(resourcesOf);
    const roleIn = (acct: string, name: string) => `arn:aws:iam::${acct}:role/${name}`;
    const both = (name: string) => [roleIn('111111111111', name), roleIn('222222222222', name)];
    for (const k of acting('containment')) {
      expect(assumed(ir.functions[k].role)).toEqual(both('AirlockResponder-Containment'));
    }
    for (const k of acting('restore')) {
      expect(assumed(ir.functions[k].role)).toEqual(both('AirlockResponder-Restore'));
    }
    expect(assumed(ir.bot.role)).toEqual(both('AirlockResponder-Planner'));
  });
});
