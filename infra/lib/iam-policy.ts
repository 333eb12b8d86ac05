import { Aws, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CAPTURE_DOCUMENT_NAME } from '../../workflow/domain/ec2/capture-document';

/**
 * Least-privilege IAM for the catalog's actions (workflow/tasks/catalog.ts), in one place.
 *
 * Every action either has resource ARN patterns below (scoped to an account, and to regions through
 * `aws:RequestedRegion`), or is listed in STAR_REQUIRED with the reason IAM needs `Resource: "*"` for it.
 * An action in neither table fails synth, so a new catalog action cannot slip through unscoped.
 */

/**
 * Actions that REQUIRE `Resource: "*"`, with the reason. A template test asserts that `"*"` appears only for these.
 * (Service Authorization Reference: an action with no resource type in its table accepts only `*`.)
 */
export const STAR_REQUIRED: Readonly<Record<string, string>> = {
  'ec2:DescribeInstances': 'EC2 Describe* APIs support no resource-level permissions',
  'ec2:DescribeInstanceAttribute':
    'EC2 Describe* family: resource-level support is not relied on (read-only; region-bound by condition)',
  'ec2:DescribeIamInstanceProfileAssociations': 'EC2 Describe* APIs support no resource-level permissions',
  'ec2:DescribeAddresses': 'EC2 Describe* APIs support no resource-level permissions',
  'ec2:DescribeVolumes': 'EC2 Describe* APIs support no resource-level permissions',
  'ec2:DescribeSecurityGroups': 'EC2 Describe* APIs support no resource-level permissions',
  'ec2:DescribeVpcEndpoints': 'EC2 Describe* APIs support no resource-level permissions',
  'ec2:DescribeNetworkInterfaces': 'EC2 Describe* APIs support no resource-level permissions',
  'ec2:DescribeSnapshots': 'EC2 Describe* APIs support no resource-level permissions',
  'ec2:DescribeSubnets': 'EC2 Describe* APIs support no resource-level permissions',
  'ec2:DescribeNetworkAcls': 'EC2 Describe* APIs support no resource-level permissions',
  'ec2:DescribeLockedSnapshots': 'EC2 Describe* APIs support no resource-level permissions',
  'ec2:DescribeInstanceTypes': 'EC2 Describe* APIs support no resource-level permissions',
  'autoscaling:DescribeAutoScalingInstances':
    'Auto Scaling Describe* APIs support no resource-level permissions',
  'elasticloadbalancing:DescribeTargetGroups': 'ELBv2 Describe* APIs support no resource-level permissions',
  'elasticloadbalancing:DescribeTargetHealth': 'ELBv2 Describe* APIs support no resource-level permissions',
  'ssm:DescribeInstanceInformation': 'SSM DescribeInstanceInformation supports no resource-level permissions',
  'ssm:ListCommands': 'SSM ListCommands supports no resource-level permissions',
  'ssm:GetCommandInvocation': 'SSM GetCommandInvocation supports no resource-level permissions',
  'xray:PutTraceSegments': 'X-Ray write APIs support no resource-level permissions (tracing ACTIVE)',
  'xray:PutTelemetryRecords': 'X-Ray write APIs support no resource-level permissions (tracing ACTIVE)',
  'xray:GetSamplingRules':
    'X-Ray sampling APIs support no resource-level permissions (state machine tracing)',
  'xray:GetSamplingTargets':
    'X-Ray sampling APIs support no resource-level permissions (state machine tracing)',
  'logs:CreateLogDelivery':
    'CloudWatch Logs vended-log delivery APIs (state machine logging) accept only "*"',
  'logs:GetLogDelivery': 'CloudWatch Logs vended-log delivery APIs (state machine logging) accept only "*"',
  'logs:UpdateLogDelivery':
    'CloudWatch Logs vended-log delivery APIs (state machine logging) accept only "*"',
  'logs:DeleteLogDelivery':
    'CloudWatch Logs vended-log delivery APIs (state machine logging) accept only "*"',
  'logs:ListLogDeliveries':
    'CloudWatch Logs vended-log delivery APIs (state machine logging) accept only "*"',
  'logs:PutResourcePolicy':
    'CloudWatch Logs vended-log delivery APIs (state machine logging) accept only "*"',
  'logs:DescribeResourcePolicies':
    'CloudWatch Logs vended-log delivery APIs (state machine logging) accept only "*"',
  'states:SendTaskSuccess':
    'No resource type in the Step Functions Service Authorization Reference (list_awsstepfunctions.html): only "*" is accepted; the single-use task token is the scope',
  'states:SendTaskFailure':
    'No resource type in the Step Functions Service Authorization Reference (list_awsstepfunctions.html): only "*" is accepted; the single-use task token is the scope',
  'logs:DescribeLogGroups':
    'CloudWatch Logs vended-log delivery APIs (state machine logging) accept only "*"',
};

/** Where the ARN patterns are instantiated: one account, any region (regions are bound by condition). */
export interface ArnScope {
  /** Account id (literal or token, e.g. `Aws.ACCOUNT_ID`). */
  account: string;
  /** @default Aws.PARTITION */
  partition?: string;
}

type ArnPattern = (s: Required<ArnScope>) => string;

const ec2 =
  (type: string): ArnPattern =>
  ({ partition, account }) =>
    `arn:${partition}:ec2:*:${account}:${type}/*`;
/** Snapshots (like AMIs) have no account in their ARN. */
const ec2Snapshot: ArnPattern = ({ partition }) => `arn:${partition}:ec2:*::snapshot/*`;
const iamArn =
  (type: string): ArnPattern =>
  ({ partition, account }) =>
    `arn:${partition}:iam::${account}:${type}/*`;
/** S3 bucket ARNs carry no account: bound with `aws:ResourceAccount` instead. */
const s3Bucket: ArnPattern = ({ partition }) => `arn:${partition}:s3:::*`;

const INSTANCE = ec2('instance');
const VOLUME = ec2('volume');
const SECURITY_GROUP = ec2('security-group');
const SECURITY_GROUP_RULE = ec2('security-group-rule');
const NETWORK_INTERFACE = ec2('network-interface');
const ELASTIC_IP = ec2('elastic-ip');
const VPC = ec2('vpc');
const TAGGABLE = [INSTANCE, VOLUME, ec2Snapshot, SECURITY_GROUP, SECURITY_GROUP_RULE, NETWORK_INTERFACE];

/** Resource-scoped actions: the ARN patterns each one is granted on (Service Authorization Reference). */
export const SCOPED: Readonly<Record<string, readonly ArnPattern[]>> = {
  'ec2:GetConsoleOutput': [INSTANCE],
  'ec2:GetConsoleScreenshot': [INSTANCE],
  'ec2:CreateSecurityGroup': [SECURITY_GROUP, VPC],
  'ec2:AuthorizeSecurityGroupIngress': [SECURITY_GROUP, SECURITY_GROUP_RULE],
  'ec2:AuthorizeSecurityGroupEgress': [SECURITY_GROUP, SECURITY_GROUP_RULE],
  'ec2:RevokeSecurityGroupEgress': [SECURITY_GROUP, SECURITY_GROUP_RULE],
  'ec2:CreateTags': TAGGABLE,
  'ec2:DeleteTags': TAGGABLE,
  'ec2:ModifyNetworkInterfaceAttribute': [NETWORK_INTERFACE, SECURITY_GROUP, INSTANCE],
  'ec2:ModifyInstanceAttribute': [INSTANCE, SECURITY_GROUP, VOLUME],
  'ec2:DisassociateAddress': [ELASTIC_IP, NETWORK_INTERFACE, INSTANCE],
  'ec2:AssociateAddress': [ELASTIC_IP, NETWORK_INTERFACE, INSTANCE],
  'ec2:CreateSnapshot': [ec2Snapshot, VOLUME],
  'ec2:LockSnapshot': [ec2Snapshot],
  'ec2:DescribeSnapshotAttribute': [ec2Snapshot],
  'ec2:ModifySnapshotAttribute': [ec2Snapshot],
  'ec2:CopySnapshot': [ec2Snapshot],
  'ec2:CreateNetworkAclEntry': [ec2('network-acl')],
  'ec2:DeleteNetworkAclEntry': [ec2('network-acl')],
  'ec2:ReplaceNetworkAclEntry': [ec2('network-acl')],
  'ec2:CreateSnapshots': [ec2Snapshot, VOLUME, INSTANCE],
  'ec2:AssociateIamInstanceProfile': [INSTANCE],
  'ec2:ReplaceIamInstanceProfileAssociation': [INSTANCE],
  'ec2:DisassociateIamInstanceProfile': [INSTANCE],
  'iam:GetInstanceProfile': [iamArn('instance-profile')],
  'iam:ListRolePolicies': [iamArn('role')],
  'iam:GetRolePolicy': [iamArn('role')],
  'iam:PutRolePolicy': [iamArn('role')],
  'iam:DeleteRolePolicy': [iamArn('role')],
  'iam:ListAccessKeys': [iamArn('user')],
  'iam:ListUserPolicies': [iamArn('user')],
  'iam:GetUserPolicy': [iamArn('user')],
  'iam:PutUserPolicy': [iamArn('user')],
  'iam:DeleteUserPolicy': [iamArn('user')],
  'iam:UpdateAccessKey': [iamArn('user')],
  'autoscaling:DetachInstances': [
    ({ partition, account }) =>
      `arn:${partition}:autoscaling:*:${account}:autoScalingGroup:*:autoScalingGroupName/*`,
  ],
  'autoscaling:AttachInstances': [
    ({ partition, account }) =>
      `arn:${partition}:autoscaling:*:${account}:autoScalingGroup:*:autoScalingGroupName/*`,
  ],
  'elasticloadbalancing:DeregisterTargets': [
    ({ partition, account }) => `arn:${partition}:elasticloadbalancing:*:${account}:targetgroup/*/*`,
  ],
  'elasticloadbalancing:RegisterTargets': [
    ({ partition, account }) => `arn:${partition}:elasticloadbalancing:*:${account}:targetgroup/*/*`,
  ],
  // SendCommand's resource types are document, instance, managed-instance and bucket (Service Authorization
  // Reference, https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html):
  // granting only the stack-owned capture document (deployed in every region by the stacks) means no free shell.
  'ssm:SendCommand': [
    INSTANCE,
    ({ partition, account }) => `arn:${partition}:ssm:*:${account}:document/${CAPTURE_DOCUMENT_NAME}`,
  ],
  's3:GetBucketPublicAccessBlock': [s3Bucket],
  's3:PutBucketPublicAccessBlock': [s3Bucket],
  'securityhub:BatchUpdateFindings': [
    ({ partition, account }) => `arn:${partition}:securityhub:*:${account}:hub/default`,
  ],
};

/** `iam:PassRole` is not in SCOPED: each caller says which role may be passed (see passRoleStatement). */
const PASS_ROLE = 'iam:PassRole';

/** Services whose requests are global (us-east-1) or STS: a region condition would wrongly deny them. */
const GLOBAL_SERVICES = new Set(['iam', 'sts']);

export interface PolicyScope extends ArnScope {
  /** Regions the actions may run in (`aws:RequestedRegion`); empty = any region. */
  regions: readonly string[];
  /**
   * The only instance profile Associate/ReplaceIamInstanceProfile may attach (`ec2:NewInstanceProfile`, EC2 Service
   * Authorization Reference, https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html).
   * Containment: the forensic profile. @default any profile (restore re-attaches the workload's own)
   */
  newInstanceProfileArn?: string;
}

/** Calls that attach an instance profile: bound to `newInstanceProfileArn` when one is given. */
const ATTACH_PROFILE = new Set([
  'ec2:AssociateIamInstanceProfile',
  'ec2:ReplaceIamInstanceProfileAssociation',
]);

function service(action: string): string {
  return action.split(':')[0] ?? action;
}

function regionCondition(actions: readonly string[], regions: readonly string[]) {
  if (!regions.length || actions.every((a) => GLOBAL_SERVICES.has(service(a)))) return undefined;
  return { StringEquals: { 'aws:RequestedRegion': [...regions] } };
}

/** Fails on an action Airlock does not know how to scope (neither SCOPED nor STAR_REQUIRED). */
export function assertKnownActions(actions: readonly string[]): void {
  const unknown = actions.filter((a) => a !== PASS_ROLE && !(a in SCOPED) && !(a in STAR_REQUIRED));
  if (unknown.length) {
    throw new Error(
      `airlock: no IAM scoping rule for ${unknown.join(', ')}: add it to SCOPED or STAR_REQUIRED in infra/lib/iam-policy.ts`,
    );
  }
}

/**
 * Least-privilege statements for `actions` (iam:PassRole excluded: see passRoleStatement):
 * one `Resource: "*"` statement for the STAR_REQUIRED ones, and one statement per distinct set of ARN patterns.
 */
export function statementsFor(actions: readonly string[], scope: PolicyScope): iam.PolicyStatement[] {
  assertKnownActions(actions);
  const full: Required<ArnScope> = { account: scope.account, partition: scope.partition ?? Aws.PARTITION };
  const wanted = [...new Set(actions)].filter((a) => a !== PASS_ROLE).sort();
  const statements: iam.PolicyStatement[] = [];

  const star = wanted.filter((a) => a in STAR_REQUIRED);
  if (star.length) {
    const condition = regionCondition(star, scope.regions);
    statements.push(
      new iam.PolicyStatement({
        sid: 'ReadOnlyNoResourceLevel',
        actions: star,
        resources: ['*'],
        ...(condition ? { conditions: condition } : {}),
      }),
    );
  }

  const groups = new Map<string, { actions: string[]; resources: string[] }>();
  for (const action of wanted.filter((a) => a in SCOPED)) {
    const resources = (SCOPED[action] ?? []).map((pattern) => pattern(full));
    const bound = scope.newInstanceProfileArn !== undefined && ATTACH_PROFILE.has(action);
    const key = `${service(action)}|${bound ? 'profile|' : ''}${resources.join('|')}`;
    const group = groups.get(key) ?? { actions: [], resources };
    group.actions.push(action);
    groups.set(key, group);
  }
  for (const { actions: grouped, resources } of groups.values()) {
    const svc = service(grouped[0] ?? '');
    const conditions: Record<string, Record<string, unknown>> = {
      ...regionCondition(grouped, scope.regions),
    };
    if (svc === 's3')
      conditions.StringEquals = { ...conditions.StringEquals, 'aws:ResourceAccount': full.account };
    if (scope.newInstanceProfileArn !== undefined && grouped.some((a) => ATTACH_PROFILE.has(a)))
      conditions.ArnEquals = { 'ec2:NewInstanceProfile': scope.newInstanceProfileArn };
    statements.push(
      new iam.PolicyStatement({
        actions: grouped,
        resources,
        ...(Object.keys(conditions).length ? { conditions } : {}),
      }),
    );
  }
  return statements;
}

/** `iam:PassRole` on exactly `roleArns`, only towards EC2 (instance profiles). */
export function passRoleStatement(roleArns: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [PASS_ROLE],
    resources: [...roleArns],
    conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
  });
}

/**
 * Explicit deny: a containment or restore role may never rewrite Airlock's own roles (PutRolePolicy on "any role"
 * would otherwise let it grant itself more), nor pass them to an instance. ARNs may contain `*`.
 */
export function denySelfModification(protectedRoleArns: {
  modify: readonly string[];
  pass: readonly string[];
}): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'DenyModifyingAirlockRoles',
      effect: iam.Effect.DENY,
      actions: [
        'iam:PutRolePolicy',
        'iam:DeleteRolePolicy',
        'iam:AttachRolePolicy',
        'iam:DetachRolePolicy',
        'iam:UpdateAssumeRolePolicy',
      ],
      resources: [...protectedRoleArns.modify],
    }),
    new iam.PolicyStatement({
      sid: 'DenyPassingAirlockRoles',
      effect: iam.Effect.DENY,
      actions: ['iam:PassRole'],
      resources: [...protectedRoleArns.pass],
    }),
  ];
}

/**
 * Explicit deny on roles tagged as protected (`aws:ResourceTag/<key>`: the IAM role resource type supports it). IAM
 * has no condition key on the inline policy's name or content, so PutRolePolicy cannot be limited to Airlock's
 * deny policies; this deny, and the one on Airlock's own roles, are what limits it (docs/DEPLOY.md, blast radius).
 */
export function denyProtectedRoles(account: string, tagKey: string, tagValue: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyModifyingProtectedRoles',
    effect: iam.Effect.DENY,
    actions: [
      'iam:PutRolePolicy',
      'iam:DeleteRolePolicy',
      'iam:AttachRolePolicy',
      'iam:DetachRolePolicy',
      'iam:UpdateAssumeRolePolicy',
      'iam:PassRole',
    ],
    resources: [`arn:${Aws.PARTITION}:iam::${account}:role/*`],
    conditions: { StringEquals: { [`aws:ResourceTag/${tagKey}`]: tagValue } },
  });
}

/**
 * The same explicit deny for users tagged as protected: their inline and managed policies (the user resource type
 * supports `aws:ResourceTag/<key>`: IAM User Guide, "Controlling access to and for IAM users and roles using tags").
 */
export function denyProtectedUsers(account: string, tagKey: string, tagValue: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyModifyingProtectedUsers',
    effect: iam.Effect.DENY,
    actions: ['iam:PutUserPolicy', 'iam:DeleteUserPolicy', 'iam:AttachUserPolicy', 'iam:DetachUserPolicy'],
    resources: [`arn:${Aws.PARTITION}:iam::${account}:user/*`],
    conditions: { StringEquals: { [`aws:ResourceTag/${tagKey}`]: tagValue } },
  });
}

/**
 * Snapshot custody `copy`, for the IR account's SnapshotVolumes role: CopySnapshot in its own account, and the KMS
 * calls EC2 makes on its behalf for an encrypted copy (EBS User Guide, "Permissions to use AWS KMS keys"): on the
 * IR key the copy is encrypted with, and on the member accounts' keys the shared sources are encrypted with
 * (their key policies must also allow the IR account). Only through EC2 (`kms:ViaService`).
 */
export function custodyCopyStatements(
  irKeyArn: string,
  memberAccounts: readonly string[],
): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'CustodyCopySnapshot',
      actions: ['ec2:CopySnapshot'],
      resources: [`arn:${Aws.PARTITION}:ec2:*::snapshot/*`],
    }),
    new iam.PolicyStatement({
      sid: 'CustodyCopyKeys',
      actions: [
        'kms:DescribeKey',
        'kms:CreateGrant',
        'kms:Decrypt',
        'kms:GenerateDataKeyWithoutPlaintext',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
      ],
      resources: [irKeyArn, ...memberAccounts.map((a) => `arn:${Aws.PARTITION}:kms:*:${a}:key/*`)],
      conditions: { StringLike: { 'kms:ViaService': 'ec2.*.amazonaws.com' } },
    }),
  ];
}

/** `sts:AssumeRole` on one named role in each account (never a wildcard account). */
export function assumeRoleStatement(accounts: readonly string[], roleName: string) {
  return new iam.PolicyStatement({
    sid: 'AssumeMemberRole',
    actions: ['sts:AssumeRole'],
    resources: accounts.map((a) => `arn:${Aws.PARTITION}:iam::${a}:role/${roleName}`),
  });
}

/** A role ARN in `account` built from its name (no token reference, so no dependency cycle). */
export function roleArn(account: string, roleName: string): string {
  return Fn.join('', ['arn:', Aws.PARTITION, ':iam::', account, ':role/', roleName]);
}

/** Read-only calls the Slack bot makes for `/ir isolate … --plan` (workflow/domain/ec2/plan.ts). */
export const PLANNER_ACTIONS: readonly string[] = [
  'ec2:DescribeInstances',
  'ec2:DescribeInstanceAttribute',
  'ec2:DescribeIamInstanceProfileAssociations',
  'ec2:DescribeAddresses',
  'ec2:DescribeVolumes',
  'iam:GetInstanceProfile',
  'iam:ListRolePolicies',
  'autoscaling:DescribeAutoScalingInstances',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
  'ssm:DescribeInstanceInformation',
];
