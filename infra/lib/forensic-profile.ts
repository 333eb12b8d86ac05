import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

export interface ForensicProfileProps {
  /** The name the workflow looks up in every account (WorkflowSettings.forensicInstanceProfileName). */
  readonly instanceProfileName: string;
}

/**
 * The forensic instance profile swapped in for the workload profile during containment: the SSM agent keeps
 * working (volatile capture), nothing else. Capture output reaches the evidence bucket through presigned PUT URLs
 * signed by the capture task, so this role holds no S3 or KMS permission at all. The role name is generated (only
 * the profile name must be known in advance).
 */
export class ForensicProfile extends Construct {
  readonly role: iam.Role;
  readonly instanceProfile: iam.InstanceProfile;

  constructor(scope: Construct, id: string, props: ForensicProfileProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      description: 'Airlock forensic instance role: SSM agent only (evidence goes up through presigned URLs)',
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
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
    ]);
  }
}
