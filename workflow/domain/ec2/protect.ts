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

type Target = { instanceId: string; accountId: string; region: string };
type Now = Awaited<ReturnType<typeof readInstanceState>>;

async function protectAttributes(clients: AwsClients, instanceId: string, now: Now): Promise<string[]> {
  const changes: Promise<string>[] = [];
  if (now.instanceLifecycle === 'spot') {
    // EC2 refuses termination protection for Spot Instances (UnsupportedOperation); the other protections stand.
    changes.push(
      Promise.resolve('termination protection skipped: Spot Instance (EC2 does not allow it for Spot)'),
    );
  } else if (!now.disableApiTermination) {
    changes.push(
      aws('ec2:ModifyInstanceAttribute DisableApiTermination', () =>
        clients.ec2.send(
          new ModifyInstanceAttributeCommand({
            InstanceId: instanceId,
            DisableApiTermination: { Value: true },
          }),
        ),
      ).then(() => 'termination protection on'),
    );
  }
  if (now.instanceInitiatedShutdownBehavior !== 'stop') {
    changes.push(
      aws('ec2:ModifyInstanceAttribute InstanceInitiatedShutdownBehavior', () =>
        clients.ec2.send(
          new ModifyInstanceAttributeCommand({
            InstanceId: instanceId,
            InstanceInitiatedShutdownBehavior: { Value: 'stop' },
          }),
        ),
      ).then(() => 'shutdown behaviour stop'),
    );
  }
  const deleting = now.blockDevices.filter((b) => b.deleteOnTermination);
  if (deleting.length) {
    changes.push(
      aws('ec2:ModifyInstanceAttribute BlockDeviceMappings', () =>
        clients.ec2.send(
          new ModifyInstanceAttributeCommand({
            InstanceId: instanceId,
            BlockDeviceMappings: deleting.map((b) => ({
              DeviceName: b.deviceName,
              Ebs: { DeleteOnTermination: false },
            })),
          }),
        ),
      ).then(() => `DeleteOnTermination false on ${deleting.map((b) => b.deviceName).join(', ')}`),
    );
  }
  return settleAll(changes);
}

async function detachFromGroup(clients: AwsClients, instanceId: string, group: string): Promise<string[]> {
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
    return [`detached from ASG ${group} (desired capacity decremented)`];
  } catch (error) {
    // At the group's minimum the decrement is refused: detach anyway, so neither a health check nor scale-in can
    // terminate the evidence; the ASG launches a replacement (nothing is terminated).
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
    return [`detached from ASG ${group} (at minimum: a replacement is launched)`];
  }
}

async function deregisterTargets(clients: AwsClients, instanceId: string, now: Now): Promise<string[]> {
  return settleAll(
    now.targetGroups.map((tg) =>
      aws(`elasticloadbalancing:DeregisterTargets ${tg.targetGroupArn}`, () =>
        clients.elbv2.send(
          new DeregisterTargetsCommand({
            TargetGroupArn: tg.targetGroupArn,
            Targets: [{ Id: instanceId, ...(tg.port ? { Port: tg.port } : {}) }],
          }),
        ),
      ).then(() => `deregistered from ${tg.targetGroupArn.split(':').pop()}`),
    ),
  );
}

async function disassociateAddresses(clients: AwsClients, instanceId: string): Promise<string[]> {
  // The association id is not part of the comparable state (it changes on every association): read it now.
  const addresses = await aws('ec2:DescribeAddresses', () =>
    clients.ec2.send(
      new DescribeAddressesCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] }),
    ),
  );
  const changes: string[] = [];
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
  return changes;
}

/** Waits for every write (none is left in flight when the step fails), then fails with the first error. */
async function settleAll(writes: Promise<string>[]): Promise<string[]>;
async function settleAll(writes: Promise<string[]>[]): Promise<string[]>;
async function settleAll(writes: Promise<string | string[]>[]): Promise<string[]> {
  const settled = await Promise.allSettled(writes);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
}

/**
 * Protects the evidence before anything can fail a health check, check-before-act against the instance's
 * current state: detached from its ASG (desired capacity decremented, so nothing is launched or terminated in its
 * place), deregistered from target groups (not waiting for draining), DeleteOnTermination false, termination
 * protection on, shutdown behaviour stop, Elastic IPs disassociated. The writes are independent and run
 * concurrently (one round, not six).
 */
export async function protectEvidence(
  clients: AwsClients,
  target: Target,
): Promise<StepOutcome<ProtectOutput>> {
  const { instanceId } = target;
  // Protection never touches the instance profile: its three rounds of reads are left off the path to isolation.
  const now = await readInstanceState(clients, target, undefined, { instanceProfile: false });
  const group = now.autoScalingGroupName;
  const changes = await settleAll([
    group ? detachFromGroup(clients, instanceId, group) : Promise.resolve([]),
    deregisterTargets(clients, instanceId, now),
    protectAttributes(clients, instanceId, now),
    now.elasticIps.length ? disassociateAddresses(clients, instanceId) : Promise.resolve([]),
  ]);
  return {
    output: { changes },
    summary: changes.length ? `Evidence protected: ${changes.join('; ')}` : 'Evidence already protected',
    ids: [instanceId],
  };
}
