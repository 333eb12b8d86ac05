import {
  reportMismatch,
  reportMissing,
  reportSummary,
  reportSummaryText,
} from '../../../../bot/messages/report-summary';
import { statsSummary } from '../../../../bot/messages/stats-summary';
import { socStats } from '../../../../workflow/domain/incident/metrics';
import { buildIncidentReport, type IncidentReport } from '../../../../workflow/domain/incident/report';
import { approvedLedger, rejectedLedger } from '../../workflow/domain/incident/report/ledgers';
import { expectValidMessage } from './expect-valid';

const SHA = 'a'.repeat(64);

describe('report summary (bot/messages/report-summary.ts)', () => {
  it('says outcome, time to contain, time to decision, who decided, evidence count, version and SHA-256', () => {
    const report = buildIncidentReport(approvedLedger());
    const text = reportSummaryText({ report, version: 3, sha256: SHA });
    expect(text).toContain(
      `*Incident report v3* for \`${report.incident.incidentId}\`: *${report.incident.status}*`,
    );
    expect(text).toMatch(/Time to contain: \d/);
    expect(text).toContain(`approved by <@${report.measures.decidedBy}>`);
    expect(text).toContain(`Evidence: ${report.evidence.length} item`);
    expect(text).toContain(SHA);
    expectValidMessage(reportSummary({ report, version: 3, sha256: SHA }));
  });

  it('says a reject and an unmeasured time plainly', () => {
    const report = buildIncidentReport(rejectedLedger());
    const text = reportSummaryText({ report, version: 1, sha256: SHA });
    expect(text).toContain('rejected by');
    const unmeasured: IncidentReport = {
      ...report,
      measures: { ...report.measures, timeToContainSeconds: null, decision: null, decidedBy: null },
    };
    const plain = reportSummaryText({ report: unmeasured, version: 1, sha256: SHA });
    expect(plain).toContain('Time to contain: not measured');
    expect(plain).toContain('(no decision)');
  });

  it('escapes every outside string for mrkdwn: ids, status, decider, failed step', () => {
    const report = buildIncidentReport(approvedLedger());
    const hostile: IncidentReport = {
      ...report,
      incident: { ...report.incident, incidentId: 'inc-<!here>&' },
      measures: { ...report.measures, decidedBy: '<!channel> x', failedStep: '<https://evil|click>' },
    };
    const text = reportSummaryText({ report: hostile, version: 1, sha256: SHA });
    expect(text).not.toMatch(/<!here>|<!channel>|<https:/);
    expect(text).toContain('inc-&lt;!here&gt;&amp;');
    expect(text).toContain('&lt;!channel&gt; x');
    expect(text).toContain('&lt;https://evil|click&gt;');
  });

  it('escapes the failure reason and names /ir report when no report was written; escapes a mismatch', () => {
    const missing = reportMissing('inc-0123456789abcdef', 'AccessDenied <@U123> & more');
    const shown = JSON.stringify(missing.blocks);
    expect(shown).toContain('AccessDenied &lt;@U123&gt; &amp; more');
    expect(shown).toContain('/ir report inc-0123456789abcdef');
    expectValidMessage(missing);
    const mismatch = JSON.stringify(reportMismatch('inc-1', 'k<>', 'e', 'f').blocks);
    expect(mismatch).toContain('k&lt;&gt;');
  });
});

describe('stats summary (bot/messages/stats-summary.ts)', () => {
  it('renders socStats: counts by outcome, p50/p90, false-positive rate, escalations and failures', () => {
    const now = new Date('2026-11-22T12:00:00.000Z');
    const base = {
      route: 'contain-ec2' as const,
      closedAt: '2026-11-22T10:00:00.000Z',
      decidedBy: 'U1',
      failedStep: null,
    };
    const stats = socStats(
      [
        {
          ...base,
          incidentId: 'a',
          outcome: 'RESOLVED',
          timeToContainSeconds: 60,
          timeToDecisionSeconds: 120,
          decision: 'approve',
          escalated: false,
        },
        {
          ...base,
          incidentId: 'b',
          outcome: 'RESTORED',
          timeToContainSeconds: 180,
          timeToDecisionSeconds: 300,
          decision: 'reject',
          escalated: true,
        },
        {
          ...base,
          incidentId: 'c',
          outcome: 'FAILED',
          timeToContainSeconds: null,
          timeToDecisionSeconds: null,
          decision: null,
          escalated: false,
        },
      ],
      '7d',
      now,
    );
    const m = statsSummary(stats);
    const text = JSON.stringify(m.blocks);
    expect(text).toContain('Incidents closed: *3* (FAILED 1, RESOLVED 1, RESTORED 1)');
    expect(text).toContain('Time to contain: p50 1 min, p90 3 min (2 measured)');
    expect(text).toContain('False-positive rate: 50.0 % (1 rejected of 2 decided)');
    expect(text).toContain('Escalations: 1, failures: 1');
    expectValidMessage(m);
  });

  it('says so when nothing closed', () => {
    const stats = socStats([], '30d', new Date('2026-11-22T12:00:00.000Z'));
    const text = JSON.stringify(statsSummary(stats).blocks);
    expect(text).toContain('Incidents closed: *0*');
    expect(text).toContain('Time to contain: no measurements');
    expect(text).toContain('False-positive rate: no decisions');
  });
});
