import { ResourceNotFoundError } from '../errors';

/**
 * EC2's eventual consistency (docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html): a resource just
 * created can answer NotFound, or not be listed yet, for a moment. Calls right after a create are retried with
 * bounded exponential backoff and full jitter instead of failing the step. Tune with configureConsistencyRetry.
 */
const policy = { maxAttempts: 7, baseDelayMs: 250, maxDelayMs: 4_000 };

export function configureConsistencyRetry(next: Partial<typeof policy>): void {
  Object.assign(policy, next);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` until it returns a value: again (after a backoff) while it returns undefined (not visible or not
 * settled yet) or throws ResourceNotFoundError (what `aws()` maps InvalidGroup.NotFound and the like to). After
 * the last attempt the NotFound is thrown, or a ResourceNotFoundError naming `what`.
 */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let notFound: unknown;
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundError)) throw error;
      notFound = error;
    }
    if (attempt >= policy.maxAttempts) {
      throw notFound ?? new ResourceNotFoundError(`${what}: not visible after ${attempt} attempts`);
    }
    const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    await sleep(Math.random() * cap);
  }
}
