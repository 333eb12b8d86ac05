import { OpenTicketInputSchema } from '../domain/incident/input';
import { type OpenTicketOutput, openTicket } from '../domain/incident/ticket';
import type { TaskRun } from './deps';
import { parseInput } from './input';
import { lambdaHandler } from './lambda';

/** h. Ticket in the pluggable sink (the ledger by default). No AWS calls in the target account. */
export const run: TaskRun<OpenTicketOutput> = async (deps, input) => {
  const parsed = parseInput(OpenTicketInputSchema, input);
  return openTicket(deps, parsed);
};

export const handler = lambdaHandler(run);
