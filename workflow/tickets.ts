import type { IncidentRecord } from './ledger/types';

/** A ticket as the sink knows it: its id (a Jira key, or the ledger's own id) and where a person opens it. */
export interface TicketRef {
  ticketId: string;
  url?: string;
}

/** How an incident ended, as far as its ticket is concerned (each maps to a ticket status in the sink's config). */
export const TICKET_OUTCOMES = ['resolved', 'restored', 'unresolved', 'failed'] as const;
export type TicketOutcome = (typeof TICKET_OUTCOMES)[number];

/** A decision or close, added to the ticket as one comment (plain text lines: each sink renders them safely). */
export interface TicketUpdate {
  outcome: TicketOutcome;
  /** The comment's first line, e.g. "Approved by U123: stays contained". */
  title: string;
  lines: string[];
}

export interface TicketUpdateResult {
  ticketId: string;
  /** False when this outcome's comment was already on the ticket (a retry). */
  commented: boolean;
  /** The status the ticket is in afterwards, when the sink has statuses. */
  status?: string;
  /** False when the ticket was already in that status. */
  transitioned: boolean;
}

/**
 * Where incident tickets go. The default keeps them in the ledger; Jira (and later ServiceNow) adapters implement
 * the same port. Registered by name in workflow/ticket-sinks.ts.
 */
export interface TicketSink {
  readonly name: string;
  /** Idempotent on incidentId: opening twice returns the same ticket, never a second one. */
  open(incident: IncidentRecord): Promise<TicketRef>;
  /** Adds the update once (idempotent on incidentId + outcome) and moves the ticket to the outcome's status. */
  update(incident: IncidentRecord, update: TicketUpdate): Promise<TicketUpdateResult>;
}
