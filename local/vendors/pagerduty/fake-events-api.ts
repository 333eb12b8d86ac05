import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../../workflow/ports';

/**
 * A fake of PagerDuty's Events API v2 on 127.0.0.1 (an ephemeral port): `POST /v2/enqueue`, validated as PagerDuty
 * documents it, with state (alerts per dedup_key), injected 429 / 5xx, and every request recorded. What it models,
 * and the page each behaviour comes from, is in README.md beside this file.
 */

export const ROUTING_KEY_LENGTH = 32;
export const SUMMARY_MAX = 1024;
export const DEDUP_KEY_MAX = 255;
export const EVENT_MAX_BYTES = 512 * 1024;
const ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;
const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
type Action = (typeof ACTIONS)[number];
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export interface FakePagerEvent {
  action: Action;
  at: string;
  summary?: string;
  severity?: string;
  customDetails?: Record<string, unknown>;
}

/** An alert as the on-call sees it: opened by a trigger, updated by later events with its dedup_key. */
export interface FakePagerAlert {
  /** pd-1, pd-2 …: a new one for every trigger that finds no open alert with its dedup_key. */
  id: string;
  routingKey: string;
  dedupKey: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  summary: string;
  severity: string;
  source: string;
  createdAt: string;
  resolvedAt?: string;
  events: FakePagerEvent[];
  links: { href: string; text?: string }[];
}

export interface FakePagerRequest {
  seq: number;
  at: string;
  path: string;
  /** The parsed body (undefined when it was not JSON). */
  body: unknown;
  status: number;
  response: unknown;
  /** Accepted, but applied to no alert (an acknowledge/resolve with no open alert is dropped by PagerDuty). */
  dropped?: boolean;
  /** The alert the event opened or updated. */
  alertId?: string;
}

export interface PagerFault {
  status: 429 | 500 | 502 | 503 | 504;
  /** How many requests fail (count-based). */
  times?: number;
  /** Time-based: every request fails until this real time (epoch ms). */
  until?: number;
  /** Seconds, sent as Retry-After on a 429. */
  retryAfter?: number;
}

export interface FakePagerDutyOptions {
  /** Timestamps of requests and alerts (drills pass their virtual clock). */
  clock?: Clock;
  /** Integration keys the fake knows; default one random 32-character key (`routingKey`). */
  routingKeys?: string[];
}

const invalid = (errors: string[]) => ({
  status: 'invalid event',
  message: 'Event object is invalid',
  errors,
});

/** Each problem of one event, in PagerDuty's words where its documentation gives them. */
export function eventProblems(body: unknown, knownKeys: ReadonlySet<string>): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return ['Event object is not a JSON object'];
  const e = body as Record<string, unknown>;
  const problems: string[] = [];
  const str = (v: unknown) => typeof v === 'string';
  if (!str(e.routing_key) || (e.routing_key as string).length !== ROUTING_KEY_LENGTH)
    problems.push(`Length of 'routing_key' is incorrect (should be ${ROUTING_KEY_LENGTH} characters)`);
  else if (!knownKeys.has(e.routing_key as string)) problems.push('Invalid routing key');
  if (!ACTIONS.includes(e.event_action as Action))
    problems.push("'event_action' is missing or invalid (should be trigger, acknowledge or resolve)");
  if (e.dedup_key !== undefined) {
    if (!str(e.dedup_key) || (e.dedup_key as string).length === 0)
      problems.push("'dedup_key' must be a string");
    else if ([...(e.dedup_key as string)].length > DEDUP_KEY_MAX)
      problems.push(`'dedup_key' is too long (maximum ${DEDUP_KEY_MAX} characters)`);
  } else if (e.event_action === 'acknowledge' || e.event_action === 'resolve')
    problems.push(`'dedup_key' is required to ${e.event_action}`);
  if (e.event_action === 'trigger') {
    const p = e.payload;
    if (typeof p !== 'object' || p === null || Array.isArray(p))
      problems.push("'payload' is missing or invalid");
    else {
      const payload = p as Record<string, unknown>;
      if (!str(payload.summary) || (payload.summary as string).trim() === '')
        problems.push("'payload.summary' is missing or blank");
      else if ([...(payload.summary as string)].length > SUMMARY_MAX)
        problems.push(`'payload.summary' is too long (maximum ${SUMMARY_MAX} characters)`);
      if (!str(payload.source) || (payload.source as string).trim() === '')
        problems.push("'payload.source' is missing or blank");
      if (!SEVERITIES.includes(payload.severity as (typeof SEVERITIES)[number]))
        problems.push("'payload.severity' is invalid (should be critical, error, warning or info)");
      if (
        payload.timestamp !== undefined &&
        (!str(payload.timestamp) || !ISO_8601.test(payload.timestamp as string))
      )
        problems.push("'payload.timestamp' is not an ISO 8601 timestamp");
      for (const field of ['component', 'group', 'class'])
        if (payload[field] !== undefined && !str(payload[field]))
          problems.push(`'payload.${field}' must be a string`);
      const details = payload.custom_details;
      if (details !== undefined && (typeof details !== 'object' || details === null))
        problems.push("'payload.custom_details' must be an object");
    }
  }
  for (const [field, required] of [
    ['links', 'href'],
    ['images', 'src'],
  ] as const) {
    const list = e[field];
    if (list === undefined) continue;
    if (
      !Array.isArray(list) ||
      list.some(
        (item) =>
          typeof item !== 'object' || item === null || !str((item as Record<string, unknown>)[required]),
      )
    )
      problems.push(`'${field}' must be a list of objects with '${required}'`);
  }
  for (const field of ['client', 'client_url'])
    if (e[field] !== undefined && !str(e[field])) problems.push(`'${field}' must be a string`);
  return problems;
}

export class FakePagerDuty {
  readonly routingKey: string;
  private readonly keys: Set<string>;
  private readonly clock: Clock;
  private server: Server | undefined;
  private port = 0;
  private seq = 0;
  private nextAlert = 1;
  private readonly faults: PagerFault[] = [];
  readonly requests: FakePagerRequest[] = [];
  readonly alerts: FakePagerAlert[] = [];

  constructor(options: FakePagerDutyOptions = {}) {
    this.clock = options.clock ?? { now: () => new Date() };
    const keys = options.routingKeys ?? [randomBytes(16).toString('hex')];
    this.routingKey = keys[0] ?? '';
    this.keys = new Set(keys);
  }

  /** Base URL, like https://events.pagerduty.com (the client appends /v2/enqueue). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next `times` requests (default 1) fail with `status` (a 429 with Retry-After `retryAfter` s). */
  inject(fault: PagerFault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Every request fails with `status` for `ms` real milliseconds. */
  storm(status: PagerFault['status'], ms: number, retryAfter?: number): void {
    this.faults.push({ status, until: Date.now() + ms, ...(retryAfter !== undefined ? { retryAfter } : {}) });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** The alerts of one dedup_key, oldest first. */
  alertsFor(dedupKey: string): FakePagerAlert[] {
    return this.alerts.filter((a) => a.dedupKey === dedupKey);
  }

  private takeFault(): PagerFault | undefined {
    const now = Date.now();
    for (let i = 0; i < this.faults.length; i++) {
      const f = this.faults[i] as PagerFault;
      if (f.until !== undefined) {
        if (now < f.until) return f;
        this.faults.splice(i--, 1);
        continue;
      }
      if ((f.times ?? 0) > 0) {
        f.times = (f.times ?? 1) - 1;
        if (f.times === 0) this.faults.splice(i, 1);
        return f;
      }
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size <= EVENT_MAX_BYTES + 1) chunks.push(chunk as Buffer);
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const at = this.clock.now().toISOString();
    const record = (status: number, response: unknown, extra: Partial<FakePagerRequest> = {}) => {
      this.requests.push({ seq: ++this.seq, at, path, body, status, response, ...extra });
    };
    const send = (status: number, response: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(response === undefined ? '' : JSON.stringify(response));
    };

    if (req.method !== 'POST' || path !== '/v2/enqueue') {
      const response = { status: 'Not found', message: 'Not found' };
      record(404, response);
      return send(404, response);
    }
    const fault = this.takeFault();
    if (fault) {
      if (fault.status === 429) {
        const response = {
          status: 'throttle event',
          message: 'Requests for this service are arriving too quickly',
        };
        record(429, response);
        return send(
          429,
          response,
          fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {},
        );
      }
      const response = {
        status: 'Internal Server Error',
        message: 'PagerDuty experienced an error while processing the event',
      };
      record(fault.status, response);
      return send(fault.status, response);
    }
    if (size > EVENT_MAX_BYTES) {
      const response = invalid([`Event is ${size} bytes; Events API payloads are limited to 512 KB`]);
      record(400, response);
      return send(400, response);
    }
    if (body === undefined) {
      const response = {
        status: 'Unrecognized object',
        message: 'Event object format is unrecognized',
        errors: ['JSON parse error'],
      };
      record(400, response);
      return send(400, response);
    }
    const problems = eventProblems(body, this.keys);
    if (problems.length) {
      const response = invalid(problems);
      record(400, response);
      return send(400, response);
    }
    const applied = this.apply(body as Record<string, unknown>, at);
    const response = { status: 'success', message: 'Event processed', dedup_key: applied.dedupKey };
    record(202, response, {
      ...(applied.alert ? { alertId: applied.alert.id } : {}),
      ...(applied.alert ? {} : { dropped: true }),
    });
    return send(202, response);
  }

  /** PagerDuty's de-duplication: events apply to the open alert of their dedup_key (and routing key). */
  private apply(e: Record<string, unknown>, at: string): { dedupKey: string; alert?: FakePagerAlert } {
    const action = e.event_action as Action;
    const routingKey = e.routing_key as string;
    const dedupKey = (e.dedup_key as string | undefined) ?? randomBytes(16).toString('hex');
    const open = this.alerts.find(
      (a) => a.dedupKey === dedupKey && a.routingKey === routingKey && a.status !== 'resolved',
    );
    const payload = (e.payload ?? {}) as Record<string, unknown>;
    const event: FakePagerEvent = {
      action,
      at,
      ...(typeof payload.summary === 'string' ? { summary: payload.summary } : {}),
      ...(typeof payload.severity === 'string' ? { severity: payload.severity } : {}),
      ...(payload.custom_details ? { customDetails: payload.custom_details as Record<string, unknown> } : {}),
    };
    if (action === 'trigger') {
      if (open) {
        open.events.push(event);
        open.summary = payload.summary as string;
        open.severity = payload.severity as string;
        return { dedupKey, alert: open };
      }
      const alert: FakePagerAlert = {
        id: `pd-${this.nextAlert++}`,
        routingKey,
        dedupKey,
        status: 'triggered',
        summary: payload.summary as string,
        severity: payload.severity as string,
        source: payload.source as string,
        createdAt: at,
        events: [event],
        links: Array.isArray(e.links) ? (e.links as { href: string; text?: string }[]) : [],
      };
      this.alerts.push(alert);
      return { dedupKey, alert };
    }
    if (!open) return { dedupKey };
    open.events.push(event);
    if (action === 'acknowledge') open.status = 'acknowledged';
    else {
      open.status = 'resolved';
      open.resolvedAt = at;
    }
    return { dedupKey, alert: open };
  }
}
