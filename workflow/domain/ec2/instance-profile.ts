import {
  AssociateIamInstanceProfileCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  type IamInstanceProfileAssociation,
  ReplaceIamInstanceProfileAssociationCommand,
} from '@aws-sdk/client-ec2';
import { aws } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';

/** The instance's current (state `associated`) instance-profile association, if it has one. */
export async function currentProfileAssociation(
  clients: AwsClients,
  instanceId: string,
): Promise<IamInstanceProfileAssociation | undefined> {
  const associations = await aws('ec2:DescribeIamInstanceProfileAssociations', () =>
    clients.ec2.send(
      new DescribeIamInstanceProfileAssociationsCommand({
        Filters: [
          { Name: 'instance-id', Values: [instanceId] },
          { Name: 'state', Values: ['associated'] },
        ],
      }),
    ),
  );
  return associations.IamInstanceProfileAssociations?.[0];
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
}
