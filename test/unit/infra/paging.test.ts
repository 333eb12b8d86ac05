import type { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { AirlockStack } from '../../../infra/lib/airlock-stack';
import { checkAirlockContext } from '../../../infra/lib/config';
import { TASK_KEYS } from '../../../workflow/tasks/catalog';
import { CONTEXT, nagFindings, synthIrStack } from './synth';

/** Paging (PagerDuty): the routing key secret, readable by the Page function only, and its configuration. */

const SECRET = 'arn:aws:secretsmanager:eu-west-1:999999999999:secret:airlock/pagerduty-AbC123';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Sid?: string };
type Resource = { Type: string; Properties: Record<string, unknown> };

function inspect(stack: AirlockStack, template: Template) {
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const id = (c: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(c.node.defaultChild as CfnElement);
  const envOf = (c: { node: { defaultChild?: unknown } }) =>
    (
      (resources[id(c)]?.Properties.Environment as { Variables: Record<string, unknown> }) ?? {
        Variables: {},
      }
    ).Variables;
  /** Every (role logical id, statement) granting secretsmanager:GetSecretValue. */
  const secretReads = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((r) =>
      (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement.filter(
        (s) => s.Effect === 'Allow' && [s.Action].flat().includes('secretsmanager:GetSecretValue'),
      ).flatMap((s) =>
        (r.Properties.Roles as { Ref: string }[]).map((role) => ({ role: role.Ref, statement: s })),
      ),
    );
  return { id, envOf, secretReads };
}

describe('paging configured (pagerDutyRoutingKeySecretArn)', () => {
  const { stack, template } = synthIrStack({
    ...CONTEXT,
    pagerDutyRoutingKeySecretArn: SECRET,
    pagerDutyEventsUrl: 'https://events.eu.pagerduty.com',
    slackWorkspaceUrl: 'https://acme.slack.com',
  });
  const { id, envOf, secretReads } = inspect(stack, template);

  it('grants GetSecretValue on exactly that secret ARN to exactly the Page function', () => {
    const paging = secretReads.filter((r) => JSON.stringify(r.statement.Resource).includes('pagerduty'));
    expect(paging).toEqual([
      {
        role: id(stack.functions.Page.role as never),
        statement: expect.objectContaining({ Sid: 'ReadPagerDutyRoutingKey', Resource: SECRET }),
      },
    ]);
    expect([paging[0]?.statement.Action].flat()).toEqual(['secretsmanager:GetSecretValue']);
    // The Page function reads no other secret (not the Slack one).
    expect(secretReads.filter((r) => r.role === id(stack.functions.Page.role as never))).toHaveLength(1);
  });

  it('tells only the Page function where the key is and which host to send to; the bot says paging is on', () => {
    expect(envOf(stack.functions.Page.function)).toMatchObject({
      PAGING_SECRET_ARN: SECRET,
      PAGERDUTY_EVENTS_URL: 'https://events.eu.pagerduty.com',
      SLACK_WORKSPACE_URL: 'https://acme.slack.com',
    });
    for (const key of TASK_KEYS.filter((k) => k !== 'Page'))
      expect(envOf(stack.functions[key].function)).not.toHaveProperty('PAGING_SECRET_ARN');
    expect(envOf(stack.bot.function)).toMatchObject({ PAGING: 'pagerduty' });
    expect(envOf(stack.bot.function)).not.toHaveProperty('PAGING_SECRET_ARN');
  });

  it('adds no cdk-nag finding', () => {
    expect(nagFindings(stack)).toEqual({ errors: [], warnings: [] });
  });
});

describe('paging off (the default)', () => {
  const { stack, template } = synthIrStack();
  const { id, envOf, secretReads } = inspect(stack, template);

  it('the Page function reads no secret and has no paging environment; the bot says paging is off', () => {
    expect(secretReads.filter((r) => r.role === id(stack.functions.Page.role as never))).toEqual([]);
    expect(envOf(stack.functions.Page.function)).not.toHaveProperty('PAGING_SECRET_ARN');
    expect(envOf(stack.bot.function)).toMatchObject({ PAGING: 'off' });
  });
});

describe('paging configuration is checked at deploy time, one clear error per problem', () => {
  const errorsOf = (extra: Record<string, unknown>) => {
    const result = checkAirlockContext({ ...CONTEXT, ...extra });
    return 'errors' in result ? result.errors : [];
  };

  it('accepts the complete ARN, the US and EU hosts, and no value at all', () => {
    expect(errorsOf({ pagerDutyRoutingKeySecretArn: SECRET })).toEqual([]);
    expect(errorsOf({ pagerDutyEventsUrl: 'https://events.pagerduty.com' })).toEqual([]);
    expect(errorsOf({ pagerDutyEventsUrl: 'https://events.eu.pagerduty.com' })).toEqual([]);
    expect(errorsOf({ pagerDutyRoutingKeySecretArn: '' })).toEqual([]);
  });

  it.each([
    [
      'a partial ARN (no six-character suffix)',
      { pagerDutyRoutingKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:999999999999:secret:pd' },
      /'pagerDutyRoutingKeySecretArn' is invalid: the complete secret ARN/,
    ],
    [
      'the routing key itself where the ARN goes',
      { pagerDutyRoutingKeySecretArn: 'R0123456789abcdef0123456789abcde' },
      /'pagerDutyRoutingKeySecretArn' is invalid/,
    ],
    [
      'an ARN of another service',
      { pagerDutyRoutingKeySecretArn: 'arn:aws:ssm:eu-west-1:999999999999:parameter/pd-AbC123' },
      /'pagerDutyRoutingKeySecretArn' is invalid: a Secrets Manager secret ARN/,
    ],
    [
      "a secret in another account than Airlock's",
      { pagerDutyRoutingKeySecretArn: SECRET.replace('999999999999', '111111111111') },
      /the secret is in account 111111111111, not in Airlock's own account 999999999999/,
    ],
    [
      'an http events URL',
      { pagerDutyEventsUrl: 'http://events.pagerduty.com' },
      /'pagerDutyEventsUrl' is invalid: an https URL/,
    ],
    [
      'a workspace URL that is not Slack',
      { slackWorkspaceUrl: 'https://example.com' },
      /'slackWorkspaceUrl' is invalid/,
    ],
  ])('rejects %s', (_name, extra, message) => {
    const errors = errorsOf(extra);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });
});
