import {
  Aws,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  Fn,
  LegacyStackSynthesizer,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { ResponderContext } from './config';
import { ForensicProfile } from './forensic-profile';
import { denySelfModification, passRoleStatement, statementsFor } from './iam-policy';
import { acknowledge, IAM5_STAR, IAM5_TARGET_ARNS } from './nag';
import { defaultEvidenceBucketName, trustedRoleNames, workflowActionUnion } from './names';

export interface AirlockResponderStackProps extends StackProps {
  readonly config: ResponderContext;
}

/**
 * The member-account side of Airlock, deployable alone or as a StackSet (no lookups, no assets, no references to
 * the IR stack, no bootstrap): the responder role that the IR account's task roles assume, holding exactly the union of the
 * catalog actions of the 'workflow' tasks, and this account's copy of the forensic instance profile.
 */
export class AirlockResponderStack extends Stack {
  readonly role: iam.Role;
  readonly forensic: ForensicProfile;

  constructor(scope: Construct, id: string, props: AirlockResponderStackProps) {
    // Template only: no assets, no bootstrap version rule, deployed with the caller's credentials. A member account
    // (or a StackSet instance) needs no `cdk bootstrap`.
    super(scope, id, { ...props, synthesizer: props.synthesizer ?? new LegacyStackSynthesizer() });
    const c = props.config;
    const irAccount = new CfnParameter(this, 'IrAccountId', {
      type: 'String',
      description:
        'The Airlock (IR) account id: the only account whose task roles may assume the responder role',
      allowedPattern: '^\\d{12}$',
      ...(c.irAccountId ? { default: c.irAccountId } : {}),
    });
    const defaultTrusted = c.irAccountId
      ? trustedRoleNames(c.namePrefix).map((name) => `arn:aws:iam::${c.irAccountId}:role/${name}`)
      : undefined;
    const trustedArns = new CfnParameter(this, 'TrustedRoleArns', {
      type: 'CommaDelimitedList',
      description:
        'ARNs of the IR account roles allowed to assume the responder role (AirlockStack output ResponderTrustedRoleArns)',
      ...(defaultTrusted ? { default: defaultTrusted.join(',') } : {}),
    });
    const bucketParam = new CfnParameter(this, 'EvidenceBucketName', {
      type: 'String',
      description:
        'The IR account evidence bucket (AirlockStack output EvidenceBucketName); empty = airlock-evidence-<IrAccountId>',
      default: c.evidenceBucketName ?? '',
    });
    const bucketUnset = new CfnCondition(this, 'EvidenceBucketNameUnset', {
      expression: Fn.conditionEquals(bucketParam.valueAsString, ''),
    });
    const bucketName = Fn.conditionIf(
      bucketUnset.logicalId,
      defaultEvidenceBucketName(irAccount.valueAsString),
      bucketParam.valueAsString,
    ).toString();

    const account = Aws.ACCOUNT_ID;
    this.role = new iam.Role(this, 'ResponderRole', {
      roleName: c.responderRoleName,
      description:
        'Airlock responder: containment actions, assumed only by the Airlock task roles of the IR account',
      assumedBy: new iam.AccountPrincipal(irAccount.valueAsString).withConditions({
        ArnEquals: { 'aws:PrincipalArn': trustedArns.valueAsList },
      }),
    });
    for (const statement of statementsFor(workflowActionUnion(), {
      account,
      regions: c.allowedRegions,
    })) {
      this.role.addToPrincipalPolicy(statement);
    }
    // RevokeInstanceCredentials passes the forensic role; RestoreEc2 re-attaches the workload's own profile, whose
    // role is only known from the recorded pre-state. Both: EC2 only. Airlock's own roles stay denied below.
    this.role.addToPrincipalPolicy(passRoleStatement([`arn:${Aws.PARTITION}:iam::${account}:role/*`]));
    for (const statement of denySelfModification(account, {
      modify: [c.responderRoleName, c.forensicRoleName],
      pass: [c.responderRoleName],
    })) {
      this.role.addToPrincipalPolicy(statement);
    }

    this.forensic = new ForensicProfile(this, 'Forensic', {
      roleName: c.forensicRoleName,
      instanceProfileName: c.forensicInstanceProfileName,
      evidenceBucketName: bucketName,
      evidenceKeyArn: `arn:${Aws.PARTITION}:kms:*:${irAccount.valueAsString}:key/*`,
    });

    acknowledge(this.role, [
      IAM5_STAR,
      IAM5_TARGET_ARNS,
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'Restore re-attaches the instance original profile, whose role is only known from the recorded pre-state: PassRole on account roles, to EC2 only',
        appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role\\/\\*$/g' }],
      },
    ]);
    acknowledge(this.forensic.role, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'The evidence key lives in the IR account and its id is not known here, so any key of the IR account, only through S3 (kms:ViaService); the IR key policy names this role',
        appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:kms:\\*:<IrAccountId>:key\\/\\*$/g' }],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'SSM Run Command writes one object per command under incidents/<incidentId>/volatile/ of the IR evidence bucket: PutObject limited to that prefix',
        appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:s3:::.*incidents\\/\\*$/g' }],
      },
    ]);

    new CfnOutput(this, 'ResponderRoleArn', { value: this.role.roleArn });
    new CfnOutput(this, 'ForensicInstanceProfileName', {
      value: this.forensic.instanceProfile.instanceProfileName,
    });
  }
}
