import type { EvidenceItem, StepRecord } from './types';

/**
 * Caps that keep an incident item well under DynamoDB's 400 KB item limit while the full request stays on it:
 * - evidence: at most EVIDENCE_CAP items (~300 B each, ≤ ~100 KB). Items past the cap are never dropped silently:
 *   the ledger writes them to an `evidence-overflow` audit event instead (audit events are separate items).
 * - steps: the STEPS_CAP most recent distinct step names (a retried step replaces its earlier record), each
 *   summary cut to STEP_SUMMARY_MAX chars and its ids to STEP_IDS_MAX (≤ ~150 KB). Every step is also in the
 *   audit trail in full (workflow/tasks/step.ts), so the oldest step records are the ones dropped.
 */
export const EVIDENCE_CAP = 300;
export const STEPS_CAP = 50;
export const STEP_SUMMARY_MAX = 1_000;
export const STEP_IDS_MAX = 50;

/** New evidence (by id, including duplicates inside `items`) appended up to the cap; the rest is overflow. */
export function mergeEvidence(
  existing: readonly EvidenceItem[],
  items: readonly EvidenceItem[],
): { evidence: EvidenceItem[]; added: EvidenceItem[]; overflow: EvidenceItem[] } {
  const seen = new Set(existing.map((e) => e.id));
  const fresh: EvidenceItem[] = [];
  for (const item of items) {
    if (seen.has(item.id)) continue;
    seen.add(item.id);
    fresh.push(item);
  }
  const room = Math.max(0, EVIDENCE_CAP - existing.length);
  const added = fresh.slice(0, room);
  return { evidence: [...existing, ...added], added, overflow: fresh.slice(room) };
}

/** A step cut to the stored size. */
export function boundStep(step: StepRecord): StepRecord {
  const summary =
    step.summary.length > STEP_SUMMARY_MAX ? `${step.summary.slice(0, STEP_SUMMARY_MAX - 1)}…` : step.summary;
  const bounded: StepRecord = { ...step, summary };
  if (step.ids) bounded.ids = step.ids.slice(0, STEP_IDS_MAX);
  return bounded;
}

/** Replaces the step with the same name in place (a retry), or appends it; keeps the STEPS_CAP most recent. */
export function mergeStep(existing: readonly StepRecord[], step: StepRecord): StepRecord[] {
  const bounded = boundStep(step);
  const index = existing.findIndex((s) => s.name === step.name);
  const steps = index >= 0 ? existing.map((s, i) => (i === index ? bounded : s)) : [...existing, bounded];
  return steps.length > STEPS_CAP ? steps.slice(steps.length - STEPS_CAP) : steps;
}
