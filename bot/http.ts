import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type App, HTTPReceiver } from '@slack/bolt';
import { MemoryRequestNonces, type RequestNonces } from '../workflow/ledger/request-nonces';
import { createBotApp } from './app';
import { boltLogger } from './bolt-logger';
import { type DeferredRunner, deferredRunner } from './deferred';
import type { BotDeps } from './deps';
import { admit, type DoorOptions } from './door';

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
  /** Requests already acted on; default: in memory (one process is one container). */
  nonces?: RequestNonces;
  /**
   * true: slow work (the planner behind `/ir isolate`) runs in this process after an immediate acknowledgement
   * and answers through response_url, as the Lambda bot does with its asynchronous self-invocation.
   * false (default): it runs before the acknowledgement.
   */
  deferSlowWork?: boolean;
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
  let runDeferred: DeferredRunner | undefined;
  const deps: BotDeps = options.deferSlowWork
    ? {
        ...options.deps,
        // After the acknowledgement has been written (Bolt answers when the listener returns).
        defer: async (work) => {
          setImmediate(() => void runDeferred?.(work));
        },
      }
    : options.deps;
  const app = createBotApp({
    receiver,
    token: options.token,
    botId: options.botId,
    botUserId: options.botUserId,
    deps,
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
  });
  runDeferred = deferredRunner(deps, () => app.client);
  guardDoor(receiver, {
    signingSecret: options.signingSecret,
    ...(options.deps.settings.teamId ? { teamId: options.deps.settings.teamId } : {}),
    ...(options.deps.settings.appId ? { appId: options.deps.settings.appId } : {}),
    nonces: options.nonces ?? options.deps.nonces ?? new MemoryRequestNonces(),
    log: options.deps.log.child({ component: 'door' }),
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

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Puts the door (bot/door.ts) in front of Bolt's request listener for POSTs to the events path: the body is read
 * once (Bolt reuses `rawBody`), and a refused or unreadable request is answered here, so nothing a client sends
 * can crash the process.
 */
function guardDoor(receiver: HTTPReceiver, door: DoorOptions): void {
  const bolt = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || path !== SLACK_EVENTS_PATH) {
      bolt(req, res);
      return;
    }
    const refuse = (status: number) => {
      if (!res.headersSent) res.writeHead(status);
      res.end();
    };
    readBody(req)
      .then(async (raw) => {
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
        const verdict = await admit(
          {
            header: (name) => {
              const v = req.headers[name];
              return Array.isArray(v) ? v[0] : v;
            },
            rawBody: raw.toString('utf8'),
          },
          door,
        );
        if (verdict.ok) bolt(req, res);
        else refuse(verdict.status);
      })
      .catch((error: unknown) => {
        door.log.warn({ err: error }, 'could not read a request');
        refuse(400);
      });
  };
}
