import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../workflow/log';
import type { Authorizer } from '../authz';
import type { BotDeps } from '../deps';

/** What every `/ir` subcommand gets: the deps, who asked, and from where. */
export interface CommandContext {
  deps: BotDeps;
  authz: Authorizer;
  client: WebClient;
  userId: string;
  teamDomain: string;
  channelId: string;
  /** The slash command's response_url: where deferred work answers. */
  responseUrl?: string;
  log: Logger;
}
