import * as z from 'zod';
import { ValidationError } from '../../workflow/errors';

/**
 * Button values carry ids only (never a task token): `{"i": incidentId, "a": approvalId}` for Approve/Reject,
 * `{"i": incidentId}` for Contain now. This is the one place they are written and read.
 */
const IncidentIdSchema = z.string().regex(/^inc-[0-9a-f]{16}$/);
const ApprovalIdSchema = z.string().regex(/^apr-[0-9a-f]{16}$/);

const ApprovalValueSchema = z.object({ i: IncidentIdSchema, a: ApprovalIdSchema }).strict();
const ContainNowValueSchema = z.object({ i: IncidentIdSchema }).strict();

export interface ApprovalButtonValue {
  incidentId: string;
  approvalId: string;
}

export function encodeApprovalValue(value: ApprovalButtonValue): string {
  return JSON.stringify({ i: value.incidentId, a: value.approvalId });
}

export function encodeContainNowValue(incidentId: string): string {
  return JSON.stringify({ i: incidentId });
}

function parseJson(raw: string | undefined): unknown {
  if (raw === undefined) throw new ValidationError('the button carries no value', 'value');
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new ValidationError('the button value is not JSON', 'value', { cause: error });
  }
}

export function parseApprovalValue(raw: string | undefined): ApprovalButtonValue {
  const parsed = ApprovalValueSchema.safeParse(parseJson(raw));
  if (!parsed.success) throw new ValidationError('the button value is not an Airlock approval', 'value');
  return { incidentId: parsed.data.i, approvalId: parsed.data.a };
}

export function parseContainNowValue(raw: string | undefined): { incidentId: string } {
  const parsed = ContainNowValueSchema.safeParse(parseJson(raw));
  if (!parsed.success) throw new ValidationError('the button value is not an Airlock incident', 'value');
  return { incidentId: parsed.data.i };
}

/** Claim, Resolve and Release buttons carry the incident id only, as Contain now does. */
export const encodeIncidentValue = encodeContainNowValue;
export const parseIncidentValue = parseContainNowValue;
