import type { OfflineStack } from '../runtime/types';
import type { WorkspaceStack } from './port';

/** The workspace's view of a running OfflineStack: the estate is read from the simulator's model, never copied twice. */
export function fromOfflineStack(stack: OfflineStack): WorkspaceStack {
  return {
    clock: stack.clock,
    ledger: stack.ledger,
    engine: stack.engine,
    slack: stack.slack,
    ...(stack.pagerDuty ? { pagerDuty: stack.pagerDuty } : {}),
    estate: () => stack.sim.model.state,
    bot: stack.bot,
    settings: stack.settings,
    inject: (raw) => stack.inject(raw),
    reports: { s3: stack.sim.clients().s3, evidenceBucket: stack.settings.workflow.evidenceBucket },
  };
}
