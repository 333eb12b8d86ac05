import type { Scope } from '../config';
import { ValidationError } from '../errors';
import { isControlFinding, looksLikeAsff, normalizeAsff } from './asff';
import { looksLikeGuardDutyFinding, normalizeGuardDuty, pascalCaseError, pascalCaseKey } from './guardduty';
import { isRecord } from './issues';
import { looksLikeManual, normalizeManual } from './manual';
import { looksLikeOcsf, normalizeOcsf } from './ocsf';
import type { IncidentRequest, Source } from './types';

/** What Airlock knows about a finding it recognized but will not act on. */
export interface NotActionable {
  status: 'not-actionable';
  source: Source;
  reason: string;
  findingId?: string;
  accountId?: string;
  region?: string;
}

/** The result of normalizing one finding (or one manual request). Never throws for bad input. */
export type NormalizeResult =
  | {
      status: 'accepted';
      request: IncidentRequest;
      /** Set when a manual request came from a "Contain now" button on another incident. */
      fromIncidentId?: string;
    }
  | NotActionable
  | { status: 'invalid'; error: ValidationError };

export interface NormalizeOptions {
  /** Home account and allowed accounts/regions, for manual requests. */
  scope?: Scope;
  /** Region for a manual request that names none. */
  defaultRegion?: string;
  /** Timestamp for manual requests (firstSeen / lastSeen). */
  now?: Date;
}

const GUARDDUTY_EVENT = 'GuardDuty Finding';
const SECURITY_HUB_EVENTS = new Set([
  'Security Hub Findings - Imported',
  'Security Hub Findings - Custom Action',
]);
const SECURITY_HUB_INSIGHT = 'Security Hub Insight Results';
const SECURITY_HUB_V2 = 'Findings Imported V2';

const EXPECTED =
  `an EventBridge event ('${GUARDDUTY_EVENT}', 'Security Hub Findings - Imported', ` +
  `'Security Hub Findings - Custom Action', '${SECURITY_HUB_V2}'), a bare GuardDuty finding (camelCase: ` +
  'schemaVersion, id, type, resource, service), a bare ASFF finding (SchemaVersion, ProductArn), an OCSF finding ' +
  "(class_uid, finding_info, metadata) or a manual request ({kind: 'manual', instanceId, requesterSlackUserId})";

/** The first finding of an event (the CLI and single-finding callers). */
export function normalize(raw: unknown, options: NormalizeOptions = {}): NormalizeResult {
  return normalizeAll(raw, options)[0] as NormalizeResult;
}

/**
 * Every finding of an event: one result for a GuardDuty event, a bare finding or a manual request; one per
 * `detail.findings[]` entry for Security Hub events. Always at least one result.
 */
export function normalizeAll(raw: unknown, options: NormalizeOptions = {}): NormalizeResult[] {
  try {
    return dispatch(raw, options);
  } catch (error) {
    if (error instanceof ValidationError) return [{ status: 'invalid', error }];
    throw error;
  }
}

function dispatch(raw: unknown, options: NormalizeOptions): NormalizeResult[] {
  if (!isRecord(raw)) throw new ValidationError(`expected a JSON object: ${EXPECTED}`, '(root)');
  if ('detail-type' in raw || 'detail' in raw) return eventBridge(raw);
  if (looksLikeManual(raw)) {
    return [
      {
        status: 'accepted',
        request: normalizeManual(raw, { ...options, now: options.now ?? new Date() }),
        ...(typeof raw.fromIncidentId === 'string' ? { fromIncidentId: raw.fromIncidentId } : {}),
      },
    ];
  }
  rejectApiResponses(raw);
  if (looksLikeAsff(raw)) return [asff(raw, '')];
  if (looksLikeOcsf(raw)) return [ocsf(raw, '')];
  const pascal = pascalCaseKey(raw);
  if (pascal) throw pascalCaseError(pascal);
  if (looksLikeGuardDutyFinding(raw)) {
    return [{ status: 'accepted', request: normalizeGuardDuty(raw, '') }];
  }
  throw new ValidationError(`unrecognized input: expected ${EXPECTED}`, '(root)');
}

/** GetFindings / ListFindings responses are API output, not events: say so instead of guessing. */
function rejectApiResponses(raw: Record<string, unknown>): void {
  const findings = Array.isArray(raw.Findings)
    ? { list: raw.Findings as unknown[], field: 'Findings' }
    : isRecord(raw.data) && Array.isArray(raw.data.Findings)
      ? { list: raw.data.Findings as unknown[], field: 'data.Findings' }
      : undefined;
  if (findings) {
    const first = findings.list[0];
    const securityHub = isRecord(first) && looksLikeAsff(first);
    throw new ValidationError(
      securityHub
        ? 'this is a Security Hub GetFindings response ({Findings: […]}), not an event: pass one ASFF finding ' +
            'from Findings[] or the EventBridge event'
        : 'this is a GuardDuty GetFindings response ({Findings: […]}, PascalCase), not an event: Airlock reads ' +
            'the camelCase finding EventBridge delivers (detail-type GuardDuty Finding)',
      findings.field,
    );
  }
  if (Array.isArray(raw.FindingIds)) {
    throw new ValidationError(
      'this is a GuardDuty ListFindings response ({FindingIds: […]}): it carries ids only, no finding to act on',
      'FindingIds',
    );
  }
}

function eventBridge(event: Record<string, unknown>): NormalizeResult[] {
  const detailType = event['detail-type'];
  if (typeof detailType !== 'string') {
    throw new ValidationError(
      "an EventBridge event needs a 'detail-type'; pass a bare finding as the finding object itself",
      'detail-type',
    );
  }
  const source = event.source;
  const region = typeof event.region === 'string' ? event.region : undefined;
  const account = typeof event.account === 'string' ? event.account : undefined;
  const detail = event.detail;
  if (detailType === GUARDDUTY_EVENT) {
    expectSource(source, 'aws.guardduty');
    if (!isRecord(detail)) throw new ValidationError('GuardDuty event has no detail object', 'detail');
    return [{ status: 'accepted', request: normalizeGuardDuty(detail, 'detail', { account, region }) }];
  }
  if (SECURITY_HUB_EVENTS.has(detailType) || detailType === SECURITY_HUB_V2) {
    expectSource(source, 'aws.securityhub');
    const findings = isRecord(detail) ? detail.findings : undefined;
    if (!Array.isArray(findings)) {
      throw new ValidationError(`'${detailType}' event has no detail.findings array`, 'detail.findings');
    }
    if (findings.length === 0)
      throw new ValidationError(`'${detailType}' event has no findings`, 'detail.findings');
    return findings.map((finding, i) => {
      const prefix = `detail.findings[${i}]`;
      try {
        return detailType === SECURITY_HUB_V2 ? ocsf(finding, prefix) : asff(finding, prefix, region);
      } catch (error) {
        if (error instanceof ValidationError) return { status: 'invalid' as const, error };
        throw error;
      }
    });
  }
  if (detailType === SECURITY_HUB_INSIGHT) {
    expectSource(source, 'aws.securityhub');
    return [
      {
        status: 'not-actionable',
        source: 'securityhub',
        reason: 'Security Hub Insight Results: aggregated counts from an insight, no finding to act on',
        ...(account ? { accountId: account } : {}),
        ...(region ? { region } : {}),
      },
    ];
  }
  throw new ValidationError(`unsupported detail-type '${detailType}': expected ${EXPECTED}`, 'detail-type');
}

function expectSource(source: unknown, expected: string): void {
  if (source !== expected) {
    throw new ValidationError(
      `source must be '${expected}' for this detail-type, got '${String(source)}'`,
      'source',
    );
  }
}

function asff(finding: unknown, prefix: string, envelopeRegion?: string): NormalizeResult {
  if (isRecord(finding) && !looksLikeAsff(finding) && !isControlFinding(finding)) {
    throw new ValidationError('expected an ASFF finding (SchemaVersion, ProductArn …)', prefix || '(root)');
  }
  const outcome = normalizeAsff(finding, prefix, envelopeRegion);
  return outcome.status === 'accepted' ? outcome : { ...outcome, source: 'securityhub' };
}

function ocsf(finding: unknown, prefix: string): NormalizeResult {
  const outcome = normalizeOcsf(finding, prefix);
  return outcome.status === 'accepted' ? outcome : { ...outcome, source: 'securityhub' };
}
