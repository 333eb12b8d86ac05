import { createHash } from 'node:crypto';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { aws, isAwsError } from '../../../aws/call';
import type { Ledger } from '../../../ledger/ledger';
import { evidencePrefix } from '../../ec2/evidence';
import { ReportConflictError } from './errors';
import { renderReportJson, reportSha256 } from './render-json';
import { renderReportMarkdown } from './render-markdown';
import type { IncidentReport } from './schema';
import { REPORT_AUDIT_ACTION } from './timeline';

/** Hex characters of the SHA-256 in a report's key. */
export const REPORT_HASH_PREFIX = 16;
const DAY_MS = 86_400_000;

export const reportPrefix = (incidentId: string) => `${evidencePrefix(incidentId)}/report/`;

/** `incidents/<id>/report/v<n>-<first 16 hex of the SHA-256>` (+ `.json` / `.md`). */
export function reportStem(incidentId: string, version: number, sha256: string): string {
  return `${reportPrefix(incidentId)}v${version}-${sha256.slice(0, REPORT_HASH_PREFIX)}`;
}

const STORED = /\/v(\d+)-([0-9a-f]{16})\.json$/;

export interface StoreReportInput {
  bucket: string;
  incidentId: string;
  report: IncidentReport;
  /** Object Lock retention from `now`, in days. */
  retentionDays: number;
  /** @default 'GOVERNANCE' (the evidence bucket's default mode) */
  lockMode?: 'GOVERNANCE' | 'COMPLIANCE';
  now: Date;
}

export interface StoredReport {
  /** The JSON rendering's key. */
  key: string;
  /** The Markdown rendering's key (same stem). */
  markdownKey: string;
  /** SHA-256 (hex) of the JSON rendering. */
  sha256: string;
  /** Size of the JSON rendering in bytes. */
  bytes: number;
  /** 1 for the first report of the incident, +1 for each report with different content. */
  version: number;
  /** The S3 version id of the JSON object; null when S3 answers none (an unversioned bucket). */
  versionId: string | null;
  /** false when this exact report was already stored (nothing was written). */
  created: boolean;
  retainUntil: string;
  lockMode: 'GOVERNANCE' | 'COMPLIANCE';
}

/** The reports already stored for an incident: version and hash prefix of each JSON key. */
async function storedReports(s3: S3Client, bucket: string, incidentId: string) {
  const found: { key: string; version: number; hashPrefix: string }[] = [];
  let token: string | undefined;
  do {
    const page = await aws(`s3:ListObjectsV2 ${reportPrefix(incidentId)}`, () =>
      s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: reportPrefix(incidentId),
          ...(token ? { ContinuationToken: token } : {}),
        }),
      ),
    );
    for (const o of page.Contents ?? []) {
      const m = o.Key ? STORED.exec(o.Key) : null;
      if (o.Key && m?.[1] && m[2]) found.push({ key: o.Key, version: Number(m[1]), hashPrefix: m[2] });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return found;
}

/** The stored object's version id, after checking its SHA-256 is this report's (else ReportConflictError). */
async function existingVersion(
  s3: S3Client,
  bucket: string,
  key: string,
  sha256: string,
): Promise<string | null> {
  const head = await aws(`s3:HeadObject ${key}`, () =>
    s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' })),
  );
  const stored = head.ChecksumSHA256 ? Buffer.from(head.ChecksumSHA256, 'base64').toString('hex') : undefined;
  if (stored && stored !== sha256) {
    throw new ReportConflictError(`${key} holds a report with SHA-256 ${stored}, not ${sha256}`);
  }
  return head.VersionId ?? null;
}

async function putLocked(
  s3: S3Client,
  bucket: string,
  key: string,
  body: Buffer,
  contentType: string,
  lock: { mode: 'GOVERNANCE' | 'COMPLIANCE'; until: Date },
): Promise<{ created: boolean; versionId: string | null }> {
  const sha256 = createHash('sha256').update(body).digest();
  try {
    const out = await aws(
      `s3:PutObject ${key}`,
      () =>
        s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: contentType,
            // S3 requires Content-MD5 or an SDK checksum on a PutObject with Object Lock parameters; the SHA-256
            // checksum is also verified by S3 on upload and stored with the object.
            ChecksumSHA256: sha256.toString('base64'),
            ObjectLockMode: lock.mode,
            ObjectLockRetainUntilDate: lock.until,
            IfNoneMatch: '*',
          }),
        ),
      { idempotent: false },
    );
    return { created: true, versionId: out.VersionId ?? null };
  } catch (error) {
    if (!isAwsError(error, 'PreconditionFailed')) throw error;
    return { created: false, versionId: await existingVersion(s3, bucket, key, sha256.toString('hex')) };
  }
}

/**
 * Stores a report in the evidence bucket under Object Lock: its JSON and Markdown renderings under
 * `incidents/<id>/report/v<n>-<sha256 prefix>.json|.md`, each a conditional write (If-None-Match: *) with its
 * SHA-256 checksum and the retention (mode, now + retentionDays). The same content finds its key already there and
 * writes nothing (`created: false`); different content (a changed ledger) takes the next version number and a new
 * key, so a stored report is never overwritten.
 */
export async function storeIncidentReport(s3: S3Client, input: StoreReportInput): Promise<StoredReport> {
  const json = renderReportJson(input.report);
  const sha256 = reportSha256(json);
  const lockMode = input.lockMode ?? 'GOVERNANCE';
  const until = new Date(input.now.getTime() + input.retentionDays * DAY_MS);
  const stored = await storedReports(s3, input.bucket, input.incidentId);
  const same = stored.find((s) => s.hashPrefix === sha256.slice(0, REPORT_HASH_PREFIX));
  const version = same?.version ?? Math.max(0, ...stored.map((s) => s.version)) + 1;
  const stem = reportStem(input.incidentId, version, sha256);
  const lock = { mode: lockMode, until };
  const written = await putLocked(
    s3,
    input.bucket,
    `${stem}.json`,
    Buffer.from(json, 'utf8'),
    'application/json',
    lock,
  );
  const markdown = Buffer.from(renderReportMarkdown(input.report), 'utf8');
  await putLocked(s3, input.bucket, `${stem}.md`, markdown, 'text/markdown; charset=utf-8', lock);
  return {
    key: `${stem}.json`,
    markdownKey: `${stem}.md`,
    sha256,
    bytes: Buffer.byteLength(json, 'utf8'),
    version,
    versionId: written.versionId,
    created: written.created,
    retainUntil: until.toISOString(),
    lockMode,
  };
}

/**
 * Records a stored report's hash in the ledger: one `report-written` audit event per report hash (a rerun that
 * stored nothing new records nothing). The report leaves these events out, so recording one never changes it.
 */
export async function recordReportWritten(
  ledger: Ledger,
  incidentId: string,
  bucket: string,
  stored: StoredReport,
  at: Date,
): Promise<boolean> {
  const audit = await ledger.listAudit(incidentId);
  if (audit.some((e) => e.action === REPORT_AUDIT_ACTION && e.detail?.sha256 === stored.sha256)) return false;
  await ledger.appendAudit({
    incidentId,
    at: at.toISOString(),
    actor: 'workflow',
    action: REPORT_AUDIT_ACTION,
    detail: {
      sha256: stored.sha256,
      bucket,
      key: stored.key,
      markdownKey: stored.markdownKey,
      version: stored.version,
      versionId: stored.versionId,
      lockMode: stored.lockMode,
      retainUntil: stored.retainUntil,
    },
  });
  return true;
}
