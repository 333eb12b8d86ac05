import type { z } from 'zod';
import { ValidationError } from '../errors';

/** `detail` + ['resource', 'networkInterfaces', 0, 'vpcId'] → `detail.resource.networkInterfaces[0].vpcId`. */
export function fieldPath(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/** The first zod issue as a ValidationError naming the field (with the caller's path prefix). */
export function validationErrorFrom(error: z.ZodError, prefix: string, what: string): ValidationError {
  const issue = error.issues[0];
  const field = fieldPath(prefix, issue?.path ?? []);
  const message = issue ? `${what}: ${issue.message}` : `${what}: invalid`;
  return new ValidationError(message, field, { cause: error });
}

/** Parses with a zod schema; a failure becomes a ValidationError naming the bad field. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, prefix: string, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw validationErrorFrom(result.error, prefix, what);
  return result.data;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `prefix` joined with a child key (`detail` + `id` → `detail.id`; `` + `id` → `id`). */
export function childPath(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}
