import * as z from 'zod';
import { IncidentReportSchema } from './schema';

/**
 * The JSON Schema (draft 2020-12) of the report's JSON rendering, generated from IncidentReportSchema; committed as
 * docs/incident-report.schema.json (a test keeps the two equal). Regenerate with
 * `npx tsx -e "process.stdout.write(require('./workflow/domain/incident/report/json-schema').incidentReportJsonSchemaText())" > docs/incident-report.schema.json`.
 */
export function incidentReportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(IncidentReportSchema, { target: 'draft-2020-12', io: 'output' }),
    title: 'Airlock incident report',
  };
}

export function incidentReportJsonSchemaText(): string {
  return `${JSON.stringify(incidentReportJsonSchema(), null, 2)}\n`;
}
