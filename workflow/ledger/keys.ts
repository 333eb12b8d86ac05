/** Item keys of the ledger table (docs/ARCHITECTURE.md, "Ledger"). The one place that spells them. */

export interface ItemKey {
  pk: string;
  sk: string;
}

export const GSI1_NAME = 'gsi1';
/** gsi1pk of every non-terminal incident; replaced by CLOSED#<day> (or UNRESOLVED) when it turns terminal. */
export const OPEN_MARKER = 'OPEN';
/** gsi1pk of an ESCALATED_UNRESOLVED incident: terminal (no execution runs), yet still listed, nobody having decided. */
export const UNRESOLVED_MARKER = 'UNRESOLVED';
/** gsi1pk prefix of an incident that reached a final status: `CLOSED#<yyyy-mm-dd>` (UTC day), for `/ir stats`. */
export const CLOSED_PREFIX = 'CLOSED#';
export const AUDIT_PREFIX = 'AUDIT#';
/** sk prefix of a report version shared in Slack: `SHARE#<sha256>` under the incident's pk. */
export const SHARE_PREFIX = 'SHARE#';
export const REJECTED_PK = 'REJECTED';

/**
 * gsi1 keys of a closed incident: one partition per UTC day it closed on, sorted by close time then id, so a
 * window of days is one Query per day (never a scan).
 */
export function closedIndexKeys(closedAt: string, incidentId: string): { gsi1pk: string; gsi1sk: string } {
  return { gsi1pk: `${CLOSED_PREFIX}${closedAt.slice(0, 10)}`, gsi1sk: `${closedAt}#${incidentId}` };
}

export function incidentKey(incidentId: string): ItemKey {
  return { pk: `INC#${incidentId}`, sk: 'META' };
}

export function auditSortKey(at: string, suffix: string): string {
  return `${AUDIT_PREFIX}${at}#${suffix}`;
}

export function findingKey(dedupeKey: string): ItemKey {
  return { pk: `FINDING#${dedupeKey}`, sk: 'META' };
}

export function resourceLockKey(resourceKey: string): ItemKey {
  return { pk: `RES#${resourceKey}`, sk: 'OPEN' };
}

/** The latest incident opened for a resource (open or closed): `/ir status i-…` reads it. */
export function latestByResourceKey(resourceKey: string): ItemKey {
  return { pk: `RES#${resourceKey}`, sk: 'LATEST' };
}

export function approvalKey(approvalId: string): ItemKey {
  return { pk: `APR#${approvalId}`, sk: 'META' };
}

export function rejectedSortKey(at: string, id: string): string {
  return `${at}#${id}`;
}

/** One item per Slack channel: the post pacer's next free slot (ms epoch), shared by every container. */
export function postSlotKey(channel: string): ItemKey {
  return { pk: `POSTSLOT#${channel}`, sk: 'META' };
}

/** One item per Slack request already acted on (its trigger_id, else its signature): replays are refused. */
export function requestNonceKey(nonce: string): ItemKey {
  return { pk: `NONCE#${nonce}`, sk: 'META' };
}
