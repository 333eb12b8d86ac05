import type { IncidentReport } from '../../workflow/domain/incident/report/schema';
import { escapeMrkdwn, message, type SlackMessage, section } from './blocks';
import { duration, mention } from './format';

/** What the thread and `/ir report` say about one stored report version. */
export interface ReportFacts {
  report: IncidentReport;
  version: number;
  /** SHA-256 (hex) of the JSON rendering, as the ledger recorded it and as it was verified against S3. */
  sha256: string;
}

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;

/** A Slack user id as a mention; anything else (a ledger value from elsewhere) as escaped text. */
function who(userId: string | null): string {
  if (!userId) return 'nobody';
  return SLACK_USER.test(userId) ? mention(userId) : escapeMrkdwn(userId);
}

function seconds(value: number | null): string {
  return value === null ? 'not measured' : duration(value * 1000);
}

/**
 * The report in a few lines: outcome, time to contain, time to decision, who decided, evidence count, version
 * and SHA-256. Every value that comes from outside (ids, the title, the failed step) is escaped for mrkdwn.
 * Plain text too: it is also the file's initial comment, which Slack shows as the message text.
 */
export function reportSummaryText(facts: ReportFacts): string {
  const { report, version, sha256 } = facts;
  const { incident, measures } = report;
  const decision = measures.decision
    ? `${measures.decision === 'approve' ? 'approved' : 'rejected'} by ${who(measures.decidedBy)}`
    : 'no decision';
  const lines = [
    `:page_facing_up: *Incident report v${version}* for \`${escapeMrkdwn(incident.incidentId)}\`: *${escapeMrkdwn(incident.status)}*`,
    `• Time to contain: ${seconds(measures.timeToContainSeconds)}`,
    `• Time to decision: ${seconds(measures.timeToDecisionSeconds)} (${decision})${measures.escalated ? ', escalated' : ''}`,
    `• Evidence: ${report.evidence.length} item${report.evidence.length === 1 ? '' : 's'}, ${report.findingCount} finding${report.findingCount === 1 ? '' : 's'}`,
  ];
  if (measures.failedStep) lines.push(`• Failed step: ${escapeMrkdwn(measures.failedStep)}`);
  lines.push(`• SHA-256 (JSON, Object Lock original in S3): \`${escapeMrkdwn(sha256)}\``);
  return lines.join('\n');
}

export function reportSummary(facts: ReportFacts, note?: string): SlackMessage {
  const text = reportSummaryText(facts);
  const tail = note ? `\n${note}` : '';
  return message(
    escapeMrkdwn(
      `Incident report v${facts.version} for ${facts.report.incident.incidentId}: ${facts.report.incident.status}`,
    ),
    [section(`${text}${tail}`)],
  );
}

/** The thread (or /ir report) when no report could be written: the reason, and the way to regenerate it. */
export function reportMissing(incidentId: string, reason: string): SlackMessage {
  const id = escapeMrkdwn(incidentId);
  const text =
    `:warning: No incident report was written for \`${id}\`: ${escapeMrkdwn(reason)}. ` +
    `\`/ir report ${id}\` regenerates it from the ledger.`;
  return message(escapeMrkdwn(`No incident report was written for ${incidentId}: ${reason}`), [
    section(text),
  ]);
}

/** The stored report does not match the hash the ledger recorded: nothing is uploaded. */
export function reportMismatch(
  incidentId: string,
  key: string,
  expected: string,
  found: string,
): SlackMessage {
  const text =
    `:rotating_light: The stored report \`${escapeMrkdwn(key)}\` for \`${escapeMrkdwn(incidentId)}\` does not match ` +
    `the SHA-256 the ledger recorded (expected \`${escapeMrkdwn(expected)}\`, found \`${escapeMrkdwn(found)}\`). ` +
    'It was not posted. Tell your SOC lead: the S3 object is the one to examine.';
  return message(escapeMrkdwn(`Report ${key} does not match its recorded SHA-256; not posted`), [
    section(text),
  ]);
}
