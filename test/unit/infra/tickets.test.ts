import type { CfnElement } from 'aws-cdk-lib';
import type { AirlockStack } from '../../../infra/lib/airlock-stack';
import { checkAirlockContext, parseAirlockContext } from '../../../infra/lib/config';
import { TASK_KEYS, TASKS, type TaskKey } from '../../../workflow/tasks/catalog';
import { CONTEXT, nagFindings, synthIrStack } from './synth';
import { actionsOf, resourcesOf, roleStatements, type TemplateJson } from './template';

const JIRA = {
  sink: 'jira',
  jira: { baseUrl: 'https://acme.atlassian.net', projectKey: 'SEC', statuses: { unresolved: 'Escalated' } },
};

const logicalId = (stack: AirlockStack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

function envOf(stack: AirlockStack, t: TemplateJson, key: TaskKey): Record<string, unknown> {
  const fn = t.Resources[logicalId(stack, stack.functions[key].function)];
  return ((fn?.Properties?.Environment as { Variables: Record<string, unknown> }) ?? { Variables: {} })
    .Variables;
}

function secretReaders(stack: AirlockStack, t: TemplateJson, secretId: string): TaskKey[] {
  return TASK_KEYS.filter((key) => {
    const role = logicalId(stack, stack.functions[key].role as never);
    return roleStatements(t, role).some(
      (s) =>
        actionsOf(s).includes('secretsmanager:GetSecretValue') &&
        resourcesOf(s).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: secretId })),
    );
  });
}

const TICKET_TASKS = TASK_KEYS.filter((k) => (TASKS[k] as { tickets?: true }).tickets);

describe('tickets in the IR stack', () => {
  it('declares the ticket tasks in the catalog: OpenTicket and UpdateTicket', () => {
    expect(TICKET_TASKS).toEqual(['OpenTicket', 'UpdateTicket']);
  });

  it('by default (ledger sink): no ticket secret; the ticket tasks get TICKETS only', () => {
    const { stack, template } = synthIrStack();
    const t = template.toJSON() as TemplateJson;
    const secrets = Object.values(t.Resources).filter((r) => r.Type === 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(1); // the Slack secret
    for (const key of TICKET_TASKS) {
      expect(envOf(stack, t, key).TICKETS).toBe('{"sink":"ledger"}');
      expect(envOf(stack, t, key)).not.toHaveProperty('TICKET_SECRET_ARN');
    }
    for (const key of TASK_KEYS.filter((k) => !TICKET_TASKS.includes(k))) {
      expect(envOf(stack, t, key)).not.toHaveProperty('TICKETS');
    }
  });

  it('with the Jira sink: one empty secret, readable by exactly OpenTicket and UpdateTicket, named in their env', () => {
    const { stack, template } = synthIrStack({ ...CONTEXT, tickets: JSON.stringify(JIRA) });
    const t = template.toJSON() as TemplateJson;
    const secrets = Object.entries(t.Resources).filter(
      ([, r]) =>
        r.Type === 'AWS::SecretsManager::Secret' && String(r.Properties?.Description).includes('Jira'),
    );
    expect(secrets).toHaveLength(1);
    const [secretId, secret] = secrets[0] as [string, { Properties?: Record<string, unknown> }];
    expect(secret.Properties).not.toHaveProperty('GenerateSecretString');

    expect(secretReaders(stack, t, secretId)).toEqual(['OpenTicket', 'UpdateTicket']);
    // Not the bot, not intake either.
    const others = Object.values(t.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) => JSON.stringify(r.Properties).includes(`"Ref":"${secretId}"`));
    expect(others).toHaveLength(2);
    for (const key of TICKET_TASKS) {
      const env = envOf(stack, t, key);
      expect(env.TICKET_SECRET_ARN).toEqual({ Ref: secretId });
      expect(JSON.parse(String(env.TICKETS))).toMatchObject({
        sink: 'jira',
        jira: {
          baseUrl: 'https://acme.atlassian.net',
          projectKey: 'SEC',
          issueType: 'Task',
          statuses: { resolved: 'Done', restored: 'Done', unresolved: 'Escalated', failed: 'In Progress' },
          severity: { field: 'priority' },
        },
      });
    }
    for (const key of TASK_KEYS.filter((k) => !TICKET_TASKS.includes(k))) {
      expect(envOf(stack, t, key)).not.toHaveProperty('TICKET_SECRET_ARN');
    }
    expect(t.Outputs?.TicketSecretArn?.Value).toEqual({ Ref: secretId });
    expect(nagFindings(stack).errors).toEqual([]);
  });

  it("links the thread with the stack's slackWorkspaceUrl (the one pages use) unless the Jira settings name their own", () => {
    const shared = synthIrStack({
      ...CONTEXT,
      tickets: JSON.stringify(JIRA),
      slackWorkspaceUrl: 'https://acme.slack.com',
    });
    const own = synthIrStack({
      ...CONTEXT,
      tickets: JSON.stringify({
        ...JIRA,
        jira: { ...JIRA.jira, slackWorkspaceUrl: 'https://other.slack.com' },
      }),
      slackWorkspaceUrl: 'https://acme.slack.com',
    });
    const ticketsOf = (s: ReturnType<typeof synthIrStack>) =>
      JSON.parse(String(envOf(s.stack, s.template.toJSON() as TemplateJson, 'OpenTicket').TICKETS));
    expect(ticketsOf(shared).jira.slackWorkspaceUrl).toBe('https://acme.slack.com');
    expect(ticketsOf(own).jira.slackWorkspaceUrl).toBe('https://other.slack.com');
  });
});

describe('ticket configuration, validated at deploy time', () => {
  const errorsOf = (tickets: unknown) => {
    const result = checkAirlockContext({ ...CONTEXT, tickets });
    return 'errors' in result ? result.errors : [];
  };

  it('defaults to the ledger sink, and takes the object from cdk.json or a -c JSON string alike', () => {
    expect(parseAirlockContext({ ...CONTEXT }).tickets).toEqual({ sink: 'ledger' });
    expect(parseAirlockContext({ ...CONTEXT, tickets: JIRA }).tickets).toEqual(
      parseAirlockContext({ ...CONTEXT, tickets: JSON.stringify(JIRA) }).tickets,
    );
  });

  it('rejects a Jira sink without its settings, naming each missing field', () => {
    expect(errorsOf({ sink: 'jira', jira: {} })).toEqual([
      expect.stringMatching(/^airlock: context value 'tickets\.jira\.baseUrl' is invalid/),
      expect.stringMatching(/^airlock: context value 'tickets\.jira\.projectKey' is invalid/),
    ]);
  });

  it('rejects a non-https base URL, a base URL with an API path, and a malformed project key', () => {
    expect(errorsOf({ sink: 'jira', jira: { ...JIRA.jira, baseUrl: 'http://acme.atlassian.net' } })).toEqual([
      expect.stringMatching(/'tickets\.jira\.baseUrl' is invalid: must be an https:\/\/ site URL/),
    ]);
    expect(errorsOf({ sink: 'jira', jira: { ...JIRA.jira, baseUrl: 'http://127.0.0.1:8080' } })).toEqual([
      expect.stringMatching(/'tickets\.jira\.baseUrl' is invalid: jira\.baseUrl must be https:\/\//),
    ]);
    expect(
      errorsOf({ sink: 'jira', jira: { ...JIRA.jira, baseUrl: 'https://acme.atlassian.net/rest/api/3' } }),
    ).toEqual([expect.stringMatching(/'tickets\.jira\.baseUrl' is invalid: is the bare site URL/)]);
    expect(errorsOf({ sink: 'jira', jira: { ...JIRA.jira, projectKey: 'sec ops' } })).toEqual([
      expect.stringMatching(/'tickets\.jira\.projectKey' is invalid: a Jira project key/),
    ]);
  });

  it('rejects an unknown sink, an unknown outcome in the status map, an empty status, a bad severity field', () => {
    expect(errorsOf({ sink: 'servicenow' })).toEqual([expect.stringMatching(/'tickets\.sink' is invalid/)]);
    expect(errorsOf({ sink: 'jira', jira: { ...JIRA.jira, statuses: { closed: 'Done' } } })).toEqual([
      expect.stringMatching(/'tickets\.jira\.statuses' is invalid/),
    ]);
    expect(errorsOf({ sink: 'jira', jira: { ...JIRA.jira, statuses: { resolved: ' ' } } })).toEqual([
      expect.stringMatching(/'tickets\.jira\.statuses\.resolved' is invalid/),
    ]);
    expect(
      errorsOf({ sink: 'jira', jira: { ...JIRA.jira, severity: { field: 'customfield_10042' } } }),
    ).toEqual([expect.stringMatching(/'tickets\.jira\.severity\.field' is invalid/)]);
  });

  it('rejects tickets that are not JSON', () => {
    expect(errorsOf('{sink: jira')).toEqual([
      expect.stringMatching(/^airlock: context value 'tickets' is invalid/),
    ]);
  });
});
