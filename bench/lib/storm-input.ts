import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A small seeded PRNG (mulberry32): the same seed always gives the same storm. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type SeverityClass = 'high' | 'medium' | 'low';

/** What the generator expects intake to do with one event (computed from the input alone, not from the code). */
export type ExpectedKind = 'finding' | 'repeat' | 'invalid';

export interface StormEvent {
  raw: Record<string, unknown>;
  instanceId: string;
  findingId: string;
  severity: SeverityClass;
  kind: ExpectedKind;
  /** 1 for the first publication, then 2, 3 … (GuardDuty's `service.count`). */
  count: number;
}

export interface StormInputOptions {
  events: number;
  instances: number;
  /** Share of events that re-publish an earlier finding id (new event id, higher count and updatedAt). */
  repeatFraction: number;
  /** Share of events that are malformed (rejected and recorded by intake). Default 0. */
  invalidFraction?: number;
  /** Severity mix of distinct findings. Default 40 % high, 30 % medium, 30 % low. */
  mix?: Record<SeverityClass, number>;
  seed: number;
}

export interface StormInput {
  events: StormEvent[];
  instanceIds: string[];
  /** Distinct instances with at least one high (contain) finding: the incidents the storm must open. */
  expectedIncidents: number;
  distinctFindings: number;
}

const SEVERITY: Record<SeverityClass, { value: number; type: string }> = {
  high: { value: 8, type: 'UnauthorizedAccess:EC2/TorClient' },
  medium: { value: 5, type: 'Behavior:EC2/NetworkPortUnusual' },
  low: { value: 2, type: 'UnauthorizedAccess:EC2/SSHBruteForce' },
};

const TEMPLATE_PATH = join(__dirname, '..', '..', 'local', 'workspace', 'samples', 'ec2-high-web1.json');
const START_MS = Date.parse('2026-01-15T10:00:00.000Z');

function hex(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

function uuid(random: () => number): string {
  const h = hex(random, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `i-0` + 16 hex digits: a valid 17-digit instance id, one per index. */
export function stormInstanceId(index: number): string {
  return `i-0${(0x5700000000000000n + BigInt(index)).toString(16).padStart(16, '0')}`;
}

type Json = Record<string, unknown>;

function eventFor(
  template: Json,
  args: {
    eventId: string;
    findingId: string;
    instanceIndex: number;
    severity: SeverityClass;
    count: number;
    at: number;
  },
): Json {
  const event = structuredClone(template);
  const detail = event.detail as Json;
  const instanceId = stormInstanceId(args.instanceIndex);
  const resource = detail.resource as { instanceDetails: Json };
  const details = resource.instanceDetails;
  const nic = (details.networkInterfaces as Json[])[0] as Json;
  const ip = `10.0.${1 + Math.floor(args.instanceIndex / 200)}.${10 + (args.instanceIndex % 200)}`;
  details.instanceId = instanceId;
  nic.networkInterfaceId = `eni-${instanceId.slice(2)}`;
  nic.privateIpAddress = ip;
  nic.privateIpAddresses = [
    { privateDnsName: `ip-${ip.replaceAll('.', '-')}.ec2.internal`, privateIpAddress: ip },
  ];
  details.tags = [
    { key: 'Name', value: `storm-${args.instanceIndex}` },
    { key: 'env', value: 'prod' },
  ];
  const iso = new Date(args.at).toISOString();
  const { value, type } = SEVERITY[args.severity];
  const account = String(detail.accountId);
  const region = String(detail.region);
  Object.assign(event, { id: args.eventId, time: iso });
  Object.assign(detail, {
    id: args.findingId,
    arn: `arn:aws:guardduty:${region}:${account}:detector/955624e422acc98f6cdb16ab4ab41d23/finding/${args.findingId}`,
    type,
    severity: value,
    createdAt: new Date(START_MS).toISOString(),
    updatedAt: iso,
  });
  Object.assign(detail.service as Json, { count: args.count, eventLastSeen: iso, archived: false });
  return event;
}

/**
 * A GuardDuty storm as EventBridge delivers it: distinct findings spread over `instances` instances with mixed
 * severities, plus re-publications of earlier finding ids (new event id, count + 1, later updatedAt) placed at
 * random points after their first publication. Deterministic for a seed.
 */
export function generateStorm(options: StormInputOptions): StormInput {
  const random = mulberry32(options.seed);
  const template = JSON.parse(readFileSync(TEMPLATE_PATH, 'utf8')) as Json;
  const mix = options.mix ?? { high: 0.4, medium: 0.3, low: 0.3 };
  const invalid = Math.round(options.events * (options.invalidFraction ?? 0));
  const repeats = Math.round(options.events * options.repeatFraction);
  const distinct = options.events - repeats - invalid;
  if (distinct < 1) throw new RangeError('a storm needs at least one distinct finding');

  const findings = Array.from({ length: distinct }, () => {
    const r = random();
    const severity: SeverityClass = r < mix.high ? 'high' : r < mix.high + mix.medium ? 'medium' : 'low';
    return { findingId: hex(random, 32), instanceIndex: Math.floor(random() * options.instances), severity };
  });
  // Order: distinct finding j at key j; a repeat of j at a random key after j; malformed events anywhere.
  const slots: { key: number; finding: number; invalid?: boolean }[] = findings.map((_, j) => ({
    key: j,
    finding: j,
  }));
  for (let r = 0; r < repeats; r++) {
    const j = Math.floor(random() * distinct);
    slots.push({ key: j + 0.5 + random() * (distinct - j), finding: j });
  }
  for (let r = 0; r < invalid; r++)
    slots.push({ key: random() * distinct, finding: Math.floor(random() * distinct), invalid: true });
  slots.sort((a, b) => a.key - b.key);

  const seen = new Map<number, number>();
  const events = slots.map((slot, position): StormEvent => {
    const finding = findings[slot.finding] as (typeof findings)[number];
    const count = slot.invalid ? 1 : (seen.get(slot.finding) ?? 0) + 1;
    if (!slot.invalid) seen.set(slot.finding, count);
    const raw = eventFor(template, {
      eventId: uuid(random),
      findingId: slot.invalid ? hex(random, 32) : finding.findingId,
      instanceIndex: finding.instanceIndex,
      severity: finding.severity,
      count,
      at: START_MS + 60_000 + position * 1000,
    });
    // Malformed: GuardDuty never sends a severity that is not a number.
    if (slot.invalid) (raw.detail as Json).severity = 'not-a-number';
    return {
      raw,
      instanceId: stormInstanceId(finding.instanceIndex),
      findingId: String((raw.detail as Json).id),
      severity: finding.severity,
      kind: slot.invalid ? 'invalid' : count > 1 ? 'repeat' : 'finding',
      count,
    };
  });
  const highInstances = new Set(findings.filter((f) => f.severity === 'high').map((f) => f.instanceIndex));
  return {
    events,
    instanceIds: Array.from({ length: options.instances }, (_, i) => stormInstanceId(i)),
    expectedIncidents: highInstances.size,
    distinctFindings: distinct,
  };
}
