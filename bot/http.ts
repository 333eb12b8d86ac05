import type { AddressInfo } from 'node:net';
import { type App, HTTPReceiver } from '@slack/bolt';
import { createBotApp } from './app';
import { boltLogger } from './bolt-logger';
import type { BotDeps } from './deps';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface HttpBotOptions {
  signingSecret: string;
  /** 0 = a free port. */
  port?: number;
  host?: string;
  token: string;
  botId: string;
  botUserId: string;
  deps: BotDeps;
  slackApiUrl?: string;
  /**
   * true (default): answer Slack only after the listener finished, exactly like the Lambda receiver, so local
   * runs and tests see the same timing and ordering as production.
   */
  processBeforeResponse?: boolean;
}

export interface HttpBot {
  app: App;
  /** POST Slack requests here. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The bot over node:http (HTTPReceiver): the local workspace server and the integration tests use it. */
export async function createHttpBot(options: HttpBotOptions): Promise<HttpBot> {
  const host = options.host ?? '127.0.0.1';
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    processBeforeResponse: options.processBeforeResponse ?? true,
    logger: boltLogger(options.deps.log),
    customRoutes: [
      {
        path: '/healthz',
        method: 'GET',
        handler: (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('ok');
        },
      },
    ],
  });
  const app = createBotApp({
    receiver,
    token: options.token,
    botId: options.botId,
    botUserId: options.botUserId,
    deps: options.deps,
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
  });
  const server = await receiver.start({ port: options.port ?? 0, host });
  const { port } = server.address() as AddressInfo;
  return {
    app,
    url: `http://${host}:${port}${SLACK_EVENTS_PATH}`,
    port,
    stop: () => receiver.stop(),
  };
}
