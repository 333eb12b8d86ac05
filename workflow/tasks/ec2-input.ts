import * as z from 'zod';
import { ValidationError } from '../errors';
import { parseInput, TaskInputBaseSchema } from './input';

export const Ec2TaskInputSchema = TaskInputBaseSchema;

/** Parses an EC2 task's input and names its target instance. */
export function parseEc2Input(input: unknown) {
  const parsed = parseInput(Ec2TaskInputSchema, input);
  const instanceId = parsed.request.resource.instanceId;
  if (!instanceId)
    throw new ValidationError(
      'task input: request.resource.instanceId is required',
      'request.resource.instanceId',
    );
  return {
    ...parsed,
    target: {
      incidentId: parsed.incidentId,
      findingId: parsed.request.findingId,
      instanceId,
      accountId: parsed.request.accountId,
      region: parsed.request.region,
    },
  };
}

export const SnapshotTaskInputSchema = TaskInputBaseSchema.extend({
  volume: z.object({ volumeId: z.string(), deviceName: z.string() }),
});
