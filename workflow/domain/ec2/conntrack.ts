import {
  type ConnectionTrackingConfiguration,
  DescribeNetworkInterfacesCommand,
  ModifyNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';
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

/** An ENI's timeouts as DescribeNetworkInterfaces reports them (EC2's defaults for what it leaves out). */
export function trackingFrom(c: ConnectionTrackingConfiguration | undefined): Tracking {
  return {
    tcpEstablishedTimeout: c?.TcpEstablishedTimeout ?? DEFAULT_TRACKING.tcpEstablishedTimeout,
    udpStreamTimeout: c?.UdpStreamTimeout ?? DEFAULT_TRACKING.udpStreamTimeout,
    udpTimeout: c?.UdpTimeout ?? DEFAULT_TRACKING.udpTimeout,
  };
}

/**
 * Lowers every ENI's idle timeouts; names the ENIs whose instance type cannot. Check-before-act on the ENIs' current
 * timeouts (one DescribeNetworkInterfaces), not the pre-state's: a re-run finds them lowered and changes nothing.
 */
export async function lowerConnectionTracking(
  clients: AwsClients,
  pre: Ec2State,
): Promise<{ lowered: string[]; unsupported: string[] }> {
  const lowered: string[] = [];
  const unsupported: string[] = [];
  const ids = pre.networkInterfaces.map((n) => n.networkInterfaceId);
  if (!ids.length) return { lowered, unsupported };
  const described = await aws('ec2:DescribeNetworkInterfaces connection tracking', () =>
    clients.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ids })),
  );
  const current = new Map(
    (described.NetworkInterfaces ?? []).map((n) => [
      n.NetworkInterfaceId ?? '',
      trackingFrom(n.ConnectionTrackingConfiguration),
    ]),
  );
  for (const eni of pre.networkInterfaces) {
    const result = await setTracking(
      clients,
      eni.networkInterfaceId,
      current.get(eni.networkInterfaceId) ?? eni.connectionTracking,
      ISOLATED_TRACKING,
    );
    if (result === 'unsupported') unsupported.push(eni.networkInterfaceId);
    else lowered.push(eni.networkInterfaceId);
  }
  return { lowered, unsupported };
}
