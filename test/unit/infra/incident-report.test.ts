import type { CfnElement } from 'aws-cdk-lib';
import type { AirlockStack } from '../../../infra/lib/airlock-stack';
import {
  CONTAIN_ROUTES,
  DASHBOARD_METRICS,
  DASHBOARD_NAMESPACE,
  DASHBOARD_OUTCOMES,
} from '../../../infra/lib/incident-dashboard';
import {
  INCIDENT_DIMENSION_SETS,
  INCIDENT_METRICS,
  METRICS_NAMESPACE,
} from '../../../workflow/domain/incident/metrics';
import { RouteSchema } from '../../../workflow/intake/types';
import { TERMINAL_STATUSES } from '../../../workflow/ledger/types';
import { synthIrStack } from './synth';
import { actionsOf, ofType, resolve, roleStatements, type Statement, type TemplateJson } from './template';

let stack: AirlockStack;
let t: TemplateJson;

beforeAll(() => {
  const synth = synthIrStack();
  stack = synth.stack;
  t = synth.template.toJSON() as TemplateJson;
});

const idOf = (c: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(c.node.defaultChild as CfnElement);
const allows = (c: { node: { defaultChild?: unknown } }) =>
  (resolve(roleStatements(t, idOf(c)), t) as Statement[]).filter((s) => s.Effect === 'Allow');
const s3Statements = (c: { node: { defaultChild?: unknown } }) =>
  allows(c).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
// The report keys of the evidence bucket, as the template writes them (Fn::Join of the bucket's Arn).
const REPORT_KEYS =
  /^\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["EvidenceBucket[0-9A-F]+","Arn"\]\},"\/incidents\/\*\/report\/\*"\]\]\}$/;

describe('the incident report: IAM', () => {
  it('gives WriteReport Put/PutObjectRetention/GetObject on the report keys only, and ListBucket under them', () => {
    const fn = stack.functions.WriteReport;
    const s3 = s3Statements(fn.role);
    const objects = s3.find((s) => s.Sid === 'ReportObjects');
    expect(actionsOf(objects as Statement).sort()).toEqual([
      's3:GetObject',
      's3:PutObject',
      's3:PutObjectRetention',
    ]);
    expect(JSON.stringify(objects?.Resource)).toMatch(REPORT_KEYS);
    const list = s3.find((s) => s.Sid === 'ReportList');
    expect(actionsOf(list as Statement)).toEqual(['s3:ListBucket']);
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': 'incidents/*/report/*' } });
    // Nothing else in S3, and no object action outside the report keys.
    expect(s3.map((s) => s.Sid).sort()).toEqual(['ReportList', 'ReportObjects']);
    // No member-account role to assume: it writes in Airlock's own account only.
    expect(allows(fn.role).flatMap(actionsOf)).not.toContain('sts:AssumeRole');
  });

  it('gives intake (which closes IGNORED incidents itself) the same report-key write as WriteReport, nothing more in S3', () => {
    const s3 = s3Statements(stack.intake.role);
    const objects = s3.find((s) => s.Sid === 'ReportObjects');
    expect(actionsOf(objects as Statement).sort()).toEqual([
      's3:GetObject',
      's3:PutObject',
      's3:PutObjectRetention',
    ]);
    expect(JSON.stringify(objects?.Resource)).toMatch(REPORT_KEYS);
    expect(s3.map((s) => s.Sid).sort()).toEqual(['ReportList', 'ReportObjects']);
  });

  it('gives the bot read (by version) and regenerate on the report keys, and the same retention as the workflow', () => {
    const s3 = s3Statements(stack.bot.role);
    const objects = s3.find((s) => s.Sid === 'ReportObjects');
    expect(actionsOf(objects as Statement).sort()).toEqual([
      's3:GetObject',
      's3:GetObjectVersion',
      's3:PutObject',
      's3:PutObjectRetention',
    ]);
    expect(JSON.stringify(objects?.Resource)).toMatch(REPORT_KEYS);
    for (const s of s3.filter((x) => x.Sid !== 'ReportList'))
      expect(JSON.stringify(s.Resource)).toMatch(REPORT_KEYS);
    const [, bot] = ofType(t, 'AWS::Lambda::Function').find(
      ([id]) => id === stack.getLogicalId(stack.bot.function.node.defaultChild as CfnElement),
    ) ?? ['', undefined];
    const env =
      (bot?.Properties?.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};
    expect(env.REPORT_RETENTION_DAYS).toBe('365');
    expect(env.REPORT_LOCK_MODE).toBe('GOVERNANCE');
    expect(env.EVIDENCE_BUCKET).toEqual({ Ref: expect.stringMatching(/^EvidenceBucket/) });
    // The workflow settings carry the same retention (WriteReport reads them from $.config).
    expect(String(JSON.stringify(env.WORKFLOW_SETTINGS))).toMatch(
      /reportRetentionDays\\+":365.*reportLockMode\\+":\\+"GOVERNANCE/,
    );
  });

  it('lets the Notify task read stored reports (by version) and nothing else in the bucket, with the bucket in its environment', () => {
    const fn = stack.functions.Notify;
    const s3 = s3Statements(fn.role);
    expect(s3).toHaveLength(1);
    expect(actionsOf(s3[0] as Statement).sort()).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect(JSON.stringify(s3[0]?.Resource)).toMatch(REPORT_KEYS);
    const [, notify] = ofType(t, 'AWS::Lambda::Function').find(
      ([id]) => id === stack.getLogicalId(fn.function.node.defaultChild as CfnElement),
    ) ?? ['', undefined];
    const env =
      (notify?.Properties?.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ??
      {};
    expect(env).toMatchObject({ REPORT_RETENTION_DAYS: '365', REPORT_LOCK_MODE: 'GOVERNANCE' });
    expect(env.EVIDENCE_BUCKET).toEqual({ Ref: expect.stringMatching(/^EvidenceBucket/) });
    // The other bot tasks never touch the bucket.
    for (const key of ['RequestApproval', 'Escalate'] as const)
      expect(s3Statements(stack.functions[key].role)).toEqual([]);
  });

  it('lets evidence writers read back an object lock (s3:GetObjectRetention), never set or bypass one', () => {
    for (const key of ['RecordPreState', 'CaptureVolatileEvidence'] as const) {
      const actions = s3Statements(stack.functions[key].role).flatMap(actionsOf);
      expect(actions).toContain('s3:GetObjectRetention');
      expect(actions).not.toContain('s3:PutObjectRetention');
    }
    for (const s of ofType(t, 'AWS::IAM::Policy').flatMap(
      ([, r]) => (r.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [],
    ))
      expect(actionsOf(s)).not.toContain('s3:BypassGovernanceRetention');
  });
});

type Widget = { type: string; properties: { title: string; metrics: unknown[][] } };

describe('the incident dashboard', () => {
  function widgets(): Widget[] {
    const dashboards = ofType(t, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = resolve(dashboards[0]?.[1].Properties?.DashboardBody, t);
    return (JSON.parse(String(body)) as { widgets: Widget[] }).widgets;
  }
  const byTitle = (title: RegExp) => {
    const found = widgets().find((w) => title.test(w.properties.title));
    if (!found) throw new Error(`no widget titled ${title}`);
    return found.properties.metrics;
  };
  /** [namespace, name, dimension, value, …, {stat}] rows (math rows are [{expression}]). */
  const metricRows = (rows: unknown[][]) =>
    rows.filter((r) => r[0] === METRICS_NAMESPACE) as (string | Record<string, unknown>)[][];

  it('reads exactly the metrics emitIncidentMetrics writes (namespace, names, dimensions, routes, outcomes)', () => {
    expect(DASHBOARD_NAMESPACE).toBe(METRICS_NAMESPACE);
    expect(DASHBOARD_METRICS).toEqual(INCIDENT_METRICS);
    // The dashboard's dimensions are dimension sets the workflow emits: {Outcome} and {Route}.
    expect(INCIDENT_DIMENSION_SETS).toContainEqual(['Outcome']);
    expect(INCIDENT_DIMENSION_SETS).toContainEqual(['Route']);
    for (const route of CONTAIN_ROUTES) expect(RouteSchema.options).toContain(route);
    for (const outcome of DASHBOARD_OUTCOMES) expect(TERMINAL_STATUSES.has(outcome)).toBe(true);
  });

  it('has the five widgets the SOC asked for', () => {
    expect(widgets().map((w) => w.properties.title)).toEqual([
      'Incidents per day by outcome',
      'Escalations and failures per day',
      'Time to contain (seconds), p50 and p90',
      'Time to decision (seconds), p50 and p90',
      'False-positive rate (rejects ÷ decisions, %)',
    ]);
  });

  it('counts incidents per day by outcome from Incidents{Outcome}', () => {
    const rows = metricRows(byTitle(/^Incidents per day/));
    expect(rows.map((r) => r.slice(0, 4))).toEqual(
      DASHBOARD_OUTCOMES.map((o) => [METRICS_NAMESPACE, INCIDENT_METRICS.incidents, 'Outcome', o]),
    );
    for (const r of rows) expect(r[4]).toMatchObject({ stat: 'Sum', period: 86400 });
  });

  it.each([
    [/^Time to contain/, INCIDENT_METRICS.timeToContain],
    [/^Time to decision/, INCIDENT_METRICS.timeToDecision],
  ])('plots %s p50 and p90 per containing route', (title, name) => {
    const rows = metricRows(byTitle(title));
    expect(rows.map((r) => [r[1], r[2], r[3], (r[4] as { stat: string }).stat])).toEqual(
      CONTAIN_ROUTES.flatMap((route) => [
        [name, 'Route', route, 'p50'],
        [name, 'Route', route, 'p90'],
      ]),
    );
  });

  it('computes the false-positive rate as rejects ÷ decisions with metric math', () => {
    const metrics = byTitle(/^False-positive/);
    const math = metrics.find(
      (r) => typeof (r[0] as { expression?: string }).expression === 'string',
    )?.[0] as {
      expression: string;
    };
    expect(math.expression).toBe(
      '100 * (FILL(r0, 0) + FILL(r1, 0) + FILL(r2, 0)) / (FILL(d0, 0) + FILL(d1, 0) + FILL(d2, 0))',
    );
    const rows = metricRows(metrics);
    const named = (id: string) => rows.find((r) => (r.at(-1) as { id?: string }).id === id);
    CONTAIN_ROUTES.forEach((route, i) => {
      expect(named(`r${i}`)?.slice(0, 4)).toEqual([
        METRICS_NAMESPACE,
        INCIDENT_METRICS.rejects,
        'Route',
        route,
      ]);
      expect(named(`d${i}`)?.slice(0, 4)).toEqual([
        METRICS_NAMESPACE,
        INCIDENT_METRICS.decisions,
        'Route',
        route,
      ]);
    });
  });

  it('plots escalations (summed over routes) and failures', () => {
    const metrics = byTitle(/^Escalations and failures/);
    const math = metrics.find(
      (r) => typeof (r[0] as { expression?: string }).expression === 'string',
    )?.[0] as {
      expression: string;
    };
    expect(math.expression).toBe('FILL(e0, 0) + FILL(e1, 0) + FILL(e2, 0)');
    const rows = metricRows(metrics).map((r) => r.slice(0, 4));
    expect(rows).toContainEqual([METRICS_NAMESPACE, INCIDENT_METRICS.failed, 'Outcome', 'FAILED']);
    for (const route of CONTAIN_ROUTES)
      expect(rows).toContainEqual([METRICS_NAMESPACE, INCIDENT_METRICS.escalated, 'Route', route]);
  });
});
