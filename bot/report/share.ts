import type { ReportShare } from '../../workflow/ledger/types';
import type { BotTaskDeps } from '../deps';
import { escapeMrkdwn, message, section } from '../messages/blocks';
import { reportMismatch, reportMissing, reportSummaryText } from '../messages/report-summary';
import type { PostedIncident } from '../tasks/card';
import { postInThread } from '../tasks/card';
import { slackCall } from '../tasks/slack-call';
import { latestReportRecord, type ReportStorage, type ReportWritten, readVerifiedReport } from './stored';

/** Audit action of a report version that did not match its recorded hash (one per SHA-256). */
export const REPORT_REFUSED_ACTION = 'report-upload-refused';
/** `slack-posted` message name of the "no report was written" notice (one per report-failed event). */
const MISSING_MESSAGE = 'report-missing';

export type ReportUpload = Pick<ReportShare, 'fileId' | 'permalink' | 'version' | 'sha256'>;

export type ShareOutcome =
  | { outcome: 'uploaded' | 'already-uploaded'; upload: ReportUpload }
  | {
      outcome:
        | 'missing-posted'
        | 'missing-already-posted'
        | 'mismatch'
        | 'no-report'
        | 'not-configured'
        | 'upload-refused';
    };

/**
 * Slack's answers to an upload that no retry will change (files.getUploadURLExternal / completeUploadExternal
 * errors on docs.slack.dev): the app lacks files:write, or the workspace does not take such files. The thread is
 * told once instead, and the final Notify goes on (a retry would only fail the same way).
 */
const PERMANENT_UPLOAD_ERRORS = new Set([
  'missing_scope',
  'file_uploads_disabled',
  'file_uploads_except_images_disabled',
  'file_upload_size_restricted',
  'file_type_not_allowed',
]);
const UPLOAD_REFUSED_MESSAGE = 'report-upload-refused-by-slack';

function slackErrorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { data?: { error?: unknown } } } | null)?.cause;
  return typeof cause?.data?.error === 'string' ? cause.data.error : undefined;
}

/** The share already recorded for this report hash, if any. */
async function recordedShare(
  deps: ShareDeps,
  incidentId: string,
  sha256: string,
): Promise<ReportShare | undefined> {
  if (!deps.ledger.listReportShares) throw new Error('this ledger cannot record report shares');
  return (await deps.ledger.listReportShares(incidentId)).find((s) => s.sha256 === sha256);
}

/** The report's Markdown file name in Slack: `<incident>-report-v<n>.md`. */
export function reportFilename(incidentId: string, version: number): string {
  return `${incidentId}-report-v${version}.md`;
}

/** What an upload needs: a bot task's deps (the channel pacer too: a file share is a message in the thread). */
export type ShareDeps = BotTaskDeps;

/**
 * Uploads one written report version to the incident's thread with files.uploadV2 (files.getUploadURLExternal →
 * the bytes to the upload URL → files.completeUploadExternal with channel_id and thread_ts), the summary as its
 * initial comment, after checking it against the ledger (readVerifiedReport). Once per SHA-256: the share is
 * recorded in the ledger (file id, permalink; `SHARE#<sha256>`, beside the audit trail so that recording it does
 * not change the report) and looked for first, so a retried Notify or a repeated `/ir report` never uploads the
 * same version twice. A crash between Slack's answer and the ledger write is the one window in which a retry
 * uploads again.
 */
export async function uploadReport(
  deps: ShareDeps & { reports: ReportStorage },
  incident: PostedIncident,
  written: ReportWritten,
  note?: string,
): Promise<ShareOutcome> {
  const log = deps.log.child({ incidentId: incident.incidentId, reportVersion: written.version });
  const already = await recordedShare(deps, incident.incidentId, written.sha256);
  if (already) return { outcome: 'already-uploaded', upload: already };
  const audit = await deps.ledger.listAudit(incident.incidentId);
  if (audit.some((e) => e.action === REPORT_REFUSED_ACTION && e.detail?.sha256 === written.sha256)) {
    return { outcome: 'mismatch' };
  }

  const verified = await readVerifiedReport(deps.reports.s3, written);
  if (!verified.ok) {
    log.error(
      { key: verified.key, expected: verified.expected, found: verified.found },
      'stored incident report does not match its recorded SHA-256: not posted',
    );
    await postInThread(
      deps,
      incident,
      'say the stored report does not match',
      reportMismatch(incident.incidentId, verified.key, verified.expected, verified.found),
    );
    await deps.ledger.appendAudit({
      incidentId: incident.incidentId,
      at: deps.clock.now().toISOString(),
      actor: 'system',
      action: REPORT_REFUSED_ACTION,
      detail: {
        sha256: written.sha256,
        key: verified.key,
        expected: verified.expected,
        found: verified.found,
      },
    });
    return { outcome: 'mismatch' };
  }

  const summary = reportSummaryText({
    report: verified.report,
    version: written.version,
    sha256: written.sha256,
  });
  const filename = reportFilename(incident.incidentId, written.version);
  let result: unknown;
  try {
    result = await slackCall(
      deps,
      incident.incidentId,
      `upload report v${written.version}`,
      () =>
        deps.slack.filesUploadV2({
          channel_id: incident.slack.channel,
          thread_ts: incident.slack.ts,
          file: verified.markdown,
          filename,
          title: `Incident report ${incident.incidentId} v${written.version}`,
          initial_comment: note ? `${summary}\n${note}` : summary,
        }),
      { channel: incident.slack.channel },
    );
  } catch (error) {
    const code = slackErrorCode(error);
    if (!code || !PERMANENT_UPLOAD_ERRORS.has(code)) throw error;
    await refusedBySlack(deps, incident, written, code);
    return { outcome: 'upload-refused' };
  }
  const file = firstFile(result);
  if (!file?.id) throw new Error('files.uploadV2 answered without a file id');
  const upload: ReportUpload = {
    fileId: file.id,
    permalink: file.permalink ?? null,
    version: written.version,
    sha256: written.sha256,
  };
  await deps.ledger.recordReportShare?.({
    incidentId: incident.incidentId,
    sha256: written.sha256,
    version: written.version,
    key: written.markdownKey,
    fileId: upload.fileId,
    permalink: upload.permalink,
    channel: incident.slack.channel,
    threadTs: incident.slack.ts,
    at: deps.clock.now().toISOString(),
  });
  log.info({ fileId: upload.fileId }, 'incident report shared in the thread');
  return { outcome: 'uploaded', upload };
}

/** Slack refused the upload for good: said once per report version, logged at error level (an alarm line). */
async function refusedBySlack(
  deps: ShareDeps,
  incident: PostedIncident,
  written: ReportWritten,
  code: string,
): Promise<void> {
  deps.log.error({ incidentId: incident.incidentId, code }, 'Slack refused the incident report upload');
  const audit = await deps.ledger.listAudit(incident.incidentId);
  const said = audit.some(
    (e) =>
      e.action === 'slack-posted' &&
      e.detail?.message === UPLOAD_REFUSED_MESSAGE &&
      e.detail?.sha256 === written.sha256,
  );
  if (said) return;
  const hint =
    code === 'missing_scope' ? ' (the app needs the files:write scope: reinstall it from manifest.yml)' : '';
  const text =
    `:warning: Slack refused the incident report v${written.version} upload: \`${escapeMrkdwn(code)}\`${hint}. ` +
    `The report is stored in S3 under Object Lock (SHA-256 \`${written.sha256}\`); \`/ir report ${escapeMrkdwn(incident.incidentId)}\` posts it once Slack takes it.`;
  const ref = await postInThread(
    deps,
    incident,
    'say the report upload was refused',
    message(text, [section(text)]),
  );
  await deps.ledger.appendAudit({
    incidentId: incident.incidentId,
    at: deps.clock.now().toISOString(),
    actor: 'system',
    action: 'slack-posted',
    detail: {
      message: UPLOAD_REFUSED_MESSAGE,
      sha256: written.sha256,
      code,
      channel: ref.channel,
      ts: ref.ts,
    },
  });
}

/** `filesUploadV2` answers `{ files: [completeUploadExternal result, …] }`; each result has `files: [File]`. */
function firstFile(result: unknown): { id?: string; permalink?: string } | undefined {
  const completions = (result as { files?: { files?: { id?: string; permalink?: string }[] }[] }).files;
  return completions?.[0]?.files?.[0];
}

/**
 * The final Notify's report step: the latest report outcome in the ledger, shared in the thread. A written
 * report is verified and uploaded once; a failed one is said plainly once (with the reason and `/ir report`).
 */
export async function shareLatestReport(deps: ShareDeps, incident: PostedIncident): Promise<ShareOutcome> {
  const log = deps.log.child({ incidentId: incident.incidentId });
  const audit = await deps.ledger.listAudit(incident.incidentId);
  const record = latestReportRecord(audit);
  if (!record) {
    log.warn('no report-written or report-failed event for a closed incident: no report to share');
    return { outcome: 'no-report' };
  }
  if (record.kind === 'failed') {
    const posted = audit.some(
      (e) =>
        e.action === 'slack-posted' &&
        e.detail?.message === MISSING_MESSAGE &&
        e.detail?.failedAt === record.at,
    );
    if (posted) return { outcome: 'missing-already-posted' };
    const ref = await postInThread(
      deps,
      incident,
      'say no report was written',
      reportMissing(incident.incidentId, record.reason),
    );
    await deps.ledger.appendAudit({
      incidentId: incident.incidentId,
      at: deps.clock.now().toISOString(),
      actor: 'system',
      action: 'slack-posted',
      detail: { message: MISSING_MESSAGE, failedAt: record.at, channel: ref.channel, ts: ref.ts },
    });
    return { outcome: 'missing-posted' };
  }
  if (!deps.reports) {
    log.error(
      'report storage not configured (EVIDENCE_BUCKET, REPORT_RETENTION_DAYS): the report is not shared',
    );
    return { outcome: 'not-configured' };
  }
  return uploadReport({ ...deps, reports: deps.reports }, incident, record.written);
}
