import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import Ajv2020 from 'ajv/dist/2020';
import { type DrillDecision, type DrillResult, runDrill } from '../../../../local/runtime/drill';
import { startOfflineStack } from '../../../../local/runtime/stack';
import type { OfflineStack, TaskInvocation } from '../../../../local/runtime/types';
import { HOME_ACCOUNT_ID, HOME_REGION } from '../../../../local/sim';
import { configureAwsRetry } from '../../../../workflow/aws/call';
import {
  type IncidentReport,
  METRICS_AUDIT_ACTION,
  REPORT_AUDIT_ACTION,
  REPORT_FAILED_AUDIT_ACTION,
} from '../../../../workflow/domain/incident/report';
import type { AuditEvent } from '../../../../workflow/ledger/types';

/**
 * Issue 17's acceptance, on the offline stack (real definition, real task code, simulated account): every path
 * (approve, reject, timeout, failure, notify-only) ends with a stored report whose JSON matches the documented
 * schema, whose evidence carries the whole chain of custody, and whose hashes match the objects in the bucket.
 */

const ROOT = join(__dirname, '../../../..');
const load = (path: string): unknown => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
const EC2 = load('local/workspace/samples/ec2-high-web1.json');
const ACTOR = load('test/fixtures/gd-eventbridge-ec2-backdoor-denialofservice-tcp.json');
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(
  load('docs/incident-report.schema.json') as object,
);

const open: OfflineStack[] = [];
beforeAll(() => configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0 }));
afterAll(async () => {
  configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000 });
  await Promise.all(open.map((s) => s.close()));
});

type Run = DrillResult & { stack: OfflineStack; incidentId: string };

async function drill(
  event: unknown,
  decision: DrillDecision,
  options: { prepare?: (stack: OfflineStack) => void; onTask?: (t: TaskInvocation) => void } = {},
): Promise<Run> {
  let stackRef: OfflineStack | undefined;
  const result = await runDrill({
    event,
    decision,
    keepOpen: true,
    ...(options.onTask ? { stack: { onTask: options.onTask } } : {}),
    prepare: (stack) => {
      stackRef = stack;
      open.push(stack);
      options.prepare?.(stack);
    },
  });
  if (!result.incidentId || !stackRef) throw new Error('the drill opened no incident');
  return { ...result, incidentId: result.incidentId };
}

async function s3Bytes(stack: OfflineStack, bucket: string, key: string, versionId?: string) {
  const { s3 } = await stack.sim.clientFactory()({ accountId: HOME_ACCOUNT_ID, region: HOME_REGION });
  const out = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
  );
  return { bytes: (await out.Body?.transformToByteArray()) ?? new Uint8Array(), versionId: out.VersionId };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function auditOf(run: Run, action: string): Promise<AuditEvent[]> {
  return (await run.stack.ledger.listAudit(run.incidentId)).filter((e) => e.action === action);
}

/** The stored report (latest report-written), checked against the schema, its hash and its custody. */
async function storedReport(run: Run): Promise<IncidentReport> {
  const written = await auditOf(run, REPORT_AUDIT_ACTION);
  expect(written.length).toBeGreaterThanOrEqual(1);
  const detail = written.at(-1)?.detail as { bucket: string; key: string; sha256: string; versionId: string };
  const { bytes, versionId } = await s3Bytes(run.stack, detail.bucket, detail.key, detail.versionId);
  expect(versionId).toBe(detail.versionId);
  expect(sha256(bytes)).toBe(detail.sha256);
  const report = JSON.parse(new TextDecoder().decode(bytes)) as IncidentReport;
  const valid = validate(report);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
  expect(report.incident).toMatchObject({ incidentId: run.incidentId, status: run.status, final: true });
  // The object itself is under Object Lock with the retention the ledger recorded.
  const object = run.stack.sim.model.state.buckets[detail.bucket]?.versions?.[detail.key]?.at(-1);
  expect(object?.retention).toEqual({
    mode: 'GOVERNANCE',
    retainUntil: written.at(-1)?.detail?.retainUntil,
  });
  return report;
}

/** Every evidence object: the full chain of custody, and its bytes in the bucket hash to the report's SHA-256. */
async function expectCustody(run: Run, report: IncidentReport): Promise<void> {
  const writer = run.stack.sim.model.callerRoleArn(HOME_ACCOUNT_ID);
  for (const item of report.evidence) {
    expect(item.writerPrincipal).toBe(writer);
    expect(item.retention?.retainUntil).toEqual(expect.any(String));
    if (item.location === 's3') {
      expect(item.retention?.mode).toBe('GOVERNANCE');
      expect(item.s3VersionId).toEqual(expect.any(String));
      expect({ id: item.id, unrecorded: item.unrecorded }).toEqual({ id: item.id, unrecorded: [] });
      const { bytes } = await s3Bytes(run.stack, item.bucket ?? '', item.key ?? '', item.s3VersionId ?? '');
      expect({ id: item.id, sha256: sha256(bytes) }).toEqual({ id: item.id, sha256: item.sha256 });
    } else {
      // A snapshot: its id identifies it, its custody is the snapshot lock.
      expect(item.location).toBe('ebs-snapshot');
      expect(item.retention?.mode).toBe('SNAPSHOT-LOCK');
      expect(item.unrecorded.map((u) => u.field)).toEqual(['sha256', 's3VersionId']);
    }
  }
}

/** WriteReport ran after the close and before the final notice; the metrics went out exactly once. */
async function expectReportBefore(run: Run, notice: string): Promise<void> {
  const states = run.statesVisited;
  expect(states).toContain('WriteReport');
  expect(states.indexOf('WriteReport')).toBeLessThan(states.indexOf(notice));
  expect(states).not.toContain('ReportFailed');
  expect(await auditOf(run, METRICS_AUDIT_ACTION)).toHaveLength(1);
  const documents = run.stack.metrics.filter((d) => d.incidentId === run.incidentId);
  expect(documents).toHaveLength(1);
  expect(documents[0]).toMatchObject({ Outcome: run.status, Incidents: 1 });
}

describe('drill: every path produces the incident report', () => {
  it('approve: RESOLVED, report stored, schema-valid, custody complete, hashes match the bucket', async () => {
    const run = await drill(EC2, 'approve');
    expect(run.status).toBe('RESOLVED');
    await expectReportBefore(run, 'NotifyResolved');
    const report = await storedReport(run);
    expect(report.evidence.length).toBeGreaterThanOrEqual(4);
    expect(report.evidence.some((e) => e.location === 'ebs-snapshot')).toBe(true);
    expect(report.evidence.some((e) => e.kind === 'volatile')).toBe(true);
    await expectCustody(run, report);
    expect(report.measures).toMatchObject({ decision: 'approve', timeToContainSeconds: expect.any(Number) });
  });

  it('reject: RESTORED, the restore diff in the report is empty', async () => {
    const run = await drill(EC2, 'reject');
    expect(run.status).toBe('RESTORED');
    await expectReportBefore(run, 'NotifyRestored');
    const report = await storedReport(run);
    await expectCustody(run, report);
    expect(report.changes.restore).toMatchObject({ status: 'ok', differences: [] });
    expect(report.measures.decision).toBe('reject');
  });

  it('timeout: nobody answers, ESCALATED_UNRESOLVED, report stored before NotifyUnresolved', async () => {
    const run = await drill(EC2, 'timeout');
    expect(run.status).toBe('ESCALATED_UNRESOLVED');
    await expectReportBefore(run, 'NotifyUnresolved');
    const report = await storedReport(run);
    await expectCustody(run, report);
    expect(report.measures).toMatchObject({ escalated: true, decision: null });
  });

  it('failure: a task fails unrecoverably, FAILED via Compensate, report stored before NotifyFailed', async () => {
    const run = await drill(EC2, 'approve', {
      prepare: (stack) =>
        stack.sim.faults.failNth({
          service: 'ec2',
          operation: 'CreateTags',
          n: 1,
          error: 'UnauthorizedOperation',
        }),
    });
    expect(run).toMatchObject({ status: 'FAILED', executionStatus: 'FAILED' });
    expect(run.statesVisited.slice(-7)).toEqual([
      'Compensate',
      'PageFailed',
      'TicketFailed',
      'WriteReport',
      'AfterReport',
      'NotifyFailed',
      'ContainmentFailed',
    ]);
    await expectReportBefore(run, 'NotifyFailed');
    const report = await storedReport(run);
    await expectCustody(run, report);
    expect(report.measures.failedStep).toBe('tag-instance');
  });

  it('notify-only: NOTIFIED, report stored, then the report notice (NotifyReport) and Done', async () => {
    const run = await drill(ACTOR, 'approve');
    expect(run.status).toBe('NOTIFIED');
    expect(run.statesVisited.slice(-5)).toEqual([
      'CloseNotified',
      'WriteReport',
      'AfterReport',
      'NotifyReport',
      'Done',
    ]);
    await expectReportBefore(run, 'NotifyReport');
    const report = await storedReport(run);
    expect(report.evidence).toEqual([]);
  });

  it('ignored: intake closes the incident IGNORED without an execution, and writes its report itself', async () => {
    const stack = await startOfflineStack();
    open.push(stack);
    const low = structuredClone(EC2) as { detail: { id: string; severity: number } };
    low.detail.id = 'ffffffffffffffffffffffffffffff01';
    low.detail.severity = 2;
    const [accepted] = await stack.inject(low);
    expect(accepted).toMatchObject({ outcome: 'ignored', incident: { status: 'IGNORED' } });
    const incidentId = accepted?.incident?.incidentId ?? '';
    expect(accepted?.executionArn).toBeUndefined();
    const report = await storedReport({ stack, incidentId, status: 'IGNORED' } as Run);
    expect(report.incident.status).toBe('IGNORED');
    expect(report.timeline.map((e) => e.kind)).toContain('finding-received');
  });
});

describe('drill: a report write that fails never blocks the close', () => {
  /** From the close on, the evidence bucket answers every PutObject with a 5xx (or only the first). */
  const failReportWrites =
    (stack: () => OfflineStack | undefined, options: { once: boolean }) => (t: TaskInvocation) => {
      if (t.key !== 'CloseIncident') return;
      const faults = stack()?.sim.faults;
      if (options.once) faults?.failNth({ service: 's3', operation: 'PutObject', n: 1 });
      else faults?.error5xx({ service: 's3', operation: 'PutObject', rate: 1 });
    };

  it('retries a failed write (S3 5xx) and then stores the report', async () => {
    configureAwsRetry({ maxAttempts: 1 });
    try {
      let stack: OfflineStack | undefined;
      const run = await drill(EC2, 'approve', {
        prepare: (s) => {
          stack = s;
        },
        onTask: failReportWrites(() => stack, { once: true }),
      });
      expect(run.status).toBe('RESOLVED');
      const arn = run.stack.engine.list()[0]?.executionArn ?? '';
      const retried = run.stack.engine.history(arn).filter((e) => e.type === 'StateRetried');
      expect(retried.map((e) => e.stateName)).toEqual(['WriteReport']);
      await expectReportBefore(run, 'NotifyResolved');
      await storedReport(run);
      expect(await auditOf(run, REPORT_FAILED_AUDIT_ACTION)).toEqual([]);
    } finally {
      configureAwsRetry({ maxAttempts: 4 });
    }
  });

  it('fails the write after its retries: audited as report-failed, the incident still closes and gets its notice', async () => {
    let stack: OfflineStack | undefined;
    const notices: TaskInvocation[] = [];
    const fail = failReportWrites(() => stack, { once: false });
    const run = await drill(EC2, 'approve', {
      prepare: (s) => {
        stack = s;
      },
      onTask: (t) => {
        fail(t);
        if (t.key === 'Notify') notices.push(t);
      },
    });
    expect(run).toMatchObject({ status: 'RESOLVED', executionStatus: 'SUCCEEDED' });
    expect(run.statesVisited.slice(-5)).toEqual([
      'WriteReport',
      'ReportFailed',
      'AfterReport',
      'NotifyResolved',
      'Done',
    ]);
    const arn = run.stack.engine.list()[0]?.executionArn ?? '';
    const retries = run.stack.engine
      .history(arn)
      .filter((e) => e.type === 'StateRetried' && e.stateName === 'WriteReport');
    expect(retries.length).toBeGreaterThanOrEqual(2);
    const failed = await auditOf(run, REPORT_FAILED_AUDIT_ACTION);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.detail).toMatchObject({ error: 'TransientAwsError', executionId: arn });
    expect(await auditOf(run, REPORT_AUDIT_ACTION)).toEqual([]);
    // The incident's metrics still went out, once.
    expect(run.stack.metrics.filter((d) => d.incidentId === run.incidentId)).toHaveLength(1);
    // The resolved notice ran, and succeeded.
    const resolved = notices.filter((t) => (t.input as { phase?: string }).phase === 'resolved');
    expect(resolved.length).toBeGreaterThanOrEqual(1);
    expect(resolved.at(-1)?.error).toBeUndefined();
  });
});

describe('drill: regenerating after the ledger changed', () => {
  it('stores a new version with a new hash; the old version is still there; metrics are not emitted again', async () => {
    const run = await drill(EC2, 'approve');
    const first = (await auditOf(run, REPORT_AUDIT_ACTION))[0]?.detail as {
      bucket: string;
      key: string;
      sha256: string;
      versionId: string;
    };
    // The ledger changes after the close (a finding attached later), then the report is written again.
    await run.stack.ledger.appendAudit({
      incidentId: run.incidentId,
      at: run.stack.clock.now().toISOString(),
      actor: 'intake',
      action: 'finding-attached',
      detail: { findingId: 'f-late', dedupeKey: 'late', type: 'Recon:EC2/PortProbeUnprotectedPort' },
    });
    const again = (await writeReportAgain(run)) as { key: string; sha256: string; regenerated: boolean };
    expect(again.regenerated).toBe(true);
    expect(again.sha256).not.toBe(first.sha256);
    expect(again.key).not.toBe(first.key);
    const old = await s3Bytes(run.stack, first.bucket, first.key, first.versionId);
    expect(sha256(old.bytes)).toBe(first.sha256);
    const written = await auditOf(run, REPORT_AUDIT_ACTION);
    expect(written.map((e) => e.detail?.sha256)).toEqual([first.sha256, again.sha256]);
    // The same ledger again: nothing new is written.
    const same = (await writeReportAgain(run)) as { key: string; regenerated: boolean };
    expect(same).toMatchObject({ key: again.key, regenerated: false });
    expect(await auditOf(run, REPORT_AUDIT_ACTION)).toHaveLength(2);
    expect(await auditOf(run, METRICS_AUDIT_ACTION)).toHaveLength(1);
    expect(run.stack.metrics.filter((d) => d.incidentId === run.incidentId)).toHaveLength(1);
  });
});

/** WriteReport as the state machine would invoke it again (a regeneration), through the stack's bound handler. */
function writeReportAgain(run: Run): Promise<unknown> {
  return run.stack.tasks.WriteReport({ incidentId: run.incidentId, config: run.stack.settings.workflow });
}
