import {
  buildIncidentReport,
  IncidentReportSchema,
  REPORT_AUDIT_ACTION,
  renderReportJson,
  renderReportMarkdown,
  reportSha256,
  UNRECORDED_REASON,
} from '../../../../../../workflow/domain/incident/report';
import {
  approvedLedger,
  BUCKET,
  failedLedger,
  LEAD,
  largeLedger,
  notifiedLedger,
  RESPONDER,
  rejectedLedger,
  SHAPES,
  timedOutLedger,
} from './ledgers';

describe('buildIncidentReport', () => {
  it('builds the approved incident: timeline with finding, steps start/end, refusal, decision and close; measures', () => {
    const report = buildIncidentReport(approvedLedger());
    const kinds = report.timeline.map((e) => `${e.kind}:${e.action}`);
    expect(kinds[0]).toBe('finding-received:incident-opened');
    expect(kinds).toEqual(
      expect.arrayContaining([
        'step-started:isolate-network',
        'step-ended:isolate-network',
        'refusal:decision-refused',
        'decision:decision',
        'closed:close-incident',
      ]),
    );
    expect(kinds.indexOf('step-started:isolate-network')).toBeLessThan(
      kinds.indexOf('step-ended:isolate-network'),
    );
    const refusal = report.timeline.find((e) => e.kind === 'refusal');
    expect(refusal).toMatchObject({ slackUser: 'U0OUTSIDER', outcome: 'not-responder' });
    expect(report.timeline.find((e) => e.kind === 'decision')).toMatchObject({
      slackUser: RESPONDER,
      outcome: 'approve',
      at: '2026-11-22T08:16:00.000Z',
    });
    expect(report.measures).toEqual({
      timeToContainSeconds: 120,
      timeToDecisionSeconds: 600,
      decision: 'approve',
      decidedBy: RESPONDER,
      escalated: false,
      failedStep: null,
    });
    expect(report.incident.final).toBe(true);
    expect(report.changes.restore).toBeNull();
    expect(report.changes.actions.map((a) => a.step)).toEqual([
      'record-pre-state',
      'isolate-network',
      'snapshot-volumes',
    ]);
  });

  it('records the chain of custody with an explicit reason for every field the ledger does not hold', () => {
    const [object, snapshot] = buildIncidentReport(approvedLedger()).evidence;
    expect(object).toMatchObject({
      location: 's3',
      bucket: BUCKET,
      sha256: 'a'.repeat(64),
      s3VersionId: null,
      writerPrincipal: null,
      retention: null,
    });
    expect(object?.unrecorded.map((u) => u.field)).toEqual(['s3VersionId', 'writerPrincipal', 'retention']);
    expect(snapshot).toMatchObject({
      location: 'ebs-snapshot',
      snapshotId: 'snap-0123456789abcdef0',
      sha256: null,
    });
    expect(snapshot?.unrecorded).toContainEqual({
      field: 'sha256',
      reason: UNRECORDED_REASON.snapshotSha256,
    });
  });

  it('reads custody fields once an evidence writer records them', () => {
    const input = approvedLedger();
    const [first] = input.incident.evidence;
    input.incident.evidence = [
      {
        ...(first as (typeof input.incident.evidence)[number]),
        s3VersionId: 'v-123',
        writerPrincipal: 'arn:aws:sts::123456789012:assumed-role/airlock-workflow/x',
        retention: { mode: 'GOVERNANCE', retainUntil: '2027-11-22T08:01:00.000Z' },
      } as (typeof input.incident.evidence)[number],
    ];
    const [object] = buildIncidentReport(input).evidence;
    expect(object).toMatchObject({ s3VersionId: 'v-123', retention: { mode: 'GOVERNANCE' }, unrecorded: [] });
  });

  it('shows the reject restore diff, empty', () => {
    const report = buildIncidentReport(rejectedLedger());
    expect(report.changes.restore).toMatchObject({ status: 'ok', differences: [] });
    expect(report.measures).toMatchObject({
      decision: 'reject',
      decidedBy: RESPONDER,
      timeToDecisionSeconds: 900,
    });
    expect(report.changes.actions.map((a) => a.step)).not.toContain('restore');
  });

  it('lists the differences a failed restore left', () => {
    const input = rejectedLedger();
    input.incident.steps = input.incident.steps.map((s) =>
      s.name === 'restore'
        ? {
            ...s,
            status: 'failed',
            summary:
              'Restore of IAM user bob left 2 difference(s) from the pre-state: key A active; policy P present',
          }
        : s,
    );
    expect(buildIncidentReport(input).changes.restore?.differences).toEqual([
      'key A active',
      'policy P present',
    ]);
  });

  it('shows the timeout: both approvals expired, the escalation to the lead, no decision', () => {
    const report = buildIncidentReport(timedOutLedger());
    expect(report.measures).toMatchObject({
      escalated: true,
      decision: null,
      decidedBy: null,
      timeToDecisionSeconds: null,
    });
    expect(report.timeline.filter((e) => e.kind === 'approval-expired')).toHaveLength(2);
    expect(report.timeline.find((e) => e.kind === 'escalation')).toMatchObject({ slackUser: LEAD });
    expect(report.approvals.map((a) => a.kind)).toEqual(['primary', 'escalation']);
  });

  it('names the failed step and the compensation', () => {
    const report = buildIncidentReport(failedLedger());
    expect(report.measures.failedStep).toBe('snapshot-volumes');
    expect(report.incident.failure?.error).toBe('ThrottledError');
    expect(report.timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['step-failed', 'compensation']),
    );
  });

  it('builds a notify-only report with nothing contained or decided', () => {
    const report = buildIncidentReport(notifiedLedger());
    expect(report.incident).toMatchObject({ status: 'NOTIFIED', route: 'notify', containedAt: null });
    expect(report.measures).toMatchObject({ timeToContainSeconds: null, decision: null, escalated: false });
    expect(report.evidence).toEqual([]);
    expect(report.timeline.map((e) => e.kind)).toEqual([
      'finding-received',
      'step-started',
      'notification',
      'closed',
    ]);
  });

  it('keeps every attached finding and every snapshot, overflow included (500 findings, 50 snapshots)', () => {
    const report = buildIncidentReport(largeLedger(500, 50));
    expect(report.findings).toHaveLength(501);
    expect(report.findings[1]).toMatchObject({ order: 2, how: 'attached', findingId: 'finding-0000' });
    expect(report.evidence.filter((e) => e.kind === 'snapshot')).toHaveLength(51);
    expect(report.timeline.filter((e) => e.kind === 'finding-attached')).toHaveLength(500);
    expect(report.timeline.some((e) => e.action === 'evidence-overflow')).toBe(false);
  });

  it('is a pure function of the ledger: audit order and approval order do not change the rendering', () => {
    const input = approvedLedger();
    const shuffled = {
      ...input,
      audit: [...input.audit].reverse(),
      approvals: [...input.approvals].reverse(),
    };
    expect(renderReportJson(buildIncidentReport(shuffled))).toBe(
      renderReportJson(buildIncidentReport(input)),
    );
  });

  it('leaves its own report-written records out, so recording the hash does not change the report', () => {
    const input = approvedLedger();
    const before = renderReportJson(buildIncidentReport(input));
    const withRecord = {
      ...input,
      audit: [
        ...input.audit,
        {
          incidentId: input.incident.incidentId,
          at: '2026-11-22T09:00:00.000Z',
          actor: 'workflow',
          action: REPORT_AUDIT_ACTION,
          detail: { sha256: 'x' },
        },
      ],
    };
    expect(renderReportJson(buildIncidentReport(withRecord))).toBe(before);
  });

  it('never carries a task token', () => {
    expect(renderReportJson(buildIncidentReport(approvedLedger()))).not.toContain(
      'token-never-in-the-report',
    );
  });
});

describe('renderReportJson', () => {
  it('renders keys sorted at every level, ending in a newline, and parses back to the same report', () => {
    const report = buildIncidentReport(approvedLedger());
    const json = renderReportJson(report);
    expect(json.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(json) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([...Object.keys(parsed)].sort());
    expect(Object.keys(parsed.incident as object)).toEqual(
      [...Object.keys(parsed.incident as object)].sort(),
    );
    expect(IncidentReportSchema.parse(parsed)).toEqual(report);
  });

  it('gives a new hash when the ledger changes', () => {
    const input = approvedLedger();
    const first = reportSha256(renderReportJson(buildIncidentReport(input)));
    input.incident.findingCount += 1;
    expect(reportSha256(renderReportJson(buildIncidentReport(input)))).not.toBe(first);
  });

  it('rejects a report that does not match the schema', () => {
    const report = buildIncidentReport(approvedLedger());
    expect(() => renderReportJson({ ...report, schemaVersion: 2 as 1 })).toThrow();
  });
});

describe('renderReportMarkdown', () => {
  it.each(Object.entries(SHAPES))('renders the %s incident with every section', (_name, make) => {
    const md = renderReportMarkdown(buildIncidentReport(make()));
    for (const heading of [
      '## Measures',
      '## Timeline',
      '## Findings',
      '## Approvals',
      '## Evidence',
      '## What changed',
      '## Steps',
    ])
      expect(md).toContain(heading);
  });

  it('names who decided and when, the custody gaps, and the empty restore diff', () => {
    const md = renderReportMarkdown(buildIncidentReport(rejectedLedger()));
    expect(md).toContain('# Incident inc-');
    expect(md).toContain(`<@${RESPONDER}>`);
    expect(md).toContain('Restore: **ok**; 0 difference(s) from the pre-state.');
    expect(md).toContain(`\`s3VersionId\`: ${UNRECORDED_REASON.s3VersionId} (1 item)`);
    expect(md).toContain('| 2 min 0 s | 15 min 0 s | reject |');
  });

  it('escapes pipes and line breaks inside table cells', () => {
    const input = failedLedger();
    input.incident.steps = input.incident.steps.map((s) => ({ ...s, summary: 'a | b\nc' }));
    const md = renderReportMarkdown(buildIncidentReport(input));
    expect(md).toContain('a \\| b c');
  });
});
