import { MetricsLogger } from 'aws-embedded-metrics';
import type { MetricsContext } from 'aws-embedded-metrics/lib/logger/MetricsContext';
import { LogSerializer } from 'aws-embedded-metrics/lib/serializers/LogSerializer';
import { DEMO } from '../../../../local/sim/seed';
import { WorkflowSettingsSchema } from '../../../../workflow/config';
import {
  METRICS_AUDIT_ACTION,
  REPORT_AUDIT_ACTION,
  REPORT_FAILED_AUDIT_ACTION,
  ReportNotFinalError,
} from '../../../../workflow/domain/incident/report';
import { ValidationError } from '../../../../workflow/errors';
import { createLogger } from '../../../../workflow/log';
import type { WorkflowTaskDeps } from '../../../../workflow/tasks/deps';
import { run } from '../../../../workflow/tasks/write-report';
import { LedgerTicketSink } from '../../../../workflow/ticket-sinks';
import { FakeLedger } from '../../../helpers/fake-ledger';
import { demoSim } from '../../local/sim/helpers';
import { approvedLedger } from '../domain/incident/report/ledgers';

const NOW = new Date('2026-11-22T09:00:00.000Z');
const config = WorkflowSettingsSchema.parse({
  evidenceBucket: DEMO.buckets.evidence,
  reportRetentionDays: 30,
});

function setup() {
  const { sim, clients } = demoSim();
  const ledger = new FakeLedger();
  const input = approvedLedger();
  ledger.seedIncident(input.incident);
  for (const a of input.approvals) ledger.approvals.set(a.approvalId, a);
  ledger.audit.push(...input.audit);
  const documents: unknown[] = [];
  const sink = {
    name: 'test',
    accept: async (context: MetricsContext) => {
      for (const line of new LogSerializer().serialize(context)) documents.push(JSON.parse(line));
    },
  };
  const environment = {
    probe: async () => true,
    getName: () => 'test',
    getType: () => 'test',
    getLogGroupName: () => 'test',
    configureContext: () => {},
    getSink: () => sink,
  };
  const clock = { now: () => NOW };
  const deps: WorkflowTaskDeps = {
    ledger,
    clients: async () => clients,
    clock,
    log: createLogger('test', { level: 'silent' }),
    ticketSink: new LedgerTicketSink(ledger, clock),
    evidenceS3: clients.s3,
    metrics: () => new MetricsLogger(async () => environment),
  };
  const incidentId = input.incident.incidentId;
  const audit = async (action: string) =>
    (await ledger.listAudit(incidentId)).filter((e) => e.action === action);
  return { sim, ledger, deps, incidentId, documents, audit };
}

describe('WriteReport', () => {
  it('stores the report under Object Lock and answers only its key, version id, hash, size', async () => {
    const { sim, deps, incidentId, audit } = setup();
    const out = await run(deps, { incidentId, config });
    expect(out).toEqual({
      key: expect.stringMatching(new RegExp(`^incidents/${incidentId}/report/v1-[0-9a-f]{16}\\.json$`)),
      versionId: expect.any(String),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      bytes: expect.any(Number),
      regenerated: false,
    });
    const { key, versionId, bytes } = out as { key: string; versionId: string; bytes: number };
    const stored = sim.model.state.buckets[DEMO.buckets.evidence]?.objects[key];
    expect(stored?.versionId).toBe(versionId);
    expect(stored?.body.length).toBe(bytes);
    expect(stored?.retention).toEqual({ mode: 'GOVERNANCE', retainUntil: '2026-12-22T09:00:00.000Z' });
    expect(await audit(REPORT_AUDIT_ACTION)).toHaveLength(1);
  });

  it('emits the metrics once: a retry (same ledger) and a regeneration (changed ledger) count nothing again', async () => {
    const { ledger, deps, incidentId, documents, audit } = setup();
    await run(deps, { incidentId, config });
    await run(deps, { incidentId, config });
    ledger.audit.push({
      incidentId,
      at: NOW.toISOString(),
      actor: 'intake',
      action: 'finding-attached',
      detail: { findingId: 'late' },
    });
    const regenerated = await run(deps, { incidentId, config });
    expect(regenerated).toMatchObject({ regenerated: true });
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ incidentId, Outcome: 'RESOLVED', Incidents: 1 });
    expect(await audit(METRICS_AUDIT_ACTION)).toHaveLength(1);
    expect(await audit(REPORT_AUDIT_ACTION)).toHaveLength(2);
  });

  it('records the intent before emitting: metrics-emitted is in the ledger when the document is written', async () => {
    const { deps, incidentId, ledger } = setup();
    let auditedFirst = false;
    const base = deps.metrics;
    if (!base) throw new Error('the harness has a metrics logger');
    deps.metrics = () => {
      auditedFirst = ledger.audit.some((e) => e.action === METRICS_AUDIT_ACTION);
      return base();
    };
    await run(deps, { incidentId, config });
    expect(auditedFirst).toBe(true);
  });

  it('fails with ReportNotFinalError for an incident still open, and writes nothing', async () => {
    const { sim, ledger, deps, incidentId, documents } = setup();
    await ledger.setStatus(incidentId, 'AWAITING_APPROVAL');
    await expect(run(deps, { incidentId, config })).rejects.toBeInstanceOf(ReportNotFinalError);
    expect(sim.mutations()).toEqual([]);
    expect(documents).toEqual([]);
  });

  it('rejects an input without the settings (ValidationError, never retried)', async () => {
    const { deps, incidentId } = setup();
    await expect(run(deps, { incidentId })).rejects.toBeInstanceOf(ValidationError);
  });

  it('audits a failure once per execution (ReportFailed retried), with the error and its cause', async () => {
    const { sim, deps, incidentId, audit } = setup();
    const failure = { Error: 'TransientAwsError', Cause: 's3:PutObject: InternalError' };
    const input = {
      incidentId,
      config,
      failure,
      executionId: 'arn:aws:states:us-east-1:1:execution:Airlock:x',
    };
    expect(await run(deps, input)).toEqual({ audited: true });
    expect(await run(deps, input)).toEqual({ audited: false });
    const failed = await audit(REPORT_FAILED_AUDIT_ACTION);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.detail).toMatchObject({
      error: 'TransientAwsError',
      cause: 's3:PutObject: InternalError',
      executionId: input.executionId,
    });
    // Another execution (the release) failing too is recorded as well.
    await run(deps, { ...input, executionId: `${input.executionId}-release` });
    expect(await audit(REPORT_FAILED_AUDIT_ACTION)).toHaveLength(2);
    // Auditing never writes to S3.
    expect(sim.mutations()).toEqual([]);
  });
});
