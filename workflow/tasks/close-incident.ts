import { type CloseIncidentOutput, closeIncident } from '../domain/incident/close';
import { CloseIncidentInputSchema } from '../domain/incident/input';
import type { TaskRun } from './deps';
import { parseInput } from './input';
import { lambdaHandler } from './lambda';

/**
 * Terminal status for the outcome, time-to-contain, and the Security Hub workflow status. Clients are only
 * obtained for Security Hub findings (nothing else here calls AWS).
 */
export const run: TaskRun<CloseIncidentOutput> = async (deps, input) => {
  const parsed = parseInput(CloseIncidentInputSchema, input);
  const clients = parsed.request.securityHub
    ? await deps.clients({ accountId: parsed.request.accountId, region: parsed.request.region })
    : undefined;
  return closeIncident(clients, deps, parsed);
};

export const handler = lambdaHandler(run);
