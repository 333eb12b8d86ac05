import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createLogger, type Logger } from '../../workflow/log';
import type { FakeChange } from '../slack/fake-api';
import { ApiError, type ApiResponse, WorkspaceApi } from './api';
import { ChangeFeed } from './events';
import type { WorkspaceStack } from './port';
import { NoReportError } from './reports';
import { loadSamples, type Sample } from './samples';
import { BotRefusedError, NotFoundError } from './slack-actions';

export const PUBLIC_DIR = join(__dirname, 'public');
const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 1024 * 1024;

const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/styles.css': { file: 'styles.css', type: 'text/css; charset=utf-8' },
};

/** uPlot, the Metrics view's charting library, served from node_modules (no CDN). */
const VENDOR: Record<string, { file: string; type: string }> = {
  '/vendor/uPlot.iife.min.js': {
    file: require.resolve('uplot/dist/uPlot.iife.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  '/vendor/uPlot.min.css': {
    file: require.resolve('uplot/dist/uPlot.min.css'),
    type: 'text/css; charset=utf-8',
  },
};

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(
      `port ${port} on ${HOST} is already in use: stop whatever is using it, or start with PORT=<another port> npm start`,
    );
    this.name = 'PortInUseError';
  }
}

export interface WorkspaceOptions {
  stack: WorkspaceStack;
  /** 0 = a free port. */
  port?: number;
  samples?: Sample[];
  log?: Logger;
  /** SSE debounce (default 50 ms). */
  debounceMs?: number;
}

export interface Workspace {
  url: string;
  port: number;
  api: WorkspaceApi;
  feed: ChangeFeed;
  close(): Promise<void>;
}

/**
 * The drill workspace on 127.0.0.1: the page (local/workspace/public), its JSON API and a Server-Sent Events
 * stream that tells the page whenever the fake Slack, the engine or the clock moved.
 */
export async function startWorkspace(options: WorkspaceOptions): Promise<Workspace> {
  const { stack } = options;
  const log = options.log ?? createLogger('drill-workspace');
  const feed = new ChangeFeed({ debounceMs: options.debounceMs ?? 50 });
  const api = new WorkspaceApi(stack, options.samples ?? loadSamples(), feed, log);

  const onSlack = (change: FakeChange) => {
    if (change.kind !== 'call') feed.notify('slack');
  };
  const onEngine = () => feed.notify('engine');
  stack.slack.on('change', onSlack);
  stack.engine.on('event', onEngine);
  stack.engine.on('status', onEngine);

  const server = createServer((req, res) => {
    handle(req, res, { api, feed, log }).catch((error: unknown) => {
      const errorId = randomUUID().slice(0, 8);
      log.error({ err: error, errorId, url: req.url }, 'workspace request failed');
      if (!res.headersSent)
        sendJson(res, { status: 500, body: { error: `internal error (id ${errorId})`, errorId } });
      else res.end();
    });
  });
  const port = await listen(server, options.port ?? 0);
  return {
    url: `http://${HOST}:${port}/`,
    port,
    api,
    feed,
    close: async () => {
      stack.slack.off('change', onSlack);
      stack.engine.off('event', onEngine);
      stack.engine.off('status', onEngine);
      feed.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error);
    };
    server.once('error', onError);
    server.listen(port, HOST, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

interface Context {
  api: WorkspaceApi;
  feed: ChangeFeed;
  log: Logger;
}

async function handle(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${HOST}`);
  const path = url.pathname;
  if (!isLocalHost(req.headers.host)) {
    sendJson(res, {
      status: 403,
      body: { error: 'the drill workspace answers on 127.0.0.1 / localhost only', field: 'host' },
    });
    return;
  }
  const page = STATIC[path] ?? VENDOR[path];
  if (page) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET');
    const content = await readFile(VENDOR[path] ? page.file : join(PUBLIC_DIR, page.file));
    res.writeHead(200, { 'content-type': page.type, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : content);
    return;
  }
  if (path === '/favicon.ico') {
    res.writeHead(204).end();
    return;
  }
  if (!path.startsWith('/api/')) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
    res.end('not found');
    return;
  }
  try {
    if (path === '/api/events') {
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      ctx.feed.subscribe(res);
      return;
    }
    const json = /^\/api\/incidents\/([^/]+)\/report\.json$/.exec(path);
    if (json?.[1]) {
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      const body = await ctx.api.reportJson(decodeURIComponent(json[1]));
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        ...SECURITY_HEADERS,
      });
      res.end(body);
      return;
    }
    sendJson(res, await route(req, path, url, ctx));
  } catch (error) {
    const known = knownError(error);
    if (!known) throw error;
    sendJson(res, known);
  }
}

async function route(req: IncomingMessage, path: string, url: URL, ctx: Context): Promise<ApiResponse> {
  const { api } = ctx;
  const get = (): void => {
    if (req.method !== 'GET') throw new ApiError(405, `${req.method} is not allowed here: use GET`, 'method');
  };
  const post = async (): Promise<unknown> => {
    if (req.method !== 'POST')
      throw new ApiError(405, `${req.method} is not allowed here: use POST`, 'method');
    return readJson(req);
  };
  switch (path) {
    case '/api/state':
      get();
      return api.state(url.searchParams.get('user'));
    case '/api/estate':
      get();
      return api.estate();
    case '/api/pages':
      get();
      return api.pages();
    case '/api/slash':
      return api.slash(await post());
    case '/api/click':
      return api.click(await post());
    case '/api/inject':
      return api.inject(await post());
    case '/api/fast-forward':
      return api.fastForward(await post());
    case '/api/metrics':
      get();
      return api.metrics(url.searchParams.get('window'));
  }
  const report = /^\/api\/incidents\/([^/]+)\/report$/.exec(path);
  if (report?.[1]) {
    get();
    return api.report(decodeURIComponent(report[1]));
  }
  const file = /^\/api\/files\/([^/]+)$/.exec(path);
  if (file?.[1]) {
    get();
    return api.file(decodeURIComponent(file[1]));
  }
  const incident = /^\/api\/incidents\/([^/]+)$/.exec(path);
  if (incident?.[1]) {
    get();
    return api.incident(decodeURIComponent(incident[1]));
  }
  throw new ApiError(404, `no API at ${path}`, 'path');
}

function knownError(error: unknown): ApiResponse | undefined {
  if (error instanceof ApiError) {
    return { status: error.status, body: { error: error.message, field: error.field } };
  }
  if (error instanceof NotFoundError || error instanceof NoReportError) {
    return { status: 404, body: { error: error.message, field: error.field } };
  }
  if (error instanceof BotRefusedError) {
    return { status: 502, body: { error: error.message, field: 'bot', botStatus: error.response.status } };
  }
  return undefined;
}

/** JSON bodies only: a browser cannot send application/json cross-site without a CORS preflight we never allow. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) {
    throw new ApiError(415, 'send the body as application/json', 'content-type');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new ApiError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`, 'body');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? (JSON.parse(text) as unknown) : {};
  } catch {
    throw new ApiError(400, 'the body is not valid JSON', 'body');
  }
}

/** Only loopback names: a DNS-rebinding page cannot reach the drill through another host name. */
function isLocalHost(host: string | undefined): boolean {
  if (!host) return true;
  const name = host.replace(/:\d+$/, '');
  return name === HOST || name === 'localhost' || name === '[::1]';
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('allow', allow);
  sendJson(res, { status: 405, body: { error: `use ${allow}`, field: 'method' } });
}

function sendJson(res: ServerResponse, response: ApiResponse): void {
  res.writeHead(response.status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...SECURITY_HEADERS,
  });
  res.end(JSON.stringify(response.body));
}
