import type { Ledger } from '../ledger/ledger';
import type { IncidentRecord } from '../ledger/types';
import { type Clock, systemClock } from '../ports';
import type { TicketRef, TicketSink, TicketUpdate, TicketUpdateResult } from '../tickets';
import { TICKET_AUDIT } from './audit';

/**
 * The default ticket sink: the ticket is the ledger's incident record itself (ticket id = `AIRLOCK-<incidentId>`),
 * opened and kept current by audit events, each written once.
 */
export class LedgerTicketSink implements TicketSink {
  readonly name = 'ledger';
  constructor(
    private readonly ledger: Ledger,
    private readonly clock: Clock = systemClock,
  ) {}

  private ticketId(incident: IncidentRecord): string {
    return `AIRLOCK-${incident.incidentId}`;
  }

  async open(incident: IncidentRecord): Promise<TicketRef> {
    const ticketId = this.ticketId(incident);
    const audit = await this.ledger.listAudit(incident.incidentId);
    if (!audit.some((e) => e.action === TICKET_AUDIT.opened)) {
      await this.ledger.appendAudit({
        incidentId: incident.incidentId,
        at: this.clock.now().toISOString(),
        actor: 'workflow',
        action: TICKET_AUDIT.opened,
        detail: { ticketId, sink: this.name },
      });
    }
    return { ticketId };
  }

  /** One `ticket-updated` audit event per outcome, carrying the comment's text: a retry writes nothing more. */
  async update(incident: IncidentRecord, update: TicketUpdate): Promise<TicketUpdateResult> {
    const ticketId = this.ticketId(incident);
    const audit = await this.ledger.listAudit(incident.incidentId);
    const done = audit.some((e) => e.action === TICKET_AUDIT.updated && e.detail?.outcome === update.outcome);
    if (!done) {
      await this.ledger.appendAudit({
        incidentId: incident.incidentId,
        at: this.clock.now().toISOString(),
        actor: 'workflow',
        action: TICKET_AUDIT.updated,
        detail: {
          ticketId,
          sink: this.name,
          outcome: update.outcome,
          title: update.title,
          lines: update.lines,
        },
      });
    }
    return { ticketId, commented: !done, transitioned: false };
  }
}
