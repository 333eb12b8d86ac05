import { createHash } from 'node:crypto';

function sha256Hex16(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * `inc-` + the first 16 hex chars of sha256(dedupeKey) (docs/ARCHITECTURE.md). Deterministic: it is also the
 * Step Functions execution name, so one finding can never start two executions.
 */
export function incidentIdFor(dedupeKey: string): string {
  return `inc-${sha256Hex16(dedupeKey)}`;
}

/** `apr-` + the first 16 hex chars of sha256(incidentId + ':' + kind): a retried task converges on the same id. */
export function approvalIdFor(incidentId: string, kind: 'primary' | 'escalation'): string {
  return `apr-${sha256Hex16(`${incidentId}:${kind}`)}`;
}

/** `${accountId}:${region}:${findingId}`: a repeat of the same finding maps to the same incident. */
export function dedupeKeyFor(accountId: string, region: string, findingId: string): string {
  return `${accountId}:${region}:${findingId}`;
}

/** `${accountId}:${region}:${kind}:${resourceId}`: one open incident per resource. */
export function resourceKeyFor(accountId: string, region: string, kind: string, resourceId: string): string {
  return `${accountId}:${region}:${kind}:${resourceId}`;
}
