import {
  Annotations,
  ArnFormat,
  Aws,
  CfnOutput,
  Duration,
  Fn,
  Stack,
  type StackProps,
  Token,
} from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { WorkflowSettingsSchema } from '../../workflow/config';
import { readDefinitionTemplate, substitutionNames } from '../../workflow/definition';
import { substitutionKey, TASK_KEYS, TASKS, type TaskKey, type TaskSpec } from '../../workflow/tasks/catalog';
import { AirlockFunction, type BundlingMode } from './airlock-function';
import { BOT_BUNDLE_AWS_SDK, BOT_RUNTIME_SOURCE_MAPS } from './bundling';
import { CaptureDocument } from './capture-document';
import type { AirlockConfig } from './config';
import { EvidenceStore } from './evidence-store';
import { FindingRules } from './finding-rules';
import { ForensicProfile } from './forensic-profile';
import {
  assumeRoleStatement,
  custodyCopyStatements,
  denyProtectedRoles,
  denyProtectedUsers,
  denySelfModification,
  PLANNER_ACTIONS,
  passRoleStatement,
  statementsFor,
} from './iam-policy';
import { IncidentDashboard } from './incident-dashboard';
import { LedgerTable } from './ledger-table';
import { acknowledge, IAM5_TARGET_ARNS } from './nag';
import { ACTING_TASK_KEYS, dutyOf, INTAKE, memberRoleName, roleNameFor, SLACK_BOT } from './names';
import { Operations } from './operations';
import { SlackEndpoint } from './slack-endpoint';
import { TicketIntegration } from './ticket-secret';

export interface AirlockStackProps extends StackProps {
  /** Validated configuration (infra/lib/config.ts). */
  readonly config: AirlockConfig;
  /** `none` replaces every function's code with an inline placeholder (template tests). @default 'esbuild' */
  readonly bundling?: BundlingMode;
}

/** cdk-nag: the report keys' wildcard (`incidents/<incidentId>/report/<version>-<hash>`, unknown in advance). */
const REPORT_KEYS_ACK = {
  id: 'AwsSolutions-IAM5',
  reason:
    'Incident reports are incidents/<incidentId>/report/v<n>-<sha256>.json|.md, unknown in advance: limited to the report keys of the one evidence bucket',
  appliesTo: [{ regex: '/^Resource::<EvidenceBucket.*\\.Arn>\\/incidents\\/\\*\\/report\\/\\*$/g' }],
};

/** Entry files outside the catalog. */
export const INTAKE_ENTRY = 'workflow/intake/lambda.ts';
export const BOT_ENTRY = 'bot/lambda.ts';

/** Maps every `${…}` placeholder of the definition to a function ARN; fails on one it cannot map. */
export function definitionSubstitutions(arns: Readonly<Record<string, string>>, names = substitutionNames()) {
  const unmapped = names.filter((name) => arns[name] === undefined);
  if (unmapped.length) {
    throw new Error(
      `airlock: definition placeholder(s) ${unmapped.map((n) => `\${${n}}`).join(', ')} map to no function in workflow/tasks/catalog.ts`,
    );
  }
  return Object.fromEntries(names.map((name) => [name, arns[name] as string]));
}

/**
 * Airlock in the IR (home) account: ledger, evidence store, Slack secret, one Lambda per catalog task, the state
 * machine built from workflow/definition.asl.json, intake rules, the Slack endpoint and operations.
 */
export class AirlockStack extends Stack {
  readonly functions: Record<TaskKey, AirlockFunction>;
  readonly intake: AirlockFunction;
  readonly bot: AirlockFunction;
  readonly stateMachine: sfn.StateMachine;
  readonly ledger: LedgerTable;
  readonly evidence: EvidenceStore;
  readonly slackSecret: secretsmanager.Secret;
  readonly incidentDashboard: IncidentDashboard;

  constructor(scope: Construct, id: string, props: AirlockStackProps) {
    super(scope, id, props);
    // Server access logs via bucket policy (not the legacy ACL), so every bucket can disable ACLs.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const { config } = props;
    const c = config.context;
    const prefix = c.namePrefix;
    const bundling = props.bundling ?? 'esbuild';
    const logRetention = c.logRetentionDays as logs.RetentionDays;
    const home = Aws.ACCOUNT_ID;
    const memberAccounts = c.allowedAccountIds;

    // --- Data
    this.ledger = new LedgerTable(this, 'Ledger', { timeToLiveAttribute: c.ledgerTtlAttribute });
    // Retained: a fixed name would collide on a redeploy after `cdk destroy` or in a second region, so the name is
    // generated unless the operator fixes one (evidenceBucketName).
    this.evidence = new EvidenceStore(this, 'Evidence', {
      ...(c.evidenceBucketName ? { bucketName: c.evidenceBucketName } : {}),
      retentionDays: c.evidenceRetentionDays,
      lockMode: c.evidenceLockMode,
      coldAfterDays: c.evidenceColdAfterDays,
      accessLogDays: c.logRetentionDays,
    });
    const bucketName = this.evidence.bucket.bucketName;
    const forensic = new ForensicProfile(this, 'Forensic', {
      instanceProfileName: c.forensicInstanceProfileName,
    });
    const capture = new CaptureDocument(this, 'Capture');
    this.slackSecret = new secretsmanager.Secret(this, 'SlackSecret', {
      description: 'Airlock Slack app: {"signingSecret": "...", "botToken": "xoxb-..."} (put after deploy)',
    });
    // Created EMPTY: no generated value, no placeholder. The operator puts the real JSON (docs/DEPLOY.md).
    (this.slackSecret.node.defaultChild as secretsmanager.CfnSecret).addPropertyDeletionOverride(
      'GenerateSecretString',
    );
    acknowledge(this.slackSecret, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'The signing secret and bot token are issued by Slack, not by AWS: rotation means regenerating them in the Slack app and running put-secret-value (docs/DEPLOY.md)',
      },
    ]);

    const tickets = new TicketIntegration(this, 'Tickets', {
      settings: config.tickets,
      slackWorkspaceUrl: c.slackWorkspaceUrl,
    });

    // --- Shared names (ARNs built from fixed names: no reference, no dependency cycle)
    const stateMachineArn = this.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: c.stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const executionArns = this.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${c.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const forensicRoleArn = forensic.role.roleArn;
    const forensicProfileArn = `arn:${Aws.PARTITION}:iam::${home}:instance-profile/${c.forensicInstanceProfileName}`;
    // Airlock's own roles: fixed names start with the prefix, generated ones with the stack name.
    const ownRoleArns = [`${prefix}-*`, `${Aws.STACK_NAME}-*`].map(
      (name) => `arn:${Aws.PARTITION}:iam::${home}:role/${name}`,
    );
    const ownRoles = { modify: [...ownRoleArns, forensicRoleArn], pass: ownRoleArns };

    const workflowSettings = WorkflowSettingsSchema.parse({
      approvalTimeoutSeconds: c.approvalTimeoutSeconds,
      escalationTimeoutSeconds: c.escalationTimeoutSeconds,
      captureBoundSeconds: c.captureBoundSeconds,
      isolationMode: c.isolationMode,
      memoryCapture: c.memoryCapture,
      revokeWholeRoleSessions: c.revokeWholeRoleSessions,
      evidenceBucket: bucketName,
      forensicInstanceProfileName: c.forensicInstanceProfileName,
      snapshotCustody: c.snapshotCustody,
      // Reports are held as long as the evidence: the bucket's default Object Lock retention and mode.
      reportRetentionDays: c.evidenceRetentionDays,
      reportLockMode: c.evidenceLockMode,
    });
    if (workflowSettings.snapshotCustody === 'copy') {
      // Copies go to this (IR) account, encrypted with the evidence key: tokens, validated when intake parses them.
      workflowSettings.snapshotCopyAccountId = home;
      workflowSettings.snapshotCopyKmsKeyId = this.evidence.key.keyArn;
    }

    const common: Record<string, string> = {
      TABLE_NAME: this.ledger.table.tableName,
      HOME_ACCOUNT_ID: home,
      ALLOWED_ACCOUNT_IDS: memberAccounts.join(','),
      ALLOWED_REGIONS: c.allowedRegions.join(','),
    };
    const slackEnv: Record<string, string> = {
      SLACK_SECRET_ARN: this.slackSecret.secretArn,
      SLACK_BOT_ID: config.slackBot.botId,
      SLACK_BOT_USER_ID: config.slackBot.botUserId,
      SLACK_SOC_CHANNEL: config.slack.socChannel,
      SLACK_REVIEW_CHANNEL: config.slack.reviewChannel,
      SLACK_SOC_LEAD_USER_ID: config.slack.socLeadUserId,
      SLACK_RESPONDER_USER_IDS: config.slack.responderUserIds.join(','),
      ...(config.slack.responderGroupId ? { SLACK_RESPONDER_GROUP_ID: config.slack.responderGroupId } : {}),
      SLACK_FOUR_EYES: String(config.slack.fourEyes),
    };
    // Paging (PagerDuty Events API v2): only the Page function knows where the routing key is.
    const pagingEnv: Record<string, string> = c.pagerDutyRoutingKeySecretArn
      ? {
          PAGING_SECRET_ARN: c.pagerDutyRoutingKeySecretArn,
          PAGERDUTY_EVENTS_URL: c.pagerDutyEventsUrl,
          ...(c.slackWorkspaceUrl ? { SLACK_WORKSPACE_URL: c.slackWorkspaceUrl } : {}),
        }
      : {};
    const secretAccount = c.pagerDutyRoutingKeySecretArn?.split(':')[4];
    if (secretAccount && !Token.isUnresolved(this.account) && secretAccount !== this.account) {
      Annotations.of(this).addError(
        `airlock: context value 'pagerDutyRoutingKeySecretArn' is invalid: the secret is in account ${secretAccount}, not in Airlock's own account ${this.account}`,
      );
    }
    const startEnv: Record<string, string> = {
      STATE_MACHINE_ARN: stateMachineArn,
      EVIDENCE_BUCKET: bucketName,
      FORENSIC_INSTANCE_PROFILE_NAME: c.forensicInstanceProfileName,
      WORKFLOW_SETTINGS: this.toJsonString(workflowSettings),
      ROUTING_POLICY: JSON.stringify(config.routing),
    };

    const newFunction = (
      parent: Construct,
      id: string,
      entry: string,
      name: string,
      extra: Partial<{
        fixedRoleName: boolean;
        timeout: Duration;
        memorySize: number;
        environment: Record<string, string>;
        bundleAwsSdk: boolean;
        runtimeSourceMaps: boolean;
      }>,
    ) =>
      new AirlockFunction(parent, id, {
        entry,
        taskName: name,
        ...(extra.fixedRoleName ? { roleName: roleNameFor(prefix, name, Aws.REGION) } : {}),
        bundling,
        bundleAwsSdk: c.bundleAwsSdk && (extra.bundleAwsSdk ?? true),
        runtimeSourceMaps: extra.runtimeSourceMaps ?? true,
        logRetention,
        logLevel: c.logLevel,
        memorySize: extra.memorySize ?? c.lambdaMemoryMb,
        ...(extra.timeout ? { timeout: extra.timeout } : {}),
        environment: { ...common, ...extra.environment },
      });

    // --- One function per catalog task, generated from the catalog
    const tasks = new Construct(this, 'Tasks');
    const functions = {} as Record<TaskKey, AirlockFunction>;
    for (const key of TASK_KEYS) {
      const spec: TaskSpec = TASKS[key];
      const acting = ACTING_TASK_KEYS.includes(key);
      // The member-account role this task assumes (bot tasks and OpenTicket act on no account).
      const memberRole = acting ? memberRoleName(c.responderRoleName, dutyOf(key)) : undefined;
      const fn = newFunction(tasks, key, spec.entry, key, {
        timeout: Duration.seconds(spec.timeoutSeconds),
        environment: {
          ...(spec.owner === 'bot' ? slackEnv : {}),
          ...(spec.tickets ? tickets.environment : {}),
          ...(memberRole ? { RESPONDER_ROLE_NAME: memberRole } : {}),
          ...(key === 'Page' ? pagingEnv : {}),
        },
        fixedRoleName: acting,
      });
      this.ledger.grantLedger(fn.role);
      if (spec.tickets) tickets.grantRead(fn.role);
      if (spec.owner === 'bot') {
        this.grantSecretRead(fn.role);
        if (spec.evidenceBucket === 'read-reports') {
          this.evidence.grantReportRead(fn.role);
          fn.function.addEnvironment('EVIDENCE_BUCKET', bucketName);
          fn.function.addEnvironment('REPORT_RETENTION_DAYS', String(workflowSettings.reportRetentionDays));
          fn.function.addEnvironment('REPORT_LOCK_MODE', workflowSettings.reportLockMode);
          acknowledge(fn.role, [REPORT_KEYS_ACK]);
        }
      } else {
        const containing = acting && dutyOf(key) === 'containment';
        for (const statement of statementsFor(spec.actions, {
          account: home,
          regions: c.allowedRegions,
          ...(containing ? { newInstanceProfileArn: forensicProfileArn } : {}),
        })) {
          fn.role.addToPrincipalPolicy(statement);
        }
        if (spec.actions.includes('iam:PassRole')) {
          // Revoke passes only the forensic role; Restore re-attaches the workload's own profile (any role, EC2 only).
          fn.role.addToPrincipalPolicy(
            passRoleStatement(
              key === 'RestoreEc2'
                ? [`arn:${Aws.PARTITION}:iam::${home}:role/*`, forensicRoleArn]
                : [forensicRoleArn],
            ),
          );
        }
        if (spec.actions.some((a) => a.startsWith('iam:'))) {
          for (const statement of denySelfModification(ownRoles)) fn.role.addToPrincipalPolicy(statement);
          fn.role.addToPrincipalPolicy(denyProtectedRoles(home, c.protectedTagKey, c.protectedTagValue));
          fn.role.addToPrincipalPolicy(denyProtectedUsers(home, c.protectedTagKey, c.protectedTagValue));
        }
        if (memberAccounts.length && memberRole) {
          fn.role.addToPrincipalPolicy(assumeRoleStatement(memberAccounts, memberRole));
        }
        if (spec.evidenceBucket === 'write') this.evidence.grantEvidenceWrite(fn.role);
        if (spec.evidenceBucket === 'reports') this.evidence.grantReportWrite(fn.role);
        if (key === 'Page' && c.pagerDutyRoutingKeySecretArn) {
          // The routing key: this one secret, to this one function (docs/DEPLOY.md, Paging).
          fn.role.addToPrincipalPolicy(
            new iam.PolicyStatement({
              sid: 'ReadPagerDutyRoutingKey',
              actions: ['secretsmanager:GetSecretValue'],
              resources: [c.pagerDutyRoutingKeySecretArn],
            }),
          );
        }
        if (key === 'SnapshotVolumes') {
          // Custody `copy`: the copy is made in this (IR) account by this role, encrypted with the evidence key.
          for (const statement of custodyCopyStatements(this.evidence.key.keyArn, memberAccounts)) {
            fn.role.addToPrincipalPolicy(statement);
          }
          acknowledge(fn.role, [
            {
              id: 'AwsSolutions-IAM5',
              reason:
                'Custody copy: the key of a shared evidence snapshot is only known when its volume is; member-account keys, through EC2 only (kms:ViaService)',
              appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:kms:\\*:\\d{12}:key\\/\\*$/g' }],
            },
          ]);
        }
        acknowledge(fn.role, [IAM5_TARGET_ARNS]);
      }
      acknowledge(fn.role, [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Ledger items live in one table and its gsi1 index: index/* covers the table own indexes only, item-level actions only (LEDGER_ACTIONS)',
          appliesTo: [{ regex: '/^Resource::<LedgerTable.*\\.Arn>\\/index\\/\\*$/g' }],
        },
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Evidence object keys are incidents/<incidentId>/…, unknown in advance: Put/Get are limited to the incidents/ prefix of the one evidence bucket',
          appliesTo: [{ regex: '/^Resource::<EvidenceBucket.*\\.Arn>\\/incidents\\/\\*$/g' }],
        },
        REPORT_KEYS_ACK,
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Restore re-attaches the instance original profile, whose role is only known from the recorded pre-state: PassRole on account roles, to EC2 only',
          appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role\\/\\*$/g' }],
        },
      ]);
      functions[key] = fn;
    }
    this.functions = functions;

    // --- The state machine: the SAME ASL the local engine runs
    const arns: Record<string, string> = {};
    for (const key of TASK_KEYS) arns[substitutionKey(key)] = functions[key].functionArn;
    const smRole = new iam.Role(this, 'StateMachineRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: 'Airlock state machine: invokes exactly the task functions',
    });
    smRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeTaskFunctions',
        actions: ['lambda:InvokeFunction'],
        resources: TASK_KEYS.map((k) => functions[k].functionArn),
      }),
    );
    // Retained log group: the /aws/vendedlogs/ prefix (Step Functions log delivery) plus the region and the stack's
    // own id, so neither a second region nor a redeploy after `cdk destroy` collides with a retained one.
    const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
    const smLogs = new logs.LogGroup(this, 'StateMachineLogs', {
      logGroupName: `/aws/vendedlogs/states/${c.stateMachineName}-${Aws.REGION}-${stackUuid}`,
      retention: logRetention,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: c.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(readDefinitionTemplate()),
      definitionSubstitutions: definitionSubstitutions(arns),
      role: smRole,
      logs: { destination: smLogs, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    acknowledge(smRole, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'Added by Step Functions logging and tracing: CloudWatch Logs delivery and X-Ray APIs accept only Resource "*" (listed in STAR_REQUIRED, infra/lib/iam-policy.ts)',
        appliesTo: ['Resource::*'],
      },
    ]);

    // --- Intake: findings → ledger → StartExecution
    const entries = new Construct(this, 'Entries');
    this.intake = newFunction(entries, 'Intake', INTAKE_ENTRY, INTAKE, { environment: startEnv });
    const plannerRole = memberRoleName(c.responderRoleName, 'planner');
    this.ledger.grantLedger(this.intake.role);
    this.grantStart(this.intake.role, stateMachineArn, executionArns);
    // An incident routed to ignore closes at intake (IGNORED, no execution): intake writes its report.
    this.evidence.grantReportWrite(this.intake.role);
    acknowledge(this.intake.role, [REPORT_KEYS_ACK]);

    // --- The Slack bot endpoint: Bolt, /ir commands, approvals (SendTask*), `--plan` (read-only, any account)
    this.bot = newFunction(entries, 'SlackBot', BOT_ENTRY, SLACK_BOT, {
      timeout: Duration.seconds(10),
      memorySize: Math.max(1024, c.lambdaMemoryMb),
      environment: {
        ...slackEnv,
        ...startEnv,
        RESPONDER_ROLE_NAME: plannerRole,
        // `/ir report` regenerates a report with the same retention the workflow writes it with.
        REPORT_RETENTION_DAYS: String(workflowSettings.reportRetentionDays),
        REPORT_LOCK_MODE: workflowSettings.reportLockMode,
        // The workspace and app requests must come from (bot/door.ts); unset, the bot warns at cold start.
        ...(config.slackBot.teamId ? { SLACK_TEAM_ID: config.slackBot.teamId } : {}),
        ...(config.slackBot.appId ? { SLACK_APP_ID: config.slackBot.appId } : {}),
        // `/ir help` says whether the on-call is paged (PagerDuty).
        PAGING: c.pagerDutyRoutingKeySecretArn ? 'pagerduty' : 'off',
      },
      // Member planner roles trust the bot by name.
      fixedRoleName: true,
      // The runtime's SDK: the bot's cold start is on Slack's 3-second path (infra/lib/bundling.ts).
      bundleAwsSdk: BOT_BUNDLE_AWS_SDK,
      // No runtime source maps: ~60 ms of cold start; the map ships for offline use (infra/lib/bundling.ts).
      runtimeSourceMaps: BOT_RUNTIME_SOURCE_MAPS,
    });
    this.ledger.grantLedger(this.bot.role);
    this.grantSecretRead(this.bot.role);
    this.grantStart(this.bot.role, stateMachineArn, executionArns);
    // `/ir report` and the final notices: read stored reports (by version), regenerate one when the ledger changed.
    this.evidence.grantReportWrite(this.bot.role, { readVersions: true });
    // SendTaskSuccess / SendTaskFailure have NO resource type in the Service Authorization Reference ("Actions,
    // resources, and condition keys for AWS Step Functions",
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html): an action with
    // no resource type accepts only Resource "*", and a grant scoped to the state machine ARN is denied. What limits
    // them is the task token itself (opaque, single-use, kept in the ledger and never shown to Slack).
    this.bot.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ApprovalCallbacks',
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
        resources: ['*'],
      }),
    );
    for (const statement of statementsFor(PLANNER_ACTIONS, { account: home, regions: c.allowedRegions })) {
      this.bot.role.addToPrincipalPolicy(statement);
    }
    // Slow work (the planner behind `/ir isolate`) runs in the bot's asynchronous invocation of itself, after Slack
    // has its acknowledgement (bot/deferred.ts): lambda:InvokeFunction on this function only. A separate policy,
    // so the function (which depends on its role) does not depend on a statement naming the function.
    new iam.Policy(this.bot, 'InvokeSelf', {
      roles: [this.bot.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'InvokeSelf',
          actions: ['lambda:InvokeFunction'],
          resources: [this.bot.function.functionArn],
        }),
      ],
    });
    // A failed deferred run has already answered the user (or logged "Slack notification lost"): no retry, and
    // no event older than the 15 minutes bot/deferred.ts accepts.
    this.bot.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(15) });
    if (memberAccounts.length) {
      // `--plan` in a member account: the read-only planner role, never containment or restore.
      this.bot.role.addToPrincipalPolicy(assumeRoleStatement(memberAccounts, plannerRole));
    }
    acknowledge(this.bot.role, [REPORT_KEYS_ACK]);
    for (const fn of [this.intake, this.bot]) {
      acknowledge(fn.role, [
        IAM5_TARGET_ARNS,
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Ledger items live in one table and its gsi1 index: index/* covers the table own indexes only, item-level actions only (LEDGER_ACTIONS)',
          appliesTo: [{ regex: '/^Resource::<LedgerTable.*\\.Arn>\\/index\\/\\*$/g' }],
        },
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'DescribeExecution on executions of the one Airlock state machine: the execution name (incidentId) is only known at run time',
          appliesTo: [
            {
              regex:
                '/^Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:.*:\\*$/g',
            },
          ],
        },
      ]);
    }

    const slack = new SlackEndpoint(this, 'Slack', {
      handler: this.bot.function,
      rateLimit: c.apiRateLimit,
      burstLimit: c.apiBurstLimit,
      logRetention,
    });

    // --- Operations and finding rules
    const ops = new Operations(this, 'Operations', { ...(c.alarmEmail ? { alarmEmail: c.alarmEmail } : {}) });
    acknowledge(ops.deadLetterQueue, [
      {
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue IS the dead-letter queue of every Airlock EventBridge target (findings to intake, failures to Notify); its depth is alarmed',
      },
    ]);
    const rules = new FindingRules(this, 'Findings', {
      intake: this.intake.function,
      deadLetterQueue: ops.deadLetterQueue,
      minSeverity: config.routing.reviewMinSeverity,
      securityHub: c.securityHub,
      archiveRetentionDays: c.eventArchiveRetentionDays,
      accounts: [home, ...memberAccounts],
    });
    // Member accounts that forward their findings (AirlockResponderStack ForwardFindings=true) may put events on
    // the default bus: one statement per allowed account, nothing else
    // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html).
    const defaultBusArn = this.formatArn({
      service: 'events',
      resource: 'event-bus',
      resourceName: 'default',
    });
    for (const member of memberAccounts) {
      new events.CfnEventBusPolicy(this, `BusPolicy${member}`, {
        eventBusName: 'default',
        statementId: `airlock-forward-${member}`,
        statement: {
          Sid: `airlock-forward-${member}`,
          Effect: 'Allow',
          Principal: { AWS: `arn:${Aws.PARTITION}:iam::${member}:root` },
          Action: 'events:PutEvents',
          Resource: defaultBusArn,
        },
      });
    }
    ops.watchStateMachine(this.stateMachine, functions.Notify.function);
    for (const key of TASK_KEYS) ops.watchFunction(key, functions[key].function);
    ops.watchFunction(INTAKE, this.intake.function);
    ops.watchFunction(SLACK_BOT, this.bot.function);
    ops.watchLogLines(SLACK_BOT, this.bot.logGroup);
    // The SOC's numbers, from the metrics WriteReport emits once per incident.
    this.incidentDashboard = new IncidentDashboard(this, 'IncidentDashboard');
    for (const key of TASK_KEYS) {
      if (TASKS[key].owner === 'bot') ops.watchLogLines(key, functions[key].logGroup);
    }

    // --- Outputs (docs/DEPLOY.md)
    new CfnOutput(this, 'SlackRequestUrl', {
      description: "Paste into manifest.yml's request_url (slash command, interactivity)",
      value: slack.url,
    });
    new CfnOutput(this, 'SlackSecretArn', {
      description: 'aws secretsmanager put-secret-value --secret-id <this> (docs/DEPLOY.md step 3)',
      value: this.slackSecret.secretArn,
    });
    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, 'LedgerTableName', { value: this.ledger.table.tableName });
    new CfnOutput(this, 'EvidenceBucketName', { value: this.evidence.bucket.bucketName });
    new CfnOutput(this, 'EvidenceKeyArn', { value: this.evidence.key.keyArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: ops.topic.topicArn });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: ops.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'ForensicInstanceProfileName', {
      value: forensic.instanceProfile.instanceProfileName,
    });
    new CfnOutput(this, 'IrAccountId', {
      description: 'AirlockResponderStack parameter IrAccountId',
      value: home,
    });
    new CfnOutput(this, 'IrRegion', {
      description: 'AirlockResponderStack parameter IrRegion',
      value: Aws.REGION,
    });
    new CfnOutput(this, 'CaptureDocumentName', { value: capture.name });
    if (rules.actionTarget) {
      new CfnOutput(this, 'SecurityHubActionTargetArn', { value: rules.actionTarget.attrActionTargetArn });
    }
  }

  private grantStart(role: iam.IRole, stateMachineArn: string, executionArns: string): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'StartExecution',
        actions: ['states:StartExecution'],
        resources: [stateMachineArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeExecution',
        actions: ['states:DescribeExecution'],
        resources: [executionArns],
      }),
    );
  }

  private grantSecretRead(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadSlackSecret',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.slackSecret.secretArn],
      }),
    );
  }
}
