import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** The bundled sample findings (local/workspace/samples): what the Inject panel offers. */
export const SAMPLES_DIR = join(__dirname, 'samples');

const SampleEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  file: z.string().regex(/^[a-z0-9-]+\.json$/),
  label: z.string().min(1),
  /** What Airlock should do with it (shown next to the picker). */
  expect: z.string().min(1),
});
const SampleIndexSchema = z.array(SampleEntrySchema).min(1);

export type SampleEntry = z.infer<typeof SampleEntrySchema>;
export interface Sample extends SampleEntry {
  event: unknown;
}

/** Reads the index and every sample it lists (fails at startup, naming the file, if one is missing or not JSON). */
export function loadSamples(dir: string = SAMPLES_DIR): Sample[] {
  const index = SampleIndexSchema.parse(JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')));
  return index.map((entry) => {
    const path = join(dir, entry.file);
    try {
      return { ...entry, event: JSON.parse(readFileSync(path, 'utf8')) as unknown };
    } catch (error) {
      throw new Error(`sample ${entry.id}: cannot read ${path}`, { cause: error });
    }
  });
}

/**
 * A copy of the event as GuardDuty would publish a NEW finding of the same kind: a fresh event id and finding id,
 * so a drill can run the same sample again (the same finding id would be absorbed as a repeat, by design).
 */
export function asNewFinding(event: unknown, suffix: string = randomUUID().slice(0, 8)): unknown {
  if (!isRecord(event)) return event;
  const copy = structuredClone(event);
  if (typeof copy.id === 'string' && isRecord(copy.detail)) copy.id = randomUUID();
  const finding = isRecord(copy.detail) ? copy.detail : copy;
  if (typeof finding.id === 'string') finding.id = `${finding.id}-${suffix}`;
  return copy;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
