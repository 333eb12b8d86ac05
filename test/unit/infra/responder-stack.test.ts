import type { Template } from 'aws-cdk-lib/assertions';
import { STAR_REQUIRED } from '../../../infra/lib/iam-policy';
import { DUTIES, dutyActions, trustedNames } from '../../../infra/lib/names';
import type { AirlockResponderStack } from '../../../infra/lib/responder-stack';
import { TASK_KEYS, TASKS } from '../../../workflow/tasks/catalog';
import { CONTEXT, nagFindings, synthResponderStack } from './synth';
import { actionsOf, allStatements, type TemplateJson } from './template';

let stack: AirlockResponderStack;
let template: Template;
let json: TemplateJson & { Rules?: unknown };

beforeAll(() => {
  ({ stack, template } = synthResponderStack());
  json = template.toJSON() as typeof json;
});

describe('AirlockResponderStack (member accounts)', () => {
  it('passes cdk-nag AwsSolutions with zero unacknowledged errors and warnings', () => {
    const { errors, warnings } = nagFindings(stack);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('is StackSets-ready: IR account and region parameters, no bootstrap rule, no assets', () => {
    expect(json.Parameters?.IrAccountId).toMatchObject({ Type: 'String', Default: '999999999999' });
    expect(json.Parameters?.IrRegion).toMatchObject({ Type: 'String', Default: 'eu-west-1' });
    expect(json.Parameters?.ForwardFindings).toMatchObject({ Default: 'true' });
    expect(json.Parameters?.IamResources).toMatchObject({ Default: 'true' });
    expect(json.Parameters).not.toHaveProperty('BootstrapVersion');
    expect(json.Rules).toBeUndefined();
    expect(JSON.stringify(json)).not.toMatch(/AssetParameters|cdk-hnb659fds/);
  });

  it('has no parameter defaults without irAccountId and irRegion (StackSets pass them)', () => {
    const { template: bare } = synthResponderStack({});
    const params = bare.toJSON().Parameters as Record<string, Record<string, unknown>>;
    expect(params.IrAccountId).not.toHaveProperty('Default');
    expect(params.IrRegion).not.toHaveProperty('Default');
  });

  it('creates IAM resources only where IamResources=true (IAM is global, the stack is regional)', () => {
    for (const r of Object.values(json.Resources)) {
      if (r.Type.startsWith('AWS::IAM::')) expect(r.Condition).toBe('CreateIamResources');
      else expect(r.Condition).not.toBe('CreateIamResources');
    }
  });

  it('splits the catalog by duty: every acting workflow task is trusted by exactly one duty role', () => {
    const acting = TASK_KEYS.filter((k) => TASKS[k].owner === 'workflow' && TASKS[k].actions.length > 0);
    const trusted = DUTIES.flatMap((d) => trustedNames(d));
    expect(trusted.filter((n) => n !== 'SlackBot').sort()).toEqual([...acting].sort());
    expect(new Set(trusted).size).toBe(trusted.length);
    const union = [...new Set(acting.flatMap((k) => [...TASKS[k].actions]))].filter(
      (a) => a !== 'iam:PassRole',
    );
    const held = new Set([...dutyActions('containment'), ...dutyActions('restore')]);
    for (const a of union) expect(held).toContain(a);
  });

  it('uses Resource "*" only for STAR_REQUIRED actions, and never Action "*"', () => {
    for (const s of allStatements(json)) {
      expect(actionsOf(s)).not.toContain('*');
      if (s.Effect === 'Allow' && [s.Resource].flat().includes('*')) {
        for (const a of actionsOf(s)) expect(Object.keys(STAR_REQUIRED)).toContain(a);
      }
    }
  });

  it('binds actions to the allowed regions from the context', () => {
    const star = allStatements(json).filter((s) => s.Sid === 'ReadOnlyNoResourceLevel');
    expect(star).toHaveLength(3);
    for (const s of star) {
      expect(s.Condition).toEqual({
        StringEquals: { 'aws:RequestedRegion': CONTEXT.allowedRegions.split(',') },
      });
    }
  });
});
