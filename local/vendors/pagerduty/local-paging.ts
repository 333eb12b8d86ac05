import { PagerDutyEventsClient } from '../../../workflow/paging/events-v2';
import type { Paging } from '../../../workflow/paging/page';
import { routingKeyFromSecret } from '../../../workflow/paging/routing-key';
import type { Clock } from '../../../workflow/ports';
import { FakePagerDuty } from './fake-events-api';

export interface LocalPagingOptions {
  clock?: Clock;
  /** The routing key the Page task is given (default: the fake's own key). A wrong one drills the config error. */
  routingKey?: string;
  /** Shown in the page's thread link (the fake Slack has no web client, so it is only a label). */
  slackWorkspaceUrl?: string;
  /** Longest Retry-After the task waits in place (Paging.maxInPlaceWaitMs). */
  maxInPlaceWaitMs?: number;
}

/**
 * Starts the fake PagerDuty on loopback and builds the Page task's paging port the way production does, except
 * that the routing key comes from here rather than Secrets Manager (it goes through the same check).
 */
export async function startLocalPaging(
  options: LocalPagingOptions = {},
): Promise<{ fake: FakePagerDuty; paging: Paging }> {
  const fake = new FakePagerDuty(options.clock ? { clock: options.clock } : {});
  await fake.start();
  const key = options.routingKey ?? fake.routingKey;
  const paging: Paging = {
    client: new PagerDutyEventsClient({ baseUrl: fake.url }),
    routingKey: async () => routingKeyFromSecret('the local routing key', key),
    slackWorkspaceUrl: options.slackWorkspaceUrl ?? 'https://airlock-drill.slack.com',
    ...(options.maxInPlaceWaitMs !== undefined ? { maxInPlaceWaitMs: options.maxInPlaceWaitMs } : {}),
  };
  return { fake, paging };
}
