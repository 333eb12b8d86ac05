import * as z from 'zod';
import type { Clock } from '../ports';
import type { Ledger } from './ledger';

/**
 * What one incident created in the target account, by exact name: an inline policy on a role or a user, a tag, a
 * security group, a network ACL entry. A containment step records the resource BEFORE it creates it (so a crash
 * between the two still leaves the name for the restore), and only when it is about to create it (a resource that
 * was already there is not this incident's). The restore removes exactly these, and nothing another incident or a
 * person added meanwhile.
 *
 * Stored as append-only audit events (`resource-created`) on the incident's own partition: no new item type, and
 * the record is as immutable as the audit trail. A retried step may record the same resource twice; readers
 * deduplicate.
 */
export const CreatedResourceSchema = z.object({
  kind: z.enum(['role-policy', 'user-policy', 'tag', 'security-group', 'network-acl-entry']),
  /** The resource it lives on: role name, user name, instance id, VPC id, network ACL id. */
  parent: z.string().min(1),
  /** Its exact name: policy name, tag key, group id, `<egress|ingress>:<rule number>`. */
  name: z.string().min(1),
  /** The creating step (for the thread and the audit trail). */
  step: z.string().min(1),
  /** A tag's value as the incident set it: the restore removes the tag only while it still holds this value. */
  value: z.string().optional(),
});
export type CreatedResource = z.infer<typeof CreatedResourceSchema>;

export const CREATED_RESOURCE_ACTION = 'resource-created';

/** The handle a containment step gets to record what it is about to create. */
export interface CreatedResourceRecorder {
  incidentId: string;
  record(resource: CreatedResource): Promise<void>;
}

export function createdResourceRecorder(
  ledger: Ledger,
  clock: Clock,
  incidentId: string,
): CreatedResourceRecorder {
  return {
    incidentId,
    record: (resource) =>
      ledger.appendAudit({
        incidentId,
        at: clock.now().toISOString(),
        actor: 'workflow',
        action: CREATED_RESOURCE_ACTION,
        detail: CreatedResourceSchema.parse(resource),
      }),
  };
}

const keyOf = (r: CreatedResource) => `${r.kind}\u0000${r.parent}\u0000${r.name}`;

/** Everything the incident recorded as created (deduplicated, in record order), optionally of one kind. */
export async function listCreatedResources(
  ledger: Ledger,
  incidentId: string,
  kind?: CreatedResource['kind'],
): Promise<CreatedResource[]> {
  const seen = new Map<string, CreatedResource>();
  for (const event of await ledger.listAudit(incidentId)) {
    if (event.action !== CREATED_RESOURCE_ACTION) continue;
    const resource = CreatedResourceSchema.parse(event.detail);
    if (kind && resource.kind !== kind) continue;
    if (!seen.has(keyOf(resource))) seen.set(keyOf(resource), resource);
  }
  return [...seen.values()];
}
