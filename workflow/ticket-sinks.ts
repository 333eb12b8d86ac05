import type { Ledger } from './ledger/ledger';
import type { IncidentRecord } from './ledger/types';
import { type Clock, systemClock } from './ports';
import type { TicketSink } from './tickets';

/**
 * The default ticket sink: the ticket is the ledger's incident record itself (ticket id = incident id), with an
 * audit event. Jira or ServiceNow adapters implement TicketSink the same way (idempotent on incidentId).
 */
export class LedgerTicketSink implements TicketSink {
  readonly name = 'ledger';
  constructor(
    private readonly ledger: Ledger,
    private readonly clock: Clock = systemClock,
  ) {}

  async open(incident: IncidentRecord): Promise<{ ticketId: string }> {
    const ticketId = `AIRLOCK-${incident.incidentId}`;
    const audit = await this.ledger.listAudit(incident.incidentId);
    if (!audit.some((e) => e.action === 'ticket-opened')) {
      await this.ledger.appendAudit({
        incidentId: incident.incidentId,
        at: this.clock.now().toISOString(),
        actor: 'workflow',
        action: 'ticket-opened',
        detail: { ticketId, sink: this.name },
      });
    }
    return { ticketId };
  }

  async page(incident: IncidentRecord, reason: string): Promise<void> {
    await this.ledger.appendAudit({
      incidentId: incident.incidentId,
      at: this.clock.now().toISOString(),
      actor: 'workflow',
      action: 'on-call-paged',
      detail: { reason, sink: this.name },
    });
  }
}
