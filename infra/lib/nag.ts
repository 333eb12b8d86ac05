import { NagSuppressions } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export interface Acknowledgement {
  /** e.g. `AwsSolutions-IAM5` */
  id: string;
  /** Why the finding is acceptable here: specific, at least 20 characters. */
  reason: string;
  /** Limit to these findings (e.g. `Resource::*`, or `{ regex: '/^Resource::arn:.*$/g' }`). */
  appliesTo?: (string | { regex: string })[];
}

export const MIN_REASON_LENGTH = 20;

/**
 * The one way Airlock acknowledges a cdk-nag finding: on a construct (and its children), with a written reason.
 * A reason shorter than MIN_REASON_LENGTH fails synth.
 */
export function acknowledge(scope: IConstruct, acknowledgements: readonly Acknowledgement[]): void {
  for (const a of acknowledgements) {
    if (a.reason.trim().length < MIN_REASON_LENGTH) {
      throw new Error(
        `airlock: cdk-nag acknowledgement ${a.id} on ${scope.node.path} needs a specific reason`,
      );
    }
  }
  NagSuppressions.addResourceSuppressions(
    scope,
    acknowledgements.map((a) => ({
      id: a.id,
      reason: a.reason,
      ...(a.appliesTo ? { appliesTo: a.appliesTo } : {}),
    })),
    true,
  );
}

/** IAM5 for the `Resource: "*"` statements of STAR_REQUIRED actions and for account-scoped ARN wildcards. */
export const IAM5_STAR: Acknowledgement = {
  id: 'AwsSolutions-IAM5',
  reason:
    'Resource "*" only for actions IAM cannot scope (Describe*/List*, X-Ray, log delivery): each is listed with its reason in STAR_REQUIRED, infra/lib/iam-policy.ts, and bound to the allowed regions',
  appliesTo: ['Resource::*'],
};

export const IAM5_TARGET_ARNS: Acknowledgement = {
  id: 'AwsSolutions-IAM5',
  reason:
    'The incident target (instance, volume, role, bucket …) is only known when a finding arrives: ARNs are scoped to the account and resource type (SCOPED in infra/lib/iam-policy.ts) and to the allowed regions by condition',
  appliesTo: [
    {
      regex:
        '/^Resource::arn:<AWS::Partition>:(ec2|iam|s3|autoscaling|elasticloadbalancing|ssm|securityhub):.*\\*.*$/g',
    },
  ],
};
