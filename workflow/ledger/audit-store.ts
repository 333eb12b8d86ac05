import { randomBytes } from 'node:crypto';
import { ConditionalWriteLostError, ValidationError } from '../errors';
import { normalizeIso, stripUndefined, toAudit } from './items';
import { AUDIT_PREFIX, auditSortKey, incidentKey, SHARE_PREFIX } from './keys';
import type { TableIo } from './table-io';
import type { AuditEvent, ReportShare } from './types';

let sequence = 0;

/**
 * `<monotonic counter>-<random>`: events of one process with the same `at` keep their order; events of different
 * processes never collide (the put is conditional anyway).
 */
function auditSuffix(): string {
  sequence += 1;
  return `${sequence.toString(36).padStart(8, '0')}-${randomBytes(4).toString('hex')}`;
}

/** Appends one audit event: sk `AUDIT#<iso at>#<suffix>`, conditional on the key being new (append-only). */
export async function appendAuditEvent(io: TableIo, event: AuditEvent): Promise<void> {
  if (!event.incidentId) throw new ValidationError('audit event needs an incidentId', 'incidentId');
  const at = normalizeIso(event.at);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const item = stripUndefined({
      pk: incidentKey(event.incidentId).pk,
      sk: auditSortKey(at, auditSuffix()),
      entity: 'audit',
      ...event,
      at,
    });
    if (await io.putIfAbsent(item)) return;
  }
  throw new ConditionalWriteLostError(`could not allocate an audit key for ${event.incidentId}`);
}

/** The incident's audit trail in time order (sk order: the ISO time, then the per-process sequence). */
export async function listAuditEvents(io: TableIo, incidentId: string): Promise<AuditEvent[]> {
  const items = await io.queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': incidentKey(incidentId).pk, ':prefix': AUDIT_PREFIX },
    ConsistentRead: true,
    ScanIndexForward: true,
  });
  return items.map(toAudit);
}

/** Records a report version's Slack share once per SHA-256 (`SHARE#<sha256>`, conditional put); false if there. */
export async function putReportShare(io: TableIo, share: ReportShare): Promise<boolean> {
  return io.putIfAbsent(
    stripUndefined({
      pk: incidentKey(share.incidentId).pk,
      sk: `${SHARE_PREFIX}${share.sha256}`,
      entity: 'report-share',
      ...share,
    }),
  );
}

/** The incident's report shares, by SHA-256. */
export async function listReportShares(io: TableIo, incidentId: string): Promise<ReportShare[]> {
  const items = await io.queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': incidentKey(incidentId).pk, ':prefix': SHARE_PREFIX },
    ConsistentRead: true,
  });
  return items.map((item) => {
    const { pk: _pk, sk: _sk, entity: _entity, ...share } = item;
    return share as unknown as ReportShare;
  });
}
