/**
 * Every Lambda function the state machine invokes, declared once.
 *
 * - The ASL refers to a function as `${<Key>FunctionArn}` (definitionSubstitutions in CDK,
 *   local ARNs offline). A test checks every Task state resolves to a key here.
 * - `entry` is the file CDK bundles (exporting `handler`) and the local engine runs (exporting `run`).
 * - `actions` is exactly what the function calls in the target account (least privilege: CDK grants
 *   these, scoped, and the member-account responder role holds their union).
 */
export interface TaskSpec {
  entry: string;
  /** 'workflow' tasks act on AWS; 'bot' tasks speak to Slack (they need the bot token secret). */
  owner: 'workflow' | 'bot';
  /** AWS actions in the target account, via the responder role when cross-account. */
  actions: readonly string[];
  /**
   * The evidence bucket: `write` anywhere under `incidents/` (evidence), `reports` writes only the incident
   * reports (`incidents/<id>/report/…`, with their Object Lock retention), `read-reports` reads them (by version).
   */
  evidenceBucket?: 'write' | 'reports' | 'read-reports';
  /** Called with `lambda:invoke.waitForTaskToken` (the Payload carries `taskToken`). */
  callback?: true;
  /** Talks to the ticket sink (given the ticket settings, and the ticket secret when the sink has one). */
  tickets?: true;
  /**
   * Lambda timeout in seconds (the ASL's TimeoutSeconds for the state is a little larger). Bot tasks: 60, room
   * for the post pacer's longest wait (SLACK_POST_PACE.maxWaitMs, 20 s) plus the Slack call's own retries.
   */
  timeoutSeconds: number;
}

/** Converging Airlock's per-VPC isolation groups (ensureIsolationGroups): PrepareIsolation and IsolateNetwork. */
const ISOLATION_GROUP_ACTIONS = [
  'ec2:DescribeSecurityGroups',
  'ec2:CreateSecurityGroup',
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:AuthorizeSecurityGroupEgress',
  'ec2:RevokeSecurityGroupEgress',
  'ec2:CreateTags',
  'ec2:DescribeVpcEndpoints',
] as const;

export const TASKS = {
  RecordPreState: {
    entry: 'workflow/tasks/record-pre-state.ts',
    owner: 'workflow',
    actions: [
      'ec2:DescribeInstances',
      'ec2:DescribeInstanceAttribute',
      'ec2:DescribeIamInstanceProfileAssociations',
      'ec2:DescribeAddresses',
      'ec2:DescribeVolumes',
      'ec2:GetConsoleOutput',
      'ec2:GetConsoleScreenshot',
      'ec2:DescribeInstanceTypes',
      'iam:GetInstanceProfile',
      'iam:ListRolePolicies',
      'autoscaling:DescribeAutoScalingInstances',
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetHealth',
    ],
    evidenceBucket: 'write',
    timeoutSeconds: 60,
  },
  CaptureVolatileEvidence: {
    entry: 'workflow/tasks/capture-volatile-evidence.ts',
    owner: 'workflow',
    actions: [
      'ssm:DescribeInstanceInformation',
      'ssm:SendCommand',
      'ssm:ListCommands',
      'ssm:GetCommandInvocation',
    ],
    // Signs the presigned PUT URLs the capture document uploads to, then lists and reads back what landed.
    evidenceBucket: 'write',
    timeoutSeconds: 180,
  },
  PrepareIsolation: {
    entry: 'workflow/tasks/prepare-isolation.ts',
    owner: 'workflow',
    // Airlock's own per-VPC groups only (describe, create, converge their rules); never an instance or an ENI.
    actions: [...ISOLATION_GROUP_ACTIONS],
    // Beside the capture, and the capture must not wait on it (the ASL state allows 35 s).
    timeoutSeconds: 30,
  },
  IsolateNetwork: {
    entry: 'workflow/tasks/isolate-network.ts',
    owner: 'workflow',
    actions: [
      ...ISOLATION_GROUP_ACTIONS,
      'ec2:DescribeNetworkInterfaces',
      'ec2:ModifyNetworkInterfaceAttribute',
      'ec2:DescribeSubnets',
      'ec2:DescribeNetworkAcls',
      'ec2:CreateNetworkAclEntry',
    ],
    timeoutSeconds: 60,
  },
  ProtectEvidence: {
    entry: 'workflow/tasks/protect-evidence.ts',
    owner: 'workflow',
    actions: [
      'ec2:DescribeInstances',
      'ec2:DescribeInstanceAttribute',
      'ec2:DescribeIamInstanceProfileAssociations',
      'ec2:DescribeAddresses',
      'iam:GetInstanceProfile',
      'iam:ListRolePolicies',
      'autoscaling:DescribeAutoScalingInstances',
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetHealth',
      'ec2:ModifyInstanceAttribute',
      'ec2:DisassociateAddress',
      'autoscaling:DetachInstances',
      'elasticloadbalancing:DeregisterTargets',
    ],
    timeoutSeconds: 60,
  },
  SnapshotVolumes: {
    entry: 'workflow/tasks/snapshot-volumes.ts',
    owner: 'workflow',
    actions: [
      'ec2:DescribeSnapshots',
      'ec2:DescribeInstances',
      'ec2:CreateSnapshots',
      'ec2:CreateSnapshot',
      'ec2:CreateTags',
      'ec2:DescribeLockedSnapshots',
      'ec2:LockSnapshot',
      // custody `copy`: share each snapshot with the IR account (the copy itself is made by the IR account's role)
      'ec2:DescribeSnapshotAttribute',
      'ec2:ModifySnapshotAttribute',
    ],
    timeoutSeconds: 30,
  },
  TagInstance: {
    entry: 'workflow/tasks/tag-instance.ts',
    owner: 'workflow',
    actions: ['ec2:DescribeInstances', 'ec2:CreateTags'],
    timeoutSeconds: 30,
  },
  RevokeInstanceCredentials: {
    entry: 'workflow/tasks/revoke-instance-credentials.ts',
    owner: 'workflow',
    actions: [
      'ec2:DescribeIamInstanceProfileAssociations',
      'ec2:ReplaceIamInstanceProfileAssociation',
      'ec2:AssociateIamInstanceProfile',
      'ec2:DescribeInstances',
      'iam:GetInstanceProfile',
      'iam:ListRolePolicies',
      'iam:GetRolePolicy',
      'iam:PutRolePolicy',
      'iam:PassRole',
    ],
    timeoutSeconds: 60,
  },
  OpenTicket: {
    entry: 'workflow/tasks/open-ticket.ts',
    owner: 'workflow',
    actions: [],
    tickets: true,
    timeoutSeconds: 30,
  },
  UpdateTicket: {
    entry: 'workflow/tasks/update-ticket.ts',
    owner: 'workflow',
    // The ticket's comment and status (Jira through its API; the ledger sink writes the ledger only).
    actions: [],
    tickets: true,
    timeoutSeconds: 30,
  },
  RestoreEc2: {
    entry: 'workflow/tasks/restore-ec2.ts',
    owner: 'workflow',
    actions: [
      'ec2:DescribeInstances',
      'ec2:DescribeInstanceAttribute',
      'ec2:DescribeIamInstanceProfileAssociations',
      'ec2:DescribeAddresses',
      'ec2:DescribeNetworkInterfaces',
      'ec2:ModifyNetworkInterfaceAttribute',
      'ec2:DescribeNetworkAcls',
      'ec2:DeleteNetworkAclEntry',
      'ec2:ModifyInstanceAttribute',
      'ec2:AssociateAddress',
      'ec2:ReplaceIamInstanceProfileAssociation',
      'ec2:AssociateIamInstanceProfile',
      'ec2:DisassociateIamInstanceProfile',
      'ec2:CreateTags',
      'ec2:DeleteTags',
      'iam:GetInstanceProfile',
      'iam:ListRolePolicies',
      'autoscaling:DescribeAutoScalingInstances',
      'autoscaling:AttachInstances',
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetHealth',
      'elasticloadbalancing:RegisterTargets',
      'iam:GetRolePolicy',
      'iam:DeleteRolePolicy',
      'iam:PassRole',
    ],
    timeoutSeconds: 120,
  },
  ContainAccessKey: {
    entry: 'workflow/tasks/contain-access-key.ts',
    owner: 'workflow',
    actions: [
      'iam:ListAccessKeys',
      'iam:UpdateAccessKey',
      'iam:ListRolePolicies',
      'iam:GetRolePolicy',
      'iam:PutRolePolicy',
      'iam:ListUserPolicies',
      'iam:GetUserPolicy',
      'iam:PutUserPolicy',
    ],
    timeoutSeconds: 30,
  },
  RestoreAccessKey: {
    entry: 'workflow/tasks/restore-access-key.ts',
    owner: 'workflow',
    actions: [
      'iam:ListAccessKeys',
      'iam:UpdateAccessKey',
      'iam:GetRolePolicy',
      'iam:DeleteRolePolicy',
      'iam:GetUserPolicy',
      'iam:DeleteUserPolicy',
    ],
    timeoutSeconds: 30,
  },
  BlockBucketPublicAccess: {
    entry: 'workflow/tasks/block-bucket-public-access.ts',
    owner: 'workflow',
    actions: ['s3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'],
    timeoutSeconds: 30,
  },
  RestoreBucket: {
    entry: 'workflow/tasks/restore-bucket.ts',
    owner: 'workflow',
    actions: ['s3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'],
    timeoutSeconds: 30,
  },
  CloseIncident: {
    entry: 'workflow/tasks/close-incident.ts',
    owner: 'workflow',
    actions: ['securityhub:BatchUpdateFindings'],
    timeoutSeconds: 30,
  },
  Compensate: {
    entry: 'workflow/tasks/compensate.ts',
    owner: 'workflow',
    // CreateTags; moving ENIs off the allow-all group; and the revoke step's own actions (deny in place).
    actions: [
      'ec2:CreateTags',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSecurityGroups',
      'ec2:ModifyNetworkInterfaceAttribute',
      'ec2:DescribeIamInstanceProfileAssociations',
      'ec2:ReplaceIamInstanceProfileAssociation',
      'ec2:AssociateIamInstanceProfile',
      'ec2:DescribeInstances',
      'iam:GetInstanceProfile',
      'iam:ListRolePolicies',
      'iam:GetRolePolicy',
      'iam:PutRolePolicy',
      'iam:PassRole',
    ],
    timeoutSeconds: 30,
  },
  WriteReport: {
    entry: 'workflow/tasks/write-report.ts',
    owner: 'workflow',
    // No member-account action: it reads the ledger and writes the report to the evidence bucket in Airlock's own
    // account (Object Lock, `incidents/<id>/report/…`; granted by EvidenceStore.grantReportWrite).
    actions: [],
    evidenceBucket: 'reports',
    timeoutSeconds: 30,
  },
  Page: {
    entry: 'workflow/tasks/page.ts',
    owner: 'workflow',
    // PagerDuty only (HTTPS, Events API v2) and the routing key secret in Airlock's own account (infra grants it).
    actions: [],
    timeoutSeconds: 30,
  },
  Notify: {
    entry: 'bot/tasks/notify.ts',
    owner: 'bot',
    actions: [],
    // The final phases read the report WriteReport stored, verify it and upload it to the thread.
    evidenceBucket: 'read-reports',
    timeoutSeconds: 60,
  },
  RequestApproval: {
    entry: 'bot/tasks/request-approval.ts',
    owner: 'bot',
    actions: [],
    callback: true,
    timeoutSeconds: 60,
  },
  Escalate: {
    entry: 'bot/tasks/escalate.ts',
    owner: 'bot',
    actions: [],
    callback: true,
    timeoutSeconds: 60,
  },
} as const satisfies Record<string, TaskSpec>;

export type TaskKey = keyof typeof TASKS;
export const TASK_KEYS = Object.keys(TASKS) as TaskKey[];

/** `${RecordPreStateFunctionArn}` ↔ RecordPreState */
export const substitutionKey = (key: TaskKey): string => `${key}FunctionArn`;
