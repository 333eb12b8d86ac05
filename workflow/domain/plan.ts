/**
 * What containment WOULD change, computed read-only (`/ir isolate … --plan`).
 * Produced by `planEc2Containment` (workflow/domain/ec2/plan.ts).
 */
export interface ContainmentPlan {
  instanceId: string;
  accountId: string;
  region: string;
  /** Per ENI: current SGs → the isolation SG of its VPC (created if missing). */
  networkInterfaces: { networkInterfaceId: string; vpcId: string; from: string[]; to: string }[];
  volumesToSnapshot: { volumeId: string; deviceName: string; sizeGiB?: number }[];
  /** The instance profile swapped for the forensic profile, and the deny policy added to the role. */
  credentials?: {
    fromProfileArn?: string;
    toProfileName: string;
    roleName?: string;
    denyPolicyName: string;
    sharedWithInstances: string[];
  };
  autoScalingGroup?: string;
  targetGroups: { targetGroupArn: string; port?: number }[];
  elasticIps: string[];
  terminationProtection: { from: boolean; to: true };
  shutdownBehavior: { from: string; to: 'stop' };
  ssmManaged: boolean;
  warnings: string[];
}

export type Planner = (request: {
  instanceId: string;
  accountId: string;
  region: string;
}) => Promise<ContainmentPlan>;
