import {
  UpdateTicketInputSchema,
  type UpdateTicketOutput,
  updateTicket,
} from '../domain/incident/ticket-update';
import type { TaskRun } from './deps';
import { parseInput } from './input';
import { lambdaHandler } from './lambda';

/** The decision / close on the incident's ticket: one comment per outcome, and the outcome's status. */
export const run: TaskRun<UpdateTicketOutput> = async (deps, input) => {
  const parsed = parseInput(UpdateTicketInputSchema, input);
  return updateTicket(deps, parsed);
};

export const handler = lambdaHandler(run);
