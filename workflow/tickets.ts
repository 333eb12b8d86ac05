import type { IncidentRecord } from './ledger/types';

/** Where incident tickets go. The default keeps them in the ledger; Jira/ServiceNow adapters implement the same port. */
export interface TicketSink {
  readonly name: string;
  /** Idempotent on incidentId: opening twice returns the same ticket. */
  open(incident: IncidentRecord): Promise<{ ticketId: string; url?: string }>;
  /** Pages on-call (compensation path). */
  page(incident: IncidentRecord, reason: string): Promise<void>;
}
