import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requestNonceKey } from './keys';
import { TableIo } from './table-io';

/** Requests seen once: a signed request replayed inside its validity window must not act twice. */
export interface RequestNonces {
  /**
   * Records `nonce` until `expiresAtMs`. true: first time (act on it); false: seen before and not yet expired
   * (a replay). Concurrent callers with the same nonce: exactly one gets true.
   */
  claim(nonce: string, nowMs: number, expiresAtMs: number): Promise<boolean>;
}

/**
 * Nonces in the ledger table: one conditional PutItem per request (`NONCE#<nonce>`), which succeeds when no item
 * exists or the one there has expired. `ttl` (epoch seconds) lets a DynamoDB TTL on that attribute delete them.
 */
export class DynamoRequestNonces implements RequestNonces {
  private readonly io: TableIo;

  constructor(options: { doc: DynamoDBDocumentClient; tableName: string }) {
    this.io = new TableIo(options.doc, options.tableName);
  }

  claim(nonce: string, nowMs: number, expiresAtMs: number): Promise<boolean> {
    return this.io.put({
      Item: { ...requestNonceKey(nonce), expiresAtMs, ttl: Math.ceil(expiresAtMs / 1000) },
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs < :now',
      ExpressionAttributeValues: { ':now': nowMs },
    });
  }
}

/** Nonces in memory: exact for one process (the local HTTP bot); Lambda uses DynamoRequestNonces. */
export class MemoryRequestNonces implements RequestNonces {
  private readonly seen = new Map<string, number>();

  async claim(nonce: string, nowMs: number, expiresAtMs: number): Promise<boolean> {
    for (const [key, until] of this.seen) if (until < nowMs) this.seen.delete(key);
    if ((this.seen.get(nonce) ?? -1) >= nowMs) return false;
    this.seen.set(nonce, expiresAtMs);
    return true;
  }
}
