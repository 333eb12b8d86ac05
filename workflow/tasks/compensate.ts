import { type CompensateOutput, compensate } from '../domain/incident/compensate';
import { CompensateInputSchema } from '../domain/incident/input';
import type { TaskRun } from './deps';
import { parseInput } from './input';
import { lambdaHandler } from './lambda';

/**
 * j. Keep what succeeded, tag the failure, record it, page on-call. Clients are obtained lazily inside: the
 * failure being compensated may be that the responder role could not be assumed.
 */
export const run: TaskRun<CompensateOutput> = async (deps, input) => {
  const parsed = parseInput(CompensateInputSchema, input);
  const target = { accountId: parsed.request.accountId, region: parsed.request.region };
  return compensate(() => deps.clients(target), deps, parsed);
};

export const handler = lambdaHandler(run);
