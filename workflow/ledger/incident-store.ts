import { setTimeout as sleep } from 'node:timers/promises';
import { ConditionalWriteLostError, ResourceNotFoundError } from '../errors';
import type { Clock } from '../ports';
import { ExpressionBuilder } from './expressions';
import { stripUndefined, toIncident } from './items';
import {
  CLOSED_PREFIX,
  closedIndexKeys,
  GSI1_NAME,
  incidentKey,
  latestByResourceKey,
  OPEN_MARKER,
  resourceLockKey,
  UNRESOLVED_MARKER,
} from './keys';
import { boundStep, EVIDENCE_CAP, STEPS_CAP } from './lists';
import type { Item, TableIo } from './table-io';
import {
  type ClaimResult,
  type IncidentRecord,
  type IncidentStatus,
  type SettleHow,
  type SettleResult,
  TERMINAL_STATUSES,
} from './types';

const DAY_MS = 86_400_000;

/** Fields a patch never writes: keys, ledger internals, and fields the store itself owns. */
const UNPATCHABLE = new Set([
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'entity',
  'version',
  'attachedDedupeKeys',
  'incidentId',
  'status',
  'updatedAt',
]);

/** Attempts of an optimistic read-modify-write before giving up (each loser re-reads and re-applies). */
const MAX_LIST_ATTEMPTS = 30;

function bumpVersion(b: ExpressionBuilder): void {
  const version = b.name('version');
  b.setExpression(`${version} = if_not_exists(${version}, ${b.value(0)}) + ${b.value(1)}`);
}

/** Writes every patch field with its own SET (a shallow merge); steps/evidence are held to their caps. */
function setPatch(b: ExpressionBuilder, patch: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(stripUndefined(patch))) {
    if (UNPATCHABLE.has(field)) continue;
    if (field === 'steps' && Array.isArray(value)) {
      b.set(field, value.slice(-STEPS_CAP).map(boundStep));
    } else if (field === 'evidence' && Array.isArray(value)) {
      b.set(field, value.slice(0, EVIDENCE_CAP));
    } else {
      b.set(field, value);
    }
  }
}

/** The incident items (`INC#<id>` / `META`) and the open-resource locks they hold. */
export class IncidentStore {
  constructor(
    private readonly io: TableIo,
    private readonly clock: Clock,
  ) {}

  async get(incidentId: string): Promise<IncidentRecord | undefined> {
    const item = await this.io.get(incidentKey(incidentId));
    return item ? toIncident(item) : undefined;
  }

  async getItem(incidentId: string): Promise<Item | undefined> {
    return this.io.get(incidentKey(incidentId));
  }

  async require(incidentId: string): Promise<IncidentRecord> {
    const incident = await this.get(incidentId);
    if (!incident) throw new ResourceNotFoundError(`incident ${incidentId} is not in the ledger`);
    return incident;
  }

  async setStatus(
    incidentId: string,
    status: IncidentStatus,
    extra: Partial<IncidentRecord> = {},
  ): Promise<IncidentRecord> {
    const now = this.clock.now().toISOString();
    const terminal = TERMINAL_STATUSES.has(status);
    const b = new ExpressionBuilder();
    setPatch(b, extra);
    b.set('status', status).set('updatedAt', now);
    bumpVersion(b);
    b.condition(`attribute_exists(${b.name('pk')})`);
    if (terminal) {
      if (extra.closedAt === undefined) {
        const closedAt = b.name('closedAt');
        b.setExpression(`${closedAt} = if_not_exists(${closedAt}, ${b.value(now)})`);
      }
      if (status === 'ESCALATED_UNRESOLVED') {
        // Terminal, but nobody decided: listed apart (gsi1pk = UNRESOLVED) until resolved or released.
        const createdAt = b.name('createdAt');
        b.set('gsi1pk', UNRESOLVED_MARKER);
        b.setExpression(`${b.name('gsi1sk')} = ${createdAt}`);
      } else {
        // Listed by the day it reached its final status (/ir stats): never before its closedAt, which is kept.
        const keys = closedIndexKeys(extra.closedAt ?? now, incidentId);
        b.set('gsi1pk', keys.gsi1pk).set('gsi1sk', keys.gsi1sk);
      }
    } else {
      // A terminal incident has released its lock: it never becomes active again.
      // (an active incident is the one listed under OPEN; a closed one is under CLOSED#<day> or UNRESOLVED).
      b.condition(`${b.name('gsi1pk')} = ${b.value(OPEN_MARKER)}`);
    }
    const item = await this.io.update({ Key: incidentKey(incidentId), ...b.build() });
    if (!item) {
      const current = await this.require(incidentId);
      throw new ConditionalWriteLostError(
        `incident ${incidentId} is ${current.status} (terminal); it cannot move to ${status}`,
      );
    }
    const incident = toIncident(item);
    if (terminal) await this.releaseLock(incident);
    return incident;
  }

  /** Deletes the resource's open lock if it still points at this incident (another may have taken it over). */
  async releaseLock(incident: IncidentRecord): Promise<void> {
    await this.io.delete({
      Key: resourceLockKey(incident.request.resourceKey),
      ConditionExpression: '#incidentId = :incidentId',
      ExpressionAttributeNames: { '#incidentId': 'incidentId' },
      ExpressionAttributeValues: { ':incidentId': incident.incidentId },
    });
  }

  async update(
    incidentId: string,
    patch: Partial<Omit<IncidentRecord, 'incidentId' | 'status'>>,
  ): Promise<IncidentRecord> {
    const b = new ExpressionBuilder();
    setPatch(b, patch);
    b.set('updatedAt', this.clock.now().toISOString());
    bumpVersion(b);
    b.condition(`attribute_exists(${b.name('pk')})`);
    const item = await this.io.update({ Key: incidentKey(incidentId), ...b.build() });
    if (!item) throw new ResourceNotFoundError(`incident ${incidentId} is not in the ledger`);
    return toIncident(item);
  }

  async recordPreState(
    incidentId: string,
    preState: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const b = new ExpressionBuilder();
    b.set('preState', stripUndefined(preState)).set('updatedAt', this.clock.now().toISOString());
    b.condition(`attribute_exists(${b.name('pk')})`).condition(`attribute_not_exists(${b.name('preState')})`);
    const item = await this.io.update({ Key: incidentKey(incidentId), ...b.build() });
    if (item) return item.preState as Record<string, unknown>;
    const stored = await this.require(incidentId);
    return stored.preState ?? {};
  }

  /**
   * Optimistic read-modify-write of the incident's lists: read `version`, compute, write conditional on the same
   * `version`. Concurrent writers (the Map state's parallel snapshot tasks) re-read and re-apply, so all land.
   * `change` returns the fields to write, or undefined when there is nothing to write.
   */
  async mutate<T>(
    incidentId: string,
    change: (current: IncidentRecord) => { fields: Record<string, unknown>; result: T } | undefined,
  ): Promise<T | undefined> {
    for (let attempt = 0; attempt < MAX_LIST_ATTEMPTS; attempt += 1) {
      const item = await this.io.get(incidentKey(incidentId));
      if (!item) throw new ResourceNotFoundError(`incident ${incidentId} is not in the ledger`);
      const planned = change(toIncident(item));
      if (!planned) return undefined;
      const b = new ExpressionBuilder();
      for (const [field, value] of Object.entries(planned.fields)) b.set(field, value);
      b.set('updatedAt', this.clock.now().toISOString());
      const version = b.name('version');
      if (typeof item.version === 'number') {
        b.set('version', item.version + 1).condition(`${version} = ${b.value(item.version)}`);
      } else {
        b.set('version', 1).condition(`attribute_not_exists(${version})`);
      }
      b.condition(`attribute_exists(${b.name('pk')})`);
      if (await this.io.update({ Key: incidentKey(incidentId), ReturnValues: 'NONE', ...b.build() })) {
        return planned.result;
      }
      await sleep(Math.random() * Math.min(200, 5 * 2 ** attempt));
    }
    throw new ConditionalWriteLostError(
      `incident ${incidentId}: lost ${MAX_LIST_ATTEMPTS} concurrent updates of its lists in a row`,
    );
  }

  /** Non-terminal incidents, oldest first (gsi1: gsi1pk = OPEN, gsi1sk = createdAt). */
  async listOpen(): Promise<IncidentRecord[]> {
    const items = await this.io.queryAll({
      IndexName: GSI1_NAME,
      KeyConditionExpression: 'gsi1pk = :open',
      ExpressionAttributeValues: { ':open': OPEN_MARKER },
      ScanIndexForward: true,
    });
    return items.map(toIncident);
  }

  /** ESCALATED_UNRESOLVED incidents, oldest first (gsi1: gsi1pk = UNRESOLVED, gsi1sk = createdAt). */
  async listUnresolved(): Promise<IncidentRecord[]> {
    const items = await this.io.queryAll({
      IndexName: GSI1_NAME,
      KeyConditionExpression: 'gsi1pk = :unresolved',
      ExpressionAttributeValues: { ':unresolved': UNRESOLVED_MARKER },
      ScanIndexForward: true,
    });
    return items.map(toIncident).filter((i) => i.status === 'ESCALATED_UNRESOLVED');
  }

  /**
   * Incidents that reached a final status in (from, to], oldest first: one gsi1 Query per UTC day of the window
   * (gsi1pk = CLOSED#<day>, gsi1sk between the bounds, every page), plus the ESCALATED_UNRESOLVED ones (listed
   * under UNRESOLVED until settled) whose closedAt falls in the window. Incidents closed before the CLOSED#
   * keys existed are not listed.
   */
  async listClosed(from: Date, to: Date): Promise<IncidentRecord[]> {
    const lo = from.toISOString();
    const hi = to.toISOString();
    const days: string[] = [];
    for (let t = Date.parse(lo.slice(0, 10)); t <= to.getTime(); t += DAY_MS) {
      days.push(new Date(t).toISOString().slice(0, 10));
    }
    const pages = await Promise.all(
      days.map((day) =>
        this.io.queryAll({
          IndexName: GSI1_NAME,
          // gsi1sk = `<closedAt>#<id>`, and '#' sorts just below '$': `<lo>#…` falls under `<lo>$` (closedAt = from
          // is out, the window being (from, to]) and `<hi>#…` under `<hi>$` (closedAt = to is in).
          KeyConditionExpression: 'gsi1pk = :day AND gsi1sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':day': `${CLOSED_PREFIX}${day}`, ':lo': `${lo}$`, ':hi': `${hi}$` },
          ScanIndexForward: true,
        }),
      ),
    );
    // The gsi1 time is when the final status was written; a release after the last timer writes it later than the
    // closedAt it keeps, so the window is applied to closedAt too.
    const closed = pages
      .flat()
      .map(toIncident)
      .filter((i) => i.closedAt !== undefined && i.closedAt > lo && i.closedAt <= hi);
    const unresolved = (await this.listUnresolved()).filter(
      (i) => i.closedAt !== undefined && i.closedAt > lo && i.closedAt <= hi,
    );
    const byId = new Map<string, IncidentRecord>();
    for (const incident of [...closed, ...unresolved]) byId.set(incident.incidentId, incident);
    return [...byId.values()].sort((a, b) => (a.closedAt ?? '').localeCompare(b.closedAt ?? ''));
  }

  /** Points the resource's LATEST item at this incident unless a later one is already there. */
  async markLatest(resourceKey: string, incidentId: string, createdAt: string): Promise<void> {
    await this.io.put({
      Item: { ...latestByResourceKey(resourceKey), entity: 'latest', incidentId, createdAt },
      ConditionExpression: 'attribute_not_exists(pk) OR createdAt <= :createdAt',
      ExpressionAttributeValues: { ':createdAt': createdAt },
    });
  }

  async findLatestByResource(resourceKey: string): Promise<IncidentRecord | undefined> {
    const latest = await this.io.get(latestByResourceKey(resourceKey));
    return typeof latest?.incidentId === 'string' ? this.get(latest.incidentId) : undefined;
  }

  /** Sets the owner, conditional on the owner read (a concurrent claim re-reads, so each one lands in order). */
  async claim(incidentId: string, userId: string, now: Date): Promise<ClaimResult> {
    for (let attempt = 0; attempt < MAX_LIST_ATTEMPTS; attempt += 1) {
      const current = await this.get(incidentId);
      if (!current) return { outcome: 'not-found' };
      const previous = current.owner?.userId;
      if (previous === userId) return { outcome: 'already-owner', incident: current };
      const b = new ExpressionBuilder();
      const at = now.toISOString();
      b.set('owner', { userId, at }).set('updatedAt', at);
      bumpVersion(b);
      b.condition(`attribute_exists(${b.name('pk')})`);
      b.condition(
        previous === undefined
          ? `attribute_not_exists(${b.name('owner')})`
          : `${b.name('owner.userId')} = ${b.value(previous)}`,
      );
      const item = await this.io.update({ Key: incidentKey(incidentId), ...b.build() });
      if (item) {
        return { outcome: 'claimed', incident: toIncident(item), ...(previous ? { previous } : {}) };
      }
    }
    throw new ConditionalWriteLostError(`incident ${incidentId}: lost ${MAX_LIST_ATTEMPTS} claims in a row`);
  }

  /** One conditional write ends an ESCALATED_UNRESOLVED incident: exactly one resolve or release wins. */
  async settle(incidentId: string, how: SettleHow, by: string, now: Date): Promise<SettleResult> {
    const at = now.toISOString();
    const b = new ExpressionBuilder();
    b.set('settled', { how, by, at }).set('updatedAt', at);
    if (how === 'resolve') {
      b.set('status', 'RESOLVED').set('decidedAt', at).set('closedAt', at);
      const keys = closedIndexKeys(at, incidentId);
      b.set('gsi1pk', keys.gsi1pk).set('gsi1sk', keys.gsi1sk);
    }
    bumpVersion(b);
    b.condition(`attribute_exists(${b.name('pk')})`);
    b.condition(`${b.name('status')} = ${b.value('ESCALATED_UNRESOLVED')}`);
    b.condition(`attribute_not_exists(${b.name('settled')})`);
    const item = await this.io.update({ Key: incidentKey(incidentId), ...b.build() });
    if (item) return { outcome: 'won', incident: toIncident(item) };
    const current = await this.get(incidentId);
    return current ? { outcome: 'lost', incident: current } : { outcome: 'not-found' };
  }

  /** The incident holding the resource's open lock, if it is still non-terminal. */
  async findOpenByResource(resourceKey: string): Promise<IncidentRecord | undefined> {
    const lock = await this.io.get(resourceLockKey(resourceKey));
    if (typeof lock?.incidentId !== 'string') return undefined;
    const incident = await this.get(lock.incidentId);
    return incident && !TERMINAL_STATUSES.has(incident.status) ? incident : undefined;
  }
}
