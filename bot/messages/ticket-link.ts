import type { IncidentRecord } from '../../workflow/ledger/types';
import { escapeMrkdwn } from './blocks';

/**
 * A mrkdwn link `<url|text>`, escaped: the URL must be http(s) (anything else is shown as text), `&`, `<`, `>` are
 * escaped in both parts and `|` is percent-encoded in the URL so it cannot end it early. Undefined URL → the text.
 */
export function mrkdwnLink(url: string | undefined, text: string): string {
  const label = escapeMrkdwn(text);
  if (!url || !/^https?:\/\/[^\s]+$/i.test(url)) return label;
  return `<${escapeMrkdwn(url.replace(/\|/g, '%7C'))}|${label}>`;
}

/** The card's Ticket field: the key linking to the ticket, when the sink gave a URL. */
export function ticketField(incident: IncidentRecord): [string, string] | undefined {
  const ticket = incident.ticket;
  if (!ticket) return undefined;
  return ['Ticket', mrkdwnLink(ticket.url, ticket.id)];
}
