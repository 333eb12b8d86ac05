import { ConditionalWriteLostError } from '../errors';
import { incidentIdFor } from '../intake/ids';
import type { IncidentRequest, Route, RouteDecision } from '../intake/types';
import type { Clock } from '../ports';
import { appendAuditEvent } from './audit-store';
import { ExpressionBuilder } from './expressions';
import type { IncidentStore } from './incident-store';
import { newIncidentItem, stripUndefined, toIncident } from './items';
import { findingKey, incidentKey, OPEN_MARKER, resourceLockKey } from './keys';
import type { TableIo } from './table-io';
import { type IncidentRecord, type IntakeResult, TERMINAL_STATUSES } from './types';

/**
 * The open-resource lock (`RES#<resourceKey>` / `OPEN`). It carries the opener's request and route, so whoever
 * finds the lock but not its incident (the opener is still writing, or crashed) can write that incident itself:
 * the incident item is a deterministic function of the lock, and its put is conditional.
 */
interface ResourceLock {
  incidentId: string;
  request: IncidentRequest;
  route: Route;
  routeReason: string;
  createdAt: string;
}

/**
 * Routes whose incident holds the resource's open lock: the ones that contain (or ask to). A notice-only finding
 * (review, notify) attaches to an open incident of its resource if there is one, else opens an incident without
 * the lock, so a notice that is still being posted never absorbs a later finding that must be contained.
 */
const LOCKING_ROUTES: ReadonlySet<Route> = new Set<Route>([
  'contain-ec2',
  'contain-iam',
  'contain-s3',
  'ask-before-contain',
]);

/** Rounds of "read finding → lock → incident" before giving up (each round follows a concurrent change). */
const MAX_ROUNDS = 10;

/**
 * recordIntake without transactions. Write order (each step conditional, every id deterministic, so a crash at
 * any point + a retry of the same request converges, and concurrent callers help each other finish):
 * 1. FINDING#<dedupeKey> → candidate incident id (`incidentIdFor(dedupeKey)`). The one caller whose put wins is
 *    the first delivery ('opened' or 'attached'); every other caller is a 'repeat'.
 * 2. Routed to contain (LOCKING_ROUTES): RES#<resourceKey>/OPEN → candidate id (with request + route). Routed to
 *    review / notify: the lock is only read (attach to its open incident, else an incident without the lock).
 * 3. INC#<lock's incident id>/META, written from the lock (conditional on not existing).
 * 4. If the lock belongs to another non-terminal incident: count this finding on it (idempotent: the incident
 *    keeps the set of attached dedupe keys), audit "+1 finding", then point FINDING# at that incident.
 *    A lock whose incident is terminal is stale (its release was lost): it is taken over conditionally.
 */
export class IntakeRecorder {
  constructor(
    private readonly io: TableIo,
    private readonly clock: Clock,
    private readonly incidents: IncidentStore,
  ) {}

  async record(request: IncidentRequest, decision: RouteDecision): Promise<IntakeResult> {
    const now = this.clock.now().toISOString();
    const candidate = incidentIdFor(request.dedupeKey);
    const first = await this.io.putIfAbsent(
      stripUndefined({
        ...findingKey(request.dedupeKey),
        entity: 'finding',
        incidentId: candidate,
        dedupeKey: request.dedupeKey,
        findingId: request.findingId,
        resourceKey: request.resourceKey,
        count: request.count,
        lastSeen: request.lastSeen,
        createdAt: now,
        updatedAt: now,
      }),
    );
    const incident = await this.resolve(request, decision, candidate);
    if (first) {
      return incident.incidentId === candidate
        ? { outcome: 'opened', incident }
        : { outcome: 'attached', incident };
    }
    return { outcome: 'repeat', incident: await this.refreshCount(request, incident) };
  }

  /** Finishes whatever is unfinished for this finding and returns the incident it belongs to. */
  private async resolve(
    request: IncidentRequest,
    decision: RouteDecision,
    candidate: string,
  ): Promise<IncidentRecord> {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const finding = await this.io.get(findingKey(request.dedupeKey));
      const target = typeof finding?.incidentId === 'string' ? finding.incidentId : candidate;
      const existing = await this.incidents.get(target);
      if (existing) return existing;
      if (target !== candidate) {
        throw new ConditionalWriteLostError(
          `finding ${request.dedupeKey} points at missing incident ${target}`,
        );
      }
      if (decision.route === 'ignore') {
        return this.ensureIncident({
          incidentId: candidate,
          request,
          route: decision.route,
          routeReason: decision.reason,
          createdAt: this.clock.now().toISOString(),
        });
      }
      const own: ResourceLock = {
        incidentId: candidate,
        request,
        route: decision.route,
        routeReason: decision.reason,
        createdAt: this.clock.now().toISOString(),
      };
      const locks = LOCKING_ROUTES.has(decision.route);
      const lock = locks
        ? await this.claimLock(request, decision, candidate)
        : ((await this.heldLock(request)) ?? own);
      const holder = await this.ensureIncident(lock);
      if (lock.incidentId === candidate) return holder;
      if (TERMINAL_STATUSES.has(holder.status)) {
        // A notice-only finding never takes a lock over: it opens its own incident next to it.
        if (!locks) return this.ensureIncident(own);
        await this.takeOver(lock, request, decision, candidate);
        continue;
      }
      const attached = await this.attach(holder, request);
      if (!attached) continue;
      await this.io.update({
        Key: findingKey(request.dedupeKey),
        ReturnValues: 'NONE',
        UpdateExpression: 'SET incidentId = :to, updatedAt = :now',
        ConditionExpression: 'incidentId = :from',
        ExpressionAttributeValues: {
          ':to': attached.incidentId,
          ':from': candidate,
          ':now': this.clock.now().toISOString(),
        },
      });
      return attached;
    }
    throw new ConditionalWriteLostError(
      `finding ${request.dedupeKey}: no stable state after ${MAX_ROUNDS} rounds`,
    );
  }

  private lockItem(request: IncidentRequest, decision: RouteDecision, candidate: string) {
    return stripUndefined({
      ...resourceLockKey(request.resourceKey),
      entity: 'resource-lock',
      incidentId: candidate,
      dedupeKey: request.dedupeKey,
      resourceKey: request.resourceKey,
      request,
      route: decision.route,
      routeReason: decision.reason,
      createdAt: this.clock.now().toISOString(),
    });
  }

  private async heldLock(request: IncidentRequest): Promise<ResourceLock | undefined> {
    return (await this.io.get(resourceLockKey(request.resourceKey))) as ResourceLock | undefined;
  }

  /** Takes the resource lock for `candidate`, or returns the lock someone else holds. */
  private async claimLock(
    request: IncidentRequest,
    decision: RouteDecision,
    candidate: string,
  ): Promise<ResourceLock> {
    for (let attempt = 0; attempt < MAX_ROUNDS; attempt += 1) {
      const item = this.lockItem(request, decision, candidate);
      if (await this.io.putIfAbsent(item)) return item;
      const held = await this.io.get(resourceLockKey(request.resourceKey));
      if (held) return held as unknown as ResourceLock;
      // Released between our put and our read: try again.
    }
    throw new ConditionalWriteLostError(`resource ${request.resourceKey}: lock kept changing hands`);
  }

  /** Replaces a stale lock (its incident is terminal) if it still names that incident. */
  private async takeOver(
    stale: ResourceLock,
    request: IncidentRequest,
    decision: RouteDecision,
    candidate: string,
  ): Promise<void> {
    await this.io.put({
      Item: this.lockItem(request, decision, candidate),
      ConditionExpression: 'incidentId = :stale',
      ExpressionAttributeValues: { ':stale': stale.incidentId },
    });
  }

  /** Writes the incident described by a lock (or an ignored finding) unless it exists; returns it. */
  private async ensureIncident(lock: ResourceLock): Promise<IncidentRecord> {
    const item = newIncidentItem(
      lock.incidentId,
      lock.request,
      { route: lock.route, reason: lock.routeReason },
      lock.createdAt,
    );
    // The resource's LATEST pointer first (a retry rewrites it), so `/ir status i-…` finds every incident.
    await this.incidents.markLatest(lock.request.resourceKey, lock.incidentId, lock.createdAt);
    if (!(await this.io.putIfAbsent(item))) return this.incidents.require(lock.incidentId);
    const incident = toIncident(item);
    await appendAuditEvent(this.io, {
      incidentId: incident.incidentId,
      at: this.clock.now().toISOString(),
      actor: 'intake',
      action: 'incident-opened',
      detail: {
        status: incident.status,
        route: incident.route,
        reason: incident.routeReason,
        dedupeKey: lock.request.dedupeKey,
        resourceKey: lock.request.resourceKey,
      },
    });
    return incident;
  }

  /**
   * Counts a finding on an open incident exactly once (the dedupe key joins the incident's attached set in the
   * same conditional write). Undefined when the incident turned terminal first.
   */
  private async attach(
    holder: IncidentRecord,
    request: IncidentRequest,
  ): Promise<IncidentRecord | undefined> {
    const b = new ExpressionBuilder();
    const count = b.name('findingCount');
    const attachedKeys = b.name('attachedDedupeKeys');
    const dedupeKey = b.value(request.dedupeKey);
    b.setExpression(`${count} = if_not_exists(${count}, ${b.value(1)}) + ${b.value(1)}`)
      .set('updatedAt', this.clock.now().toISOString())
      .add('attachedDedupeKeys', new Set([request.dedupeKey]))
      .condition(`attribute_exists(${b.name('pk')})`)
      .condition(`${b.name('gsi1pk')} = ${b.value(OPEN_MARKER)}`)
      .condition(`NOT contains(${attachedKeys}, ${dedupeKey})`);
    const item = await this.io.update({ Key: incidentKey(holder.incidentId), ...b.build() });
    if (item) {
      const incident = toIncident(item);
      await appendAuditEvent(this.io, {
        incidentId: incident.incidentId,
        at: this.clock.now().toISOString(),
        actor: 'intake',
        action: 'finding-attached',
        detail: {
          summary: '+1 finding',
          dedupeKey: request.dedupeKey,
          findingId: request.findingId,
          type: request.type,
          severity: request.severity.label,
          findingCount: incident.findingCount,
        },
      });
      return incident;
    }
    const current = await this.incidents.getItem(holder.incidentId);
    if (!current) return undefined;
    const keys = current.attachedDedupeKeys;
    if (keys instanceof Set && keys.has(request.dedupeKey)) return toIncident(current);
    return undefined;
  }

  /**
   * A repeat of a finding: GuardDuty republishes the same finding id with a higher `count`. The finding item keeps
   * the highest count seen; for the incident's own (first) finding the stored request follows; audit
   * "finding-updated". A repeat with the same or a lower count changes nothing.
   */
  private async refreshCount(request: IncidentRequest, incident: IncidentRecord): Promise<IncidentRecord> {
    const now = this.clock.now().toISOString();
    const before = await this.io.update({
      Key: findingKey(request.dedupeKey),
      ReturnValues: 'UPDATED_OLD',
      UpdateExpression: 'SET #count = :count, lastSeen = :lastSeen, updatedAt = :now',
      ConditionExpression: 'attribute_exists(pk) AND #count < :count',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':count': request.count, ':lastSeen': request.lastSeen, ':now': now },
    });
    if (!before) return incident;
    let refreshed = incident;
    if (incident.request.dedupeKey === request.dedupeKey) {
      const item = await this.io.update({
        Key: incidentKey(incident.incidentId),
        UpdateExpression: 'SET #request.#count = :count, #request.lastSeen = :lastSeen, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND #request.#count < :count',
        ExpressionAttributeNames: { '#request': 'request', '#count': 'count' },
        ExpressionAttributeValues: { ':count': request.count, ':lastSeen': request.lastSeen, ':now': now },
      });
      refreshed = item ? toIncident(item) : await this.incidents.require(incident.incidentId);
    }
    await appendAuditEvent(this.io, {
      incidentId: incident.incidentId,
      at: now,
      actor: 'intake',
      action: 'finding-updated',
      detail: {
        dedupeKey: request.dedupeKey,
        findingId: request.findingId,
        count: request.count,
        previousCount: before.count,
        lastSeen: request.lastSeen,
      },
    });
    return refreshed;
  }
}
