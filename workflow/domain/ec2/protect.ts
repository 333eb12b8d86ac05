import { DetachInstancesCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeAddressesCommand,
  DisassociateAddressCommand,
  ModifyInstanceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { DeregisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { aws, isAwsError } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import type { StepOutcome } from '../../tasks/step';
import { readInstanceState } from './state';

export interface ProtectOutput {
  changes: string[];
}

/**
 * d. Protects the evidence, check-before-act against the instance's current state: termination protection on,
 * shutdown behaviour stop, DeleteOnTermination false, detached from its ASG (desired capacity decremented, so
 * nothing is launched or terminated in its place), deregistered from target groups, Elastic IPs disassociated.
 */
export async function protectEvidence(
  clients: AwsClients,
  target: { instanceId: string; accountId: string; region: string },
): Promise<StepOutcome<ProtectOutput>> {
  const { instanceId } = target;
  const now = await readInstanceState(clients, target);
  const changes: string[] = [];

  if (now.instanceLifecycle === 'spot') {
    // EC2 refuses termination protection for Spot Instances (UnsupportedOperation); the other protections stand.
    changes.push('termination protection skipped: Spot Instance (EC2 does not allow it for Spot)');
  } else if (!now.disableApiTermination) {
    await aws('ec2:ModifyInstanceAttribute DisableApiTermination', () =>
      clients.ec2.send(
        new ModifyInstanceAttributeCommand({
          InstanceId: instanceId,
          DisableApiTermination: { Value: true },
        }),
      ),
    );
    changes.push('termination protection on');
  }
  if (now.instanceInitiatedShutdownBehavior !== 'stop') {
    await aws('ec2:ModifyInstanceAttribute InstanceInitiatedShutdownBehavior', () =>
      clients.ec2.send(
        new ModifyInstanceAttributeCommand({
          InstanceId: instanceId,
          InstanceInitiatedShutdownBehavior: { Value: 'stop' },
        }),
      ),
    );
    changes.push('shutdown behaviour stop');
  }
  const deleting = now.blockDevices.filter((b) => b.deleteOnTermination);
  if (deleting.length) {
    await aws('ec2:ModifyInstanceAttribute BlockDeviceMappings', () =>
      clients.ec2.send(
        new ModifyInstanceAttributeCommand({
          InstanceId: instanceId,
          BlockDeviceMappings: deleting.map((b) => ({
            DeviceName: b.deviceName,
            Ebs: { DeleteOnTermination: false },
          })),
        }),
      ),
    );
    changes.push(`DeleteOnTermination false on ${deleting.map((b) => b.deviceName).join(', ')}`);
  }
  if (now.autoScalingGroupName) {
    const group = now.autoScalingGroupName;
    try {
      await aws(`autoscaling:DetachInstances ${group}`, () =>
        clients.autoscaling.send(
          new DetachInstancesCommand({
            AutoScalingGroupName: group,
            InstanceIds: [instanceId],
            ShouldDecrementDesiredCapacity: true,
          }),
        ),
      );
      changes.push(`detached from ASG ${group} (desired capacity decremented)`);
    } catch (error) {
      // At the group's minimum the decrement is refused: detach anyway, so scale-in can no longer terminate the
      // evidence; the ASG launches a replacement (nothing is terminated).
      if (!isAwsError(error, 'ValidationError')) throw error;
      await aws(`autoscaling:DetachInstances ${group} (keep capacity)`, () =>
        clients.autoscaling.send(
          new DetachInstancesCommand({
            AutoScalingGroupName: group,
            InstanceIds: [instanceId],
            ShouldDecrementDesiredCapacity: false,
          }),
        ),
      );
      changes.push(`detached from ASG ${group} (at minimum: a replacement is launched)`);
    }
  }
  for (const tg of now.targetGroups) {
    await aws(`elasticloadbalancing:DeregisterTargets ${tg.targetGroupArn}`, () =>
      clients.elbv2.send(
        new DeregisterTargetsCommand({
          TargetGroupArn: tg.targetGroupArn,
          Targets: [{ Id: instanceId, ...(tg.port ? { Port: tg.port } : {}) }],
        }),
      ),
    );
    changes.push(`deregistered from ${tg.targetGroupArn.split(':').pop()}`);
  }
  if (now.elasticIps.length) {
    // The association id is not part of the comparable state (it changes on every association): read it now.
    const addresses = await aws('ec2:DescribeAddresses', () =>
      clients.ec2.send(
        new DescribeAddressesCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] }),
      ),
    );
    for (const address of addresses.Addresses ?? []) {
      if (!address.AssociationId) continue;
      const associationId = address.AssociationId;
      await aws(
        `ec2:DisassociateAddress ${address.PublicIp}`,
        () => clients.ec2.send(new DisassociateAddressCommand({ AssociationId: associationId })),
        { idempotent: false },
      );
      changes.push(`Elastic IP ${address.PublicIp} disassociated`);
    }
  }
  return {
    output: { changes },
    summary: changes.length ? `Evidence protected: ${changes.join('; ')}` : 'Evidence already protected',
    ids: [instanceId],
  };
}
