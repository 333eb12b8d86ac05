import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PagingSettingsSchema } from '../config';
import { PagerDutyEventsClient } from './events-v2';
import type { Paging } from './page';
import { cachedRoutingKey } from './routing-key';

/**
 * Paging from the environment CDK sets on the Page function: PAGING_SECRET_ARN (unset = paging off),
 * PAGERDUTY_EVENTS_URL (default https://events.pagerduty.com) and SLACK_WORKSPACE_URL (optional thread links).
 */
export function pagingFromEnv(env: Record<string, string | undefined> = process.env): Paging | undefined {
  const settings = PagingSettingsSchema.parse({
    ...(env.PAGING_SECRET_ARN ? { routingKeySecretArn: env.PAGING_SECRET_ARN } : {}),
    ...(env.PAGERDUTY_EVENTS_URL ? { eventsUrl: env.PAGERDUTY_EVENTS_URL } : {}),
    ...(env.SLACK_WORKSPACE_URL ? { slackWorkspaceUrl: env.SLACK_WORKSPACE_URL } : {}),
  });
  if (!settings.routingKeySecretArn) return undefined;
  return {
    client: new PagerDutyEventsClient({ baseUrl: settings.eventsUrl }),
    routingKey: cachedRoutingKey(new SecretsManagerClient({}), settings.routingKeySecretArn),
    ...(settings.slackWorkspaceUrl ? { slackWorkspaceUrl: settings.slackWorkspaceUrl } : {}),
  };
}
