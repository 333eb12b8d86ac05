import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../workflow/ports';
import { blocksProblem, SLACK_LIMITS } from './block-limits';
import { RateLimiter } from './rate-limit';
import {
  BOT,
  BOT_SCOPES,
  DEFAULT_CHANNELS,
  DEFAULT_USERS,
  dmChannelFor,
  type FakeChannel,
  type FakeUser,
  RESPONDER_GROUP,
  TEAM,
  USERS,
} from './workspace';

export * from './workspace';

type Params = Record<string, unknown>;

export interface FakeMessage {
  channel: string;
  ts: string;
  /** The bot user for messages the bot posted. */
  user: string;
  botId?: string;
  text: string;
  blocks: unknown[];
  /** Set on replies: the parent's ts. */
  threadTs?: string;
  /** On a parent: its replies' ts, in order. */
  replies: string[];
  /** Set by chat.update (and response_url replace_original). */
  edited?: { user: string; ts: string };
  /** How many times the message was updated. */
  edits: number;
  /** Files shared with the message (files.completeUploadExternal). */
  files?: FakeFileRef[];
}

/** A file as a message shows it. */
export interface FakeFileRef {
  id: string;
  name: string;
  title: string;
  size: number;
  permalink: string;
}

/** A file the fake holds: reserved by files.getUploadURLExternal, filled at its upload URL, shared on completion. */
export interface FakeFile extends FakeFileRef {
  /** The `length` promised to files.getUploadURLExternal. */
  length: number;
  bytes?: Buffer;
  shared?: { channel: string; ts: string; threadTs?: string };
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  ts: string;
  text: string;
  blocks: unknown[];
  threadTs?: string;
  via: 'chat.postEphemeral' | 'response_url';
}

export interface FakeCall {
  seq: number;
  method: string;
  params: Params;
  at: string;
  status: number;
  ok: boolean;
  error?: string;
}

export type FakeChange =
  | { kind: 'message'; message: FakeMessage }
  | { kind: 'update'; message: FakeMessage }
  | { kind: 'delete'; channel: string; ts: string }
  | { kind: 'ephemeral'; ephemeral: FakeEphemeral }
  | { kind: 'call'; call: FakeCall };

/** A fault injected into the next matching calls: an HTTP 5xx, or a 429 with Retry-After. */
export interface Fault {
  /** e.g. 'chat.postMessage'; any method when omitted. */
  method?: string;
  status: 429 | 500 | 502 | 503 | 504;
  /** How many matching calls fail (count-based). */
  times: number;
  /** Time-based instead: every matching call fails until this clock time (epoch ms). Set by storm(). */
  until?: number;
  /** Seconds, for 429. */
  retryAfter?: number;
}

export interface FakeSlackOptions {
  /** Message timestamps (ts), edits, response_url expiry. Drills pass their virtual clock. */
  clock?: Clock;
  /**
   * The clock the rate limiter and storms run on. Default: real time, because the WebClient waits out Retry-After
   * in real time; a frozen or virtual clock here would never refill the bucket.
   */
  timers?: Clock;
  /** The bot token the API accepts (invalid_auth otherwise); null accepts any token. */
  token?: string | null;
  /** chat.postMessage per channel. Default 1 msg/s with a burst of 3; false disables. */
  rateLimit?: { perSecond: number; burst: number } | false;
  /** Workspace plan: 'free' answers usergroups.* with plan_upgrade_required. */
  plan?: 'free' | 'paid';
  usergroups?: Record<string, string[]>;
  users?: FakeUser[];
  channels?: FakeChannel[];
  /** The bot token's scopes. Default BOT_SCOPES (manifest.yml's). A method needing another answers missing_scope. */
  scopes?: readonly string[];
}

/** Scopes Slack requires per method, for the methods the fake checks (docs.slack.dev/reference/methods/…). */
const METHOD_SCOPES: Record<string, string> = {
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'conversations.open': 'im:write',
  'users.info': 'users:read',
};

interface ResponseUrlContext {
  userId: string;
  channel: string;
  messageTs?: string;
  threadTs?: string;
  uses: number;
  createdAt: number;
}

class SlackError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Params = {},
  ) {
    super(code);
  }
}

const RESPONSE_URL_MAX_USES = 5;
const RESPONSE_URL_TTL_MS = 30 * 60_000;

/**
 * A fake Slack Web API on loopback for drills and tests: the methods Airlock uses, with Slack's response shapes,
 * its errors (channel_not_found, cant_update_message, invalid_auth, invalid_blocks, msg_too_long,
 * plan_upgrade_required), a per-channel chat.postMessage rate limit (HTTP 429 + Retry-After), injectable 5xx and
 * 429 storms, and a workspace model (channels, DMs, threads, edits, per-user ephemerals) that emits 'change'.
 * It also accepts the response_url POSTs Bolt's respond() makes. Point a WebClient at `apiUrl`.
 *
 * Files (files.uploadV2 in @slack/web-api), as docs.slack.dev/reference/methods/files.getUploadURLExternal and
 * …/files.completeUploadExternal document them:
 * - files.getUploadURLExternal needs `filename` and `length` (`invalid_arguments` without them; `missing_argument`
 *   for a length of 0, "typically only occurs when the length provided is 0") and the files:write scope
 *   (`missing_scope` with `needed`/`provided`); it answers `upload_url` and `file_id`.
 * - The upload URL (served here, `/upload/v1/<id>`) takes the bytes raw or multipart form encoded and answers
 *   HTTP 200 when they are taken. Stricter than documented: a body whose size is not the promised `length`, a
 *   second upload, or an unknown URL answers a non-200, which files.uploadV2 reports as a failed upload.
 * - files.completeUploadExternal needs `files` (a JSON array of `{id, title}`; `invalid_arguments` otherwise);
 *   an id this fake never issued, or one whose bytes never arrived, is `file_not_found`; `channel_id` must exist
 *   (`channel_not_found`) and `thread_ts` must be a message there (`thread_not_found`, filed under the thread's
 *   parent as Slack files replies). The share is one message in the channel or thread, its text the
 *   `initial_comment`, with the file on it. A file is completed once; again is `file_not_found`.
 * - A shared file's bytes are served at its `url_private` to the bot token (Authorization: Bearer), as Slack does.
 */
export class FakeSlackApi extends EventEmitter {
  private server: Server | undefined;
  private port = 0;
  private readonly clock: Clock;
  private readonly timers: Clock;
  private readonly token: string | null;
  private limiter: RateLimiter | undefined;
  private readonly plan: 'free' | 'paid';
  private readonly usergroups: Record<string, string[]>;
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  private readonly messageMap = new Map<string, FakeMessage>();
  private readonly ephemeralList: FakeEphemeral[] = [];
  private readonly callList: FakeCall[] = [];
  private readonly faults: Fault[] = [];
  private readonly responseUrls = new Map<string, ResponseUrlContext>();
  private readonly fileMap = new Map<string, FakeFile>();
  private readonly scopes: readonly string[];
  private lastTs = { sec: 0, seq: 0 };
  private seq = 0;

  constructor(options: FakeSlackOptions = {}) {
    super();
    this.clock = options.clock ?? { now: () => new Date() };
    this.timers = options.timers ?? { now: () => new Date() };
    this.token = options.token === undefined ? BOT.token : options.token;
    this.setRateLimit(options.rateLimit ?? { perSecond: 1, burst: 3 });
    this.plan = options.plan ?? 'paid';
    this.usergroups = options.usergroups ?? { [RESPONDER_GROUP]: [USERS.responder, USERS.responder2] };
    for (const u of options.users ?? DEFAULT_USERS) this.users.set(u.id, u);
    for (const c of options.channels ?? DEFAULT_CHANNELS) this.channels.set(c.id, c);
    this.scopes = options.scopes ?? BOT_SCOPES;
  }

  // ── lifecycle ───────────────────────────────────────────────────────────────────────────────────────────

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(error instanceof Error ? error.message : 'error');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The WebClient's `slackApiUrl` (ends with a slash). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** Base of the response_url values this fake accepts. */
  get responseUrlBase(): string {
    return `http://127.0.0.1:${this.port}/response/`;
  }

  // ── test and drill controls ─────────────────────────────────────────────────────────────────────────────

  setRateLimit(limit: { perSecond: number; burst: number } | false): void {
    this.limiter = limit ? new RateLimiter(limit.perSecond, limit.burst) : undefined;
  }

  /** The next `times` matching calls fail with `status` (429s carry Retry-After). */
  fail(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  /** Every matching call fails with `status` for `durationMs` (on `timers`): a 5xx or 429 storm. */
  storm(storm: { method?: string; status: Fault['status']; durationMs: number; retryAfter?: number }): void {
    this.faults.push({
      ...(storm.method ? { method: storm.method } : {}),
      status: storm.status,
      times: Number.POSITIVE_INFINITY,
      until: this.timers.now().getTime() + storm.durationMs,
      ...(storm.retryAfter !== undefined ? { retryAfter: storm.retryAfter } : {}),
    });
  }

  /** Ends every injected fault and storm. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** A response_url for one user in one channel (optionally for a message, in a thread), like Slack's. */
  responseUrl(context: { userId: string; channel: string; messageTs?: string; threadTs?: string }): string {
    const id = `T0AIRLOCK/${(this.responseUrls.size + 1).toString().padStart(6, '0')}/${Math.random().toString(36).slice(2, 14)}`;
    this.responseUrls.set(id, { ...context, uses: 0, createdAt: this.clock.now().getTime() });
    return `${this.responseUrlBase}${id}`;
  }

  calls(method?: string): FakeCall[] {
    return this.callList.filter((c) => method === undefined || c.method === method).map((c) => ({ ...c }));
  }

  message(channel: string, ts: string): FakeMessage | undefined {
    return this.messageMap.get(`${channel}/${ts}`);
  }

  /** Top-level messages of a channel (not replies), oldest first. */
  channelMessages(channel: string): FakeMessage[] {
    return [...this.messageMap.values()]
      .filter((m) => m.channel === channel && !m.threadTs)
      .sort((a, b) => a.ts.localeCompare(b.ts));
  }

  /** The replies under a parent message, oldest first. */
  thread(channel: string, parentTs: string): FakeMessage[] {
    const parent = this.message(channel, parentTs);
    return (parent?.replies ?? [])
      .map((ts) => this.message(channel, ts))
      .filter((m): m is FakeMessage => !!m);
  }

  allMessages(): FakeMessage[] {
    return [...this.messageMap.values()].sort((a, b) => a.ts.localeCompare(b.ts));
  }

  /** A file by id (reserved, uploaded or shared), with its bytes once uploaded. */
  file(id: string): FakeFile | undefined {
    return this.fileMap.get(id);
  }

  /** Files shared in a channel, oldest first. */
  sharedFiles(channel?: string): FakeFile[] {
    return [...this.fileMap.values()].filter((f) => f.shared && (!channel || f.shared.channel === channel));
  }

  ephemerals(user?: string): FakeEphemeral[] {
    return this.ephemeralList.filter((e) => user === undefined || e.user === user);
  }

  dmChannel(userId: string): string {
    return dmChannelFor(userId);
  }

  // ── HTTP ────────────────────────────────────────────────────────────────────────────────────────────────

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const bytes = await readBody(req);
    const raw = bytes.toString('utf8');
    if (req.method === 'POST' && url.pathname.startsWith(UPLOAD_PATH)) {
      this.handleUpload(decodeURIComponent(url.pathname.slice(UPLOAD_PATH.length)), bytes, req, res);
      return;
    }
    if (req.method === 'GET' && url.pathname.startsWith(FILES_PATH)) {
      this.serveFile(url.pathname.slice(FILES_PATH.length), req, res);
      return;
    }
    if (req.method === 'POST' && url.pathname.startsWith('/response/')) {
      this.handleResponseUrl(decodeURIComponent(url.pathname.slice('/response/'.length)), raw, res);
      return;
    }
    if (req.method !== 'POST' || !url.pathname.startsWith('/api/')) {
      send(res, 404, { ok: false, error: 'unknown_method' });
      return;
    }
    const method = url.pathname.slice('/api/'.length);
    const call: FakeCall = {
      seq: ++this.seq,
      method,
      params: {},
      at: this.clock.now().toISOString(),
      status: 200,
      ok: false,
    };
    const finish = (status: number, body: Params | string, headers: Record<string, string> = {}) => {
      call.status = status;
      if (typeof body !== 'string') {
        call.ok = body.ok === true;
        if (typeof body.error === 'string') call.error = body.error;
      } else {
        call.error = `http_${status}`;
      }
      this.callList.push(call);
      this.emit('change', { kind: 'call', call: { ...call } } satisfies FakeChange);
      send(res, status, body, headers);
    };
    let params: Params;
    try {
      params = parseParams(raw, req.headers['content-type']);
    } catch {
      finish(200, { ok: false, error: 'invalid_form_data' });
      return;
    }
    call.params = redactToken(params);
    const fault = this.takeFault(method);
    if (fault) {
      if (fault.status === 429) {
        const retryAfter = String(fault.retryAfter ?? 1);
        finish(429, { ok: false, error: 'ratelimited' }, { 'retry-after': retryAfter });
      } else {
        finish(fault.status, `upstream error (${fault.status})`);
      }
      return;
    }
    const auth = this.checkAuth(req.headers.authorization, params);
    if (auth) {
      finish(200, { ok: false, error: auth });
      return;
    }
    const needed = METHOD_SCOPES[method];
    if (needed && !this.scopes.includes(needed)) {
      finish(200, { ok: false, error: 'missing_scope', needed, provided: this.scopes.join(',') });
      return;
    }
    if (method === 'chat.postMessage' && this.limiter && typeof params.channel === 'string') {
      const taken = this.limiter.take(params.channel, this.timers.now().getTime());
      if (!taken.ok) {
        finish(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(taken.retryAfterSeconds) });
        return;
      }
    }
    try {
      finish(200, { ok: true, ...this.dispatch(method, params) });
    } catch (error) {
      if (error instanceof SlackError) finish(200, { ok: false, error: error.code, ...error.extra });
      else throw error;
    }
  }

  private takeFault(method: string): Fault | undefined {
    const now = this.timers.now().getTime();
    for (let i = this.faults.length - 1; i >= 0; i -= 1) {
      const f = this.faults[i] as Fault;
      if (f.until !== undefined && f.until <= now) this.faults.splice(i, 1);
    }
    const index = this.faults.findIndex((f) => f.method === undefined || f.method === method);
    if (index < 0) return undefined;
    const fault = this.faults[index] as Fault;
    fault.times -= 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private checkAuth(header: string | undefined, params: Params): string | undefined {
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : params.token;
    if (typeof token !== 'string' || !token) return 'not_authed';
    if (this.token !== null && token !== this.token) return 'invalid_auth';
    return undefined;
  }

  private dispatch(method: string, p: Params): Params {
    switch (method) {
      case 'auth.test':
        return {
          url: `https://${TEAM.domain}.slack.com/`,
          team: TEAM.name,
          user: BOT.name,
          team_id: TEAM.id,
          user_id: BOT.userId,
          bot_id: BOT.botId,
          is_enterprise_install: false,
        };
      case 'chat.postMessage':
        return this.postMessage(p);
      case 'chat.update':
        return this.update(p);
      case 'chat.postEphemeral':
        return this.postEphemeral(p);
      case 'conversations.open':
        return this.openConversation(p);
      case 'usergroups.users.list':
        return this.usergroupUsers(p);
      case 'users.info':
        return this.userInfo(p);
      case 'chat.getPermalink':
        return this.permalink(p);
      case 'files.getUploadURLExternal':
        return this.getUploadUrl(p);
      case 'files.completeUploadExternal':
        return this.completeUpload(p);
      default:
        throw new SlackError('unknown_method');
    }
  }

  // ── methods ─────────────────────────────────────────────────────────────────────────────────────────────

  private nextTs(): string {
    const sec = Math.floor(this.clock.now().getTime() / 1000);
    if (sec > this.lastTs.sec) this.lastTs = { sec, seq: 100 };
    else this.lastTs.seq += 100;
    return `${this.lastTs.sec}.${this.lastTs.seq.toString().padStart(6, '0')}`;
  }

  private requireChannel(id: unknown): FakeChannel {
    const channel = typeof id === 'string' ? this.channels.get(id) : undefined;
    if (!channel) throw new SlackError('channel_not_found');
    return channel;
  }

  private content(p: Params, maxText: number): { text: string; blocks: unknown[] } {
    const text = typeof p.text === 'string' ? p.text : '';
    const blocks = p.blocks === undefined ? [] : p.blocks;
    if (p.blocks !== undefined && !Array.isArray(blocks)) throw new SlackError('invalid_blocks_format');
    if (!text && (blocks as unknown[]).length === 0) throw new SlackError('no_text');
    if (text.length > maxText) throw new SlackError('msg_too_long');
    const problem = (blocks as unknown[]).length ? blocksProblem(blocks) : undefined;
    if (problem) throw new SlackError('invalid_blocks', { errors: [problem] });
    return { text, blocks: blocks as unknown[] };
  }

  private postMessage(p: Params & { files?: FakeFileRef[] }): Params {
    const channel = this.requireChannel(p.channel);
    const { text, blocks } = this.content(p, SLACK_LIMITS.postText);
    const threadTs = typeof p.thread_ts === 'string' && p.thread_ts ? p.thread_ts : undefined;
    let parent: FakeMessage | undefined;
    if (threadTs) {
      parent = this.message(channel.id, threadTs);
      if (!parent) throw new SlackError('thread_not_found');
      // Slack files a reply to a reply under the thread's parent.
      if (parent.threadTs) parent = this.message(channel.id, parent.threadTs);
    }
    const message: FakeMessage = {
      channel: channel.id,
      ts: this.nextTs(),
      user: BOT.userId,
      botId: BOT.botId,
      text,
      blocks,
      replies: [],
      edits: 0,
      ...(parent ? { threadTs: parent.ts } : {}),
      ...(p.files ? { files: p.files } : {}),
    };
    this.messageMap.set(`${channel.id}/${message.ts}`, message);
    parent?.replies.push(message.ts);
    this.emit('change', { kind: 'message', message } satisfies FakeChange);
    return { channel: channel.id, ts: message.ts, message: wireMessage(message) };
  }

  private update(p: Params): Params {
    const channel = this.requireChannel(p.channel);
    const message = typeof p.ts === 'string' ? this.message(channel.id, p.ts) : undefined;
    if (!message) throw new SlackError('message_not_found');
    if (message.user !== BOT.userId) throw new SlackError('cant_update_message');
    const { text, blocks } = this.content(p, SLACK_LIMITS.updateText);
    message.text = text;
    message.blocks = blocks;
    message.edits += 1;
    message.edited = { user: BOT.userId, ts: this.nextTs() };
    this.emit('change', { kind: 'update', message } satisfies FakeChange);
    return { channel: channel.id, ts: message.ts, text, message: { text, user: BOT.userId, blocks } };
  }

  private postEphemeral(p: Params): Params {
    const channel = this.requireChannel(p.channel);
    if (typeof p.user !== 'string' || !this.users.has(p.user)) throw new SlackError('user_not_found');
    if (channel.isIm && channel.user !== p.user) throw new SlackError('user_not_in_channel');
    const { text, blocks } = this.content(p, SLACK_LIMITS.postText);
    const ephemeral: FakeEphemeral = {
      channel: channel.id,
      user: p.user,
      ts: this.nextTs(),
      text,
      blocks,
      via: 'chat.postEphemeral',
      ...(typeof p.thread_ts === 'string' && p.thread_ts ? { threadTs: p.thread_ts } : {}),
    };
    this.ephemeralList.push(ephemeral);
    this.emit('change', { kind: 'ephemeral', ephemeral } satisfies FakeChange);
    return { message_ts: ephemeral.ts };
  }

  private openConversation(p: Params): Params {
    const users = typeof p.users === 'string' ? p.users.split(',').filter(Boolean) : [];
    if (users.length === 0) throw new SlackError('users_list_not_supplied');
    if (users.length > 1) throw new SlackError('not_supported', { detail: 'the fake opens 1:1 DMs only' });
    const user = users[0] as string;
    if (!this.users.has(user)) throw new SlackError('user_not_found');
    const id = dmChannelFor(user);
    if (!this.channels.has(id)) this.channels.set(id, { id, name: user, isIm: true, user });
    return { channel: { id } };
  }

  private usergroupUsers(p: Params): Params {
    if (this.plan === 'free') throw new SlackError('plan_upgrade_required');
    const group = typeof p.usergroup === 'string' ? this.usergroups[p.usergroup] : undefined;
    if (!group) throw new SlackError('no_such_subteam');
    return { users: [...group] };
  }

  private userInfo(p: Params): Params {
    const user = typeof p.user === 'string' ? this.users.get(p.user) : undefined;
    if (!user) throw new SlackError('user_not_found');
    return {
      user: {
        id: user.id,
        team_id: TEAM.id,
        name: user.name,
        real_name: user.realName,
        is_bot: user.isBot,
        tz: 'Etc/UTC',
        profile: { real_name: user.realName, display_name: user.name },
      },
    };
  }

  private permalink(p: Params): Params {
    const channel = this.requireChannel(p.channel);
    const message = typeof p.message_ts === 'string' ? this.message(channel.id, p.message_ts) : undefined;
    if (!message) throw new SlackError('message_not_found');
    const base = `https://${TEAM.domain}.slack.com/archives/${channel.id}/p${message.ts.replace('.', '')}`;
    const permalink = message.threadTs ? `${base}?thread_ts=${message.threadTs}&cid=${channel.id}` : base;
    return { channel: channel.id, permalink };
  }

  // ── files ───────────────────────────────────────────────────────────────────────────────────────────────

  private getUploadUrl(p: Params): Params {
    const filename = typeof p.filename === 'string' ? p.filename.trim() : '';
    const length =
      typeof p.length === 'number' ? p.length : typeof p.length === 'string' ? Number(p.length) : NaN;
    if (!filename || !Number.isInteger(length) || length < 0) throw new SlackError('invalid_arguments');
    if (length === 0) throw new SlackError('missing_argument');
    const id = `F0${(this.fileMap.size + 1).toString(36).toUpperCase().padStart(8, '0')}`;
    const title = typeof p.title === 'string' && p.title ? p.title : filename;
    this.fileMap.set(id, {
      id,
      name: filename,
      title,
      size: 0,
      length,
      permalink: `https://${TEAM.domain}.slack.com/files/${BOT.userId}/${id}/${encodeURIComponent(filename)}`,
    });
    return { upload_url: `http://127.0.0.1:${this.port}${UPLOAD_PATH}${id}`, file_id: id };
  }

  private handleUpload(id: string, bytes: Buffer, req: IncomingMessage, res: ServerResponse): void {
    const file = this.fileMap.get(id);
    if (!file || file.bytes) {
      send(res, 404, file ? 'upload already received' : 'unknown upload url');
      return;
    }
    const data = fileData(bytes, req.headers['content-type']);
    if (!data) {
      send(res, 400, 'no file part in the multipart body');
      return;
    }
    if (data.length !== file.length) {
      send(
        res,
        400,
        `expected ${file.length} bytes (the length given to files.getUploadURLExternal), got ${data.length}`,
      );
      return;
    }
    file.bytes = data;
    file.size = data.length;
    send(res, 200, `OK - ${data.length}`);
  }

  private completeUpload(p: Params): Params {
    let entries: unknown = p.files;
    if (typeof entries === 'string') {
      try {
        entries = JSON.parse(entries);
      } catch {
        throw new SlackError('invalid_arguments');
      }
    }
    if (!Array.isArray(entries) || entries.length === 0) throw new SlackError('invalid_arguments');
    const files = entries.map((entry) => {
      const id = isRecord(entry) && typeof entry.id === 'string' ? entry.id : undefined;
      if (!id) throw new SlackError('invalid_arguments');
      const file = this.fileMap.get(id);
      if (!file?.bytes || file.shared) throw new SlackError('file_not_found');
      if (isRecord(entry) && typeof entry.title === 'string' && entry.title) file.title = entry.title;
      return file;
    });
    const channelId = typeof p.channel_id === 'string' && p.channel_id ? p.channel_id : undefined;
    if (channelId) {
      const text = typeof p.initial_comment === 'string' ? p.initial_comment : '';
      if (text.length > SLACK_LIMITS.postText) throw new SlackError('msg_too_long');
      const refs = files.map(fileRef);
      const posted = this.postMessage({
        channel: channelId,
        text: text || files.map((f) => f.title).join(', '),
        thread_ts: p.thread_ts,
        files: refs,
      });
      const message = this.message(String(posted.channel), String(posted.ts));
      for (const file of files) {
        file.shared = {
          channel: String(posted.channel),
          ts: String(posted.ts),
          ...(message?.threadTs ? { threadTs: message.threadTs } : {}),
        };
      }
    } else {
      // Without a channel Slack keeps the file private to the uploader.
      for (const file of files) file.shared = { channel: '', ts: '' };
    }
    return { files: files.map((f) => this.wireFile(f)) };
  }

  private wireFile(f: FakeFile): Params {
    return {
      id: f.id,
      name: f.name,
      title: f.title,
      size: f.size,
      mimetype: f.name.endsWith('.md') ? 'text/markdown' : 'application/octet-stream',
      user: BOT.userId,
      url_private: `http://127.0.0.1:${this.port}${FILES_PATH}${f.id}/${encodeURIComponent(f.name)}`,
      permalink: f.permalink,
      ...(f.shared?.channel ? { channels: [f.shared.channel] } : {}),
    };
  }

  private serveFile(path: string, req: IncomingMessage, res: ServerResponse): void {
    const id = path.split('/')[0] ?? '';
    const file = this.fileMap.get(id);
    const auth = this.checkAuth(req.headers.authorization, {});
    if (auth || !file?.bytes || !file.shared) {
      send(res, auth ? 403 : 404, auth ?? 'file not found');
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(file.bytes.length),
    });
    res.end(file.bytes);
  }

  // ── response_url ────────────────────────────────────────────────────────────────────────────────────────

  private handleResponseUrl(id: string, raw: string, res: ServerResponse): void {
    const context = this.responseUrls.get(id);
    const now = this.clock.now().getTime();
    if (!context || context.uses >= RESPONSE_URL_MAX_USES || now - context.createdAt > RESPONSE_URL_TTL_MS) {
      send(res, 404, { ok: false, error: context ? 'used_url' : 'expired_url' });
      return;
    }
    context.uses += 1;
    let body: Params;
    try {
      body = JSON.parse(raw) as Params;
    } catch {
      send(res, 400, { ok: false, error: 'invalid_payload' });
      return;
    }
    try {
      const { text, blocks } = this.content(body, SLACK_LIMITS.postText);
      if (body.delete_original === true && context.messageTs) {
        this.messageMap.delete(`${context.channel}/${context.messageTs}`);
        this.emit('change', {
          kind: 'delete',
          channel: context.channel,
          ts: context.messageTs,
        } satisfies FakeChange);
      } else if (body.replace_original === true && context.messageTs) {
        const message = this.message(context.channel, context.messageTs);
        if (message) {
          message.text = text;
          message.blocks = blocks;
          message.edits += 1;
          message.edited = { user: BOT.userId, ts: this.nextTs() };
          this.emit('change', { kind: 'update', message } satisfies FakeChange);
        }
      } else if (body.response_type === 'in_channel') {
        this.postMessage({
          channel: context.channel,
          text,
          blocks,
          thread_ts: body.thread_ts ?? context.threadTs,
        });
      } else {
        const ephemeral: FakeEphemeral = {
          channel: context.channel,
          user: context.userId,
          ts: this.nextTs(),
          text,
          blocks,
          via: 'response_url',
          ...(context.threadTs ? { threadTs: context.threadTs } : {}),
        };
        this.ephemeralList.push(ephemeral);
        this.emit('change', { kind: 'ephemeral', ephemeral } satisfies FakeChange);
      }
      send(res, 200, { ok: true });
    } catch (error) {
      if (error instanceof SlackError) send(res, 400, { ok: false, error: error.code });
      else throw error;
    }
  }
}

function wireMessage(m: FakeMessage): Params {
  return {
    type: 'message',
    subtype: 'bot_message',
    text: m.text,
    user: m.user,
    bot_id: m.botId,
    ts: m.ts,
    ...(m.blocks.length ? { blocks: m.blocks } : {}),
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(m.files ? { files: m.files.map((f) => ({ id: f.id, name: f.name, title: f.title })) } : {}),
  };
}

const UPLOAD_PATH = '/upload/v1/';
const FILES_PATH = '/files-pri/';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function fileRef(f: FakeFile): FakeFileRef {
  return { id: f.id, name: f.name, title: f.title, size: f.size, permalink: f.permalink };
}

/**
 * The file's bytes from an upload body: the one file part of a multipart/form-data body (what @slack/web-api
 * sends), or the raw body otherwise. Undefined for a multipart body without a file part.
 */
function fileData(body: Buffer, contentType: string | undefined): Buffer | undefined {
  const boundary = /multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
  if (!boundary) return body;
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2); // after CRLF, before CRLF
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0 && /filename=/i.test(part.subarray(0, headerEnd).toString('utf8'))) {
      return Buffer.from(part.subarray(headerEnd + 4));
    }
    start = next;
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Form bodies (the WebClient JSON-encodes nested values like `blocks`) or JSON bodies. */
function parseParams(raw: string, contentType: string | undefined): Params {
  if (!raw) return {};
  if (contentType?.includes('application/json')) return JSON.parse(raw) as Params;
  const params: Params = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    params[key] =
      key === 'blocks' || key === 'attachments' || key === 'metadata' ? parseJsonField(value) : value;
  }
  return params;
}

function parseJsonField(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function redactToken(params: Params): Params {
  if (!('token' in params)) return params;
  const { token: _token, ...rest } = params;
  return rest;
}

function send(
  res: ServerResponse,
  status: number,
  body: Params | string,
  headers: Record<string, string> = {},
): void {
  const json = typeof body !== 'string';
  res.writeHead(status, {
    'content-type': json ? 'application/json; charset=utf-8' : 'text/plain',
    'x-slack-req-id': Math.random().toString(16).slice(2, 14),
    ...headers,
  });
  res.end(json ? JSON.stringify(body) : body);
}
