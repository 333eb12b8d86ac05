import {
  EVIDENCE_CAP,
  mergeEvidence,
  mergeStep,
  STEP_IDS_MAX,
  STEP_SUMMARY_MAX,
  STEPS_CAP,
} from '../../../../workflow/ledger/lists';
import type { EvidenceItem, StepRecord } from '../../../../workflow/ledger/types';

const item = (id: string): EvidenceItem => ({ id, kind: 'other', at: '2025-03-01T12:00:00.000Z' });
const step = (name: string, overrides: Partial<StepRecord> = {}): StepRecord => ({
  name,
  status: 'ok',
  summary: name,
  startedAt: '2025-03-01T12:00:00.000Z',
  endedAt: '2025-03-01T12:00:01.000Z',
  ...overrides,
});

describe('mergeEvidence', () => {
  it('skips ids already stored and duplicates within the batch, keeping order', () => {
    const merged = mergeEvidence([item('a')], [item('b'), item('a'), item('b'), item('c')]);
    expect(merged.evidence.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(merged.added.map((e) => e.id)).toEqual(['b', 'c']);
    expect(merged.overflow).toEqual([]);
  });

  it('puts items past the cap into overflow instead of the record', () => {
    const existing = Array.from({ length: EVIDENCE_CAP - 1 }, (_, i) => item(`e${i}`));
    const merged = mergeEvidence(existing, [item('x'), item('y'), item('z')]);
    expect(merged.evidence).toHaveLength(EVIDENCE_CAP);
    expect(merged.added.map((e) => e.id)).toEqual(['x']);
    expect(merged.overflow.map((e) => e.id)).toEqual(['y', 'z']);
  });
});

describe('mergeStep', () => {
  it('replaces a step of the same name in place and appends new ones', () => {
    const steps = mergeStep([step('a', { status: 'failed' }), step('b')], step('a'));
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ['a', 'ok'],
      ['b', 'ok'],
    ]);
    expect(mergeStep(steps, step('c')).map((s) => s.name)).toEqual(['a', 'b', 'c']);
  });

  it('keeps the most recent steps and bounds summary and ids', () => {
    const existing = Array.from({ length: STEPS_CAP }, (_, i) => step(`s${i}`));
    const long = step('last', {
      summary: 'y'.repeat(STEP_SUMMARY_MAX * 2),
      ids: Array.from({ length: STEP_IDS_MAX + 5 }, (_, i) => `snap-${i}`),
    });

    const steps = mergeStep(existing, long);

    expect(steps).toHaveLength(STEPS_CAP);
    expect(steps[0]?.name).toBe('s1');
    expect(steps.at(-1)?.summary).toHaveLength(STEP_SUMMARY_MAX);
    expect(steps.at(-1)?.summary.endsWith('…')).toBe(true);
    expect(steps.at(-1)?.ids).toHaveLength(STEP_IDS_MAX);
  });
});
