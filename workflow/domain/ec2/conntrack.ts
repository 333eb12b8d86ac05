import { ModifyNetworkInterfaceAttributeCommand } from '@aws-sdk/client-ec2';
import { aws, isAwsError } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import type { Ec2State } from './state';

/**
 * Idle connection-tracking timeouts per ENI (EC2 API Reference, ConnectionTrackingSpecificationRequest): the
 * lowest EC2 accepts while isolated, EC2's documented defaults when the pre-state recorded none. Nitro instances
 * only; elsewhere EC2 refuses and the step says so (the network ACL deny is the cut; this only shortens how long
 * a tracked flow the ACLs cannot see, e.g. one within the subnet, outlives the swap when it goes idle).
 */
export const ISOLATED_TRACKING = { tcpEstablishedTimeout: 60, udpStreamTimeout: 60, udpTimeout: 30 };
export const DEFAULT_TRACKING = { tcpEstablishedTimeout: 432_000, udpStreamTimeout: 180, udpTimeout: 30 };

export type Tracking = typeof ISOLATED_TRACKING;

const same = (a: Tracking | undefined, b: Tracking) =>
  JSON.stringify(a ?? DEFAULT_TRACKING) === JSON.stringify(b);

/** Sets an ENI's timeouts unless they already are these. Returns false when the instance type has none. */
export async function setTracking(
  clients: AwsClients,
  networkInterfaceId: string,
  current: Tracking | undefined,
  wanted: Tracking,
): Promise<'set' | 'unchanged' | 'unsupported'> {
  if (same(current, wanted)) return 'unchanged';
  try {
    await aws(`ec2:ModifyNetworkInterfaceAttribute ${networkInterfaceId} connection tracking`, () =>
      clients.ec2.send(
        new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: networkInterfaceId,
          ConnectionTrackingSpecification: {
            TcpEstablishedTimeout: wanted.tcpEstablishedTimeout,
            UdpStreamTimeout: wanted.udpStreamTimeout,
            UdpTimeout: wanted.udpTimeout,
          },
        }),
      ),
    );
    return 'set';
  } catch (error) {
    if (isAwsError(error, 'UnsupportedOperation')) return 'unsupported';
    throw error;
  }
}

/** Lowers every ENI's idle timeouts (check-before-act); names the ENIs whose instance type cannot. */
export async function lowerConnectionTracking(
  clients: AwsClients,
  pre: Ec2State,
): Promise<{ lowered: string[]; unsupported: string[] }> {
  const lowered: string[] = [];
  const unsupported: string[] = [];
  for (const eni of pre.networkInterfaces) {
    const result = await setTracking(
      clients,
      eni.networkInterfaceId,
      eni.connectionTracking,
      ISOLATED_TRACKING,
    );
    if (result === 'unsupported') unsupported.push(eni.networkInterfaceId);
    else lowered.push(eni.networkInterfaceId);
  }
  return { lowered, unsupported };
}
