import { ResourceNotFoundError, ValidationError } from '../errors';
import type { Clock } from '../ports';
import { ExpressionBuilder } from './expressions';
import { stripUndefined, toApproval } from './items';
import { approvalKey } from './keys';
import type { TableIo } from './table-io';
import type { ApprovalRecord, DecideResult, Decision } from './types';

/** A strict ISO-8601 UTC time (Date.toISOString form), so `expiresAt > :now` compares as strings. */
function isoField(value: string, field: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new ValidationError(`${field} is not a timestamp: ${value}`, field);
  return new Date(time).toISOString();
}

/** Approvals (`APR#<approvalId>` / `META`): the task token stays here, Slack only sees the approvalId. */
export class ApprovalStore {
  constructor(
    private readonly io: TableIo,
    private readonly clock: Clock,
  ) {}

  async get(approvalId: string): Promise<ApprovalRecord | undefined> {
    const item = await this.io.get(approvalKey(approvalId));
    return item ? toApproval(item) : undefined;
  }

  /**
   * Idempotent on approvalId. A Step Functions retry of the approval task brings a new task token: an undecided
   * approval takes the new token and expiresAt; a decided one is returned as it is.
   */
  async create(approval: ApprovalRecord): Promise<ApprovalRecord> {
    const record = stripUndefined({
      ...approval,
      createdAt: isoField(approval.createdAt, 'createdAt'),
      expiresAt: isoField(approval.expiresAt, 'expiresAt'),
    });
    if (await this.io.putIfAbsent({ ...approvalKey(approval.approvalId), entity: 'approval', ...record })) {
      return record;
    }
    const stored = await this.require(approval.approvalId);
    if (stored.decision || stored.taskToken === record.taskToken) return stored;
    const b = new ExpressionBuilder();
    b.set('taskToken', record.taskToken)
      .set('expiresAt', record.expiresAt)
      .condition(`attribute_exists(${b.name('pk')})`)
      .condition(`attribute_not_exists(${b.name('decision')})`);
    const item = await this.io.update({ Key: approvalKey(approval.approvalId), ...b.build() });
    return item ? toApproval(item) : this.require(approval.approvalId);
  }

  /**
   * ONE conditional write decides: the approval exists, is undecided, not expired by time (`expiresAt > now`)
   * and not marked expired. A loser reads the record and learns why (already decided by whom, expired, missing).
   */
  async decide(approvalId: string, decision: Decision, decidedBy: string, now: Date): Promise<DecideResult> {
    const at = now.toISOString();
    const b = new ExpressionBuilder();
    b.set('decision', decision)
      .set('decidedBy', decidedBy)
      .set('decidedAt', at)
      .condition(`attribute_exists(${b.name('pk')})`)
      .condition(`attribute_not_exists(${b.name('decision')})`)
      .condition(`${b.name('expiresAt')} > ${b.value(at)}`)
      .condition(`attribute_not_exists(${b.name('expiredAt')})`);
    const item = await this.io.update({ Key: approvalKey(approvalId), ...b.build() });
    if (item) return { outcome: 'won', approval: toApproval(item) };
    const stored = await this.get(approvalId);
    if (!stored) return { outcome: 'not-found' };
    if (stored.decision) return { outcome: 'already-decided', approval: stored };
    return { outcome: 'expired', approval: stored };
  }

  /** A decision that lost to the timer: remove it and mark the approval expired (only if `decidedBy` holds it). */
  async withdraw(approvalId: string, decidedBy: string): Promise<boolean> {
    const b = new ExpressionBuilder();
    const expiredAt = b.name('expiredAt');
    b.setExpression(`${expiredAt} = if_not_exists(${expiredAt}, ${b.value(this.clock.now().toISOString())})`);
    b.remove('decision').remove('decidedBy').remove('decidedAt');
    b.condition(`attribute_exists(${b.name('pk')})`).condition(
      `${b.name('decidedBy')} = ${b.value(decidedBy)}`,
    );
    const item = await this.io.update({ Key: approvalKey(approvalId), ReturnValues: 'NONE', ...b.build() });
    return item !== undefined;
  }

  /** Marks an undecided approval expired (first expiry time kept) and names whom it escalated to. */
  async expire(approvalId: string, escalatedTo?: string): Promise<void> {
    const b = new ExpressionBuilder();
    const expiredAt = b.name('expiredAt');
    b.setExpression(`${expiredAt} = if_not_exists(${expiredAt}, ${b.value(this.clock.now().toISOString())})`);
    if (escalatedTo !== undefined) b.set('escalatedTo', escalatedTo);
    b.condition(`attribute_exists(${b.name('pk')})`).condition(`attribute_not_exists(${b.name('decision')})`);
    const item = await this.io.update({ Key: approvalKey(approvalId), ReturnValues: 'NONE', ...b.build() });
    if (!item) await this.require(approvalId); // decided first: nothing to expire; missing: throws
  }

  /**
   * Appends a Slack message reference once: `slackRefs` (a string set of "channel/ts") guards `slack` (the list)
   * in the same conditional write.
   */
  async addMessage(approvalId: string, ref: { channel: string; ts: string }): Promise<void> {
    const refKey = `${ref.channel}/${ref.ts}`;
    const b = new ExpressionBuilder();
    const slack = b.name('slack');
    b.setExpression(
      `${slack} = list_append(if_not_exists(${slack}, ${b.value([])}), ${b.value([{ channel: ref.channel, ts: ref.ts }])})`,
    )
      .add('slackRefs', new Set([refKey]))
      .condition(`attribute_exists(${b.name('pk')})`)
      .condition(`NOT contains(${b.name('slackRefs')}, ${b.value(refKey)})`);
    const item = await this.io.update({ Key: approvalKey(approvalId), ReturnValues: 'NONE', ...b.build() });
    if (!item) await this.require(approvalId); // already there: nothing to do; missing: throws
  }

  private async require(approvalId: string): Promise<ApprovalRecord> {
    const approval = await this.get(approvalId);
    if (!approval) throw new ResourceNotFoundError(`approval ${approvalId} is not in the ledger`);
    return approval;
  }
}
