import {
  Aspects,
  Aws,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  CfnResource,
  Fn,
  LegacyStackSynthesizer,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { CaptureDocument } from './capture-document';
import type { ResponderContext } from './config';
import { FINDING_PATTERNS } from './finding-rules';
import { ForensicProfile } from './forensic-profile';
import {
  denyProtectedRoles,
  denyProtectedUsers,
  denySelfModification,
  passRoleStatement,
  statementsFor,
} from './iam-policy';
import { acknowledge, IAM5_STAR, IAM5_TARGET_ARNS } from './nag';
import { type Duty, dutyActions, memberRoleName, roleNameFor, trustedNames } from './names';

export interface AirlockResponderStackProps extends StackProps {
  readonly config: ResponderContext;
}

/**
 * The member-account side of Airlock, deployable alone or as a StackSet (no lookups, no assets, no bootstrap):
 *
 * - one role per duty, each trusted only by the IR roles that use it: `-Planner` (read-only, the Slack bot's
 *   `--plan`), `-Containment` (the containment tasks) and `-Restore` (the restore tasks), each holding the union of
 *   its tasks' catalog actions (workflow/tasks/catalog.ts), scoped by infra/lib/iam-policy.ts;
 * - this account's forensic instance profile (SSM only);
 * - the Airlock-Capture SSM document, the only document SendCommand is granted on;
 * - optionally, rules forwarding GuardDuty / Security Hub findings to the IR account's default event bus.
 *
 * IAM is global and the rest is regional: deploy it in every region Airlock acts in, with `IamResources=false`
 * everywhere but one region per account.
 */
export class AirlockResponderStack extends Stack {
  readonly planner: iam.Role;
  readonly containment: iam.Role;
  readonly restore: iam.Role;
  readonly forensic: ForensicProfile;
  readonly captureDocument: CaptureDocument;
  readonly forwarding: events.Rule[];

  constructor(scope: Construct, id: string, props: AirlockResponderStackProps) {
    // Template only: no assets, no bootstrap version rule, deployed with the caller's credentials.
    super(scope, id, { ...props, synthesizer: props.synthesizer ?? new LegacyStackSynthesizer() });
    const c = props.config;
    const irAccount = new CfnParameter(this, 'IrAccountId', {
      type: 'String',
      description: 'The Airlock (IR) account id: the only account whose roles may assume the duty roles',
      allowedPattern: '^\\d{12}$',
      ...(c.irAccountId ? { default: c.irAccountId } : {}),
    }).valueAsString;
    const irRegion = new CfnParameter(this, 'IrRegion', {
      type: 'String',
      description: 'The region of AirlockStack (its role names end with it; findings are forwarded there)',
      allowedPattern: '^[a-z]{2}(-[a-z]+)+-\\d$',
      ...(c.irRegion ? { default: c.irRegion } : {}),
    }).valueAsString;
    const forward = new CfnParameter(this, 'ForwardFindings', {
      type: 'String',
      description:
        "'true': forward this region's GuardDuty / Security Hub findings to the IR account bus ('false' when the IR account is the delegated administrator)",
      allowedValues: ['true', 'false'],
      default: String(c.forwardFindings),
    });
    const iamParam = new CfnParameter(this, 'IamResources', {
      type: 'String',
      description: "'true' in exactly one region per account: IAM roles and the instance profile are global",
      allowedValues: ['true', 'false'],
      default: 'true',
    });
    const withIam = new CfnCondition(this, 'CreateIamResources', {
      expression: Fn.conditionEquals(iamParam.valueAsString, 'true'),
    });
    const forwarding = new CfnCondition(this, 'ForwardFindingsEnabled', {
      expression: Fn.conditionEquals(forward.valueAsString, 'true'),
    });

    const account = Aws.ACCOUNT_ID;
    const partition = Aws.PARTITION;
    this.forensic = new ForensicProfile(this, 'Forensic', {
      instanceProfileName: c.forensicInstanceProfileName,
    });
    const forensicProfileArn = `arn:${partition}:iam::${account}:instance-profile/${c.forensicInstanceProfileName}`;
    const ownRoleArns = [
      `arn:${partition}:iam::${account}:role/${c.responderRoleName}-*`,
      this.forensic.role.roleArn,
    ];

    const dutyRole = (duty: Duty, roleId: string, description: string) => {
      const trusted = trustedNames(duty).map(
        (name) => `arn:${partition}:iam::${irAccount}:role/${roleNameFor(c.namePrefix, name, irRegion)}`,
      );
      const role = new iam.Role(this, roleId, {
        roleName: memberRoleName(c.responderRoleName, duty),
        description,
        // Account principal + exact PrincipalArn condition: valid even before the IR roles exist.
        assumedBy: new iam.AccountPrincipal(irAccount).withConditions({
          ArnEquals: { 'aws:PrincipalArn': trusted },
        }),
      });
      const scope = {
        account,
        regions: c.allowedRegions,
        ...(duty === 'containment' ? { newInstanceProfileArn: forensicProfileArn } : {}),
      };
      for (const statement of statementsFor(dutyActions(duty), scope)) role.addToPrincipalPolicy(statement);
      if (duty !== 'planner') {
        for (const statement of denySelfModification({
          modify: ownRoleArns,
          pass: ownRoleArns.slice(0, 1),
        })) {
          role.addToPrincipalPolicy(statement);
        }
        role.addToPrincipalPolicy(denyProtectedRoles(account, c.protectedTagKey, c.protectedTagValue));
        role.addToPrincipalPolicy(denyProtectedUsers(account, c.protectedTagKey, c.protectedTagValue));
      }
      acknowledge(role, [IAM5_STAR, IAM5_TARGET_ARNS]);
      return role;
    };

    this.planner = dutyRole(
      'planner',
      'PlannerRole',
      'Airlock planner: read-only calls for /ir isolate --plan, assumed only by the Airlock Slack bot role',
    );
    this.containment = dutyRole(
      'containment',
      'ContainmentRole',
      'Airlock containment: assumed only by the Airlock containment task roles of the IR account',
    );
    // Containment passes the forensic role and nothing else.
    this.containment.addToPrincipalPolicy(passRoleStatement([this.forensic.role.roleArn]));
    this.restore = dutyRole(
      'restore',
      'RestoreRole',
      'Airlock restore: assumed only by the Airlock restore task roles of the IR account',
    );
    // Restore re-attaches the workload's own profile, whose role is only known from the recorded pre-state.
    this.restore.addToPrincipalPolicy(passRoleStatement([`arn:${partition}:iam::${account}:role/*`]));
    acknowledge(this.restore, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'Restore re-attaches the instance original profile, whose role is only known from the recorded pre-state: PassRole on account roles, to EC2 only, never Airlock or protected roles (explicit denies)',
        appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role\\/\\*$/g' }],
      },
    ]);

    this.captureDocument = new CaptureDocument(this, 'Capture');

    // Findings → the IR account's default bus (when the IR account is not the delegated administrator).
    const busArn = `arn:${partition}:events:${irRegion}:${irAccount}:event-bus/default`;
    const forwarderName = `${c.responderRoleName}-Forwarder`;
    const forwarder = new iam.Role(this, 'ForwarderRole', {
      roleName: forwarderName,
      description: "Airlock: EventBridge puts this account's finding events on the IR account bus",
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    });
    forwarder.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'PutOnIrBus', actions: ['events:PutEvents'], resources: [busArn] }),
    );
    // By ARN, not by reference: the role exists in one region only (IamResources).
    const forwarderRef = iam.Role.fromRoleArn(
      this,
      'ForwarderRef',
      `arn:${partition}:iam::${account}:role/${forwarderName}`,
      { mutable: false },
    );
    const irBus = events.EventBus.fromEventBusArn(this, 'IrBus', busArn);
    this.forwarding = Object.entries(FINDING_PATTERNS).map(([name, eventPattern]) => {
      const rule = new events.Rule(this, `Forward${name}`, {
        description: `Airlock: forward ${name} findings to the IR account bus`,
        eventPattern,
        targets: [new targets.EventBus(irBus, { role: forwarderRef })],
      });
      (rule.node.defaultChild as CfnResource).cfnOptions.condition = forwarding;
      return rule;
    });

    // IAM resources only where IamResources=true: an aspect, so the overflow policies CDK splits off large role
    // policies at synthesis are conditioned too.
    Aspects.of(this).add({
      visit(node) {
        if (node instanceof CfnResource && node.cfnResourceType.startsWith('AWS::IAM::')) {
          node.cfnOptions.condition = withIam;
        }
      },
    });

    for (const [key, role] of [
      ['PlannerRoleArn', this.planner],
      ['ContainmentRoleArn', this.containment],
      ['RestoreRoleArn', this.restore],
    ] as const) {
      new CfnOutput(this, key, { value: role.roleArn, condition: withIam });
    }
    new CfnOutput(this, 'ForensicInstanceProfileName', { value: c.forensicInstanceProfileName });
    new CfnOutput(this, 'CaptureDocumentName', { value: this.captureDocument.name });
  }
}
