import { type CloseIncidentOutput, closeIncident } from '../domain/incident/close';
import { CloseIncidentInputSchema } from '../domain/incident/input';
import { securityHubFindingOf } from '../domain/incident/security-hub';
import type { TaskRun } from './deps';
import { parseInput } from './input';
import { lambdaHandler } from './lambda';

/**
 * Terminal status for the outcome, time-to-contain, and the Security Hub workflow status. Clients are only
 * obtained for findings with Security Hub identifiers (from Security Hub, or derived from GuardDuty).
 */
export const run: TaskRun<CloseIncidentOutput> = async (deps, input) => {
  const parsed = parseInput(CloseIncidentInputSchema, input);
  const clients = securityHubFindingOf(parsed.request)
    ? await deps.clients({
        accountId: parsed.request.accountId,
        region: parsed.request.region,
        incidentId: parsed.incidentId,
      })
    : undefined;
  return closeIncident(clients, deps, parsed);
};

export const handler = lambdaHandler(run);
