import { Stack } from 'aws-cdk-lib';
import {
  assertKnownActions,
  PLANNER_ACTIONS,
  passRoleStatement,
  SCOPED,
  STAR_REQUIRED,
  statementsFor,
} from '../../../infra/lib/iam-policy';
import { TASK_KEYS, TASKS } from '../../../workflow/tasks/catalog';

const stack = new Stack();
const resolve = (s: ReturnType<typeof statementsFor>) => s.map((x) => stack.resolve(x.toStatementJson()));

describe('least-privilege statements from catalog actions', () => {
  it('knows how to scope every action in the catalog (SCOPED, STAR_REQUIRED or PassRole)', () => {
    for (const key of TASK_KEYS) expect(() => assertKnownActions(TASKS[key].actions)).not.toThrow();
    expect(() => assertKnownActions(PLANNER_ACTIONS)).not.toThrow();
  });

  it('rejects an action it has no scoping rule for, naming the file to edit', () => {
    expect(() => statementsFor(['ec2:TerminateInstances'], { account: '123456789012', regions: [] })).toThrow(
      /no IAM scoping rule for ec2:TerminateInstances: add it to SCOPED or STAR_REQUIRED in infra\/lib\/iam-policy.ts/,
    );
  });

  it('gives every STAR_REQUIRED entry a reason, and never lists an action in both tables', () => {
    for (const [action, reason] of Object.entries(STAR_REQUIRED)) {
      expect(reason.length).toBeGreaterThanOrEqual(20);
      expect(SCOPED).not.toHaveProperty(action);
    }
  });

  it('puts only STAR_REQUIRED actions on "*", bound to the allowed regions', () => {
    const statements = resolve(
      statementsFor(TASKS.RecordPreState.actions, { account: '123456789012', regions: ['eu-west-1'] }),
    );
    const star = statements.filter((s) => s.Resource === '*');
    expect(star).toHaveLength(1);
    for (const action of [star[0].Action].flat()) expect(STAR_REQUIRED).toHaveProperty(action);
    expect(star[0].Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] } });
  });

  it('scopes instance actions to instance ARNs of the one account', () => {
    const statements = resolve(
      statementsFor(['ec2:GetConsoleOutput'], { account: '123456789012', regions: [] }),
    );
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({
      Action: 'ec2:GetConsoleOutput',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:*:123456789012:instance/*']] },
    });
    expect(statements[0].Condition).toBeUndefined();
  });

  it('binds bucket-level S3 actions to the account with aws:ResourceAccount (bucket ARNs carry none)', () => {
    const [statement] = resolve(
      statementsFor(TASKS.BlockBucketPublicAccess.actions, {
        account: '123456789012',
        regions: ['us-east-1'],
      }),
    );
    expect(statement.Condition).toEqual({
      StringEquals: { 'aws:RequestedRegion': ['us-east-1'], 'aws:ResourceAccount': '123456789012' },
    });
  });

  it('never puts a region condition on global IAM calls', () => {
    const statements = resolve(
      statementsFor(TASKS.ContainAccessKey.actions, { account: '123456789012', regions: ['eu-west-1'] }),
    );
    for (const s of statements) expect(s.Condition).toBeUndefined();
  });

  it('leaves iam:PassRole to an explicit statement limited to EC2', () => {
    const statements = resolve(
      statementsFor(TASKS.RevokeInstanceCredentials.actions, { account: '123456789012', regions: [] }),
    );
    expect(statements.flatMap((s) => [s.Action].flat())).not.toContain('iam:PassRole');
    expect(stack.resolve(passRoleStatement(['arn:aws:iam::123456789012:role/F']).toStatementJson())).toEqual({
      Action: 'iam:PassRole',
      Effect: 'Allow',
      Resource: 'arn:aws:iam::123456789012:role/F',
      Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    });
  });
});
