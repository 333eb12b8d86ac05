import type { IncidentReport, ReportEvidence, TimelineEntry } from './schema';

/** Text safe inside a Markdown table cell (no pipe, no line break). */
function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  return String(value).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

function who(entry: TimelineEntry): string {
  return entry.slackUser ? `<@${entry.slackUser}>` : entry.actor;
}

function retention(e: ReportEvidence): string {
  return e.retention ? `${e.retention.mode} until ${e.retention.retainUntil}` : '—';
}

/** The Markdown rendering, for people: a pure function of the report (the same report, the same text). */
export function renderReportMarkdown(report: IncidentReport): string {
  const { incident: i, measures: m } = report;
  const lines: string[] = [
    `# Incident ${i.incidentId}: ${cell(i.title)}`,
    '',
    `**${i.status}**${i.final ? '' : ' (not final)'} · route \`${i.route}\` · ${i.severity.label} (${i.severity.value}) · ${i.source} · account ${i.accountId} ${i.region}`,
    '',
    `- Resource: \`${i.resourceKey}\` (${i.resourceKind})`,
    `- Finding type: \`${i.type}\`; findings: ${report.findingCount}`,
    `- Routed: ${cell(i.routeReason)}`,
    `- Received ${i.detectedAt}; contained ${i.containedAt ?? '—'}; decided ${i.decidedAt ?? '—'}; closed ${i.closedAt ?? '—'}`,
  ];
  if (i.failure)
    lines.push(`- Failed at \`${i.failure.step}\`: ${cell(i.failure.error)} — ${cell(i.failure.cause)}`);
  if (i.executionArn) lines.push(`- Execution: \`${i.executionArn}\``);

  lines.push('', '## Measures', '');
  lines.push(
    ...table(
      ['Time to contain', 'Time to decision', 'Decision', 'Decided by', 'Escalated', 'Failed step'],
      [
        [
          duration(m.timeToContainSeconds),
          duration(m.timeToDecisionSeconds),
          cell(m.decision),
          m.decidedBy ? `<@${m.decidedBy}>` : '—',
          m.escalated ? 'yes' : 'no',
          cell(m.failedStep),
        ],
      ],
    ),
  );

  lines.push('', '## Timeline', '');
  lines.push(
    ...table(
      ['Time', 'What', 'Who', 'Outcome', 'Detail'],
      report.timeline.map((e) => [
        e.at,
        `${e.kind} \`${cell(e.action)}\``,
        cell(who(e)),
        cell(e.outcome),
        cell(e.summary),
      ]),
    ),
  );

  lines.push('', `## Findings (${report.findings.length})`, '');
  lines.push(
    ...table(
      ['#', 'How', 'Received', 'Finding', 'Type', 'Severity'],
      report.findings.map((f) => [
        String(f.order),
        f.how,
        f.receivedAt,
        cell(f.findingId),
        cell(f.type),
        cell(f.severity),
      ]),
    ),
  );

  lines.push('', '## Approvals', '');
  if (report.approvals.length === 0) lines.push('No approval was requested.');
  else
    lines.push(
      ...table(
        ['Approval', 'Kind', 'Requested', 'Expires', 'Decision', 'By', 'At', 'Escalated to', 'Expired'],
        report.approvals.map((a) => [
          `\`${a.approvalId}\``,
          a.kind,
          a.requestedAt,
          a.expiresAt,
          cell(a.decision),
          a.decidedBy ? `<@${a.decidedBy}>` : '—',
          cell(a.decidedAt),
          a.escalatedTo ? `<@${a.escalatedTo}>` : '—',
          cell(a.expiredAt),
        ]),
      ),
    );

  lines.push('', `## Evidence: chain of custody (${report.evidence.length})`, '');
  if (report.evidence.length === 0) lines.push('No evidence was recorded.');
  else {
    lines.push(
      ...table(
        ['Evidence', 'Kind', 'SHA-256', 'S3 version / snapshot', 'Written by', 'Recorded', 'Retention'],
        report.evidence.map((e) => [
          `\`${cell(e.id)}\``,
          e.kind,
          e.sha256 ? `\`${e.sha256}\`` : '—',
          cell(e.s3VersionId ?? e.snapshotId),
          cell(e.writerPrincipal),
          e.recordedAt,
          retention(e),
        ]),
      ),
    );
    const gaps = new Map<string, number>();
    for (const e of report.evidence)
      for (const u of e.unrecorded) {
        const key = `\`${u.field}\`: ${u.reason}`;
        gaps.set(key, (gaps.get(key) ?? 0) + 1);
      }
    if (gaps.size > 0) {
      lines.push('', 'Not recorded ("—" above):', '');
      for (const [gap, count] of [...gaps.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        lines.push(`- ${gap} (${count} item${count === 1 ? '' : 's'})`);
    }
  }

  lines.push('', '## What changed', '');
  if (report.changes.actions.length === 0) lines.push('No containment action was taken.');
  else
    lines.push(
      ...table(
        ['Step', 'Status', 'Summary'],
        report.changes.actions.map((a) => [`\`${a.step}\``, a.status, cell(a.summary)]),
      ),
    );
  const restore = report.changes.restore;
  if (restore) {
    lines.push(
      '',
      `Restore: **${restore.status}**; ${restore.differences.length} difference(s) from the pre-state.`,
    );
    for (const d of restore.differences) lines.push(`- ${cell(d)}`);
  }

  lines.push('', '## Steps', '');
  lines.push(
    ...table(
      ['Step', 'Status', 'Started', 'Ended', 'Duration', 'Summary'],
      report.steps.map((s) => [
        `\`${s.name}\``,
        s.status,
        s.startedAt,
        s.endedAt,
        `${s.durationSeconds} s`,
        cell(s.summary),
      ]),
    ),
  );
  lines.push('', `_Airlock incident report, schema version ${report.schemaVersion}._`, '');
  return lines.join('\n');
}
