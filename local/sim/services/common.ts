import type { AwsTarget } from '../../../workflow/aws/clients';
import { awsError, type ServiceName, type SimErrorOptions } from '../errors';
import type { SimModel, Tags } from '../model';

/** What a service handler gets besides its input. */
export interface OpContext {
  model: SimModel;
  target: AwsTarget;
  service: ServiceName;
  /** The service's error for `code` (see awsError), to `throw`. */
  error(code: string, message: string, options?: SimErrorOptions): Error;
}

/** A handler returns the command output without `$metadata` (the dispatcher adds it). */
export type Handler = (ctx: OpContext, input: unknown) => unknown;
export type HandlerTable = Record<string, Handler>;
export type Out<O> = Omit<O, '$metadata'>;

/**
 * Declares one operation with the SDK's input and output types, so each handler's result is type-checked against
 * `XxxCommandOutput`.
 */
export function op<I, O>(fn: (ctx: OpContext, input: I) => Out<O> | Promise<Out<O>>): Handler {
  return fn as Handler;
}

export function makeContext(model: SimModel, target: AwsTarget, service: ServiceName): OpContext {
  return {
    model,
    target,
    service,
    error(code, message, options) {
      return awsError(service, code, message, options);
    },
  };
}

export const toDate = (iso: string): Date => new Date(iso);

export function tagList(tags: Tags): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function tagsFrom(list: { Key?: string; Value?: string }[] | undefined): Tags {
  const tags: Tags = {};
  for (const t of list ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  return tags;
}

/** Tags from EC2 `TagSpecifications` for one resource type. */
export function tagsFromSpecifications(
  ctx: OpContext,
  specs: { ResourceType?: string; Tags?: { Key?: string; Value?: string }[] }[] | undefined,
  resourceType: string,
): Tags {
  const tags: Tags = {};
  for (const spec of specs ?? []) {
    if (spec.ResourceType !== resourceType) {
      throw ctx.error(
        'InvalidParameterValue',
        `'${spec.ResourceType}' is not a valid taggable resource type for this operation.`,
      );
    }
    Object.assign(tags, tagsFrom(spec.Tags));
  }
  validateTags(ctx, tags);
  return tags;
}

export function validateTags(ctx: OpContext, tags: Tags): void {
  for (const key of Object.keys(tags)) {
    if (key.toLowerCase().startsWith('aws:')) {
      throw ctx.error('InvalidParameterValue', `Tag keys starting with 'aws:' are reserved for internal use`);
    }
    if (key.length > 128)
      throw ctx.error('InvalidParameterValue', `Tag key exceeds the maximum length of 128`);
  }
  if (Object.keys(tags).length > 50)
    throw ctx.error('TagLimitExceeded', 'The maximum number of tags (50) is exceeded');
}

/** EC2-style filter values: `*` matches any run, `?` one character. */
export function globMatch(pattern: string, value: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === value;
  const re = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  );
  return re.test(value);
}

export type FieldReader<T> = (item: T) => string | boolean | number | undefined | (string | undefined)[];

/**
 * Applies EC2 `Filters` (AND across filters, OR across one filter's values). `tag:<key>` and `tag-key` are
 * built in when `tagsOf` is given. An unknown filter name fails as EC2 does.
 */
export function applyFilters<T>(
  ctx: OpContext,
  items: T[],
  filters: { Name?: string; Values?: string[] }[] | undefined,
  fields: Record<string, FieldReader<T>>,
  tagsOf?: (item: T) => Tags,
): T[] {
  let result = items;
  for (const filter of filters ?? []) {
    const name = filter.Name ?? '';
    const values = filter.Values ?? [];
    let read: FieldReader<T> | undefined = fields[name];
    if (!read && tagsOf && name.startsWith('tag:')) {
      const key = name.slice(4);
      read = (item) => tagsOf(item)[key];
    } else if (!read && tagsOf && name === 'tag-key') {
      read = (item) => Object.keys(tagsOf(item));
    }
    if (!read) throw ctx.error('InvalidParameterValue', `The filter '${name}' is invalid`);
    const reader = read;
    result = result.filter((item) => {
      const raw = reader(item);
      const have = (Array.isArray(raw) ? raw : [raw]).filter((v) => v !== undefined).map((v) => String(v));
      return values.some((want) => have.some((h) => globMatch(want, h)));
    });
  }
  return result;
}

/** Looks ids up in a collection; missing ids fail with `code` as EC2 does ("The … ID 'x' does not exist"). */
export function pick<T>(
  ctx: OpContext,
  collection: Record<string, T>,
  ids: string[] | undefined,
  code: string,
  noun: string,
): T[] {
  if (!ids?.length) return Object.values(collection);
  const missing = ids.filter((id) => !collection[id]);
  if (missing.length) {
    throw ctx.error(
      code,
      missing.length === 1
        ? `The ${noun} ID '${missing[0]}' does not exist`
        : `The ${noun} IDs '${missing.join(', ')}' do not exist`,
    );
  }
  return [...new Set(ids)].map((id) => collection[id] as T);
}

/** Deep copy of plain data (inputs are copied before the model keeps any part of them). */
export function copy<T>(value: T): T {
  return structuredClone(value);
}

/**
 * One page of a paginated list, as AWS returns it: at most `min(asked, model.listPageSize)` items from the offset
 * an opaque marker names, and the marker of the next page when more remain. A marker the simulator did not issue
 * is refused (`code`), as AWS refuses a forged one.
 */
export function page<T>(
  ctx: OpContext,
  items: T[],
  marker: string | undefined,
  asked: number | undefined,
  code = 'ValidationError',
): { items: T[]; next?: string } {
  let offset = 0;
  if (marker) {
    const match = /^sim-page:(\d+)$/.exec(Buffer.from(marker, 'base64').toString('utf8'));
    if (!match) throw ctx.error(code, `Invalid marker: ${marker}`);
    offset = Number(match[1]);
  }
  const size = Math.max(1, Math.min(asked ?? Number.POSITIVE_INFINITY, ctx.model.listPageSize));
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    ...(end < items.length ? { next: Buffer.from(`sim-page:${end}`, 'utf8').toString('base64') } : {}),
  };
}
