import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ThrottledError } from '../errors';
import { postSlotKey } from './keys';
import { TableIo } from './table-io';

/** Posts to one channel: at most `burst` at once, then one every `intervalMs` (GCRA). */
export interface PostRate {
  intervalMs: number;
  burst: number;
}

/** A reserved send time (ms epoch, never before `nowMs`), or the earliest time a post could be sent. */
export type PostSlot = { ok: true; atMs: number } | { ok: false; nextAtMs: number };

/** The shared schedule of post slots per channel (every container reserves from the same one). */
export interface PostSlots {
  /**
   * Reserves the channel's next send time if it is no later than `latestMs`; otherwise reserves nothing and
   * says when the next slot is. Concurrent callers get distinct slots.
   */
  reserve(channel: string, rate: PostRate, nowMs: number, latestMs: number): Promise<PostSlot>;
  /** Books the channel up to `untilMs` (Slack answered 429 + Retry-After): every container's next slot is later. */
  holdUntil(channel: string, untilMs: number): Promise<void>;
}

/** Conditional updates that lose a race this many times in a row: the channel is contended, retry the task. */
const MAX_RACES = 8;

/**
 * Post slots in the ledger table, one item per channel holding GCRA's theoretical arrival time (`tat`, ms
 * epoch). A reservation is one conditional UpdateItem, so containers never hand out the same slot:
 * - busy channel (`tat >= now`): `tat += interval`, if the slot this gives, `tat - (burst - 1) * interval`,
 *   is no later than `latestMs`;
 * - idle channel (no item, or `tat < now`): `tat = now + interval`, send now.
 * Both conditions failing means the channel is booked past `latestMs`, or another container moved `tat`
 * between the two updates; a strongly consistent read tells which.
 */
export class DynamoPostSlots implements PostSlots {
  private readonly io: TableIo;

  constructor(options: { doc: DynamoDBDocumentClient; tableName: string }) {
    this.io = new TableIo(options.doc, options.tableName);
  }

  async reserve(channel: string, rate: PostRate, nowMs: number, latestMs: number): Promise<PostSlot> {
    const key = postSlotKey(channel);
    const tolerance = (rate.burst - 1) * rate.intervalMs;
    for (let race = 0; race < MAX_RACES; race += 1) {
      const busy = await this.io.update({
        Key: key,
        UpdateExpression: 'SET tat = tat + :interval',
        ConditionExpression: 'tat >= :now AND tat <= :latest',
        ExpressionAttributeValues: {
          ':interval': rate.intervalMs,
          ':now': nowMs,
          ':latest': latestMs + tolerance,
        },
      });
      if (busy) {
        const previous = (busy.tat as number) - rate.intervalMs;
        return { ok: true, atMs: Math.max(nowMs, previous - tolerance) };
      }
      const idle = await this.io.update({
        Key: key,
        UpdateExpression: 'SET tat = :next',
        ConditionExpression: 'attribute_not_exists(tat) OR tat < :now',
        ExpressionAttributeValues: { ':next': nowMs + rate.intervalMs, ':now': nowMs },
      });
      if (idle) return { ok: true, atMs: nowMs };
      const current = await this.io.get(key);
      const tat = current?.tat;
      if (typeof tat === 'number' && tat > latestMs + tolerance)
        return { ok: false, nextAtMs: tat - tolerance };
    }
    throw new ThrottledError(
      `post slots for channel ${channel}: ${MAX_RACES} conditional updates lost in a row`,
    );
  }

  async holdUntil(channel: string, untilMs: number): Promise<void> {
    // A later booking already holds the channel longer when the condition fails: nothing to do.
    await this.io.update({
      Key: postSlotKey(channel),
      UpdateExpression: 'SET tat = :until',
      ConditionExpression: 'attribute_not_exists(tat) OR tat < :until',
      ExpressionAttributeValues: { ':until': untilMs },
    });
  }
}
