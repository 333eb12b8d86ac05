import * as z from 'zod';
import { TaskInputBaseSchema } from '../../tasks/input';

export const CLOSE_OUTCOMES = ['approved', 'rejected', 'unresolved', 'notified', 'failed'] as const;
export type CloseOutcome = (typeof CLOSE_OUTCOMES)[number];

/**
 * CloseIncident input: TaskInputBase + the outcome the ASL state names + `$.decision` (an ApprovalOutcome after
 * approve, the Catch object `{Error, Cause}` after reject; read tolerantly).
 */
export const CloseIncidentInputSchema = TaskInputBaseSchema.extend({
  outcome: z.enum(CLOSE_OUTCOMES),
  decision: z.unknown().optional(),
});
export type CloseIncidentInput = z.infer<typeof CloseIncidentInputSchema>;

/** Compensate input: TaskInputBase + what a Catch with ResultPath `$.error` gives. */
export const CompensateInputSchema = TaskInputBaseSchema.extend({
  error: z.object({ Error: z.string(), Cause: z.string().optional() }),
});
export type CompensateInput = z.infer<typeof CompensateInputSchema>;

export const OpenTicketInputSchema = TaskInputBaseSchema;
export type OpenTicketInput = z.infer<typeof OpenTicketInputSchema>;
