import * as z from 'zod';
import { PublicAccessBlockSchema } from './public-access-block';

/** Each bucket's Block Public Access configuration before containment (null: it had none). */
export const S3PreStateSchema = z.object({
  kind: z.literal('s3-bucket'),
  buckets: z.array(z.object({ name: z.string(), publicAccessBlock: PublicAccessBlockSchema.nullable() })),
});
export type S3PreState = z.infer<typeof S3PreStateSchema>;
