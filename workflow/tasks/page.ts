import { PageInputSchema, type PageOutput, pageIncident } from '../paging/page';
import type { TaskRun } from './deps';
import { parseInput } from './input';
import { lambdaHandler } from './lambda';

/**
 * Pages the on-call through PagerDuty (Events API v2) for one moment of the incident, or resolves the page. Never
 * blocks containment or the approval: the ASL retries its named errors and then goes on.
 */
export const run: TaskRun<PageOutput> = async (deps, input) =>
  pageIncident(deps, parseInput(PageInputSchema, input));

export const handler = lambdaHandler(run);
