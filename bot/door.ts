import { createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';
import type { RequestNonces } from '../workflow/ledger/request-nonces';
import type { Logger } from '../workflow/log';

/** Slack's window for a request timestamp, both ways (Bolt checks only the past). */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/** A request as it reached us, before Bolt sees it. */
export interface DoorRequest {
  /** Header value by lower-case name. */
  header(name: string): string | undefined;
  rawBody: string;
}

export type DoorVerdict =
  | { ok: true; nonce?: string }
  | { ok: false; status: 400 | 401 | 403; reason: string; detail?: Record<string, unknown> };

export interface DoorOptions {
  signingSecret: string;
  /** The workspace (team_id) and app (api_app_id) this deployment serves; unset = not checked. */
  teamId?: string;
  appId?: string;
  /** Requests already acted on (replays are refused); unset = not checked. */
  nonces?: RequestNonces;
  log: Logger;
  /** Wall-clock time (request timestamps are wall-clock, whatever the app's clock says). */
  nowMs?: () => number;
}

function validSignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(
    `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The parsed body as Bolt will parse it (form fields, or the `payload` JSON of an interaction). */
function parseBody(rawBody: string, contentType: string | undefined): unknown {
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    const form = parseQuery(rawBody);
    return typeof form.payload === 'string' ? JSON.parse(form.payload) : form;
  }
  return JSON.parse(rawBody);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function field(body: Record<string, unknown>, ...path: string[]): string | undefined {
  let v: unknown = body;
  for (const key of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return str(v);
}

/**
 * Everything checked at the door, synchronously, before Bolt runs a listener: the timestamp within ±5 minutes
 * (future ones too), the signature, a body that is a JSON object (a signed `null` is a 400, not a crash), and the
 * workspace and app it claims to come from. Returns the request's nonce (trigger_id, else its signature).
 */
export function inspectRequest(request: DoorRequest, options: DoorOptions): DoorVerdict {
  const contentType = request.header('content-type');
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    // Slack's SSL check is unsigned and carries nothing; Bolt answers it.
    if (parseQuery(request.rawBody).ssl_check === '1') return { ok: true };
  }
  const timestamp = request.header('x-slack-request-timestamp') ?? '';
  const signature = request.header('x-slack-signature') ?? '';
  const ts = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(ts)) {
    return { ok: false, status: 401, reason: 'no request timestamp' };
  }
  const nowSeconds = Math.floor((options.nowMs ?? Date.now)() / 1000);
  if (Math.abs(nowSeconds - ts) > MAX_CLOCK_SKEW_SECONDS) {
    return {
      ok: false,
      status: 401,
      reason: ts > nowSeconds ? 'timestamp in the future' : 'stale timestamp',
      detail: { skewSeconds: ts - nowSeconds },
    };
  }
  if (!signature || !validSignature(options.signingSecret, timestamp, request.rawBody, signature)) {
    return { ok: false, status: 401, reason: 'invalid signature' };
  }
  let body: unknown;
  try {
    body = parseBody(request.rawBody, contentType);
  } catch {
    return { ok: false, status: 400, reason: 'malformed body' };
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, status: 400, reason: 'body is not an object' };
  }
  const b = body as Record<string, unknown>;
  const teamId = field(b, 'team_id') ?? field(b, 'team', 'id') ?? field(b, 'user', 'team_id');
  const appId = field(b, 'api_app_id');
  if (options.teamId && teamId !== options.teamId) {
    return { ok: false, status: 403, reason: 'another workspace', detail: { teamId } };
  }
  if (options.appId && appId !== options.appId) {
    return { ok: false, status: 403, reason: 'another app', detail: { appId } };
  }
  const trigger = field(b, 'trigger_id');
  return { ok: true, nonce: trigger ? `trigger:${trigger}` : `sig:${signature}` };
}

/**
 * The door: `inspectRequest`, then the replay check (a nonce seen in the last 10 minutes, i.e. the whole
 * ±5-minute window, is refused). Every refusal is logged with its reason.
 */
export async function admit(request: DoorRequest, options: DoorOptions): Promise<DoorVerdict> {
  let verdict = inspectRequest(request, options);
  if (verdict.ok && verdict.nonce && options.nonces) {
    const nowMs = (options.nowMs ?? Date.now)();
    const first = await options.nonces.claim(verdict.nonce, nowMs, nowMs + 2 * MAX_CLOCK_SKEW_SECONDS * 1000);
    if (!first) verdict = { ok: false, status: 401, reason: 'replayed request' };
  }
  if (!verdict.ok) {
    options.log.warn(
      { status: verdict.status, reason: verdict.reason, ...verdict.detail },
      'refused at the door',
    );
  }
  return verdict;
}
