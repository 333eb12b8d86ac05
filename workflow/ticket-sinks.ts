import { TicketConfigError } from './errors';
import type { Ledger } from './ledger/ledger';
import type { Logger } from './log';
import type { Clock } from './ports';
import { type JiraCall, type JiraCredentials, jiraCaller } from './ticket-sinks/jira/client';
import { JiraTicketSink } from './ticket-sinks/jira/sink';
import { LedgerTicketSink } from './ticket-sinks/ledger';
import type { TicketSettings, TicketSinkName } from './ticket-sinks/settings';
import type { TicketSink } from './tickets';

export { JiraTicketSink } from './ticket-sinks/jira/sink';
export { LedgerTicketSink } from './ticket-sinks/ledger';
export { type TicketSettings, TicketSettingsSchema } from './ticket-sinks/settings';

/** What any sink may be built from: the ledger (idempotency records), time, logs, and its credentials. */
export interface TicketSinkContext {
  ledger: Ledger;
  clock: Clock;
  log: Logger;
  /** The sink's credentials (read from its Secrets Manager secret in AWS; a fake's offline). */
  credentials?: () => Promise<JiraCredentials>;
  /** Options for the Jira client (tests: `onSchemaMismatch: 'throw'`, no in-place wait). */
  jira?: {
    call?: JiraCall;
    maxInlineWaitMs?: number;
    sleep?: (ms: number) => Promise<void>;
    strict?: boolean;
  };
}

type Factory<N extends TicketSinkName> = (
  settings: Extract<TicketSettings, { sink: N }>,
  context: TicketSinkContext,
) => TicketSink;

/**
 * Every ticket sink by the name `tickets.sink` selects. Adding one (ServiceNow) means a file under
 * workflow/ticket-sinks/, its settings in ticket-sinks/settings.ts, and its line here.
 */
export const TICKET_SINKS: { [N in TicketSinkName]: Factory<N> } = {
  ledger: (_settings, { ledger, clock }) => new LedgerTicketSink(ledger, clock),
  jira: ({ jira }, context) => {
    // Without credentials the sink fails at its first call (one clear error in the thread), not at start-up.
    const credentials =
      context.credentials ??
      (() =>
        Promise.reject(
          new TicketConfigError('the Jira ticket sink has no credentials: the ticket secret is not set'),
        ));
    const log = context.log.child({ sink: 'jira' });
    const call =
      context.jira?.call ??
      jiraCaller({
        baseUrl: jira.baseUrl,
        credentials,
        onSchemaMismatch: context.jira?.strict
          ? 'throw'
          : (report) => log.warn({ report }, 'a Jira answer did not match the jira.js schema'),
        ...(context.jira?.maxInlineWaitMs !== undefined
          ? { maxInlineWaitMs: context.jira.maxInlineWaitMs }
          : {}),
        ...(context.jira?.sleep ? { sleep: context.jira.sleep } : {}),
      });
    return new JiraTicketSink({
      ledger: context.ledger,
      clock: context.clock,
      log,
      call,
      settings: jira,
      ...(jira.slackWorkspaceUrl ? { slackWorkspaceUrl: jira.slackWorkspaceUrl } : {}),
    });
  },
};

export function createTicketSink(settings: TicketSettings, context: TicketSinkContext): TicketSink {
  const factory = TICKET_SINKS[settings.sink] as Factory<TicketSinkName>;
  return factory(settings as never, context);
}
