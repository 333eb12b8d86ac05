import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VirtualClock } from '../../../../local/engine/clock';
import { LocalEngine, type LocalEngineOptions } from '../../../../local/engine/engine';
import type { TaskHandlerMap } from '../../../../local/engine/types';

/** 2025-01-01T00:00:00Z: every toy run starts here in virtual time. */
export const T0 = Date.parse('2025-01-01T00:00:00.000Z');
export const HOUR = 3600 * 1000;

/** The raw text of a toy definition in test/fixtures/asl/. */
export function toy(name: string): string {
  return readFileSync(join(__dirname, '../../../fixtures/asl', `${name}.asl.json`), 'utf8');
}

export interface Harness {
  engine: LocalEngine;
  clock: VirtualClock;
}

const open: Harness[] = [];

/** Builds an engine on a toy definition with a manual clock at T0; `closeAll` in afterEach ends it. */
export function harness(
  definition: string,
  handlers: TaskHandlerMap,
  options: Partial<Omit<LocalEngineOptions, 'definition' | 'handlers' | 'clock'>> & {
    clock?: VirtualClock;
  } = {},
): Harness {
  const clock = options.clock ?? new VirtualClock({ start: T0 });
  const engine = new LocalEngine({
    callbackKeys: new Set(),
    ...options,
    definition: toy(definition),
    handlers,
    clock,
  });
  const h = { engine, clock };
  open.push(h);
  return h;
}

export async function closeAll(): Promise<void> {
  for (const { engine, clock } of open.splice(0)) {
    await engine.close();
    clock.dispose();
  }
}

/** An error class whose `name` is its class name, like workflow/errors.ts. */
export function namedError(name: string): new (message: string) => Error {
  return class extends Error {
    constructor(message: string) {
      super(message);
      this.name = name;
    }
  };
}
