import { createHash } from 'node:crypto';
import type { HistoryEvent } from '../engine/types';

/** One state of an execution as the incident view shows it: when, how long, what went in and came out. */
export interface TimelineRow {
  state: string;
  type?: string;
  mapIndex?: number;
  enteredAt: string;
  exitedAt?: string;
  durationMs?: number;
  status: 'running' | 'ok' | 'failed' | 'caught';
  retries: number;
  /** First 12 hex chars of sha256(JSON) of the state's input / output. */
  inputDigest?: string;
  outputDigest?: string;
  error?: string;
}

/** sha256 of the JSON text, shortened to 12 hex chars (enough to tell payloads apart on screen). */
export function digest(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);
}

/**
 * Pairs StateEntered with the StateExited / StateFailed / StateCaught of the same state (and Map iteration) into
 * rows, in the order states were entered. Retries are counted on the row.
 */
export function timelineOf(events: readonly HistoryEvent[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  const open = new Map<string, TimelineRow>();
  const key = (e: HistoryEvent) => `${e.stateName ?? ''}#${e.mapIndex ?? ''}`;
  const close = (row: TimelineRow, at: Date) => {
    row.exitedAt = at.toISOString();
    row.durationMs = at.getTime() - new Date(row.enteredAt).getTime();
  };
  for (const event of events) {
    switch (event.type) {
      case 'StateEntered': {
        const row: TimelineRow = {
          state: event.stateName ?? '?',
          ...(event.stateType ? { type: event.stateType } : {}),
          ...(event.mapIndex !== undefined ? { mapIndex: event.mapIndex } : {}),
          enteredAt: event.timestamp.toISOString(),
          status: 'running',
          retries: 0,
          ...optional('inputDigest', digest(event.input)),
        };
        rows.push(row);
        open.set(key(event), row);
        break;
      }
      case 'StateExited': {
        const row = open.get(key(event));
        if (!row) break;
        open.delete(key(event));
        close(row, event.timestamp);
        if (row.status === 'running') row.status = 'ok';
        const out = digest(event.output);
        if (out) row.outputDigest = out;
        break;
      }
      case 'StateRetried': {
        const row = open.get(key(event));
        if (row) row.retries += 1;
        break;
      }
      case 'StateFailed': {
        const row = open.get(key(event));
        if (!row) break;
        open.delete(key(event));
        close(row, event.timestamp);
        row.status = 'failed';
        if (event.error) row.error = event.error;
        break;
      }
      case 'StateCaught': {
        // The library may report the catch before or after the failure: either way the row is that state's last.
        const row =
          open.get(key(event)) ?? rows.findLast((r) => `${r.state}#${r.mapIndex ?? ''}` === key(event));
        if (!row) break;
        row.status = 'caught';
        if (event.error) row.error = event.error;
        break;
      }
      default:
        break;
    }
  }
  return rows;
}

function optional<K extends string>(name: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [name]: value } as Record<K, string>);
}
