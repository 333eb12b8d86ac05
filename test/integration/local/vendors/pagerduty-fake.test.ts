import { FakePagerDuty } from '../../../../local/vendors/pagerduty/fake-events-api';

/** The fake Events API over real HTTP: PagerDuty's status codes and bodies, its de-duplication, injected faults. */

const KEY = 'b'.repeat(32);
let pd: FakePagerDuty;
beforeEach(async () => {
  pd = new FakePagerDuty({ routingKeys: [KEY] });
  await pd.start();
});
afterEach(() => pd.stop());

async function post(body: unknown, path = '/v2/enqueue') {
  const response = await fetch(`${pd.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: await response.json(),
  };
}

const trigger = (dedup_key = 'inc-1', extra: Record<string, unknown> = {}) => ({
  routing_key: KEY,
  event_action: 'trigger',
  dedup_key,
  payload: { summary: 'contained', source: 'aws:123456789012:eu-west-1:i-0abc', severity: 'error' },
  ...extra,
});

describe('fake PagerDuty Events API v2: validation', () => {
  it('answers a valid trigger 202 {status: success, message: Event processed, dedup_key}', async () => {
    await expect(post(trigger())).resolves.toMatchObject({
      status: 202,
      body: { status: 'success', message: 'Event processed', dedup_key: 'inc-1' },
    });
  });

  it('rejects a body that is not JSON: 400 Unrecognized object / JSON parse error', async () => {
    await expect(post('{nope')).resolves.toMatchObject({
      status: 400,
      body: {
        status: 'Unrecognized object',
        message: 'Event object format is unrecognized',
        errors: ['JSON parse error'],
      },
    });
  });

  it.each([
    [
      'a short routing key',
      { ...trigger(), routing_key: 'short' },
      "Length of 'routing_key' is incorrect (should be 32 characters)",
    ],
    ['an unknown routing key', { ...trigger(), routing_key: 'c'.repeat(32) }, 'Invalid routing key'],
    [
      'an unknown event_action',
      { ...trigger(), event_action: 'open' },
      "'event_action' is missing or invalid",
    ],
    [
      'a trigger without payload',
      { routing_key: KEY, event_action: 'trigger' },
      "'payload' is missing or invalid",
    ],
    [
      'a resolve without dedup_key',
      { routing_key: KEY, event_action: 'resolve' },
      "'dedup_key' is required to resolve",
    ],
    [
      'a dedup_key over 255 characters',
      trigger('k'.repeat(256)),
      "'dedup_key' is too long (maximum 255 characters)",
    ],
    [
      'a summary over 1024 characters',
      { ...trigger(), payload: { ...trigger().payload, summary: 's'.repeat(1025) } },
      "'payload.summary' is too long (maximum 1024 characters)",
    ],
    [
      'a severity outside the enum',
      { ...trigger(), payload: { ...trigger().payload, severity: 'high' } },
      "'payload.severity' is invalid",
    ],
    [
      'a payload without source',
      { ...trigger(), payload: { summary: 'x', severity: 'info' } },
      "'payload.source' is missing",
    ],
    [
      'a link without href',
      { ...trigger(), links: [{ text: 'x' }] },
      "'links' must be a list of objects with 'href'",
    ],
  ])('rejects %s: 400 invalid event, naming the problem', async (_name, body, error) => {
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ status: 'invalid event', message: 'Event object is invalid' });
    expect((answer.body as { errors: string[] }).errors.join(' | ')).toContain(error);
    expect(pd.alerts).toEqual([]);
  });

  it('answers another path 404 and records it', async () => {
    await expect(post(trigger(), '/v1/enqueue')).resolves.toMatchObject({ status: 404 });
    expect(pd.requests.map((r) => [r.path, r.status])).toEqual([['/v1/enqueue', 404]]);
  });
});

describe('fake PagerDuty: state (de-duplication per dedup_key)', () => {
  it('a second trigger updates the open alert; resolve closes it; a trigger after resolve opens a new one', async () => {
    await post(trigger());
    await post(trigger('inc-1', { payload: { summary: 'escalated', source: 's', severity: 'critical' } }));
    expect(pd.alertsFor('inc-1')).toHaveLength(1);
    expect(pd.alertsFor('inc-1')[0]).toMatchObject({
      status: 'triggered',
      summary: 'escalated',
      severity: 'critical',
    });
    await post({ routing_key: KEY, event_action: 'resolve', dedup_key: 'inc-1' });
    expect(pd.alertsFor('inc-1')[0]).toMatchObject({ status: 'resolved' });
    expect(pd.alertsFor('inc-1')[0]?.events.map((e) => e.action)).toEqual(['trigger', 'trigger', 'resolve']);
    await post(trigger());
    expect(pd.alertsFor('inc-1').map((a) => a.status)).toEqual(['resolved', 'triggered']);
  });

  it('an acknowledge or resolve with no open alert is accepted (202) and dropped', async () => {
    await expect(
      post({ routing_key: KEY, event_action: 'resolve', dedup_key: 'nobody' }),
    ).resolves.toMatchObject({
      status: 202,
    });
    expect(pd.alerts).toEqual([]);
    expect(pd.requests[0]).toMatchObject({ status: 202, dropped: true });
  });

  it('a trigger without dedup_key always opens a new alert, with a generated key', async () => {
    const { dedup_key: _omit, ...noKey } = trigger();
    const a = await post(noKey);
    const b = await post(noKey);
    expect(a.body.dedup_key).not.toBe(b.body.dedup_key);
    expect(pd.alerts).toHaveLength(2);
  });
});

describe('fake PagerDuty: injected faults', () => {
  it('a 429 carries Retry-After and is not ingested; the next request goes through', async () => {
    pd.inject({ status: 429, times: 1, retryAfter: 30 });
    const throttled = await post(trigger());
    expect(throttled).toMatchObject({ status: 429, retryAfter: '30' });
    expect(pd.alerts).toEqual([]);
    await expect(post(trigger())).resolves.toMatchObject({ status: 202 });
    expect(pd.requests.map((r) => r.status)).toEqual([429, 202]);
  });

  it('a 5xx storm fails every request until it ends', async () => {
    pd.storm(503, 60_000);
    expect((await post(trigger())).status).toBe(503);
    expect((await post(trigger())).status).toBe(503);
    pd.clearFaults();
    expect((await post(trigger())).status).toBe(202);
    expect(pd.alerts).toHaveLength(1);
  });
});
