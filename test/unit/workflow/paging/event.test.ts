import { PagingConfigError } from '../../../../workflow/errors';
import type { SeverityLabel } from '../../../../workflow/intake/types';
import type { IncidentRecord } from '../../../../workflow/ledger/types';
import { buildPageEvent, pagerSeverity, plainText, threadLink } from '../../../../workflow/paging/event';
import { EnqueueRequestSchema } from '../../../../workflow/paging/events-v2';
import { routingKeyFromSecret } from '../../../../workflow/paging/routing-key';

const KEY = 'a'.repeat(32);
const NOW = new Date('2026-12-07T10:00:00Z');

function incident(
  overrides: Partial<IncidentRecord['request']> = {},
  extra: Partial<IncidentRecord> = {},
): IncidentRecord {
  return {
    incidentId: 'inc-1234',
    status: 'AWAITING_APPROVAL',
    route: 'contain-ec2',
    routeReason: 'HIGH target',
    findingCount: 1,
    evidence: [{ id: 's3://b/k', kind: 'volatile', at: NOW.toISOString() }],
    steps: [],
    detectedAt: NOW.toISOString(),
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    slack: { channel: 'C0SOC00001', ts: '1765101600.000100' },
    ...extra,
    request: {
      source: 'guardduty',
      findingId: 'f-1',
      type: 'Backdoor:EC2/C&CActivity.B!DNS',
      severity: { value: 8, label: 'HIGH' },
      title: 'EC2 instance i-0abc is querying a C&C domain',
      accountId: '123456789012',
      region: 'eu-west-1',
      resource: { kind: 'ec2-instance', rawType: 'Instance', instanceId: 'i-0abc' },
      resourceRole: 'TARGET',
      sample: false,
      archived: false,
      count: 1,
      firstSeen: NOW.toISOString(),
      lastSeen: NOW.toISOString(),
      dedupeKey: '123456789012:eu-west-1:f-1',
      resourceKey: '123456789012:eu-west-1:ec2-instance:i-0abc',
      ...overrides,
    },
  };
}

describe('severity: finding label → PagerDuty severity', () => {
  it.each([
    ['CRITICAL', 'critical'],
    ['HIGH', 'error'],
    ['MEDIUM', 'warning'],
    ['LOW', 'info'],
    ['INFORMATIONAL', 'info'],
  ] as [SeverityLabel, string][])('%s → %s', (label, expected) => {
    expect(pagerSeverity(label, 'opened')).toBe(expected);
    expect(pagerSeverity(label, 'escalated')).toBe(expected);
  });

  it('a failed containment is critical whatever the finding', () => {
    expect(pagerSeverity('LOW', 'failed')).toBe('critical');
  });
});

describe('plain text for PagerDuty', () => {
  it('strips control characters (C0, DEL, C1) and collapses whitespace', () => {
    expect(plainText('a\u0000b\nc\td\u007fe\u009bf   g', 100)).toBe('a b c d e f g');
  });

  it('caps at the limit by code point, with an ellipsis', () => {
    const capped = plainText('😀'.repeat(2000), 1024);
    expect([...capped]).toHaveLength(1024);
    expect(capped.endsWith('…')).toBe(true);
  });
});

describe('buildPageEvent', () => {
  it('a trigger that passes the published schema: dedup_key = incident id, finding, resource, thread, evidence', () => {
    const event = buildPageEvent(incident(), 'opened', KEY, {
      slackWorkspaceUrl: 'https://acme.slack.com/',
      evidenceBucket: 'airlock-evidence',
      now: NOW,
    });
    expect(EnqueueRequestSchema.safeParse(event).success).toBe(true);
    expect(event).toMatchObject({
      routing_key: KEY,
      event_action: 'trigger',
      dedup_key: 'inc-1234',
      client: 'Airlock',
      links: [{ href: 'https://acme.slack.com/archives/C0SOC00001/p1765101600000100' }],
      payload: {
        severity: 'error',
        timestamp: NOW.toISOString(),
        class: 'Backdoor:EC2/C&CActivity.B!DNS',
        custom_details: {
          airlock_event: 'opened',
          finding: {
            id: 'f-1',
            type: 'Backdoor:EC2/C&CActivity.B!DNS',
            account: '123456789012',
            region: 'eu-west-1',
          },
          resource: { kind: 'ec2-instance', id: 'i-0abc' },
          slack_thread: { channel: 'C0SOC00001', ts: '1765101600.000100' },
          evidence_manifest: 's3://airlock-evidence/incidents/inc-1234/',
          evidence_items: 1,
        },
      },
    });
    expect(event.payload?.summary).toBe(
      'Airlock inc-1234: contained: HIGH Backdoor:EC2/C&CActivity.B!DNS on i-0abc (123456789012/eu-west-1)',
    );
  });

  it('finding text is plain and capped: a hostile type cannot break the summary or exceed 1024 characters', () => {
    const event = buildPageEvent(incident({ type: `x\n\r${'y'.repeat(3000)}` }), 'escalated', KEY, {
      now: NOW,
    });
    expect(EnqueueRequestSchema.safeParse(event).success).toBe(true);
    expect([...(event.payload?.summary ?? '')].length).toBeLessThanOrEqual(1024);
    expect(event.payload?.summary).not.toMatch(/[\n\r]/);
    expect(event.links).toBeUndefined();
  });

  it('a resolve carries only the routing key, the action and the dedup key', () => {
    expect(buildPageEvent(incident(), 'resolved', KEY, { now: NOW })).toEqual({
      routing_key: KEY,
      event_action: 'resolve',
      dedup_key: 'inc-1234',
    });
  });

  it('no thread link without a workspace URL or before the card is posted', () => {
    expect(threadLink(incident(), undefined)).toBeUndefined();
    const { slack: _omit, ...unposted } = incident();
    expect(threadLink(unposted as IncidentRecord, 'https://acme.slack.com')).toBeUndefined();
  });
});

describe('routing key secret', () => {
  const ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:airlock/pagerduty-AbCdEf';

  it('takes the bare key or {"routingKey": …}', () => {
    expect(routingKeyFromSecret(ID, ` ${KEY}\n`)).toBe(KEY);
    expect(routingKeyFromSecret(ID, JSON.stringify({ routingKey: KEY }))).toBe(KEY);
  });

  it.each([
    ['an empty value', '', /has no value/],
    ['a key of the wrong length', 'R0ABC', /is 5 characters; an Events API v2 integration key is 32/],
    ['JSON without routingKey', '{"key": "x"}', /has no "routingKey" string/],
    ['broken JSON', '{ R0secretish', /is not valid JSON/],
  ])('fails %s with one clear PagingConfigError that never shows the value', (_name, value, message) => {
    let thrown: unknown;
    try {
      routingKeyFromSecret(ID, value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PagingConfigError);
    expect((thrown as Error).message).toMatch(message);
    if (value.length > 3) expect((thrown as Error).message).not.toContain(value);
  });
});
