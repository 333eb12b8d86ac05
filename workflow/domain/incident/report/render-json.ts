import { createHash } from 'node:crypto';
import { type IncidentReport, IncidentReportSchema } from './schema';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

/**
 * The JSON rendering: the report validated against its schema, keys sorted at every level, two-space indent and a
 * final newline. The same report always gives the same bytes, whatever order its fields were built in.
 */
export function renderReportJson(report: IncidentReport): string {
  return `${JSON.stringify(sortKeys(IncidentReportSchema.parse(report)), null, 2)}\n`;
}

/** The report's SHA-256 (hex): the hash of its JSON rendering's UTF-8 bytes, as stored and recorded. */
export function reportSha256(json: string): string {
  return createHash('sha256').update(json, 'utf8').digest('hex');
}
