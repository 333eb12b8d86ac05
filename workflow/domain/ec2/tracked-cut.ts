import type { AwsClients } from '../../aws/clients';
import type { CreatedResourceRecorder } from '../../ledger/created-resources';
import type { StepOutcome } from '../../tasks/step';
import { lowerConnectionTracking } from './conntrack';
import { denyInstanceInNetworkAcls, type NetworkAclCutOutput } from './nacl';
import type { Ec2State } from './state';

export interface TrackedCutOutput {
  networkAclEntries: NetworkAclCutOutput['entries'];
  connectionTracking: { lowered: string[]; unsupported: string[] };
}

/**
 * After the security group swap: the cut that also drops tracked flows (network ACL denies), and low idle
 * connection-tracking timeouts on every ENI where the instance type has them.
 */
export async function cutTrackedFlows(
  clients: AwsClients,
  pre: Ec2State,
  recorder: CreatedResourceRecorder,
): Promise<StepOutcome<TrackedCutOutput>> {
  const acls = await denyInstanceInNetworkAcls(clients, pre, recorder);
  const tracking = await lowerConnectionTracking(clients, pre);
  const note = tracking.unsupported.length
    ? `; idle tracking timeouts not available on ${tracking.unsupported.join(', ')} (instance type)`
    : `; idle tracking timeouts 60 s TCP / 60 s UDP stream / 30 s UDP on ${tracking.lowered.length} ENI(s)`;
  return {
    output: { networkAclEntries: acls.output.entries, connectionTracking: tracking },
    summary: `${acls.summary}${note}`,
    ids: acls.ids ?? [],
  };
}
