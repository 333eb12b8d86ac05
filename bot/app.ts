import type { BlockAction, ButtonAction, Receiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import { claimAction } from './actions/claim';
import { containNowAction } from './actions/contain-now';
import { decideAction } from './actions/decide';
import { settleAction } from './actions/settle';
import { Authorizer } from './authz';
import { App } from './bolt';
import { boltLogger } from './bolt-logger';
import { irCommand } from './commands/ir';
import type { BotDeps } from './deps';
import { createErrorHandler } from './error-handler';
import { ACTIONS, COMMANDS } from './ids';

/**
 * WebClient settings for the request path (a listener must finish inside Slack's 3 seconds): one quick retry and
 * a 2-second timeout, instead of the default 10 retries over ~30 minutes with no timeout.
 */
export const REQUEST_PATH_CLIENT: Pick<WebClientOptions, 'retryConfig' | 'timeout'> = {
  retryConfig: { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 300, randomize: false },
  timeout: 2000,
};

/** Registers every listener: the same ones on every receiver (Lambda in AWS, HTTP locally and in tests). */
export function registerListeners(app: App, deps: BotDeps): void {
  const authz = new Authorizer(deps.settings, deps.clock, deps.log.child({ component: 'authz' }));
  app.command(COMMANDS.ir, (args) => irCommand(args, deps, authz));
  app.action<BlockAction<ButtonAction>>(ACTIONS.approve, (args) =>
    decideAction(args, 'approve', deps, authz),
  );
  app.action<BlockAction<ButtonAction>>(ACTIONS.reject, (args) => decideAction(args, 'reject', deps, authz));
  app.action<BlockAction<ButtonAction>>(ACTIONS.containNow, (args) => containNowAction(args, deps, authz));
  app.action<BlockAction<ButtonAction>>(ACTIONS.claim, (args) => claimAction(args, deps, authz));
  app.action<BlockAction<ButtonAction>>(ACTIONS.resolveUnresolved, (args) =>
    settleAction(args, 'resolve', deps, authz),
  );
  app.action<BlockAction<ButtonAction>>(ACTIONS.releaseUnresolved, (args) =>
    settleAction(args, 'release', deps, authz),
  );
  app.error(createErrorHandler(deps.log.child({ component: 'bot' }), () => app.client));
}

export interface CreateBotAppOptions {
  receiver: Receiver;
  token: string;
  /** Given, so Bolt does not call auth.test at construction (a network call on every cold start). */
  botId: string;
  botUserId: string;
  deps: BotDeps;
  /** The fake Slack Web API offline; Slack itself when omitted. */
  slackApiUrl?: string;
  clientOptions?: WebClientOptions;
}

/** One Bolt app; the receiver decides where requests come from. */
export function createBotApp(options: CreateBotAppOptions): App {
  const slackApiUrl = options.slackApiUrl
    ? options.slackApiUrl.endsWith('/')
      ? options.slackApiUrl
      : `${options.slackApiUrl}/`
    : undefined;
  const app = new App({
    receiver: options.receiver,
    token: options.token,
    botId: options.botId,
    botUserId: options.botUserId,
    extendedErrorHandler: true,
    logger: boltLogger(options.deps.log),
    clientOptions: {
      ...REQUEST_PATH_CLIENT,
      ...(slackApiUrl ? { slackApiUrl } : {}),
      ...options.clientOptions,
    },
  });
  registerListeners(app, options.deps);
  return app;
}
