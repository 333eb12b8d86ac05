import { randomUUID } from 'node:crypto';
import { normalizeIso, toRejected } from './items';
import { REJECTED_PK, rejectedSortKey } from './keys';
import type { TableIo } from './table-io';
import type { RejectedEvent } from './types';

/**
 * Raw events are stored as JSON text (any shape survives, numbers keep their digits), cut at this many
 * characters so the item stays under 400 KB (an EventBridge event is at most 256 KB, so only odd inputs are cut;
 * a cut event reads back as its text).
 */
export const REJECTED_RAW_MAX = 300_000;

/** JSON text of anything intake may hand over (BigInt as a decimal string; a circular value as String()). */
function rawText(raw: unknown): string {
  try {
    return (
      JSON.stringify(raw, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)) ??
      'null'
    );
  } catch {
    return String(raw);
  }
}

/** `REJECTED` / `<iso time>#<uuid>`: nothing intake rejects is dropped. */
export async function recordRejected(io: TableIo, event: RejectedEvent): Promise<void> {
  const rejectedAt = normalizeIso(event.rejectedAt);
  const text = rawText(event.raw);
  const truncated = text.length > REJECTED_RAW_MAX;
  await io.put({
    Item: {
      pk: REJECTED_PK,
      sk: rejectedSortKey(rejectedAt, randomUUID()),
      entity: 'rejected',
      rejectedAt,
      reason: event.reason,
      field: event.field,
      rawJson: truncated ? text.slice(0, REJECTED_RAW_MAX) : text,
      ...(truncated ? { rawTruncated: true, rawLength: text.length } : {}),
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  });
}

/** Every rejected event, oldest first. */
export async function listRejected(io: TableIo): Promise<RejectedEvent[]> {
  const items = await io.queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': REJECTED_PK },
    ConsistentRead: true,
    ScanIndexForward: true,
  });
  return items.map(toRejected);
}
