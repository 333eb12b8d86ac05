import * as z from 'zod';

/**
 * A small typed client for PagerDuty's Events API v2 (`POST /v2/enqueue`). PagerDuty's own JS library
 * (@pagerduty/pdjs) is not used: its last release is from December 2024 and it brings cross-fetch, while one
 * endpoint with Node's global fetch needs neither.
 *
 * Shapes, from PagerDuty's published documentation (cited in local/vendors/pagerduty/README.md):
 * - request: `routing_key` (the 32-character integration key), `event_action` trigger | acknowledge | resolve,
 *   `dedup_key` (≤ 255 characters; required unless triggering), `payload` (required to trigger) with `summary`
 *   (≤ 1024 characters), `source`, `severity` critical | error | warning | info, optional `timestamp`,
 *   `component`, `group`, `class`, `custom_details`; optional `links`, `images`, `client`, `client_url`;
 *   the whole event ≤ 512 KB.
 * - 202 `{status: "success", message: "Event processed", dedup_key}`; 400 `{status: "invalid event", message:
 *   "Event object is invalid", errors: [...]}`; 429 (retry after some time); 5xx (retry after some time).
 */

/** The US service region; accounts in the EU service region send to `https://events.eu.pagerduty.com`. */
export const EVENTS_V2_DEFAULT_URL = 'https://events.pagerduty.com';
export const EVENTS_V2_EU_URL = 'https://events.eu.pagerduty.com';
export const ROUTING_KEY_LENGTH = 32;
export const SUMMARY_MAX = 1024;
export const DEDUP_KEY_MAX = 255;
/** Events API payloads are limited to 512 KB. */
export const EVENT_MAX_BYTES = 512 * 1024;

export const EventActionSchema = z.enum(['trigger', 'acknowledge', 'resolve']);
export type EventAction = z.infer<typeof EventActionSchema>;
export const PagerSeveritySchema = z.enum(['critical', 'error', 'warning', 'info']);
export type PagerSeverity = z.infer<typeof PagerSeveritySchema>;

export const LinkSchema = z.object({ href: z.string().min(1), text: z.string().optional() });
export const ImageSchema = z.object({
  src: z.string().min(1),
  href: z.string().optional(),
  alt: z.string().optional(),
});

export const PayloadSchema = z.object({
  summary: z.string().min(1).max(SUMMARY_MAX),
  source: z.string().min(1),
  severity: PagerSeveritySchema,
  /** ISO 8601; PagerDuty's own examples write the offset without a colon (2015-07-17T08:42:58.315+0000). */
  timestamp: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/, 'an ISO 8601 timestamp')
    .optional(),
  component: z.string().optional(),
  group: z.string().optional(),
  class: z.string().optional(),
  custom_details: z.record(z.string(), z.unknown()).optional(),
});
export type EventPayload = z.infer<typeof PayloadSchema>;

export const EnqueueRequestSchema = z
  .object({
    routing_key: z.string().length(ROUTING_KEY_LENGTH),
    event_action: EventActionSchema,
    dedup_key: z.string().min(1).max(DEDUP_KEY_MAX).optional(),
    payload: PayloadSchema.optional(),
    links: z.array(LinkSchema).optional(),
    images: z.array(ImageSchema).optional(),
    client: z.string().optional(),
    client_url: z.string().optional(),
  })
  .superRefine((event, ctx) => {
    if (event.event_action === 'trigger' && !event.payload)
      ctx.addIssue({ code: 'custom', path: ['payload'], message: "'payload' is required to trigger" });
    if (event.event_action !== 'trigger' && !event.dedup_key)
      ctx.addIssue({
        code: 'custom',
        path: ['dedup_key'],
        message: `'dedup_key' is required to ${event.event_action}`,
      });
  });
export type EnqueueRequest = z.infer<typeof EnqueueRequestSchema>;

export const AcceptedResponseSchema = z.object({
  status: z.literal('success'),
  message: z.string(),
  dedup_key: z.string(),
});
export const ErrorResponseSchema = z.object({
  status: z.string(),
  message: z.string(),
  errors: z.array(z.string()).optional(),
});

export type SendResult =
  | { kind: 'accepted'; dedupKey: string; message: string }
  | { kind: 'rate-limited'; status: 429; retryAfterSeconds?: number }
  | { kind: 'invalid'; status: number; message: string; errors: string[] }
  | { kind: 'unavailable'; status?: number; message: string };

export interface EventsClientOptions {
  /** `https://events.pagerduty.com` (default), the EU host, or a local fake's URL. */
  baseUrl?: string;
  /** Per request (AbortSignal.timeout). Default 5 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Retry-After in seconds (delta-seconds or an HTTP date), when present and sensible. */
export function parseRetryAfter(value: string | null, now: Date = new Date()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/**
 * One method: send an event. The request is validated against the published shape before it leaves (a malformed
 * event is a programming error here, thrown as a ZodError); every answer becomes a SendResult, never an exception,
 * so the caller decides what is retried.
 */
export class PagerDutyEventsClient {
  private readonly url: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(options: EventsClientOptions = {}) {
    this.url = `${(options.baseUrl ?? EVENTS_V2_DEFAULT_URL).replace(/\/+$/, '')}/v2/enqueue`;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.fetchFn = options.fetch ?? fetch;
  }

  async send(event: EnqueueRequest): Promise<SendResult> {
    const body = JSON.stringify(EnqueueRequestSchema.parse(event));
    if (Buffer.byteLength(body) > EVENT_MAX_BYTES)
      throw new RangeError(`event is ${Buffer.byteLength(body)} bytes, over the Events API's 512 KB`);
    let response: Response;
    try {
      response = await this.fetchFn(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { kind: 'unavailable', message: `could not reach PagerDuty (${message})` };
    }
    const text = await response.text().catch(() => '');
    const json = safeJson(text);
    if (response.status === 202) {
      const accepted = AcceptedResponseSchema.safeParse(json);
      if (accepted.success)
        return { kind: 'accepted', dedupKey: accepted.data.dedup_key, message: accepted.data.message };
      return { kind: 'unavailable', status: 202, message: `unexpected 202 body: ${text.slice(0, 200)}` };
    }
    if (response.status === 429) {
      const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
      return {
        kind: 'rate-limited',
        status: 429,
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      };
    }
    if (response.status >= 500) {
      const parsed = ErrorResponseSchema.safeParse(json);
      return {
        kind: 'unavailable',
        status: response.status,
        message: parsed.success ? parsed.data.message : `HTTP ${response.status}`,
      };
    }
    const parsed = ErrorResponseSchema.safeParse(json);
    return {
      kind: 'invalid',
      status: response.status,
      message: parsed.success ? parsed.data.message : `HTTP ${response.status}`,
      errors: parsed.success ? (parsed.data.errors ?? []) : [],
    };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
