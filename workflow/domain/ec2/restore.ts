import { AttachInstancesCommand } from '@aws-sdk/client-auto-scaling';
import {
  AssociateAddressCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DisassociateIamInstanceProfileCommand,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { aws } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import { RestoreMismatchError } from '../../errors';
import type { CreatedResource } from '../../ledger/created-resources';
import type { StepOutcome } from '../../tasks/step';
import { deleteInlinePolicy, getInlinePolicy } from '../iam/inline-policy';
import { DEFAULT_TRACKING, setTracking } from './conntrack';
import { currentProfileAssociation, setInstanceProfile } from './instance-profile';
import { removeNetworkAclEntries } from './nacl';
import { diffStates, type Ec2State, readInstanceState } from './state';

export interface RestoreOutput {
  changes: string[];
  diff: string[];
}

const sameSet = (a: string[], b: string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

/**
 * The state the restore is judged on. Role policies: the pre-state's names, plus any policy THIS incident created
 * that is still there (a diff). Policies other incidents or people added or removed on a shared role meanwhile
 * are theirs: the restore neither touches nor judges them.
 */
function judgedState(pre: Ec2State, after: Ec2State, own: CreatedResource[]): Ec2State {
  if (!after.instanceProfile || !pre.instanceProfile) return after;
  const ownLeft = after.instanceProfile.rolePolicyNames.filter((n) =>
    own.some((c) => c.name === n && c.parent === after.instanceProfile?.roleNames[0]),
  );
  return {
    ...after,
    instanceProfile: {
      ...after.instanceProfile,
      rolePolicyNames: [...new Set([...pre.instanceProfile.rolePolicyNames, ...ownLeft])].sort(),
    },
  };
}

/**
 * Tags are judged only where this incident set them and they still held its value (`own`): every other key is
 * someone else's (a person's change during the incident, another tool's tag) and is neither touched nor judged.
 */
function withOwnTagsJudged(pre: Ec2State, after: Ec2State, own: string[]): Ec2State {
  const tags = { ...pre.tags };
  for (const key of own) {
    const value = after.tags[key];
    if (value === undefined) delete tags[key];
    else tags[key] = value;
  }
  return { ...after, tags };
}

/**
 * Reject (false positive): puts back exactly the recorded pre-state — security groups per ENI, instance profile,
 * the role policies this incident recorded as created (and no other), termination protection, shutdown behaviour, DeleteOnTermination, ASG membership,
 * target-group registrations, Elastic IPs and tags — then re-reads the instance and records the diff, which must
 * be empty. Check-before-act throughout, so a retry changes nothing twice.
 */
export async function restoreEc2(
  clients: AwsClients,
  pre: Ec2State,
  target: { accountId: string; region: string },
  created: CreatedResource[],
): Promise<StepOutcome<RestoreOutput>> {
  const { instanceId } = pre;
  const ref = { instanceId, accountId: target.accountId, region: target.region };
  const now = await readInstanceState(clients, ref);
  const changes: string[] = [];

  for (const eni of pre.networkInterfaces) {
    const current = now.networkInterfaces.find((n) => n.networkInterfaceId === eni.networkInterfaceId);
    if (current && !sameSet(current.securityGroupIds, eni.securityGroupIds)) {
      await aws(`ec2:ModifyNetworkInterfaceAttribute ${eni.networkInterfaceId}`, () =>
        clients.ec2.send(
          new ModifyNetworkInterfaceAttributeCommand({
            NetworkInterfaceId: eni.networkInterfaceId,
            Groups: eni.securityGroupIds,
          }),
        ),
      );
      changes.push(`${eni.networkInterfaceId} → ${eni.securityGroupIds.join('+')}`);
    }
    // The idle connection-tracking timeouts the isolation lowered (EC2's defaults when none were recorded).
    const wanted = eni.connectionTracking ?? DEFAULT_TRACKING;
    if (
      current &&
      (await setTracking(clients, eni.networkInterfaceId, current.connectionTracking, wanted)) === 'set'
    )
      changes.push(`${eni.networkInterfaceId} connection tracking → ${wanted.tcpEstablishedTimeout} s TCP`);
  }
  // Exactly the network ACL denies this incident recorded (another incident's in the same ACL stay).
  changes.push(...(await removeNetworkAclEntries(clients, created)));

  if (pre.instanceProfile?.arn !== now.instanceProfile?.arn) {
    const association = await currentProfileAssociation(clients, instanceId);
    const original = pre.instanceProfile?.arn;
    if (original) {
      await setInstanceProfile(clients, instanceId, association, original);
    } else if (association?.AssociationId) {
      const associationId = association.AssociationId;
      await aws(
        'ec2:DisassociateIamInstanceProfile',
        () => clients.ec2.send(new DisassociateIamInstanceProfileCommand({ AssociationId: associationId })),
        { idempotent: false },
      );
    }
    changes.push(`instance profile → ${pre.instanceProfile?.name ?? '(none)'}`);
  }

  // Exactly the role policies this incident recorded as created (its per-instance deny, its whole-role
  // revocation): never another incident's deny on a shared role, nor a policy a person added meanwhile.
  const ownPolicies = created.filter((c) => c.kind === 'role-policy');
  for (const { parent: roleName, name: policyName } of ownPolicies) {
    if (!(await getInlinePolicy(clients, { type: 'role', roleName }, policyName))) continue;
    await deleteInlinePolicy(clients, { type: 'role', roleName }, policyName);
    changes.push(`removed ${policyName} from ${roleName}`);
  }

  if (now.disableApiTermination !== pre.disableApiTermination) {
    await aws('ec2:ModifyInstanceAttribute DisableApiTermination', () =>
      clients.ec2.send(
        new ModifyInstanceAttributeCommand({
          InstanceId: instanceId,
          DisableApiTermination: { Value: pre.disableApiTermination },
        }),
      ),
    );
    changes.push(`termination protection ${pre.disableApiTermination ? 'on' : 'off'}`);
  }
  if (now.instanceInitiatedShutdownBehavior !== pre.instanceInitiatedShutdownBehavior) {
    await aws('ec2:ModifyInstanceAttribute InstanceInitiatedShutdownBehavior', () =>
      clients.ec2.send(
        new ModifyInstanceAttributeCommand({
          InstanceId: instanceId,
          InstanceInitiatedShutdownBehavior: { Value: pre.instanceInitiatedShutdownBehavior },
        }),
      ),
    );
    changes.push(`shutdown behaviour ${pre.instanceInitiatedShutdownBehavior}`);
  }
  const devices = pre.blockDevices.filter((b) => {
    const current = now.blockDevices.find((c) => c.deviceName === b.deviceName);
    return current && current.deleteOnTermination !== b.deleteOnTermination;
  });
  if (devices.length) {
    await aws('ec2:ModifyInstanceAttribute BlockDeviceMappings', () =>
      clients.ec2.send(
        new ModifyInstanceAttributeCommand({
          InstanceId: instanceId,
          BlockDeviceMappings: devices.map((b) => ({
            DeviceName: b.deviceName,
            Ebs: { DeleteOnTermination: b.deleteOnTermination },
          })),
        }),
      ),
    );
    changes.push(`DeleteOnTermination restored on ${devices.map((d) => d.deviceName).join(', ')}`);
  }

  if (pre.autoScalingGroupName && now.autoScalingGroupName !== pre.autoScalingGroupName) {
    const group = pre.autoScalingGroupName;
    await aws(`autoscaling:AttachInstances ${group}`, () =>
      clients.autoscaling.send(
        new AttachInstancesCommand({ AutoScalingGroupName: group, InstanceIds: [instanceId] }),
      ),
    );
    changes.push(`re-attached to ASG ${group}`);
  }
  for (const tg of pre.targetGroups) {
    const registered = now.targetGroups.some(
      (c) => c.targetGroupArn === tg.targetGroupArn && c.port === tg.port,
    );
    if (!registered) {
      await aws(`elasticloadbalancing:RegisterTargets ${tg.targetGroupArn}`, () =>
        clients.elbv2.send(
          new RegisterTargetsCommand({
            TargetGroupArn: tg.targetGroupArn,
            Targets: [{ Id: instanceId, ...(tg.port ? { Port: tg.port } : {}) }],
          }),
        ),
      );
      changes.push(`re-registered in ${tg.targetGroupArn.split(':').pop()}`);
    }
  }
  for (const eip of pre.elasticIps) {
    if (!now.elasticIps.some((c) => c.allocationId === eip.allocationId)) {
      await aws(`ec2:AssociateAddress ${eip.publicIp}`, () =>
        clients.ec2.send(
          new AssociateAddressCommand({
            AllocationId: eip.allocationId,
            NetworkInterfaceId: eip.networkInterfaceId,
            PrivateIpAddress: eip.privateIpAddress,
          }),
        ),
      );
      changes.push(`Elastic IP ${eip.publicIp} re-associated`);
    }
  }

  // Tags: only those this incident recorded setting, and only while they still hold the value it set (a tag a
  // person changed during the incident is theirs). Put back the prior value, or remove a tag that was not there.
  const ownTags = created.filter((c) => c.kind === 'tag' && c.parent === instanceId && c.value !== undefined);
  const ours = ownTags.filter((t) => now.tags[t.name] === t.value).map((t) => t.name);
  const toDelete = ours.filter((k) => pre.tags[k] === undefined);
  const toPut = ours.filter((k) => pre.tags[k] !== undefined && now.tags[k] !== pre.tags[k]);
  if (toDelete.length) {
    await aws(`ec2:DeleteTags ${instanceId}`, () =>
      clients.ec2.send(
        new DeleteTagsCommand({ Resources: [instanceId], Tags: toDelete.map((Key) => ({ Key })) }),
      ),
    );
    changes.push(`removed tags ${toDelete.join(', ')}`);
  }
  if (toPut.length) {
    await aws(`ec2:CreateTags ${instanceId}`, () =>
      clients.ec2.send(
        new CreateTagsCommand({
          Resources: [instanceId],
          Tags: toPut.map((Key) => ({ Key, Value: pre.tags[Key] })),
        }),
      ),
    );
    changes.push(`restored tags ${toPut.join(', ')}`);
  }

  const after = await readInstanceState(clients, ref);
  const diff = diffStates(pre, withOwnTagsJudged(pre, judgedState(pre, after, ownPolicies), ours));
  if (diff.length) {
    throw new RestoreMismatchError(
      `restore of ${instanceId} left ${diff.length} difference(s): ${diff.join('; ')}`,
    );
  }
  return {
    output: { changes, diff },
    summary: `Restored ${instanceId} to its pre-incident state (${changes.length} change(s)); verified: diff empty`,
    ids: [instanceId],
  };
}
