import { type Ec2State, Ec2StateSchema } from '../domain/ec2/state';
import { ValidationError } from '../errors';
import type { Ledger } from '../ledger/ledger';

/** The EC2 pre-state recorded by RecordPreState: every later step and the restore work from this record. */
export async function loadEc2PreState(ledger: Ledger, incidentId: string): Promise<Ec2State> {
  const incident = await ledger.getIncident(incidentId);
  const parsed = Ec2StateSchema.safeParse(incident?.preState);
  if (!parsed.success) {
    throw new ValidationError(`incident ${incidentId} has no recorded EC2 pre-state`, 'preState');
  }
  return parsed.data;
}
