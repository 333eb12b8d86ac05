import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { deliveryOptions } from './finding-rules';

/**
 * Log lines that mean Slack is not hearing from Airlock, whatever the function's own status: each becomes a metric
 * (namespace `Airlock`) through a metric filter on every Slack-facing function's log group, and one alarm.
 * The phrases are the ones the code logs (bot/tasks/notify.ts, bot/deferred.ts; bot/secrets.ts SECRET_NOT_SET).
 */
export const LOG_LINE_ALARMS = [
  {
    id: 'SlackNotificationLost',
    phrase: 'Slack notification lost',
    description:
      'Airlock: a Slack notification was lost (its retries ran out, or a deferred answer could not reach response_url): see the function logs',
  },
  {
    id: 'SlackSecretNotSet',
    phrase: 'Slack secret not set: see DEPLOY.md step 3',
    description: 'Airlock: the Slack secret has no value, so nothing reaches Slack (docs/DEPLOY.md step 3)',
  },
] as const;

export const LOG_LINE_NAMESPACE = 'Airlock';

export interface OperationsProps {
  /** @default none */
  readonly alarmEmail?: string;
}

/**
 * How Airlock tells operators it is unwell: an encrypted SNS topic (TLS only) for alarms, the shared EventBridge
 * dead-letter queue (encrypted, TLS only) with an alarm on its depth, alarms on every function's Errors and
 * Throttles, alarms on failed / timed-out / aborted executions, and a rule that posts a failed execution to Slack
 * through the Notify task (`{"incidentId": <execution name>, "phase": "failed"}`).
 */
export class Operations extends Construct {
  readonly topic: sns.Topic;
  readonly deadLetterQueue: sqs.Queue;
  private readonly action: actions.SnsAction;

  constructor(scope: Construct, id: string, props: OperationsProps = {}) {
    super(scope, id);
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Airlock alarm topic',
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Airlock alarms',
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    this.action = new actions.SnsAction(this.topic);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.alarm(
      'DeadLetterQueueDepth',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      'Airlock: events could not be delivered to intake / Notify (see the dead-letter queue)',
      0,
      cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    );
  }

  /** Errors and Throttles alarms for one function. */
  watchFunction(name: string, fn: lambda.IFunction): void {
    this.alarm(
      `${name}Errors`,
      fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      `Airlock: ${name} errors`,
    );
    this.alarm(
      `${name}Throttles`,
      fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      `Airlock: ${name} throttled`,
    );
  }

  /**
   * Metric filters for LOG_LINE_ALARMS on one function's log group. The filters of every watched group feed the
   * same metric, so each phrase has one alarm (created with the first group).
   */
  watchLogLines(name: string, logGroup: logs.ILogGroup): void {
    for (const line of LOG_LINE_ALARMS) {
      const filter = new logs.MetricFilter(this, `${name}${line.id}Filter`, {
        logGroup,
        filterPattern: logs.FilterPattern.literal(`"${line.phrase}"`),
        metricNamespace: LOG_LINE_NAMESPACE,
        metricName: line.id,
        metricValue: '1',
      });
      if (!this.node.tryFindChild(line.id)) {
        this.alarm(
          line.id,
          filter.metric({ period: Duration.minutes(5), statistic: 'Sum' }),
          line.description,
        );
      }
    }
  }

  /** Alarms on failed, timed-out and aborted executions, and the failure notice to Slack. */
  watchStateMachine(stateMachine: sfn.IStateMachine, notify: lambda.IFunction): events.Rule {
    const period = { period: Duration.minutes(5), statistic: 'Sum' };
    this.alarm('ExecutionsFailed', stateMachine.metricFailed(period), 'Airlock: executions failed');
    this.alarm('ExecutionsTimedOut', stateMachine.metricTimedOut(period), 'Airlock: executions timed out');
    this.alarm('ExecutionsAborted', stateMachine.metricAborted(period), 'Airlock: executions aborted');
    return new events.Rule(this, 'ExecutionFailedRule', {
      description: 'Airlock: a failed, timed-out or aborted execution is posted to Slack by the Notify task',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
          stateMachineArn: [stateMachine.stateMachineArn],
        },
      },
      targets: [
        new targets.LambdaFunction(notify, {
          ...deliveryOptions(this.deadLetterQueue),
          event: events.RuleTargetInput.fromObject({
            incidentId: events.EventField.fromPath('$.detail.name'),
            phase: 'failed',
          }),
        }),
      ],
    });
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    description: string,
    threshold = 1,
    comparisonOperator = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      comparisonOperator,
      evaluationPeriods: 1,
      alarmDescription: description,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    return alarm;
  }
}
