import { AirlockError, ResourceNotFoundError, ThrottledError, TransientAwsError } from '../errors';

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);

const TRANSIENT = new Set([
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'InternalServiceError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'Unavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ECONNRESET',
  'ETIMEDOUT',
]);

const NOT_FOUND =
  /NotFound|NoSuchEntity|DoesNotExist|NoSuchBucket|InvalidInstanceId$|InvalidInstanceID\.Malformed/;

interface AwsErrorLike {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/** The AWS error code of an SDK error (name, or Code for some query-protocol errors). */
export function awsErrorCode(error: unknown): string {
  const e = error as AwsErrorLike;
  return e?.name ?? e?.Code ?? e?.code ?? 'Error';
}

/**
 * Maps an SDK error to Airlock's named errors, whose names the state machine's Retry/Catch match:
 * throttling → ThrottledError, 5xx/timeouts → TransientAwsError, missing resource → ResourceNotFoundError.
 * Anything else is returned unchanged (it is a real failure; compensation handles it).
 */
export function mapAwsError(error: unknown, what: string): unknown {
  if (error instanceof AirlockError) return error;
  const e = error as AwsErrorLike;
  const code = awsErrorCode(error);
  const message = `${what}: ${code}: ${e?.message ?? String(error)}`;
  if (THROTTLING.has(code) || e?.$metadata?.httpStatusCode === 429)
    return new ThrottledError(message, { cause: error });
  if (TRANSIENT.has(code) || e?.$fault === 'server' || (e?.$metadata?.httpStatusCode ?? 0) >= 500)
    return new TransientAwsError(message, { cause: error });
  if (NOT_FOUND.test(code)) return new ResourceNotFoundError(message, { cause: error });
  return error;
}

/**
 * Per-call retry of throttling and transient errors, with full jitter, before the error reaches the state
 * machine (whose Retry then re-runs the whole idempotent task). Mirrors the SDK's standard retry so behaviour is
 * the same whichever client is injected. Tune with configureAwsRetry (benches use a short base delay).
 */
const retryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 5_000 };

export function configureAwsRetry(policy: Partial<typeof retryPolicy>): void {
  Object.assign(retryPolicy, policy);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface AwsCallOptions {
  /**
   * false for a call that must not be sent twice (it creates something, or acts on an id it replaces): a 5xx or
   * timeout is ambiguous there (the call may have taken effect), so it is not re-sent here. The TransientAwsError
   * goes to the state machine, whose Retry re-runs the whole task, check-before-act. A throttled call did nothing
   * and is retried as usual. Default true.
   */
  idempotent?: boolean;
}

/** Runs one AWS call and maps its error. `what` names the call for the error message ("ec2:CreateSnapshot vol-1"). */
export async function aws<T>(what: string, fn: () => Promise<T>, options: AwsCallOptions = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const mapped = mapAwsError(error, what);
      const retryable =
        mapped instanceof ThrottledError ||
        (mapped instanceof TransientAwsError && options.idempotent !== false);
      if (!retryable || attempt >= retryPolicy.maxAttempts) throw mapped;
      const cap = Math.min(retryPolicy.maxDelayMs, retryPolicy.baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.random() * cap);
    }
  }
}

/** True when the error is the given AWS error code (e.g. 'InvalidGroup.Duplicate'). */
export function isAwsError(error: unknown, ...codes: string[]): boolean {
  const cause = (error as { cause?: unknown })?.cause;
  return codes.includes(awsErrorCode(error)) || (cause !== undefined && codes.includes(awsErrorCode(cause)));
}
