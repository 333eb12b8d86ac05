import {
  type EnqueueRequest,
  EnqueueRequestSchema,
  EVENTS_V2_DEFAULT_URL,
  PagerDutyEventsClient,
  parseRetryAfter,
} from '../../../../workflow/paging/events-v2';

/**
 * The client against PagerDuty's published Events API v2 shapes: the request schema and the example bodies of
 * developer.pagerduty.com (events-API-v2 "Send an Alert Event", "Overview" and the Events v2 OpenAPI document).
 */

const KEY = 'e93facc04764012d7bfb002500d5d1a6'; // the OpenAPI example's routing key (32 characters)

/** The OpenAPI example trigger, verbatim apart from the images (not used by Airlock). */
const PUBLISHED_TRIGGER: EnqueueRequest = {
  payload: {
    summary: 'DISK at 99% on machine prod-datapipe03.example.com',
    timestamp: '2015-07-17T08:42:58.315+0000',
    severity: 'critical',
    source: 'prod-datapipe03.example.com',
    component: 'mysql',
    group: 'prod-datapipe',
    class: 'disk',
    custom_details: { 'free space': '1%', 'ping time': '1500ms', 'load avg': 0.75 },
  },
  routing_key: KEY,
  dedup_key: 'srv01/mysql',
  event_action: 'trigger',
  client: 'Sample Monitoring Service',
  client_url: 'https://monitoring.service.com',
  links: [{ href: 'http://pagerduty.example.com', text: 'An example link.' }],
};

const PAYLOAD = PUBLISHED_TRIGGER.payload as NonNullable<EnqueueRequest['payload']>;

interface Seen {
  url: string;
  init: RequestInit;
}

function fakeFetch(status: number, body: unknown, headers: Record<string, string> = {}) {
  const seen: Seen[] = [];
  const fn = (async (url: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(url), init: init ?? {} });
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return new Response(text, { status, headers: { 'content-type': 'application/json', ...headers } });
  }) as typeof fetch;
  return { fn, seen };
}

describe('Events API v2 request shape', () => {
  it('accepts the published trigger, acknowledge and resolve examples', () => {
    expect(EnqueueRequestSchema.safeParse(PUBLISHED_TRIGGER).success).toBe(true);
    for (const event_action of ['acknowledge', 'resolve'])
      expect(
        EnqueueRequestSchema.safeParse({ routing_key: KEY, dedup_key: 'srv01/mysql', event_action }).success,
      ).toBe(true);
  });

  it.each([
    [
      'a routing key that is not 32 characters',
      { ...PUBLISHED_TRIGGER, routing_key: 'short' },
      'routing_key',
    ],
    ['an unknown event_action', { ...PUBLISHED_TRIGGER, event_action: 'open' }, 'event_action'],
    ['a trigger without payload', { routing_key: KEY, event_action: 'trigger' }, 'payload'],
    ['a resolve without dedup_key', { routing_key: KEY, event_action: 'resolve' }, 'dedup_key'],
    ['a dedup_key over 255 characters', { ...PUBLISHED_TRIGGER, dedup_key: 'k'.repeat(256) }, 'dedup_key'],
    [
      'a summary over 1024 characters',
      { ...PUBLISHED_TRIGGER, payload: { ...PAYLOAD, summary: 's'.repeat(1025) } },
      'payload.summary',
    ],
    [
      'a severity outside critical|error|warning|info',
      { ...PUBLISHED_TRIGGER, payload: { ...PAYLOAD, severity: 'high' } },
      'payload.severity',
    ],
    [
      'a payload without source',
      { ...PUBLISHED_TRIGGER, payload: { summary: 'x', severity: 'info' } },
      'payload.source',
    ],
  ])('rejects %s', (_name, event, path) => {
    const result = EnqueueRequestSchema.safeParse(event);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('accepts a summary of exactly 1024 and a dedup_key of exactly 255 characters', () => {
    const event = {
      ...PUBLISHED_TRIGGER,
      dedup_key: 'k'.repeat(255),
      payload: { ...PAYLOAD, summary: 's'.repeat(1024) },
    };
    expect(EnqueueRequestSchema.safeParse(event).success).toBe(true);
  });
});

describe('PagerDutyEventsClient', () => {
  it('POSTs JSON to <base>/v2/enqueue (default https://events.pagerduty.com) and reads the published 202', async () => {
    const { fn, seen } = fakeFetch(202, {
      status: 'success',
      message: 'Event processed',
      dedup_key: 'srv01/HTTP',
    });
    const client = new PagerDutyEventsClient({ fetch: fn });
    await expect(client.send(PUBLISHED_TRIGGER)).resolves.toEqual({
      kind: 'accepted',
      dedupKey: 'srv01/HTTP',
      message: 'Event processed',
    });
    expect(seen[0]?.url).toBe(`${EVENTS_V2_DEFAULT_URL}/v2/enqueue`);
    expect(seen[0]?.init.method).toBe('POST');
    expect(new Headers(seen[0]?.init.headers).get('content-type')).toBe('application/json');
    expect(JSON.parse(String(seen[0]?.init.body))).toEqual(PUBLISHED_TRIGGER);
    expect(seen[0]?.init.signal).toBeInstanceOf(AbortSignal);
  });

  it('uses the configured base URL (the EU service region, or a local fake)', async () => {
    const { fn, seen } = fakeFetch(202, { status: 'success', message: 'Event processed', dedup_key: 'k' });
    await new PagerDutyEventsClient({ baseUrl: 'https://events.eu.pagerduty.com/', fetch: fn }).send(
      PUBLISHED_TRIGGER,
    );
    expect(seen[0]?.url).toBe('https://events.eu.pagerduty.com/v2/enqueue');
  });

  it('fails a malformed event before sending anything', async () => {
    const { fn, seen } = fakeFetch(202, {});
    const client = new PagerDutyEventsClient({ fetch: fn });
    await expect(client.send({ ...PUBLISHED_TRIGGER, routing_key: 'x' })).rejects.toThrow(/routing_key/);
    expect(seen).toEqual([]);
  });

  it('reads the published 400 body (invalid event) with its errors', async () => {
    const body = {
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: ["Length of 'routing_key' is incorrect (should be 32 characters)"],
    };
    const { fn } = fakeFetch(400, body);
    await expect(new PagerDutyEventsClient({ fetch: fn }).send(PUBLISHED_TRIGGER)).resolves.toEqual({
      kind: 'invalid',
      status: 400,
      message: 'Event object is invalid',
      errors: body.errors,
    });
  });

  it('reads a 429 as rate-limited with its Retry-After', async () => {
    const { fn } = fakeFetch(429, '', { 'retry-after': '30' });
    await expect(new PagerDutyEventsClient({ fetch: fn }).send(PUBLISHED_TRIGGER)).resolves.toEqual({
      kind: 'rate-limited',
      status: 429,
      retryAfterSeconds: 30,
    });
  });

  it('reads a 5xx (the published error body) as unavailable', async () => {
    const { fn } = fakeFetch(500, {
      status: 'Unrecognized object',
      message: 'Event object format is unrecognized',
      errors: ['JSON parse error'],
    });
    await expect(new PagerDutyEventsClient({ fetch: fn }).send(PUBLISHED_TRIGGER)).resolves.toEqual({
      kind: 'unavailable',
      status: 500,
      message: 'Event object format is unrecognized',
    });
  });

  it('fails a network error or a timeout as unavailable, never as accepted', async () => {
    const refused = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await expect(
      new PagerDutyEventsClient({ fetch: refused }).send(PUBLISHED_TRIGGER),
    ).resolves.toMatchObject({
      kind: 'unavailable',
      message: expect.stringContaining('fetch failed'),
    });
    const hanging = ((_url: string, init?: RequestInit) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
      )) as typeof fetch;
    await expect(
      new PagerDutyEventsClient({ fetch: hanging, timeoutMs: 20 }).send(PUBLISHED_TRIGGER),
    ).resolves.toMatchObject({ kind: 'unavailable', message: expect.stringContaining('TimeoutError') });
  });

  it('fails a 202 whose body is not the published success shape as unavailable', async () => {
    const { fn } = fakeFetch(202, { status: 'queued' });
    await expect(new PagerDutyEventsClient({ fetch: fn }).send(PUBLISHED_TRIGGER)).resolves.toMatchObject({
      kind: 'unavailable',
      status: 202,
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, and ignores nonsense', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('12', now)).toBe(12);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
