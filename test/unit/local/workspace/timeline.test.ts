import type { HistoryEvent } from '../../../../local/engine/types';
import { digest, timelineOf } from '../../../../local/workspace/timeline';

const at = (s: number) => new Date(Date.UTC(2026, 0, 15, 10, 0, s));
let id = 0;
const ev = (e: Omit<HistoryEvent, 'id'>): HistoryEvent => ({ id: ++id, ...e });

describe('timelineOf', () => {
  it('pairs entered and exited states with durations and short sha256 digests', () => {
    const rows = timelineOf([
      ev({ type: 'ExecutionStarted', timestamp: at(0) }),
      ev({
        type: 'StateEntered',
        timestamp: at(0),
        stateName: 'RecordPreState',
        stateType: 'Task',
        input: { a: 1 },
      }),
      ev({
        type: 'StateExited',
        timestamp: at(3),
        stateName: 'RecordPreState',
        stateType: 'Task',
        output: { b: 2 },
      }),
      ev({
        type: 'StateEntered',
        timestamp: at(3),
        stateName: 'RequestApproval',
        stateType: 'Task',
        input: {},
      }),
    ]);
    expect(rows).toEqual([
      {
        state: 'RecordPreState',
        type: 'Task',
        enteredAt: at(0).toISOString(),
        exitedAt: at(3).toISOString(),
        durationMs: 3000,
        status: 'ok',
        retries: 0,
        inputDigest: digest({ a: 1 }),
        outputDigest: digest({ b: 2 }),
      },
      expect.objectContaining({ state: 'RequestApproval', status: 'running', retries: 0 }),
    ]);
    expect(digest({ a: 1 })).toMatch(/^[0-9a-f]{12}$/);
    expect(digest({ a: 1 })).not.toBe(digest({ a: 2 }));
  });

  it('keeps Map iterations apart and records retries, failures and catches', () => {
    const rows = timelineOf([
      ev({ type: 'StateEntered', timestamp: at(0), stateName: 'SnapshotVolume', mapIndex: 0 }),
      ev({ type: 'StateEntered', timestamp: at(0), stateName: 'SnapshotVolume', mapIndex: 1 }),
      ev({ type: 'StateRetried', timestamp: at(1), stateName: 'SnapshotVolume', mapIndex: 1 }),
      ev({ type: 'StateExited', timestamp: at(2), stateName: 'SnapshotVolume', mapIndex: 0 }),
      ev({
        type: 'StateFailed',
        timestamp: at(4),
        stateName: 'SnapshotVolume',
        mapIndex: 1,
        error: 'ThrottledError',
      }),
      ev({
        type: 'StateCaught',
        timestamp: at(4),
        stateName: 'SnapshotVolume',
        mapIndex: 1,
        error: 'ThrottledError',
      }),
    ]);
    expect(rows.map((r) => [r.mapIndex, r.status, r.retries, r.durationMs, r.error])).toEqual([
      [0, 'ok', 0, 2000, undefined],
      [1, 'caught', 1, 4000, 'ThrottledError'],
    ]);
  });
});
