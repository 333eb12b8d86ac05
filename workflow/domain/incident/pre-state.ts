import type { z } from 'zod';
import { ValidationError } from '../../errors';
import type { Ledger } from '../../ledger/ledger';
import { requireIncident } from './lifecycle';

/** Validates a pre-state the ledger returned (recordPreState's first value, or the incident's stored one). */
export function parsePreState<S extends z.ZodType>(
  schema: S,
  value: unknown,
  incidentId: string,
): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.join('.') || '(root)';
  throw new ValidationError(
    `incident ${incidentId}: recorded pre-state is not the expected shape (${where}: ${issue?.message ?? 'invalid'})`,
    'preState',
  );
}

/** The pre-state recorded before containment: restores work from this record, never from a fresh read. */
export async function loadPreState<S extends z.ZodType>(
  ledger: Ledger,
  incidentId: string,
  schema: S,
): Promise<z.infer<S>> {
  const incident = await requireIncident(ledger, incidentId);
  if (!incident.preState) {
    throw new ValidationError(`incident ${incidentId} has no recorded pre-state to restore`, 'preState');
  }
  return parsePreState(schema, incident.preState, incidentId);
}
