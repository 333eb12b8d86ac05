import { acceptEvent, type IntakeDeps } from '../workflow/intake/service';
import type { ExecutionInput } from '../workflow/tasks/state';
import type { ManualIsolateRequest, ReleaseIncident, StartIncident, StartIncidentResult } from './deps';

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

/** The name of an incident's release execution: deterministic (a repeat starts nothing new) and distinct. */
export function releaseExecutionName(incidentId: string): string {
  return `${incidentId}-release`;
}

/**
 * `/ir release`: the same definition, entered at Restore (`release` set), with a Reject-shaped decision naming
 * the releaser, so RestoreEc2 / RestoreAccessKey / RestoreBucket, CloseRestored and NotifyRestored run as after a
 * Reject, under the workflow's retries and audit. The bot itself never touches the resource.
 */
export function releaseIncidentVia(intake: IntakeDeps): ReleaseIncident {
  return async (incident, releasedBy, releasedAt) => {
    const input: ExecutionInput & { release: { by: string; at: string }; decision: unknown } = {
      incidentId: incident.incidentId,
      route: incident.route,
      request: incident.request,
      config: intake.settings,
      release: { by: releasedBy, at: releasedAt },
      decision: {
        Error: 'DecisionRejected',
        Cause: JSON.stringify({
          incidentId: incident.incidentId,
          decidedBy: releasedBy,
          decidedAt: releasedAt,
        }),
      },
    };
    return intake.executions.start({ name: releaseExecutionName(incident.incidentId), input });
  };
}
