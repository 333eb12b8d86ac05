import type { Ledger } from '../../ledger/ledger';
import type { IncidentRecord } from '../../ledger/types';

/** Who decided, and when, as far as the ledger and the decision payload tell. */
export interface DecisionInfo {
  approvalId?: string;
  decidedBy?: string;
  decidedAt?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The object inside a Catch Cause: the bot's JSON, or a Lambda error JSON whose errorMessage is that JSON. */
function causeObject(cause: unknown, depth = 0): Obj | undefined {
  if (depth > 2) return undefined;
  const parsed = typeof cause === 'string' ? parseJson(cause) : cause;
  if (!isObj(parsed)) return undefined;
  if (str(parsed.decidedBy) || str(parsed.approvalId)) return parsed;
  return typeof parsed.errorMessage === 'string' ? causeObject(parsed.errorMessage, depth + 1) : parsed;
}

/**
 * Reads `$.decision` tolerantly: an ApprovalOutcome (`{approvalId, decision, decidedBy, decidedAt}`), a Catch
 * object `{Error, Cause}` whose Cause is a JSON string, or anything else (→ {}).
 */
export function decisionFromPayload(payload: unknown): DecisionInfo {
  if (!isObj(payload)) return {};
  const source = str(payload.decidedBy) || str(payload.approvalId) ? payload : causeObject(payload.Cause);
  if (!source) return {};
  const info: DecisionInfo = {};
  const approvalId = str(source.approvalId);
  const decidedBy = str(source.decidedBy);
  const decidedAt = str(source.decidedAt);
  if (approvalId) info.approvalId = approvalId;
  if (decidedBy) info.decidedBy = decidedBy;
  if (decidedAt) info.decidedAt = decidedAt;
  return info;
}

/**
 * The decision, preferring the ledger: the approval record (written by the conditional decide() before the bot
 * calls SendTask, so it is there even when the bot's incident update has not landed yet), then the incident's
 * approval summary, then the payload.
 */
export async function resolveDecision(
  ledger: Ledger,
  incident: IncidentRecord,
  payload: unknown,
): Promise<DecisionInfo> {
  const fromPayload = decisionFromPayload(payload);
  const approvalId = fromPayload.approvalId ?? incident.approval?.approvalId;
  const record = approvalId ? await ledger.getApproval(approvalId) : undefined;
  const summary = incident.approval?.approvalId === approvalId ? incident.approval : undefined;
  const decidedBy = (record?.decision && record.decidedBy) || summary?.decidedBy || fromPayload.decidedBy;
  const decidedAt = (record?.decision && record.decidedAt) || summary?.decidedAt || fromPayload.decidedAt;
  return {
    ...(approvalId ? { approvalId } : {}),
    ...(decidedBy ? { decidedBy } : {}),
    ...(decidedAt ? { decidedAt } : {}),
  };
}
