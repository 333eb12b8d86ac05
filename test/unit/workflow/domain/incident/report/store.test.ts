import { createHash } from 'node:crypto';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DEMO } from '../../../../../../local/sim/seed';
import {
  buildIncidentReport,
  REPORT_AUDIT_ACTION,
  ReportNotFinalError,
  recordReportWritten,
  renderReportJson,
  renderReportMarkdown,
  reportSha256,
  storeIncidentReport,
  writeIncidentReport,
} from '../../../../../../workflow/domain/incident/report';
import { FakeLedger } from '../../../../../helpers/fake-ledger';
import { demoSim } from '../../../../local/sim/helpers';
import { approvedLedger, rejectedLedger } from './ledgers';

const BUCKET = DEMO.buckets.evidence;
const NOW = new Date('2026-11-22T09:00:00.000Z');

describe('storeIncidentReport (simulated S3)', () => {
  it('stores the JSON and Markdown under the report prefix, checksum verified, and returns the hash', async () => {
    const { sim, clients } = demoSim();
    const input = approvedLedger();
    const report = buildIncidentReport(input);
    const stored = await storeIncidentReport(clients.s3, {
      bucket: BUCKET,
      incidentId: input.incident.incidentId,
      report,
      retentionDays: 365,
      now: NOW,
    });
    const json = renderReportJson(report);
    expect(stored.sha256).toBe(reportSha256(json));
    expect(stored.key).toBe(
      `incidents/${input.incident.incidentId}/report/v1-${stored.sha256.slice(0, 16)}.json`,
    );
    expect(stored).toMatchObject({
      version: 1,
      created: true,
      lockMode: 'GOVERNANCE',
      retainUntil: '2027-11-22T09:00:00.000Z',
    });
    const objects = sim.model.state.buckets[BUCKET]?.objects ?? {};
    const body = objects[stored.key]?.body ?? new Uint8Array();
    expect(createHash('sha256').update(body).digest('hex')).toBe(stored.sha256);
    expect(objects[stored.key]?.checksumAlgorithm).toBe('SHA256');
    expect(new TextDecoder().decode(objects[stored.markdownKey]?.body)).toContain('# Incident');
  });

  it('writes nothing new for the same report, and a new version under a new key when the ledger changed', async () => {
    const { sim, clients } = demoSim();
    const input = approvedLedger();
    const args = { bucket: BUCKET, incidentId: input.incident.incidentId, retentionDays: 30, now: NOW };
    const first = await storeIncidentReport(clients.s3, { ...args, report: buildIncidentReport(input) });
    const again = await storeIncidentReport(clients.s3, { ...args, report: buildIncidentReport(input) });
    expect(again).toMatchObject({ key: first.key, sha256: first.sha256, version: 1, created: false });

    input.incident.findingCount += 1;
    const changed = await storeIncidentReport(clients.s3, { ...args, report: buildIncidentReport(input) });
    expect(changed.version).toBe(2);
    expect(changed.key).not.toBe(first.key);
    expect(changed.sha256).not.toBe(first.sha256);
    const objects = sim.model.state.buckets[BUCKET]?.objects ?? {};
    const firstBody = objects[first.key]?.body ?? new Uint8Array();
    expect(createHash('sha256').update(firstBody).digest('hex')).toBe(first.sha256);
    expect(Object.keys(objects).filter((k) => k.includes('/report/'))).toHaveLength(4);
  });
});

describe('storeIncidentReport (request parameters)', () => {
  const s3 = new S3Client({ region: 'us-east-1' });
  const mock = mockClient(s3);
  beforeEach(() => mock.reset());

  it('puts each rendering with Object Lock, retain-until, a SHA-256 checksum and If-None-Match', async () => {
    mock.on(ListObjectsV2Command).resolves({ Contents: [] });
    mock.on(PutObjectCommand).resolves({ VersionId: 'ver-1' });
    const input = rejectedLedger();
    const report = buildIncidentReport(input);
    const stored = await storeIncidentReport(s3, {
      bucket: 'evidence',
      incidentId: input.incident.incidentId,
      report,
      retentionDays: 10,
      lockMode: 'COMPLIANCE',
      now: NOW,
    });
    expect(stored.versionId).toBe('ver-1');
    const body = Buffer.from(renderReportJson(report), 'utf8');
    expect(mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'evidence',
      Key: stored.key,
      ContentType: 'application/json',
      ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: new Date('2026-12-02T09:00:00.000Z'),
      IfNoneMatch: '*',
    });
    expect(mock).toHaveReceivedCommandWith(PutObjectCommand, { Key: stored.markdownKey, IfNoneMatch: '*' });
  });

  it('takes the next version after the stored ones, and reads the version id back on a 412', async () => {
    mock.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: 'incidents/x/report/v1-0000000000000000.json' },
        { Key: 'incidents/x/report/v3-1111111111111111.json' },
      ],
    });
    const input = approvedLedger();
    const report = buildIncidentReport(input);
    const sha = reportSha256(renderReportJson(report));
    mock.on(PutObjectCommand).rejects(
      Object.assign(new Error('pre-condition'), {
        name: 'PreconditionFailed',
        $metadata: { httpStatusCode: 412 },
      }),
    );
    const stem = `incidents/x/report/v4-${sha.slice(0, 16)}`;
    const md = createHash('sha256').update(renderReportMarkdown(report), 'utf8').digest('base64');
    mock
      .on(HeadObjectCommand, { Key: `${stem}.json` })
      .resolves({ VersionId: 'ver-old', ChecksumSHA256: Buffer.from(sha, 'hex').toString('base64') })
      .on(HeadObjectCommand, { Key: `${stem}.md` })
      .resolves({ VersionId: 'ver-md', ChecksumSHA256: md });
    const stored = await storeIncidentReport(s3, {
      bucket: 'evidence',
      incidentId: 'x',
      report,
      retentionDays: 1,
      now: NOW,
    });
    expect(stored).toMatchObject({ version: 4, versionId: 'ver-old', created: false });
  });

  it('fails when the key holds other bytes than this report', async () => {
    mock.on(ListObjectsV2Command).resolves({ Contents: [] });
    mock.on(PutObjectCommand).rejects(
      Object.assign(new Error('pre-condition'), {
        name: 'PreconditionFailed',
        $metadata: { httpStatusCode: 412 },
      }),
    );
    mock.on(HeadObjectCommand).resolves({ ChecksumSHA256: Buffer.alloc(32).toString('base64') });
    const report = buildIncidentReport(approvedLedger());
    await expect(
      storeIncidentReport(s3, { bucket: 'evidence', incidentId: 'x', report, retentionDays: 1, now: NOW }),
    ).rejects.toMatchObject({ name: 'ReportConflictError' });
  });
});

describe('writeIncidentReport', () => {
  function seeded() {
    const ledger = new FakeLedger();
    const input = approvedLedger();
    ledger.seedIncident(input.incident);
    for (const a of input.approvals) ledger.approvals.set(a.approvalId, a);
    ledger.audit.push(...input.audit);
    return { ledger, input };
  }

  it('builds, stores and records the hash once in the ledger; a rerun stores and records nothing new', async () => {
    const { clients } = demoSim();
    const { ledger, input } = seeded();
    const deps = {
      ledger,
      s3: clients.s3,
      clock: { now: () => NOW },
      evidenceBucket: BUCKET,
      retentionDays: 30,
    };
    const first = await writeIncidentReport(deps, input.incident.incidentId);
    const second = await writeIncidentReport(deps, input.incident.incidentId);
    expect(second.stored).toMatchObject({ key: first.stored.key, created: false });
    const records = (await ledger.listAudit(input.incident.incidentId)).filter(
      (e) => e.action === REPORT_AUDIT_ACTION,
    );
    expect(records).toHaveLength(1);
    expect(records[0]?.detail).toMatchObject({
      sha256: first.stored.sha256,
      key: first.stored.key,
      bucket: BUCKET,
    });
  });

  it('rejects an incident that is not final', async () => {
    const { clients } = demoSim();
    const { ledger, input } = seeded();
    ledger.incidents.set(input.incident.incidentId, { ...input.incident, status: 'AWAITING_APPROVAL' });
    const deps = {
      ledger,
      s3: clients.s3,
      clock: { now: () => NOW },
      evidenceBucket: BUCKET,
      retentionDays: 30,
    };
    await expect(writeIncidentReport(deps, input.incident.incidentId)).rejects.toBeInstanceOf(
      ReportNotFinalError,
    );
  });

  it('records a second hash when a changed ledger gave a new report', async () => {
    const { ledger, input } = seeded();
    const base = {
      key: 'k',
      markdownKey: 'm',
      bytes: 1,
      version: 1,
      versionId: null,
      created: true,
      retainUntil: 'r',
      lockMode: 'GOVERNANCE' as const,
    };
    expect(
      await recordReportWritten(ledger, input.incident.incidentId, BUCKET, { ...base, sha256: 'a' }, NOW),
    ).toBe(true);
    expect(
      await recordReportWritten(ledger, input.incident.incidentId, BUCKET, { ...base, sha256: 'a' }, NOW),
    ).toBe(false);
    expect(
      await recordReportWritten(ledger, input.incident.incidentId, BUCKET, { ...base, sha256: 'b' }, NOW),
    ).toBe(true);
  });
});
