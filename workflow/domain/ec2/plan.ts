import { DescribeVolumesCommand } from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand } from '@aws-sdk/client-ssm';
import { aws } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import type { WorkflowSettings } from '../../config';
import type { ContainmentPlan } from '../plan';
import { denyInstancePolicyName, instancesSharingProfile } from './credentials';
import { isolationGroupName } from './isolate';
import { readInstanceState } from './state';

/** `/ir isolate … --plan`: exactly what containment would change, from read-only calls. */
export async function planEc2Containment(
  clients: AwsClients,
  target: { instanceId: string; accountId: string; region: string },
  config: WorkflowSettings,
): Promise<ContainmentPlan> {
  const state = await readInstanceState(clients, target);
  const [volumes, ssm] = await Promise.all([
    aws('ec2:DescribeVolumes', () =>
      clients.ec2.send(new DescribeVolumesCommand({ VolumeIds: state.blockDevices.map((b) => b.volumeId) })),
    ),
    aws('ssm:DescribeInstanceInformation', () =>
      clients.ssm.send(
        new DescribeInstanceInformationCommand({
          Filters: [{ Key: 'InstanceIds', Values: [target.instanceId] }],
        }),
      ),
    ),
  ]);
  const ssmManaged = (ssm.InstanceInformationList ?? []).some(
    (i) => i.InstanceId === target.instanceId && i.PingStatus === 'Online',
  );
  const sharedWith = state.instanceProfile
    ? (await instancesSharingProfile(clients, state.instanceProfile.arn)).filter(
        (i) => i !== target.instanceId,
      )
    : [];
  const warnings: string[] = [];
  if (!ssmManaged) warnings.push('not SSM-managed: volatile evidence cannot be captured');
  if (sharedWith.length)
    warnings.push(
      `role shared with ${sharedWith.length} other instance(s); only this instance's sessions are denied`,
    );
  if (!state.instanceProfile) warnings.push('no instance profile: nothing to revoke');
  const isolation = isolationGroupName(config.isolationMode);
  return {
    instanceId: target.instanceId,
    accountId: target.accountId,
    region: target.region,
    networkInterfaces: state.networkInterfaces.map((n) => ({
      networkInterfaceId: n.networkInterfaceId,
      vpcId: n.vpcId,
      from: n.securityGroupIds,
      to: `${isolation} (${n.vpcId})`,
    })),
    volumesToSnapshot: state.blockDevices.map((b) => {
      const size = volumes.Volumes?.find((v) => v.VolumeId === b.volumeId)?.Size;
      return {
        volumeId: b.volumeId,
        deviceName: b.deviceName,
        ...(size !== undefined ? { sizeGiB: size } : {}),
      };
    }),
    ...(state.instanceProfile
      ? {
          credentials: {
            fromProfileArn: state.instanceProfile.arn,
            toProfileName: config.forensicInstanceProfileName,
            ...(state.instanceProfile.roleNames[0] ? { roleName: state.instanceProfile.roleNames[0] } : {}),
            denyPolicyName: denyInstancePolicyName(target.instanceId),
            sharedWithInstances: sharedWith,
          },
        }
      : {}),
    ...(state.autoScalingGroupName ? { autoScalingGroup: state.autoScalingGroupName } : {}),
    targetGroups: state.targetGroups.map((t) => ({
      targetGroupArn: t.targetGroupArn,
      ...(t.port ? { port: t.port } : {}),
    })),
    elasticIps: state.elasticIps.map((e) => e.publicIp),
    terminationProtection: { from: state.disableApiTermination, to: true },
    shutdownBehavior: { from: state.instanceInitiatedShutdownBehavior, to: 'stop' },
    ssmManaged,
    warnings,
  };
}
