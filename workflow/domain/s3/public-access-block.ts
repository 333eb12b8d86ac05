import {
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import * as z from 'zod';
import { aws, isAwsError } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';

export const PublicAccessBlockSchema = z.object({
  BlockPublicAcls: z.boolean(),
  IgnorePublicAcls: z.boolean(),
  BlockPublicPolicy: z.boolean(),
  RestrictPublicBuckets: z.boolean(),
});
export type PublicAccessBlock = z.infer<typeof PublicAccessBlockSchema>;

export const PUBLIC_ACCESS_FLAGS = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
] as const satisfies readonly (keyof PublicAccessBlock)[];

export const ALL_BLOCKED: PublicAccessBlock = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

/** Every call names the expected owner: a bucket of the same name in another account is never touched. */
interface BucketRef {
  bucket: string;
  ownerAccountId: string;
}

/** The bucket's Block Public Access configuration, or null when it has none (an unset flag is false to S3). */
export async function readPublicAccessBlock(
  clients: AwsClients,
  { bucket, ownerAccountId }: BucketRef,
): Promise<PublicAccessBlock | null> {
  try {
    const out = await aws(`s3:GetBucketPublicAccessBlock ${bucket}`, () =>
      clients.s3.send(
        new GetPublicAccessBlockCommand({ Bucket: bucket, ExpectedBucketOwner: ownerAccountId }),
      ),
    );
    const c = out.PublicAccessBlockConfiguration ?? {};
    return {
      BlockPublicAcls: c.BlockPublicAcls === true,
      IgnorePublicAcls: c.IgnorePublicAcls === true,
      BlockPublicPolicy: c.BlockPublicPolicy === true,
      RestrictPublicBuckets: c.RestrictPublicBuckets === true,
    };
  } catch (error) {
    if (isAwsError(error, 'NoSuchPublicAccessBlockConfiguration')) return null;
    throw error;
  }
}

export async function putPublicAccessBlock(
  clients: AwsClients,
  { bucket, ownerAccountId }: BucketRef,
  config: PublicAccessBlock,
): Promise<void> {
  await aws(`s3:PutBucketPublicAccessBlock ${bucket}`, () =>
    clients.s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        ExpectedBucketOwner: ownerAccountId,
        PublicAccessBlockConfiguration: { ...config },
      }),
    ),
  );
}

/** DeletePublicAccessBlock (its IAM action is s3:PutBucketPublicAccessBlock). */
export async function deletePublicAccessBlock(
  clients: AwsClients,
  { bucket, ownerAccountId }: BucketRef,
): Promise<void> {
  await aws(`s3:DeletePublicAccessBlock ${bucket}`, () =>
    clients.s3.send(
      new DeletePublicAccessBlockCommand({ Bucket: bucket, ExpectedBucketOwner: ownerAccountId }),
    ),
  );
}

export const isAllBlocked = (config: PublicAccessBlock | null): boolean =>
  config !== null && PUBLIC_ACCESS_FLAGS.every((f) => config[f]);

export const describeBlock = (config: PublicAccessBlock | null): string =>
  config === null
    ? 'no Block Public Access configuration'
    : PUBLIC_ACCESS_FLAGS.map((f) => `${f}=${config[f]}`).join(', ');

/** Differences between the recorded configuration and the current one (null = none configured). */
export function diffPublicAccessBlock(
  bucket: string,
  before: PublicAccessBlock | null,
  now: PublicAccessBlock | null,
): string[] {
  if (before === null && now === null) return [];
  if (before === null || now === null) {
    return [`bucket ${bucket} has ${describeBlock(now)}, had ${describeBlock(before)}`];
  }
  return PUBLIC_ACCESS_FLAGS.filter((f) => before[f] !== now[f]).map(
    (f) => `bucket ${bucket} ${f} is ${now[f]}, was ${before[f]}`,
  );
}
