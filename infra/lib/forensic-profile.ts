import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge } from './nag';
import { EVIDENCE_PREFIX } from './names';

export interface ForensicProfileProps {
  /** The role of the instance profile. */
  readonly roleName: string;
  /** The name the workflow looks up (WorkflowSettings.forensicInstanceProfileName). */
  readonly instanceProfileName: string;
  /** Airlock's evidence bucket (in the IR account). */
  readonly evidenceBucketName: string;
  /** The evidence bucket's KMS key: an ARN, or an ARN pattern when the key is in another account. */
  readonly evidenceKeyArn: string;
}

/**
 * The forensic instance profile swapped in for the workload profile during containment: SSM only (the agent keeps
 * working for evidence capture) plus PutObject of SSM Run Command output under `incidents/` in the evidence bucket.
 * SSM writes Run Command output with the INSTANCE's credentials, which is why this role, not a Lambda, needs
 * `s3:PutObject` on the evidence prefix (and `kms:GenerateDataKey` on the evidence key).
 */
export class ForensicProfile extends Construct {
  readonly role: iam.Role;
  readonly instanceProfile: iam.InstanceProfile;

  constructor(scope: Construct, id: string, props: ForensicProfileProps) {
    super(scope, id);
    const bucketArn = `arn:${Aws.PARTITION}:s3:::${props.evidenceBucketName}`;
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: 'Airlock forensic instance role: SSM agent + evidence upload only',
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PutRunCommandOutput',
        actions: ['s3:PutObject', 's3:PutObjectAcl'],
        resources: [`${bucketArn}/${EVIDENCE_PREFIX}*`],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CheckBucketEncryption',
        actions: ['s3:GetEncryptionConfiguration'],
        resources: [bucketArn],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptEvidence',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.evidenceKeyArn],
        conditions: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
      }),
    );
    this.instanceProfile = new iam.InstanceProfile(this, 'InstanceProfile', {
      instanceProfileName: props.instanceProfileName,
      role: this.role,
    });
    acknowledge(this.role, [
      {
        id: 'AwsSolutions-IAM4',
        reason:
          'AmazonSSMManagedInstanceCore is the AWS-maintained minimum for the SSM agent; the forensic profile exists to keep SSM (evidence capture) working while everything else is cut',
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore'],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'SSM Run Command writes one object per command under incidents/<incidentId>/volatile/: the key is unknown in advance, so PutObject is scoped to the evidence prefix of the one evidence bucket',
        appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:s3:::.*incidents\\/\\*$/g' }],
      },
    ]);
  }
}
