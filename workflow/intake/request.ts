import { ValidationError } from '../errors';
import { dedupeKeyFor, resourceKeyFor } from './ids';
import { fieldPath } from './issues';
import { type IncidentRequest, IncidentRequestSchema, type ResourceRef } from './types';

export const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;
export const ACCOUNT_ID = /^\d{12}$/;

export type RequestDraft = Omit<IncidentRequest, 'dedupeKey' | 'resourceKey'>;

/** Where each checked value came from in the raw input, so an error names the raw field, not ours. */
export interface DraftFields {
  accountId: string;
  region: string;
  findingId: string;
  instanceId?: string;
}

/** The primary resource id (docs/ARCHITECTURE.md): instance id, access key id, first bucket name, else the finding id. */
export function primaryResourceId(resource: ResourceRef, findingId: string): string {
  switch (resource.kind) {
    case 'ec2-instance':
      return resource.instanceId ?? findingId;
    case 'iam-access-key':
      return resource.accessKeyId ?? resource.principalName ?? findingId;
    case 's3-bucket':
      return resource.bucketNames?.[0] ?? findingId;
    case 'other':
      return findingId;
  }
}

/**
 * Checks what the raw schemas cannot (account id, instance id format), adds the dedupe and resource keys and
 * validates the result against the shared IncidentRequest schema.
 * @throws ValidationError naming the raw input field
 */
export function finishRequest(draft: RequestDraft, fields: DraftFields): IncidentRequest {
  if (!ACCOUNT_ID.test(draft.accountId)) {
    throw new ValidationError(`account id must be 12 digits, got '${draft.accountId}'`, fields.accountId);
  }
  if (draft.region.trim() === '') throw new ValidationError('region is empty', fields.region);
  if (draft.findingId.trim() === '') throw new ValidationError('finding id is empty', fields.findingId);
  if (draft.resource.kind === 'ec2-instance') {
    const id = draft.resource.instanceId;
    const field = fields.instanceId ?? 'instanceId';
    if (id === undefined) throw new ValidationError('an EC2 finding must name its instance id', field);
    if (!INSTANCE_ID.test(id)) {
      throw new ValidationError(
        `'${id}' is not an EC2 instance id (i- followed by 8 or 17 lowercase hex characters)`,
        field,
      );
    }
  }
  const request = {
    ...draft,
    dedupeKey: dedupeKeyFor(draft.accountId, draft.region, draft.findingId),
    resourceKey: resourceKeyFor(
      draft.accountId,
      draft.region,
      draft.resource.kind,
      primaryResourceId(draft.resource, draft.findingId),
    ),
  };
  const parsed = IncidentRequestSchema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(
      `normalized request is invalid: ${issue?.message ?? 'unknown'}`,
      fieldPath('request', issue?.path ?? []),
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

/** Tag list (`[{key, value}]` or `[{name, value}]`) → record; later duplicates win. */
export function tagRecord(
  tags:
    | ReadonlyArray<{ key?: string | null; name?: string | null; value?: string | null }>
    | null
    | undefined,
): Record<string, string> | undefined {
  if (!tags || tags.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const tag of tags) {
    const key = tag.key ?? tag.name;
    if (key) out[key] = tag.value ?? '';
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Drops undefined values so records stay small and equal-by-JSON (execution input idempotence). */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
