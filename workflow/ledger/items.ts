import type { IncidentRequest, RouteDecision } from '../intake/types';
import { closedIndexKeys, type ItemKey, incidentKey, OPEN_MARKER } from './keys';
import type { Item } from './table-io';
import type { ApprovalRecord, AuditEvent, IncidentRecord, RejectedEvent } from './types';

/** Attributes the ledger keeps for itself on an incident item (never part of IncidentRecord). */
const INCIDENT_INTERNAL = [
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'entity',
  'version',
  'attachedDedupeKeys',
] as const;
const APPROVAL_INTERNAL = ['pk', 'sk', 'entity', 'slackRefs'] as const;

function without(item: Item, names: readonly string[]): Item {
  const copy: Item = { ...item };
  for (const name of names) delete copy[name];
  return copy;
}

/** Deep copy without `undefined` values (DynamoDB cannot store them; the document client may not strip them). */
export function stripUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map((v) => stripUndefined(v)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = stripUndefined(v);
    return out as T;
  }
  return value;
}

/** An ISO-8601 UTC timestamp as Date.toISOString writes it (so string order is time order), or the input. */
export function normalizeIso(value: string): string {
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time).toISOString();
}

export function toIncident(item: Item): IncidentRecord {
  return without(item, INCIDENT_INTERNAL) as unknown as IncidentRecord;
}

export function toApproval(item: Item): ApprovalRecord {
  return without(item, APPROVAL_INTERNAL) as unknown as ApprovalRecord;
}

export function toAudit(item: Item): AuditEvent {
  return without(item, ['pk', 'sk', 'entity']) as unknown as AuditEvent;
}

export function toRejected(item: Item): RejectedEvent {
  const { rejectedAt, reason, field, rawJson } = item as {
    rejectedAt: string;
    reason: string;
    field: string;
    rawJson: string;
  };
  let raw: unknown = rawJson;
  try {
    raw = JSON.parse(rawJson);
  } catch {
    // Kept truncated (see recordRejectedEvent): the text itself is the raw event.
  }
  return { rejectedAt, reason, field, raw };
}

/** The incident item for a request: OPEN (listed on gsi1) or, for `ignore`, IGNORED and already closed. */
export function newIncidentItem(
  incidentId: string,
  request: IncidentRequest,
  decision: RouteDecision,
  createdAt: string,
): Item & ItemKey {
  const ignored = decision.route === 'ignore';
  // detectedAt is when Airlock received the finding: time-to-contain measures what Airlock controls. The
  // detector's own timestamps (firstSeen/lastSeen, which drills replay from years ago) stay on the request.
  const record: IncidentRecord = {
    incidentId,
    status: ignored ? 'IGNORED' : 'OPEN',
    route: decision.route,
    routeReason: decision.reason,
    request,
    findingCount: 1,
    evidence: [],
    steps: [],
    detectedAt: createdAt,
    createdAt,
    updatedAt: createdAt,
    ...(ignored ? { closedAt: createdAt } : {}),
  };
  return stripUndefined({
    ...incidentKey(incidentId),
    entity: 'incident',
    ...(ignored ? closedIndexKeys(createdAt, incidentId) : { gsi1pk: OPEN_MARKER, gsi1sk: createdAt }),
    version: 0,
    ...record,
  });
}
