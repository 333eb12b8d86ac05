/** Audit actions of the ticket sinks (the ledger's record of what was sent where, and when). */
export const TICKET_AUDIT = {
  /** A create is about to be sent (before the request): a retry that finds it without `opened` looks first. */
  createIntent: 'ticket-create-intent',
  /** The create was answered with a refusal: nothing was created, a retry may send again at once. */
  createRefused: 'ticket-create-refused',
  opened: 'ticket-opened',
  /** Found by the incident's label when a previous attempt created it and its answer was lost. */
  adopted: 'ticket-adopted',
  commented: 'ticket-commented',
  transitioned: 'ticket-transitioned',
  /** The ledger sink's update (its ticket is the incident record itself). */
  updated: 'ticket-updated',
} as const;
