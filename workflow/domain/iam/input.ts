import * as z from 'zod';
import { IncidentRequestSchema, ResourceSchema } from '../../intake/types';
import { TaskInputBaseSchema } from '../../tasks/input';

/** ContainAccessKey / RestoreAccessKey input: TaskInputBase whose resource names the principal. */
export const AccessKeyTaskInputSchema = TaskInputBaseSchema.extend({
  request: IncidentRequestSchema.extend({
    resource: ResourceSchema.extend({
      principalName: z.string().min(1),
      principalType: z.string().min(1),
    }),
  }),
});
export type AccessKeyTaskInput = z.infer<typeof AccessKeyTaskInputSchema>;
