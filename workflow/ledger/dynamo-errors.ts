import { AirlockError, ThrottledError, TransientAwsError } from '../errors';

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'Throttling',
]);

interface SdkErrorLike {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/** True for the error DynamoDB returns when a condition expression is false (a lost race, not a failure). */
export function isConditionalCheckFailed(error: unknown): boolean {
  return (error as SdkErrorLike | undefined)?.name === 'ConditionalCheckFailedException';
}

/**
 * Maps a DynamoDB error to Airlock's named errors (the state machine's Retry/Catch match them):
 * throttling → ThrottledError, 5xx → TransientAwsError. Everything else is returned unchanged, never swallowed.
 * (DynamoDB's own ResourceNotFoundException means the *table* is missing: a configuration error, left as is.)
 */
export function mapDynamoError(error: unknown, what: string): unknown {
  if (error instanceof AirlockError) return error;
  const e = error as SdkErrorLike | undefined;
  const code = e?.name ?? 'Error';
  const message = `ledger ${what}: ${code}: ${e?.message ?? String(error)}`;
  if (THROTTLING.has(code) || e?.$metadata?.httpStatusCode === 429) {
    return new ThrottledError(message, { cause: error });
  }
  if (e?.$fault === 'server' || (e?.$metadata?.httpStatusCode ?? 0) >= 500) {
    return new TransientAwsError(message, { cause: error });
  }
  return error;
}
