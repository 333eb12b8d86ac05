import type { SimModel } from './model';

/**
 * EC2's eventual consistency, as a count of requests: a resource just created (a security group, an instance
 * profile association) is not seen by the next `model.consistencyPolls` requests that name it. 0 = at once.
 */
export function openConsistencyWindow(model: SimModel, id: string): void {
  if (model.consistencyPolls > 0) model.unsettled.set(id, model.consistencyPolls);
}

/** True while `id` is inside its window; each call is one request that did not see it. */
export function notYetVisible(model: SimModel, id: string | undefined): boolean {
  if (id === undefined) return false;
  const left = model.unsettled.get(id);
  if (!left) return false;
  if (left <= 1) model.unsettled.delete(id);
  else model.unsettled.set(id, left - 1);
  return true;
}
