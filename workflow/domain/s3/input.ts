import * as z from 'zod';
import { IncidentRequestSchema, ResourceSchema } from '../../intake/types';
import { TaskInputBaseSchema } from '../../tasks/input';

/** BlockBucketPublicAccess / RestoreBucket input: TaskInputBase whose resource names at least one bucket. */
export const BucketTaskInputSchema = TaskInputBaseSchema.extend({
  request: IncidentRequestSchema.extend({
    resource: ResourceSchema.extend({ bucketNames: z.array(z.string().min(1)).min(1) }),
  }),
});
export type BucketTaskInput = z.infer<typeof BucketTaskInputSchema>;
