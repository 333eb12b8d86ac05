import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import {
  buildIncidentReport,
  incidentReportJsonSchema,
  renderReportJson,
} from '../../../../../../workflow/domain/incident/report';
import { largeLedger, SHAPES } from './ledgers';

const committed = JSON.parse(
  readFileSync(join(__dirname, '../../../../../../docs/incident-report.schema.json'), 'utf8'),
) as Record<string, unknown>;

describe('docs/incident-report.schema.json', () => {
  it('equals the JSON Schema generated from IncidentReportSchema', () => {
    expect(incidentReportJsonSchema()).toEqual(committed);
  });

  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(committed);

  it.each([...Object.entries(SHAPES), ['large', () => largeLedger(500, 50)] as const])(
    'validates the JSON rendering of the %s report',
    (_name, make) => {
      const ok = validate(JSON.parse(renderReportJson(buildIncidentReport(make()))));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    },
  );

  it('rejects a report with a missing custody reason list', () => {
    const report = JSON.parse(renderReportJson(buildIncidentReport(SHAPES.approved()))) as {
      evidence: Record<string, unknown>[];
    };
    delete report.evidence[0]?.unrecorded;
    expect(validate(report)).toBe(false);
  });
});
