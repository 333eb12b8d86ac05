import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { type AirlockStack, definitionSubstitutions } from '../../../infra/lib/airlock-stack';
import { botBundling } from '../../../infra/lib/bundling';
import { STAR_REQUIRED } from '../../../infra/lib/iam-policy';
import { LEDGER_ACTIONS } from '../../../infra/lib/ledger-table';
import { MIN_REASON_LENGTH } from '../../../infra/lib/nag';
import { readDefinitionTemplate, substitutionNames } from '../../../workflow/definition';
import { tableDefinition } from '../../../workflow/ledger/table';
import { TASK_KEYS, TASKS, type TaskKey, type TaskSpec } from '../../../workflow/tasks/catalog';
import { matchesPattern } from './event-pattern';
import { nagFindings, synthIrStack } from './synth';

type Statement = {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
  Sid?: string;
};
type Resource = { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> };

let stack: AirlockStack;
let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  ({ stack, template } = synthIrStack());
  resources = template.toJSON().Resources;
});

const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);
const actionsOf = (s: Statement) => [s.Action].flat();
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
function single(type: string): [string, Resource] {
  const found = ofType(type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as [string, Resource];
}

/** Allow statements of the identity policies attached to `role`. */
function allowsOf(role: iam.Role): Statement[] {
  const id = logicalId(role);
  return ofType('AWS::IAM::Policy')
    .filter(([, r]) => (r.Properties.Roles as { Ref: string }[]).some((x) => x.Ref === id))
    .flatMap(([, r]) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .filter((s) => s.Effect === 'Allow');
}

const HOUSE_ACTIONS = new Set([
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  ...LEDGER_ACTIONS,
]);

describe('cdk-nag AwsSolutions', () => {
  it('reports zero unacknowledged errors and warnings', () => {
    const { errors, warnings } = nagFindings(stack);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('gives every acknowledgement a specific written reason', () => {
    const reasons = Object.values(resources).flatMap(
      (r) =>
        ((r.Metadata?.cdk_nag as { rules_to_suppress?: { id: string; reason: string }[] } | undefined)
          ?.rules_to_suppress ?? []) as { id: string; reason: string }[],
    );
    expect(reasons.length).toBeGreaterThan(0);
    for (const { reason } of reasons) expect(reason.length).toBeGreaterThanOrEqual(MIN_REASON_LENGTH);
  });
});

describe('state machine', () => {
  it('is STANDARD, logs ALL with execution data to a log group with retention, and traces with X-Ray', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      StateMachineName: 'Airlock',
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
      },
      TracingConfiguration: { Enabled: true },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith(['/aws/vendedlogs/states/Airlock-'])]),
      }),
      RetentionInDays: 365,
    });
  });

  it('deploys exactly the ASL the local engine runs (substitutions aside)', () => {
    const [, sm] = single('AWS::StepFunctions::StateMachine');
    const body = sm.Properties.DefinitionString as string | { 'Fn::Join': [string, unknown[]] };
    const rendered =
      typeof body === 'string'
        ? body
        : body['Fn::Join'][1]
            .map((part) => {
              if (typeof part !== 'string')
                throw new Error(`token in the definition: ${JSON.stringify(part)}`);
              return part;
            })
            .join(body['Fn::Join'][0]);
    expect(rendered).toBe(readDefinitionTemplate());
    expect(JSON.parse(rendered)).toEqual(JSON.parse(readDefinitionTemplate()));
  });

  it('maps every <Key>FunctionArn placeholder to the ARN of that catalog function', () => {
    const [, sm] = single('AWS::StepFunctions::StateMachine');
    const substitutions = sm.Properties.DefinitionSubstitutions as Record<string, unknown>;
    expect(Object.keys(substitutions).sort()).toEqual(substitutionNames());
    for (const key of TASK_KEYS) {
      const name = `${key}FunctionArn`;
      if (!(name in substitutions)) continue;
      expect(substitutions[name]).toEqual({
        'Fn::GetAtt': [logicalId(stack.functions[key].function), 'Arn'],
      });
    }
  });

  it('fails synth when a placeholder maps to no function', () => {
    expect(() =>
      definitionSubstitutions({ NotifyFunctionArn: 'arn' }, ['NotifyFunctionArn', 'MissingFunctionArn']),
    ).toThrow(
      'airlock: definition placeholder(s) $' +
        '{MissingFunctionArn} map to no function in workflow/tasks/catalog.ts',
    );
  });

  it('may invoke exactly the task functions, nothing else', () => {
    const invoke = allowsOf(stack.stateMachine.role as iam.Role).filter((s) =>
      actionsOf(s).includes('lambda:InvokeFunction'),
    );
    expect(invoke).toHaveLength(1);
    expect(actionsOf(invoke[0] as Statement)).toEqual(['lambda:InvokeFunction']);
    expect((invoke[0] as Statement).Resource).toEqual(
      TASK_KEYS.map((k) => ({ 'Fn::GetAtt': [logicalId(stack.functions[k].function), 'Arn'] })),
    );
  });
});

describe('one function per catalog task', () => {
  it.each(TASK_KEYS)(
    '%s: its entry, catalog timeout, arm64, nodejs22.x, tracing, house environment',
    (key) => {
      const fn = resources[logicalId(stack.functions[key].function)] as Resource;
      expect(fn.Properties).toMatchObject({
        Description: `Airlock ${key} (${TASKS[key].entry})`,
        Timeout: TASKS[key].timeoutSeconds,
        Architectures: ['arm64'],
        Runtime: 'nodejs22.x',
        MemorySize: 512,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: logicalId(stack.functions[key].logGroup) } },
        Environment: {
          Variables: {
            TABLE_NAME: { Ref: logicalId(stack.ledger.table) },
            HOME_ACCOUNT_ID: { Ref: 'AWS::AccountId' },
            ALLOWED_ACCOUNT_IDS: '111111111111,222222222222',
            LOG_LEVEL: 'info',
            AIRLOCK_TASK: key,
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
      });
      expect(stack.functions[key].entry).toBe(TASKS[key].entry);
      const group = resources[logicalId(stack.functions[key].logGroup)] as Resource;
      expect(group.Properties.RetentionInDays).toBe(365);
    },
  );

  it('gives bot tasks the Slack settings and secret, and workflow tasks neither', () => {
    for (const key of TASK_KEYS) {
      const env = (resources[logicalId(stack.functions[key].function)] as Resource).Properties
        .Environment as {
        Variables: Record<string, unknown>;
      };
      const reads = allowsOf(stack.functions[key].role).some((s) =>
        actionsOf(s).includes('secretsmanager:GetSecretValue'),
      );
      const bot = TASKS[key].owner === 'bot';
      expect(env.Variables.SLACK_SOC_CHANNEL !== undefined).toBe(bot);
      expect(reads).toBe(bot);
    }
  });
});

const CUSTODY_COPY_ACTIONS = [
  'ec2:CopySnapshot',
  'kms:DescribeKey',
  'kms:CreateGrant',
  'kms:Decrypt',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

describe('IAM least privilege', () => {
  const allStatements = () =>
    Object.values(resources).flatMap((r) => {
      const p = r.Properties ?? {};
      const doc = (p.PolicyDocument ?? p.KeyPolicy ?? p.AssumeRolePolicyDocument) as {
        Statement?: Statement[];
      };
      return doc?.Statement ?? [];
    });

  it('has no statement with Action "*" anywhere (identity, resource and key policies)', () => {
    const statements = allStatements();
    expect(statements.length).toBeGreaterThan(50);
    for (const s of statements) expect(actionsOf(s)).not.toContain('*');
  });

  it('uses Resource "*" only for the actions STAR_REQUIRED documents', () => {
    const star = ofType('AWS::IAM::Policy')
      .flatMap(([, r]) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((s) => s.Effect === 'Allow' && [s.Resource].flat().includes('*'));
    expect(star.length).toBeGreaterThan(0);
    for (const s of star)
      for (const action of actionsOf(s)) expect(Object.keys(STAR_REQUIRED)).toContain(action);
  });

  it.each(TASK_KEYS.filter((k) => TASKS[k].owner === 'workflow'))(
    '%s gets exactly its catalog actions (+ logs, tracing, ledger, evidence if it writes, sts if it acts)',
    (key) => {
      const granted = new Set(
        allowsOf(stack.functions[key].role)
          .flatMap(actionsOf)
          .filter((a) => !HOUSE_ACTIONS.has(a)),
      );
      const expected = new Set<string>(TASKS[key].actions);
      if (expected.size) expected.add('sts:AssumeRole');
      const spec: TaskSpec = TASKS[key];
      if (spec.evidenceBucket === 'write') {
        for (const a of [
          's3:PutObject',
          's3:GetObject',
          's3:GetObjectRetention',
          's3:ListBucket',
          'kms:GenerateDataKey',
          'kms:Decrypt',
        ]) {
          expected.add(a);
        }
      }
      if (spec.evidenceBucket === 'reports') {
        for (const a of [
          's3:PutObject',
          's3:PutObjectRetention',
          's3:GetObject',
          's3:ListBucket',
          'kms:GenerateDataKey',
          'kms:Decrypt',
        ]) {
          expected.add(a);
        }
      }
      if (key === 'SnapshotVolumes') {
        // Custody `copy`: the copy is made in the IR account by this role (custodyCopyStatements).
        for (const a of CUSTODY_COPY_ACTIONS) expected.add(a);
      }
      expect([...granted].sort()).toEqual([...expected].sort());
    },
  );

  it('lets only SnapshotVolumes copy snapshots, and use KMS keys only through EC2', () => {
    const copy = allowsOf(stack.functions.SnapshotVolumes.role).find((s) => s.Sid === 'CustodyCopyKeys');
    expect(copy?.Condition).toEqual({ StringLike: { 'kms:ViaService': 'ec2.*.amazonaws.com' } });
    expect(JSON.stringify(copy?.Resource)).toMatch(/111111111111:key\/\*.*222222222222:key\/\*/);
    for (const key of TASK_KEYS.filter((k) => k !== 'SnapshotVolumes')) {
      expect(allowsOf(stack.functions[key].role).flatMap(actionsOf)).not.toContain('ec2:CopySnapshot');
    }
  });

  it('lets workflow tasks that act on AWS assume only the responder role of each allowed account', () => {
    for (const key of TASK_KEYS.filter((k) => TASKS[k].owner === 'workflow' && TASKS[k].actions.length)) {
      const assume = allowsOf(stack.functions[key].role).filter((s) =>
        actionsOf(s).includes('sts:AssumeRole'),
      );
      expect(assume).toHaveLength(1);
      expect(JSON.stringify(assume[0]?.Resource)).toMatch(
        /111111111111:role\/AirlockResponder.*222222222222:role\/AirlockResponder/,
      );
      expect([assume[0]?.Resource].flat()).toHaveLength(2);
    }
  });

  it('lets RevokeInstanceCredentials pass only the forensic role, to EC2 only', () => {
    const pass = allowsOf(stack.functions.RevokeInstanceCredentials.role).filter((s) =>
      actionsOf(s).includes('iam:PassRole'),
    );
    expect(pass).toEqual([
      {
        Action: 'iam:PassRole',
        Effect: 'Allow',
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
        Resource: {
          'Fn::GetAtt': [
            logicalId(stack.node.findChild('Forensic').node.findChild('Role') as iam.Role),
            'Arn',
          ],
        },
      },
    ]);
  });

  it("denies containment roles rewriting or passing Airlock's own roles", () => {
    const id = logicalId(stack.functions.RevokeInstanceCredentials.role);
    const denies = ofType('AWS::IAM::Policy')
      .filter(([, r]) => (r.Properties.Roles as { Ref: string }[]).some((x) => x.Ref === id))
      .flatMap(([, r]) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((s) => s.Effect === 'Deny');
    expect(denies.map((s) => s.Sid)).toEqual([
      'DenyModifyingAirlockRoles',
      'DenyPassingAirlockRoles',
      'DenyModifyingProtectedRoles',
      'DenyModifyingProtectedUsers',
    ]);
    expect(JSON.stringify(denies)).toContain(':role/Airlock-*');
  });

  it('grants the ledger only item-level actions on the table and its index', () => {
    for (const role of [
      stack.intake.role,
      stack.bot.role,
      ...TASK_KEYS.map((k) => stack.functions[k].role),
    ]) {
      const ledger = allowsOf(role).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
      expect(ledger).toHaveLength(1);
      expect(actionsOf(ledger[0] as Statement).sort()).toEqual([...LEDGER_ACTIONS].sort());
      expect(JSON.stringify(ledger[0]?.Resource)).toContain('/index/*');
    }
  });

  it('lets only evidence-writing tasks write evidence, and the report writer only report keys', () => {
    for (const key of TASK_KEYS) {
      const puts = allowsOf(stack.functions[key].role).filter((s) => actionsOf(s).includes('s3:PutObject'));
      const spec: TaskSpec = TASKS[key];
      expect({ key, writes: puts.length > 0 }).toEqual({
        key,
        writes: spec.evidenceBucket === 'write' || spec.evidenceBucket === 'reports',
      });
      if (spec.evidenceBucket === 'reports') {
        for (const statement of puts)
          expect(JSON.stringify(statement.Resource)).toMatch(/\/incidents\/\*\/report\/\*"/);
      }
    }
  });

  it('builds the state machine ARNs from its name: intake starts, the bot also answers callbacks', () => {
    const smArn = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':states:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':stateMachine:Airlock',
        ],
      ],
    };
    const intake = allowsOf(stack.intake.role);
    expect(intake).toContainEqual(
      expect.objectContaining({ Action: 'states:StartExecution', Resource: smArn }),
    );
    expect(intake.flatMap(actionsOf)).not.toContain('states:SendTaskSuccess');
    const bot = allowsOf(stack.bot.role);
    expect(bot).toContainEqual(
      expect.objectContaining({
        Action: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
        Resource: '*',
      }),
    );
    expect(bot).toContainEqual(expect.objectContaining({ Action: 'states:StartExecution', Resource: smArn }));
  });
});

describe('finding rules', () => {
  const ACCOUNTS = [{ Ref: 'AWS::AccountId' }, '111111111111', '222222222222'];
  /** The pattern without its account filter (asserted in least-privilege.test.ts), for the fixtures. */
  const rule = (id: string) => {
    const props = (resources[id] as Resource).Properties;
    const { account, ...pattern } = props.EventPattern as Record<string, unknown>;
    expect(account).toEqual(ACCOUNTS);
    return { ...props, EventPattern: pattern };
  };
  const ruleId = (name: string) => logicalId(stack.node.findChild('Findings').node.findChild(name));
  const fixtures = join(__dirname, '..', '..', 'fixtures');
  const fixture = (file: string) => JSON.parse(readFileSync(join(fixtures, file), 'utf8'));

  it('filters GuardDuty findings on severity >= 4 in the event pattern', () => {
    expect(rule(ruleId('GuardDutyFindings')).EventPattern).toEqual({
      source: ['aws.guardduty'],
      'detail-type': ['GuardDuty Finding'],
      detail: { severity: [{ numeric: ['>=', 4] }] },
    });
  });

  it('matches the real GuardDuty payloads with severity >= 4 and only those', () => {
    const pattern = rule(ruleId('GuardDutyFindings')).EventPattern as Parameters<typeof matchesPattern>[0];
    const events = readdirSync(fixtures)
      .filter((f) => f.startsWith('gd-eventbridge-'))
      .map(fixture)
      .filter((e) => e['detail-type'] === 'GuardDuty Finding');
    expect(events.length).toBeGreaterThan(20);
    for (const event of events)
      expect(matchesPattern(pattern, event)).toBe(Number(event.detail.severity) >= 4);
  });

  it('takes Security Hub imported findings from GuardDuty only', () => {
    const pattern = rule(ruleId('SecurityHubGuardDutyFindings')).EventPattern as Parameters<
      typeof matchesPattern
    >[0];
    expect(pattern).toMatchObject({
      source: ['aws.securityhub'],
      'detail-type': ['Security Hub Findings - Imported'],
      detail: { findings: { ProductArn: [{ wildcard: '*:product/aws/guardduty' }] } },
    });
    const fsbp = fixture('sh-eventbridge-imported-fsbp-ec2.7.json');
    expect(matchesPattern(pattern, fsbp)).toBe(false);
    // The GuardDuty ASFF fixture arrived through a custom action; as an import it carries the current ASFF fields.
    const gd = fixture('sh-eventbridge-customaction-guardduty-iamuser-consolelogin.json');
    const imported = {
      ...gd,
      'detail-type': 'Security Hub Findings - Imported',
      detail: {
        findings: gd.detail.findings.map((f: Record<string, unknown>) => ({
          ...f,
          Severity: { Label: 'MEDIUM', Normalized: 50 },
          Workflow: { Status: 'NEW' },
        })),
      },
    };
    expect(matchesPattern(pattern, imported)).toBe(true);
    const low = {
      ...imported,
      detail: { findings: [{ ...imported.detail.findings[0], Severity: { Label: 'LOW' } }] },
    };
    expect(matchesPattern(pattern, low)).toBe(false);
  });

  it('creates the "Airlock: contain" custom action and a rule on exactly that action', () => {
    template.hasResourceProperties('AWS::SecurityHub::ActionTarget', {
      Id: 'AirlockContain',
      Name: 'Airlock: contain',
    });
    const [actionId] = single('AWS::SecurityHub::ActionTarget');
    expect(rule(ruleId('SecurityHubCustomAction')).EventPattern).toEqual({
      source: ['aws.securityhub'],
      'detail-type': ['Security Hub Findings - Custom Action'],
      resources: [{ 'Fn::GetAtt': [actionId, 'ActionTargetArn'] }],
    });
  });

  it('delivers every rule with bounded retries and the dead-letter queue, alarmed on depth', () => {
    const dlq = logicalId(stack.node.findChild('Operations').node.findChild('DeadLetterQueue'));
    const rules = ofType('AWS::Events::Rule');
    expect(rules).toHaveLength(4);
    for (const [, r] of rules) {
      for (const target of r.Properties.Targets as Record<string, unknown>[]) {
        expect(target).toMatchObject({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 14400 },
        });
      }
    }
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
  });

  it('archives every finding event for a year', () => {
    template.hasResourceProperties('AWS::Events::Archive', {
      EventPattern: { source: ['aws.guardduty', 'aws.securityhub'] },
      RetentionDays: 365,
    });
  });
});

describe('data stores', () => {
  it('protects the evidence bucket: KMS key with rotation, versioning, Object Lock, BPA, lifecycle, access logs', () => {
    const bucketId = logicalId(stack.evidence.bucket);
    const keyId = logicalId(stack.evidence.key);
    const logsId = logicalId(stack.evidence.accessLogs);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
              },
            },
          ],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } },
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: 'evidence/' },
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({
              Status: 'Enabled',
              Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 30 }],
            }),
          ],
        },
      }),
    });
    expect((resources[bucketId] as Resource).Type).toBe('AWS::S3::Bucket');
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      Description: 'Airlock evidence bucket',
    });
  });

  it('requires TLS on both buckets', () => {
    const policies = ofType('AWS::S3::BucketPolicy').map(([, r]) => r.Properties);
    expect(policies).toHaveLength(2);
    for (const p of policies) {
      expect((p.PolicyDocument as { Statement: Statement[] }).Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('derives the ledger table from tableDefinition(): keys, gsi1, on-demand, PITR, encryption, deletion protection', () => {
    const def = tableDefinition('x');
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: def.KeySchema,
        AttributeDefinitions: Match.arrayWith(def.AttributeDefinitions ?? []),
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: (def.GlobalSecondaryIndexes ?? []).map((g) => ({
          IndexName: g.IndexName,
          KeySchema: g.KeySchema,
          Projection: { ProjectionType: 'ALL' },
        })),
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      }),
    });
  });

  it('creates the Slack secret empty: no generated value, no placeholder', () => {
    const [, secret] = single('AWS::SecretsManager::Secret');
    expect(secret.Properties).not.toHaveProperty('GenerateSecretString');
    expect(secret.Properties).not.toHaveProperty('SecretString');
  });

  it('includes the home-account forensic instance profile (SSM core only, generated role name)', () => {
    template.hasResourceProperties('AWS::IAM::InstanceProfile', { InstanceProfileName: 'airlock-forensic' });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })],
      },
      ManagedPolicyArns: [
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore'],
          ],
        },
      ],
    });
    expect(allowsOf(stack.node.findChild('Forensic').node.findChild('Role') as iam.Role)).toEqual([]);
  });
});

describe('Slack endpoint and operations', () => {
  it('serves POST /slack/events through a throttled, access-logged HTTP API, URL as output', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /slack/events' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(JSON.stringify(outputs.SlackRequestUrl?.Value)).toContain('/slack/events');
  });

  it('gives the bot endpoint the Slack settings and the state machine ARN', () => {
    const env = (resources[logicalId(stack.bot.function)] as Resource).Properties.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(env.Variables).toMatchObject({
      SLACK_SECRET_ARN: { Ref: logicalId(stack.slackSecret) },
      SLACK_BOT_ID: 'B0BOT00001',
      SLACK_BOT_USER_ID: 'U0BOT00001',
      SLACK_SOC_CHANNEL: 'C0SOC00001',
      SLACK_REVIEW_CHANNEL: 'C0REVIEW01',
      SLACK_SOC_LEAD_USER_ID: 'U0LEAD0001',
      SLACK_RESPONDER_USER_IDS: 'U0RESP0001,U0RESP0002',
      STATE_MACHINE_ARN: expect.anything(),
    });
    // The bot runs as bench:bot measures it (botBundling): no runtime source maps on Slack's 3-second path.
    expect(env.Variables.NODE_OPTIONS).toBe(botBundling().nodeOptions);
    expect(env.Variables).not.toHaveProperty('NODE_OPTIONS');
  });

  it('posts failed, timed-out and aborted executions to Slack through Notify, by execution name', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: {
          status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
          stateMachineArn: [{ Ref: logicalId(stack.stateMachine) }],
        },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(stack.functions.Notify.function), 'Arn'] },
          InputTransformer: {
            InputPathsMap: { 'detail-name': '$.detail.name' },
            InputTemplate: '{"incidentId":<detail-name>,"phase":"failed"}',
          },
        }),
      ],
    });
  });

  it('alarms on executions failed / timed out / aborted and on every function errors and throttles', () => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metric,
      });
    }
    const functions: { function: { node: { defaultChild?: unknown } } }[] = [
      ...TASK_KEYS.map((k: TaskKey) => stack.functions[k]),
      stack.intake,
      stack.bot,
    ];
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
    for (const fn of functions) {
      for (const metric of ['Errors', 'Throttles']) {
        expect(alarms).toContainEqual(
          expect.objectContaining({
            Namespace: 'AWS/Lambda',
            MetricName: metric,
            Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(fn.function) } }],
          }),
        );
      }
    }
    for (const alarm of alarms) expect(alarm.AlarmActions).toHaveLength(1);
  });

  it('sends alarms to an encrypted, TLS-only SNS topic', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('outputs everything docs/DEPLOY.md refers to', () => {
    expect(Object.keys(template.toJSON().Outputs).sort()).toEqual(
      [
        'AlarmTopicArn',
        'DeadLetterQueueUrl',
        'EvidenceBucketName',
        'EvidenceKeyArn',
        'ForensicInstanceProfileName',
        'IrAccountId',
        'LedgerTableName',
        'IrRegion',
        'CaptureDocumentName',
        'SecurityHubActionTargetArn',
        'SlackRequestUrl',
        'SlackSecretArn',
        'StateMachineArn',
      ].sort(),
    );
  });
});
