import {
  AssociateIamInstanceProfileCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  type IamInstanceProfileAssociation,
  ReplaceIamInstanceProfileAssociationCommand,
} from '@aws-sdk/client-ec2';
import { aws } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import { eventually } from '../../aws/consistency';

const SETTLING = new Set(['associating', 'disassociating']);

async function associationsOf(
  clients: AwsClients,
  instanceId: string,
): Promise<IamInstanceProfileAssociation[]> {
  const out = await aws('ec2:DescribeIamInstanceProfileAssociations', () =>
    clients.ec2.send(
      new DescribeIamInstanceProfileAssociationsCommand({
        Filters: [{ Name: 'instance-id', Values: [instanceId] }],
      }),
    ),
  );
  return (out.IamInstanceProfileAssociations ?? []).filter((a) => a.State !== 'disassociated');
}

/**
 * The instance's current (state `associated`) instance-profile association, if it has one. An association still
 * `associating` or `disassociating` (eventual consistency, right after a swap) is waited for, bounded, so the
 * caller never takes "settling" for "none" and associates a second profile.
 */
export async function currentProfileAssociation(
  clients: AwsClients,
  instanceId: string,
): Promise<IamInstanceProfileAssociation | undefined> {
  const settled = await eventually(`instance profile association of ${instanceId}`, async () => {
    const all = await associationsOf(clients, instanceId);
    return all.some((a) => SETTLING.has(a.State ?? '')) ? undefined : all;
  });
  return settled.find((a) => a.State === 'associated');
}

/**
 * Puts the profile `arn` on the instance: replaces the current association when there is one, associates
 * otherwise. Not idempotent on its own (each call changes the association), so callers check state first.
 */
export async function setInstanceProfile(
  clients: AwsClients,
  instanceId: string,
  current: IamInstanceProfileAssociation | undefined,
  arn: string,
): Promise<void> {
  const associationId = current?.AssociationId;
  if (associationId) {
    await aws(
      'ec2:ReplaceIamInstanceProfileAssociation',
      () =>
        clients.ec2.send(
          new ReplaceIamInstanceProfileAssociationCommand({
            AssociationId: associationId,
            IamInstanceProfile: { Arn: arn },
          }),
        ),
      { idempotent: false },
    );
    await untilAssociated(clients, instanceId, arn);
    return;
  }
  await aws(
    'ec2:AssociateIamInstanceProfile',
    () =>
      clients.ec2.send(
        new AssociateIamInstanceProfileCommand({ InstanceId: instanceId, IamInstanceProfile: { Arn: arn } }),
      ),
    { idempotent: false },
  );
  await untilAssociated(clients, instanceId, arn);
}

/** Waits (bounded) until the instance's association of `arn` reports `associated`: the swap is done. */
async function untilAssociated(clients: AwsClients, instanceId: string, arn: string): Promise<void> {
  await eventually(`instance profile ${arn} on ${instanceId}`, async () => {
    const all = await associationsOf(clients, instanceId);
    return all.some((a) => a.IamInstanceProfile?.Arn === arn && a.State === 'associated') ? true : undefined;
  });
}
