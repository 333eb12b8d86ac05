import { StateError } from './errors';

export type JsonObject = Record<string, unknown>;

/** Step Functions' payload limit (input, output, task results): 256 KiB of UTF-8. */
export const PAYLOAD_LIMIT_BYTES = 262_144;

export const isObject = (v: unknown): v is JsonObject =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Deep copy of a JSON value, in this realm (see compile.ts). */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * A function result as Step Functions receives it: serialized to JSON (undefined → null), at most 256 KiB.
 * @throws StateError States.DataLimitExceeded (neither retried nor caught), like Step Functions
 */
export function asTaskResult(value: unknown): unknown {
  const text = JSON.stringify(value ?? null);
  if (Buffer.byteLength(text, 'utf8') > PAYLOAD_LIMIT_BYTES) {
    throw new StateError(
      'States.DataLimitExceeded',
      `The state/task returned a result with a size exceeding the maximum number of bytes service limit.`,
      { retryable: false, catchable: false },
    );
  }
  return JSON.parse(text);
}
