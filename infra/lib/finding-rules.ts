import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Security Hub severity labels and the lowest GuardDuty score each one covers the top of. */
const LABEL_UPPER_BOUND: readonly [string, number][] = [
  ['INFORMATIONAL', 0.9],
  ['LOW', 3.9],
  ['MEDIUM', 6.9],
  ['HIGH', 8.9],
  ['CRITICAL', 10],
];

/** Labels that can hold a finding with severity ≥ `min` (4 → MEDIUM, HIGH, CRITICAL). */
export function severityLabelsAtLeast(min: number): string[] {
  return LABEL_UPPER_BOUND.filter(([, upper]) => upper >= min).map(([label]) => label);
}

export const CUSTOM_ACTION_ID = 'AirlockContain';
export const CUSTOM_ACTION_NAME = 'Airlock: contain';

/**
 * What a member account forwards to the IR bus (AirlockResponderStack): every GuardDuty finding and every Security
 * Hub finding imported from GuardDuty. Severity and workflow filters stay on the IR rules.
 */
export const FINDING_PATTERNS: Readonly<Record<string, events.EventPattern>> = {
  GuardDuty: { source: ['aws.guardduty'], detailType: ['GuardDuty Finding'] },
  SecurityHub: {
    source: ['aws.securityhub'],
    detailType: ['Security Hub Findings - Imported'],
    detail: { findings: { ProductArn: events.Match.wildcard('*:product/aws/guardduty') } },
  },
};

/** EventBridge delivery settings shared by every Airlock rule target: bounded retries, then the DLQ. */
export function deliveryOptions(deadLetterQueue: sqs.IQueue) {
  return { deadLetterQueue, retryAttempts: 10, maxEventAge: Duration.hours(4) };
}

export interface FindingRulesProps {
  readonly intake: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
  /** Findings below this severity never reach intake (filtered in the event pattern). */
  readonly minSeverity: number;
  /** Security Hub rule and custom action. */
  readonly securityHub: boolean;
  readonly archiveRetentionDays: number;
  /**
   * Accounts whose finding events the rules accept: the home account (its own findings, and members' findings when
   * it is the delegated administrator) and the member accounts that forward to its bus.
   */
  readonly accounts: readonly string[];
}

/**
 * Findings in: GuardDuty (severity filtered in the pattern), Security Hub imported findings from GuardDuty, and the
 * Security Hub custom action "Airlock: contain". All go to intake (dedupe on the finding id absorbs a finding seen
 * through both), with retries and a DLQ. An archive keeps every finding event for the audit.
 */
export class FindingRules extends Construct {
  readonly guardDuty: events.Rule;
  readonly securityHubImported?: events.Rule;
  readonly customAction?: events.Rule;
  readonly actionTarget?: securityhub.CfnActionTarget;
  readonly archive: events.Archive;

  constructor(scope: Construct, id: string, props: FindingRulesProps) {
    super(scope, id);
    const target = new targets.LambdaFunction(props.intake, deliveryOptions(props.deadLetterQueue));

    this.guardDuty = new events.Rule(this, 'GuardDutyFindings', {
      description: `Airlock: GuardDuty findings with severity >= ${props.minSeverity}`,
      eventPattern: {
        account: [...props.accounts],
        source: ['aws.guardduty'],
        detailType: ['GuardDuty Finding'],
        detail: { severity: events.Match.greaterThanOrEqual(props.minSeverity) },
      },
      targets: [target],
    });

    if (props.securityHub) {
      this.securityHubImported = new events.Rule(this, 'SecurityHubGuardDutyFindings', {
        description: 'Airlock: new, active GuardDuty findings imported into Security Hub',
        eventPattern: {
          account: [...props.accounts],
          source: ['aws.securityhub'],
          detailType: ['Security Hub Findings - Imported'],
          detail: {
            findings: {
              ProductArn: events.Match.wildcard('*:product/aws/guardduty'),
              Severity: { Label: severityLabelsAtLeast(props.minSeverity) },
              Workflow: { Status: ['NEW'] },
              RecordState: ['ACTIVE'],
            },
          },
        },
        targets: [target],
      });

      this.actionTarget = new securityhub.CfnActionTarget(this, 'ContainAction', {
        id: CUSTOM_ACTION_ID,
        name: CUSTOM_ACTION_NAME,
        description: 'Send the selected findings to Airlock for containment (after Slack approval)',
      });
      this.customAction = new events.Rule(this, 'SecurityHubCustomAction', {
        description: `Airlock: Security Hub custom action "${CUSTOM_ACTION_NAME}"`,
        eventPattern: {
          account: [...props.accounts],
          source: ['aws.securityhub'],
          detailType: ['Security Hub Findings - Custom Action'],
          resources: [this.actionTarget.attrActionTargetArn],
        },
        targets: [target],
      });
    }

    this.archive = new events.Archive(this, 'FindingArchive', {
      sourceEventBus: events.EventBus.fromEventBusName(this, 'DefaultBus', 'default'),
      description: 'Airlock: every GuardDuty and Security Hub finding event, for the audit',
      eventPattern: { source: ['aws.guardduty', 'aws.securityhub'] },
      retention: Duration.days(props.archiveRetentionDays),
    });
  }
}
