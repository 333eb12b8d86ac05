/**
 * Ports the domain depends on, with one production adapter (AWS) and one offline adapter (local/).
 */

/** Step Functions as the bot and intake see it. Production: SFN client; offline: local/engine. */
export interface Executions {
  /** Idempotent by name: the same name and input while running returns the existing execution. */
  start(params: { name: string; input: unknown }): Promise<{ executionArn: string; alreadyRunning: boolean }>;
  /** Fails with ApprovalExpiredError when the token is spent or timed out (SFN's TaskTimedOut). */
  sendTaskSuccess(taskToken: string, output: unknown): Promise<void>;
  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void>;
}

/** Time, injected so a 4-hour approval timeout can be drilled in seconds. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
