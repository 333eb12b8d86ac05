import {
  DescribeNetworkInterfacesCommand,
  ModifyNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { aws } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import type { WorkflowSettings } from '../../config';
import { VerificationFailedError } from '../../errors';
import { ALLOW_ALL_GROUP, findGroup, isolationGroupName } from './isolate';
import type { Ec2State } from './state';

/**
 * Makes sure none of the instance's ENIs is left on the transitional allow-all group (an isolation interrupted
 * half-way): each one found there is moved to the isolation group. Check-before-act; returns what it moved
 * (`eni-… → sg-…`), nothing when no ENI was there. Throws when an ENI is there and cannot be moved.
 */
export async function moveOffAllowAll(
  clients: AwsClients,
  preState: Ec2State,
  config: WorkflowSettings,
): Promise<string[]> {
  const eniIds = preState.networkInterfaces.map((n) => n.networkInterfaceId);
  if (!eniIds.length) return [];
  const current = await aws('ec2:DescribeNetworkInterfaces (allow-all check)', () =>
    clients.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: eniIds })),
  );
  const moved: string[] = [];
  for (const eni of current.NetworkInterfaces ?? []) {
    const eniId = eni.NetworkInterfaceId ?? '';
    if (!(eni.Groups ?? []).some((g) => g.GroupName === ALLOW_ALL_GROUP)) continue;
    const vpcId = eni.VpcId ?? '';
    const name = isolationGroupName(config.isolationMode);
    const isolation = (await findGroup(clients, vpcId, name))?.GroupId;
    if (!isolation) {
      throw new VerificationFailedError(
        `${eniId} is on ${ALLOW_ALL_GROUP} and ${vpcId} has no ${name} group`,
      );
    }
    await aws(`ec2:ModifyNetworkInterfaceAttribute ${eniId} isolation (compensate)`, () =>
      clients.ec2.send(
        new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Groups: [isolation] }),
      ),
    );
    moved.push(`${eniId} → ${isolation}`);
  }
  return moved;
}
