import { createHash } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { aws } from '../../workflow/aws/call';
import { type IncidentReport, IncidentReportSchema } from '../../workflow/domain/incident/report/schema';
import { REPORT_AUDIT_ACTION } from '../../workflow/domain/incident/report/timeline';
import type { AuditEvent } from '../../workflow/ledger/types';

/** The audit action the workflow's WriteReport records when it could not write the report. */
export const REPORT_FAILED_ACTION = 'report-failed';

/** Where Airlock's reports live and how long they are locked: what the bot needs to read and regenerate them. */
export interface ReportStorage {
  /** S3 in Airlock's own account (the evidence bucket). */
  s3: S3Client;
  evidenceBucket: string;
  retentionDays: number;
  /** Object Lock mode of a regenerated report. @default 'GOVERNANCE' (the evidence bucket's default) */
  lockMode?: 'GOVERNANCE' | 'COMPLIANCE';
}

/** The `report-written` audit event's detail (workflow/domain/incident/report/store.ts recordReportWritten). */
export const ReportWrittenSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bucket: z.string().min(1),
  key: z.string().min(1),
  markdownKey: z.string().min(1),
  version: z.number().int().min(1),
  versionId: z.string().nullable().optional(),
});
export type ReportWritten = z.infer<typeof ReportWrittenSchema>;

export type ReportRecord =
  | { kind: 'written'; at: string; written: ReportWritten }
  | { kind: 'failed'; at: string; reason: string };

/** The most a thread or an answer quotes of a failure's cause (the ledger keeps up to 2,000 characters). */
const REASON_MAX = 300;

/** A readable reason from a `report-failed` detail (WriteReport records `error` and `cause`). */
function reasonOf(detail: Record<string, unknown> | undefined): string {
  const text = (field: string) => {
    const value = detail?.[field];
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  };
  const error = text('reason') ?? text('error');
  const cause = text('cause') ?? text('message');
  const reason = error && cause && cause !== error ? `${error}: ${cause}` : (error ?? cause);
  if (!reason) return 'the workflow recorded no reason';
  return reason.length > REASON_MAX ? `${reason.slice(0, REASON_MAX - 1)}…` : reason;
}

/**
 * The incident's latest report outcome in its audit trail: the last `report-written` (with where the report is)
 * or `report-failed` (with the reason). Undefined when neither was recorded.
 */
export function latestReportRecord(audit: readonly AuditEvent[]): ReportRecord | undefined {
  for (let i = audit.length - 1; i >= 0; i -= 1) {
    const event = audit[i] as AuditEvent;
    if (event.action === REPORT_FAILED_ACTION) {
      return { kind: 'failed', at: event.at, reason: reasonOf(event.detail) };
    }
    if (event.action === REPORT_AUDIT_ACTION) {
      const parsed = ReportWrittenSchema.safeParse(event.detail);
      if (parsed.success) return { kind: 'written', at: event.at, written: parsed.data };
      return { kind: 'failed', at: event.at, reason: 'its ledger record is unreadable' };
    }
  }
  return undefined;
}

/** A stored report, read back and checked: the JSON matches the ledger's SHA-256, the Markdown its S3 checksum. */
export type VerifiedReport =
  | { ok: true; report: IncidentReport; markdown: Buffer; written: ReportWritten }
  | { ok: false; key: string; expected: string; found: string };

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function getObject(s3: S3Client, bucket: string, key: string, versionId?: string | null) {
  const out = await aws(`s3:GetObject ${key}`, () =>
    s3.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(versionId ? { VersionId: versionId } : {}),
        ChecksumMode: 'ENABLED',
      }),
    ),
  );
  const bytes = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
  const checksum = out.ChecksumSHA256 ? Buffer.from(out.ChecksumSHA256, 'base64').toString('hex') : undefined;
  return { bytes: Buffer.from(bytes), checksum };
}

/**
 * Reads a written report from S3 and checks it before anyone sees it: the JSON rendering (by key and the S3
 * version id the ledger recorded) must hash to the ledger's SHA-256; the Markdown stored beside it must hash to
 * the SHA-256 checksum S3 stored with it at write time (each rendering was written with its checksum, under the
 * same Object Lock). A mismatch is returned, not thrown: the caller says so and uploads nothing.
 */
export async function readVerifiedReport(s3: S3Client, written: ReportWritten): Promise<VerifiedReport> {
  const json = await getObject(s3, written.bucket, written.key, written.versionId);
  const jsonHash = sha256Hex(json.bytes);
  if (jsonHash !== written.sha256) {
    return { ok: false, key: written.key, expected: written.sha256, found: jsonHash };
  }
  const markdown = await getObject(s3, written.bucket, written.markdownKey);
  const markdownHash = sha256Hex(markdown.bytes);
  if (markdown.checksum === undefined || markdown.checksum !== markdownHash) {
    return {
      ok: false,
      key: written.markdownKey,
      expected: markdown.checksum ?? 'a stored SHA-256 checksum',
      found: markdownHash,
    };
  }
  const report = IncidentReportSchema.parse(JSON.parse(json.bytes.toString('utf8')));
  return { ok: true, report, markdown: markdown.bytes, written };
}
