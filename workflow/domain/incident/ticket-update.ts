import * as z from 'zod';
import type { IncidentRecord } from '../../ledger/types';
import type { WorkflowTaskDeps } from '../../tasks/deps';
import { runStep } from '../../tasks/step';
import { TICKET_OUTCOMES, type TicketOutcome, type TicketUpdate } from '../../tickets';
import { type DecisionInfo, resolveDecision } from './decision';
import { requireIncident } from './lifecycle';

/** UpdateTicket's input: the incident and how it ended (the ASL state sets the outcome). */
export const UpdateTicketInputSchema = z.object({
  incidentId: z.string().min(1),
  outcome: z.enum(TICKET_OUTCOMES),
  /** `$.decision` on the decided paths: who approved or rejected (the ledger's approval record is preferred). */
  decision: z.unknown().optional(),
});
export type UpdateTicketInput = z.infer<typeof UpdateTicketInputSchema>;

export interface UpdateTicketOutput {
  ticketId: string;
  commented: boolean;
  transitioned: boolean;
  status?: string;
}

const who = (slackUserId: string | undefined) => (slackUserId ? `Slack user ${slackUserId}` : 'someone');

/** The decision or close as the ticket's comment: who decided, when, and what Airlock did about it. */
export function ticketUpdateFor(
  incident: IncidentRecord,
  outcome: TicketOutcome,
  decision: DecisionInfo = {},
): TicketUpdate {
  const approval = incident.approval;
  const by = decision.decidedBy ?? approval?.decidedBy;
  const at = decision.decidedAt ?? approval?.decidedAt ?? incident.decidedAt;
  const when = at ? ` at ${at}` : '';
  const lines: string[] = [];
  if (incident.containedAt) lines.push(`Contained at ${incident.containedAt}.`);
  let title: string;
  switch (outcome) {
    case 'resolved':
      title = `Approved by ${who(by)}${when}: the resource stays contained; incident resolved.`;
      break;
    case 'restored':
      title =
        incident.settled?.how === 'release'
          ? `Released by ${who(incident.settled.by)} at ${incident.settled.at}: restored to its recorded pre-state.`
          : `Rejected by ${who(by)}${when} (false positive): restored to its recorded pre-state.`;
      break;
    case 'unresolved':
      title =
        'Nobody decided within the approval and escalation time: the resource stays contained, escalated and unresolved.';
      lines.push(`Approval state: ${approval?.state ?? 'none'}.`);
      break;
    case 'failed': {
      const f = incident.failure;
      title = `Containment failed${f ? ` at ${f.step}` : ''}: what succeeded stays in place; the on-call is needed.`;
      if (f) lines.push(`${f.error}: ${f.cause}`);
      break;
    }
  }
  lines.push(`Airlock incident ${incident.incidentId}.`);
  return { outcome, title, lines };
}

/**
 * Adds the decision or close to the incident's ticket (once per outcome) and moves it to the outcome's status in
 * the configured sink. Runs before the Close* states; its failures are caught by the state machine and never block.
 */
export async function updateTicket(
  deps: WorkflowTaskDeps,
  input: UpdateTicketInput,
): Promise<UpdateTicketOutput> {
  const { incidentId, outcome } = input;
  const incident = await requireIncident(deps.ledger, incidentId);
  return runStep(deps, incidentId, 'update-ticket', input, async () => {
    const decided = outcome === 'resolved' || outcome === 'restored';
    const decision = decided ? await resolveDecision(deps.ledger, incident, input.decision) : {};
    const update = ticketUpdateFor(incident, outcome, decision);
    const result = await deps.ticketSink.update(incident, update);
    const output: UpdateTicketOutput = {
      ticketId: result.ticketId,
      commented: result.commented,
      transitioned: result.transitioned,
      ...(result.status ? { status: result.status } : {}),
    };
    const moved = result.status
      ? result.transitioned
        ? `, moved to ${result.status}`
        : `, already ${result.status}`
      : '';
    const comment = result.commented ? 'comment added' : 'comment already there';
    const fresh = await deps.ledger.getIncident(incidentId);
    return {
      output,
      summary: `Ticket ${result.ticketId} (${deps.ticketSink.name}): ${outcome}, ${comment}${moved}`,
      ids: [result.ticketId],
      ...(fresh?.ticket?.url ? { links: [{ text: result.ticketId, url: fresh.ticket.url }] } : {}),
    };
  });
}
