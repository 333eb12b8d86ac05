/** Every Slack id Airlock declares, once. Handlers, message builders, the manifest test and the simulator import these. */
export const COMMANDS = { ir: '/ir' } as const;

export const ACTIONS = {
  approve: 'airlock_approve',
  reject: 'airlock_reject',
  containNow: 'airlock_contain_now',
  claim: 'airlock_claim',
  resolveUnresolved: 'airlock_resolve_unresolved',
  releaseUnresolved: 'airlock_release_unresolved',
} as const;

export const BLOCKS = {
  approval: 'airlock_approval',
  review: 'airlock_review',
  ownership: 'airlock_ownership',
  settle: 'airlock_settle',
} as const;
