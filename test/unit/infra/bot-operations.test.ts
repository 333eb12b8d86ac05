import { Match, type Template } from 'aws-cdk-lib/assertions';
import { SECRET_NOT_SET } from '../../../bot/secrets';
import { LOG_LINE_ALARMS } from '../../../infra/lib/operations';
import { TASK_KEYS, TASKS } from '../../../workflow/tasks/catalog';
import { CONTEXT, synthIrStack } from './synth';
import { actionsOf, ofType, resourcesOf, roleStatements, type TemplateJson } from './template';

let template: Template;
let t: TemplateJson;

beforeAll(() => {
  ({ template } = synthIrStack({ ...CONTEXT, slackTeamId: 'T0AIRLOCK', slackAppId: 'A0AIRLOCK1' }));
  t = template.toJSON() as TemplateJson;
});

/** The logical id of the function whose AIRLOCK_TASK is `task`. */
function functionId(task: string): string {
  const found = ofType(t, 'AWS::Lambda::Function').find(
    ([, r]) =>
      (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
        ?.AIRLOCK_TASK === task,
  );
  if (!found) throw new Error(`no function for ${task}`);
  return found[0];
}

function props(id: string): Record<string, unknown> {
  const properties = t.Resources[id]?.Properties;
  if (!properties) throw new Error(`no resource ${id}`);
  return properties;
}

function env(task: string): Record<string, unknown> {
  return (props(functionId(task)).Environment as { Variables: Record<string, unknown> }).Variables;
}

describe('the Slack bot in the template (issue 16 follow-ups)', () => {
  it('gives the bot function SLACK_TEAM_ID and SLACK_APP_ID from context, and none when unset', () => {
    expect(env('SlackBot')).toMatchObject({ SLACK_TEAM_ID: 'T0AIRLOCK', SLACK_APP_ID: 'A0AIRLOCK1' });
    const { template: plain } = synthIrStack(CONTEXT);
    const bot = ofType(plain.toJSON() as TemplateJson, 'AWS::Lambda::Function').find(([, r]) =>
      JSON.stringify(r.Properties?.Environment).includes('"AIRLOCK_TASK":"SlackBot"'),
    );
    expect(JSON.stringify(bot?.[1].Properties?.Environment)).not.toMatch(/SLACK_TEAM_ID|SLACK_APP_ID/);
  });

  it('lets the bot invoke itself (asynchronous deferred work) and nothing else, without retries', () => {
    const fn = functionId('SlackBot');
    const role = (props(fn).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const invoke = roleStatements(t, role).filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    expect(resourcesOf(invoke[0] as never)).toEqual([{ 'Fn::GetAtt': [fn, 'Arn'] }]);
    // No other role may invoke the bot.
    for (const [id] of ofType(t, 'AWS::IAM::Role')) {
      if (id === role) continue;
      for (const s of roleStatements(t, id)) {
        if (actionsOf(s).some((a) => a.startsWith('lambda:Invoke'))) {
          expect(JSON.stringify(resourcesOf(s))).not.toContain(fn);
        }
      }
    }
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fn },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 900,
    });
  });

  it('turns the ledger TTL on the `ttl` attribute the replay nonces carry', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });

  it('alarms on "Slack notification lost" and on the secret-not-set line in the bot and bot-task log groups', () => {
    expect(LOG_LINE_ALARMS.map((l) => l.phrase)).toContain(SECRET_NOT_SET);
    const botTasks = TASK_KEYS.filter((k) => TASKS[k].owner === 'bot');
    expect(botTasks.length).toBeGreaterThan(0);
    const filters = ofType(t, 'AWS::Logs::MetricFilter').map(([, r]) => r.Properties ?? {});
    const logGroupOf = (task: string) =>
      (props(functionId(task)).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    for (const task of ['SlackBot', ...botTasks]) {
      for (const line of LOG_LINE_ALARMS) {
        expect(filters).toContainEqual(
          expect.objectContaining({
            LogGroupName: { Ref: logGroupOf(task) },
            FilterPattern: `"${line.phrase}"`,
            MetricTransformations: [
              expect.objectContaining({ MetricNamespace: 'Airlock', MetricName: line.id, MetricValue: '1' }),
            ],
          }),
        );
      }
    }
    for (const line of LOG_LINE_ALARMS) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Airlock',
        MetricName: line.id,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
      });
    }
  });
});
