import { SimulatedAws, type SimulatedAwsOptions } from '../../../../local/sim/clients';
import { DEMO, seedDemoEstate } from '../../../../local/sim/seed';

export const T0 = Date.parse('2026-03-01T12:00:00.000Z');

/** A simulator on a fixed, movable clock (no real time anywhere). */
export function newSim(options: SimulatedAwsOptions = {}) {
  const clock = { t: T0 };
  const sim = new SimulatedAws({ now: () => new Date(clock.t), sleep: async () => {}, ...options });
  return { sim, clock, clients: sim.clients() };
}

/** A simulator holding the demo estate (home account clients). */
export function demoSim(options: SimulatedAwsOptions = {}) {
  const s = newSim(options);
  seedDemoEstate(s.sim);
  s.sim.clearCalls();
  return s;
}

export const HOME = { accountId: DEMO.accountId, region: DEMO.region };

/** The error a promise rejects with (fails the test when it resolves). */
export async function errorOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
