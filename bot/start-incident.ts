import { acceptEvent, type IntakeDeps } from '../workflow/intake/service';
import type { ManualIsolateRequest, StartIncident, StartIncidentResult } from './deps';

/**
 * `/ir isolate` and Contain now enter Airlock through the single intake path, as a manual request: intake
 * normalizes it (defaults, scope checks), records it (dedupe against an open incident of the instance) and starts
 * the execution named after the incident.
 */
export function startIncidentVia(intake: IntakeDeps): StartIncident {
  return async (request: ManualIsolateRequest): Promise<StartIncidentResult> => {
    const result = await acceptEvent({ kind: 'manual', ...request }, intake);
    return {
      outcome: result.outcome,
      ...(result.incident ? { incident: result.incident } : {}),
      ...(result.error ? { error: result.error } : {}),
    };
  };
}
