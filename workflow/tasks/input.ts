import * as z from 'zod';
import { WorkflowSettingsSchema } from '../config';
import { ValidationError } from '../errors';
import { IncidentRequestSchema } from '../intake/types';

/** What every task receives: `{incidentId, request, config}` (see workflow/tasks/state.ts). */
export const TaskInputBaseSchema = z.object({
  incidentId: z.string().min(1),
  request: IncidentRequestSchema,
  config: WorkflowSettingsSchema,
});

/** Parses a task input; a bad input fails with ValidationError naming the field (never retried). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || '(input)';
  throw new ValidationError(`task input: ${field}: ${issue?.message ?? 'invalid'}`, field);
}
