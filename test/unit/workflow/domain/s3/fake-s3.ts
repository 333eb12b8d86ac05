import {
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  type PublicAccessBlockConfiguration,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';

const s3Error = (name: string, message: string, status: number) =>
  Object.assign(new Error(message), {
    name,
    $fault: 'client' as const,
    $metadata: { httpStatusCode: status },
  });

/** A tiny stateful S3 behind aws-sdk-client-mock: each bucket's Block Public Access configuration (or none). */
export class FakeS3 {
  readonly blocks = new Map<string, PublicAccessBlockConfiguration | null>();

  constructor(private readonly mock: AwsClientStub<S3Client>) {}

  bucket(name: string, block: PublicAccessBlockConfiguration | null): this {
    this.blocks.set(name, block ? { ...block } : null);
    return this;
  }

  private require(bucket: string | undefined) {
    if (!this.blocks.has(bucket ?? ''))
      throw s3Error('NoSuchBucket', 'The specified bucket does not exist', 404);
  }

  install(): this {
    this.mock.on(GetPublicAccessBlockCommand).callsFake((input: { Bucket?: string }) => {
      this.require(input.Bucket);
      const block = this.blocks.get(input.Bucket ?? '');
      if (!block) {
        throw s3Error(
          'NoSuchPublicAccessBlockConfiguration',
          'The public access block configuration was not found',
          404,
        );
      }
      return { PublicAccessBlockConfiguration: { ...block } };
    });
    this.mock
      .on(PutPublicAccessBlockCommand)
      .callsFake(
        (input: { Bucket?: string; PublicAccessBlockConfiguration?: PublicAccessBlockConfiguration }) => {
          this.require(input.Bucket);
          this.blocks.set(input.Bucket ?? '', { ...input.PublicAccessBlockConfiguration });
          return {};
        },
      );
    this.mock.on(DeletePublicAccessBlockCommand).callsFake((input: { Bucket?: string }) => {
      this.require(input.Bucket);
      this.blocks.set(input.Bucket ?? '', null);
      return {};
    });
    return this;
  }
}

/** A re-run must change nothing: none of S3's mutating calls were made. */
export function expectNoS3Mutation(mock: AwsClientStub<S3Client>): void {
  expect(mock).not.toHaveReceivedCommand(PutPublicAccessBlockCommand);
  expect(mock).not.toHaveReceivedCommand(DeletePublicAccessBlockCommand);
}
