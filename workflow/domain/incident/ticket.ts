import type { WorkflowTaskDeps } from '../../tasks/deps';
import { runStep } from '../../tasks/step';
import type { OpenTicketInput } from './input';
import { requireIncident } from './lifecycle';

export interface OpenTicketOutput {
  ticketId: string;
  url?: string;
}

/** h. Opens the incident's ticket in the configured sink (idempotent on incidentId: a re-run gets the same one). */
export async function openTicket(deps: WorkflowTaskDeps, input: OpenTicketInput): Promise<OpenTicketOutput> {
  const { incidentId } = input;
  const incident = await requireIncident(deps.ledger, incidentId);
  return runStep(deps, incidentId, 'open-ticket', input, async () => {
    const ticket = await deps.ticketSink.open(incident);
    const output: OpenTicketOutput = {
      ticketId: ticket.ticketId,
      ...(ticket.url ? { url: ticket.url } : {}),
    };
    return {
      output,
      summary: `Ticket ${ticket.ticketId} opened (${deps.ticketSink.name})`,
      ids: [ticket.ticketId],
      ...(ticket.url ? { links: [{ text: ticket.ticketId, url: ticket.url }] } : {}),
    };
  });
}
