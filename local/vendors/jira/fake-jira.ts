import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../../workflow/ports';
import { adfLines, adfProblem } from './adf';
import { issueListPage, issuePage } from './pages';

/**
 * A fake Jira Cloud site on 127.0.0.1: the REST v3 endpoints Airlock's Jira sink calls through jira.js, with basic
 * auth, Jira's validation and error bodies, injected 429/5xx, state (issues, comments, status, history), an
 * eventually consistent search (like Jira's), and a read-only page per issue at /browse/<KEY>. README.md beside this
 * file cites the Atlassian page for each behaviour.
 */

export interface FakeJiraProject {
  key: string;
  id: string;
  name: string;
  issueTypes: string[];
}

export interface FakeJiraComment {
  id: string;
  body: unknown;
  created: string;
  author: string;
}

export interface FakeJiraIssue {
  id: string;
  key: string;
  projectKey: string;
  issueType: string;
  summary: string;
  description: unknown;
  labels: string[];
  priority?: string;
  status: string;
  created: string;
  comments: FakeJiraComment[];
  /** Status changes, oldest first. */
  history: { at: string; from: string; to: string }[];
}

export interface FakeJiraRequest {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string[]>;
  body?: unknown;
  status: number;
  at: string;
}

export interface FakeJiraFault {
  status: 429 | 500 | 502 | 503 | 504;
  /** How many matching requests get the fault (Infinity: until cleared). */
  times: number;
  /** Retry-After in seconds (429; Jira also sends it with some 503s). */
  retryAfter?: number;
  /** Only requests whose `METHOD path` matches. Default: every API request. */
  match?: RegExp;
}

export interface FakeJiraOptions {
  clock?: Clock;
  email?: string;
  apiToken?: string;
  projects?: FakeJiraProject[];
  priorities?: string[];
  /** The statuses of the workflow, in order; the first is where new issues start. Any status can go to any other. */
  statuses?: string[];
  /** Issues younger than this (clock ms) are not in search results unless reconciled by id. Default 0. */
  searchLagMs?: number;
}

const STATUS_CATEGORY: Record<string, { id: number; key: string; name: string; colorName: string }> = {
  new: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
  indeterminate: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  done: { id: 3, key: 'done', name: 'Done', colorName: 'green' },
};

export const FAKE_JIRA = {
  email: 'airlock-bot@example.com',
  apiToken: 'fake-jira-api-token',
  accountId: '5b10ac8d82e05b22cc7d4ef5',
  project: { key: 'SEC', id: '10000', name: 'Security Incidents', issueTypes: ['Task', 'Bug', 'Incident'] },
} as const;

const FIELDS_KNOWN = new Set(['project', 'issuetype', 'summary', 'description', 'labels', 'priority']);
const LABEL_MAX = 255;
/** "less than 255 characters": 255 is refused (stricter than a reading that allows it). */
const SUMMARY_MAX = 254;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}
const jiraError = (status: number, errorMessages: string[], errors: Record<string, string> = {}) =>
  new HttpError(status, { errorMessages, errors });

export class FakeJira {
  readonly requests: FakeJiraRequest[] = [];
  readonly issues = new Map<string, FakeJiraIssue>();
  readonly projects: FakeJiraProject[];
  readonly priorities: string[];
  readonly statuses: string[];
  private readonly clock: Clock;
  private readonly email: string;
  private readonly apiToken: string;
  private readonly faults: FakeJiraFault[] = [];
  private server?: Server;
  private nextIssueId = 10001;
  private nextCommentId = 20001;
  private seq = 0;
  private revoked = false;
  searchLagMs: number;
  baseUrl = '';

  constructor(options: FakeJiraOptions = {}) {
    this.clock = options.clock ?? { now: () => new Date() };
    this.email = options.email ?? FAKE_JIRA.email;
    this.apiToken = options.apiToken ?? FAKE_JIRA.apiToken;
    this.projects = options.projects ?? [
      { ...FAKE_JIRA.project, issueTypes: [...FAKE_JIRA.project.issueTypes] },
    ];
    this.priorities = options.priorities ?? ['Highest', 'High', 'Medium', 'Low', 'Lowest'];
    this.statuses = options.statuses ?? ['To Do', 'In Progress', 'Done'];
    this.searchLagMs = options.searchLagMs ?? 0;
  }

  get credentials(): { email: string; apiToken: string } {
    return { email: this.email, apiToken: this.apiToken };
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next `times` matching API requests are answered with `status` (and Retry-After when given). */
  inject(fault: FakeJiraFault): void {
    this.faults.push({ ...fault });
  }

  /** The API token stops working (revoked or expired in Atlassian): every API request is 401 from now on. */
  revokeToken(): void {
    this.revoked = true;
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** API requests (not /browse pages), optionally only those whose `METHOD path` matches. */
  calls(match?: RegExp): FakeJiraRequest[] {
    return this.requests.filter((r) => !match || match.test(`${r.method} ${r.path}`));
  }

  issuesWithLabel(label: string): FakeJiraIssue[] {
    return [...this.issues.values()].filter((i) => i.labels.includes(label));
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    if (method === 'GET' && (url.pathname === '/browse' || url.pathname.startsWith('/browse/'))) {
      this.page(url.pathname, res);
      return;
    }
    const raw = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    const query: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) query[k] = [...(query[k] ?? []), v];
    const record: FakeJiraRequest = {
      seq: ++this.seq,
      method,
      path: url.pathname,
      query,
      status: 0,
      at: this.now(),
    };
    this.requests.push(record);
    let status = 200;
    let body: unknown;
    let headers: Record<string, string> = {};
    try {
      if (raw) {
        try {
          record.body = JSON.parse(raw);
        } catch {
          throw jiraError(400, ['Unexpected character in the request body: it is not valid JSON.']);
        }
      }
      this.fault(`${method} ${url.pathname}`);
      this.authenticate(req);
      ({ status, body } = this.route(method, url.pathname, query, record.body));
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      status = error.status;
      body = error.body;
      headers = error.headers;
    }
    record.status = status;
    res.writeHead(status, {
      ...headers,
      ...(body === undefined ? {} : { 'content-type': 'application/json;charset=UTF-8' }),
    });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  }

  private fault(what: string): void {
    const i = this.faults.findIndex((f) => f.times > 0 && (!f.match || f.match.test(what)));
    const fault = this.faults[i];
    if (!fault) return;
    fault.times -= 1;
    if (fault.times <= 0) this.faults.splice(i, 1);
    const headers: Record<string, string> =
      fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
    if (fault.status === 429)
      throw new HttpError(429, { errorMessages: ['Rate limit exceeded.'], errors: {} }, headers);
    throw new HttpError(fault.status, { errorMessages: ['Internal server error'], errors: {} }, headers);
  }

  private authenticate(req: IncomingMessage): void {
    const header = req.headers.authorization ?? '';
    const expected = `Basic ${Buffer.from(`${this.email}:${this.apiToken}`).toString('base64')}`;
    if (this.revoked || header !== expected) {
      throw jiraError(401, ['You are not authenticated. Authentication required to perform this operation.']);
    }
  }

  private route(
    method: string,
    path: string,
    query: Record<string, string[]>,
    body: unknown,
  ): { status: number; body?: unknown } {
    const project = /^\/rest\/api\/3\/project\/([^/]+)$/.exec(path)?.[1];
    const comment = /^\/rest\/api\/3\/issue\/([^/]+)\/comment$/.exec(path)?.[1];
    const transitions = /^\/rest\/api\/3\/issue\/([^/]+)\/transitions$/.exec(path)?.[1];
    const issueKey = /^\/rest\/api\/3\/issue\/([^/]+)$/.exec(path)?.[1];
    if (method === 'GET' && path === '/rest/api/3/myself') return { status: 200, body: this.myself() };
    if (method === 'GET' && project) return { status: 200, body: this.project(project) };
    if (method === 'POST' && path === '/rest/api/3/issue') return { status: 201, body: this.create(body) };
    if ((method === 'GET' || method === 'POST') && path === '/rest/api/3/search/jql') {
      return { status: 200, body: this.search(method === 'GET' ? query : body) };
    }
    if (comment && method === 'GET')
      return { status: 200, body: this.commentPage(this.issue(comment), query) };
    if (comment && method === 'POST')
      return { status: 201, body: this.addComment(this.issue(comment), body) };
    if (transitions && method === 'GET') {
      return { status: 200, body: { transitions: this.transitionsOf(this.issue(transitions)) } };
    }
    if (transitions && method === 'POST') {
      this.transition(this.issue(transitions), body);
      return { status: 204 };
    }
    if (issueKey && method === 'GET') {
      return { status: 200, body: this.issueJson(this.issue(issueKey), query.fields) };
    }
    throw new HttpError(404, { errorMessages: [`No resource found for ${method} ${path}`], errors: {} });
  }

  private myself() {
    return {
      self: `${this.baseUrl}/rest/api/3/user?accountId=${FAKE_JIRA.accountId}`,
      accountId: FAKE_JIRA.accountId,
      accountType: 'atlassian',
      emailAddress: this.email,
      displayName: 'Airlock',
      active: true,
      timeZone: 'UTC',
    };
  }

  private findProject(keyOrId: string): FakeJiraProject | undefined {
    return this.projects.find((p) => p.key === keyOrId || p.id === keyOrId);
  }

  private project(keyOrId: string) {
    const project = this.findProject(keyOrId);
    if (!project) throw jiraError(404, [`No project could be found with key '${keyOrId}'.`]);
    return {
      self: `${this.baseUrl}/rest/api/3/project/${project.id}`,
      id: project.id,
      key: project.key,
      name: project.name,
      issueTypes: project.issueTypes.map((name, i) => ({ id: String(10001 + i), name, subtask: false })),
    };
  }

  private create(body: unknown) {
    const errors: Record<string, string> = {};
    const fields = (body as { fields?: Record<string, unknown> } | undefined)?.fields;
    if (!fields || typeof fields !== 'object')
      throw jiraError(400, [], { project: 'Specify a valid project ID or key' });
    const ref = fields.project as { key?: unknown; id?: unknown } | undefined;
    const project = this.findProject(String(ref?.key ?? ref?.id ?? ''));
    if (!project) errors.project = 'Specify a valid project ID or key';
    const type = fields.issuetype as { name?: unknown; id?: unknown } | undefined;
    const typeName = typeof type?.name === 'string' ? type.name : undefined;
    if (project && (!typeName || !project.issueTypes.includes(typeName)))
      errors.issuetype = 'Specify a valid issue type';
    const summary = fields.summary;
    if (typeof summary !== 'string' || summary.trim() === '')
      errors.summary = 'You must specify a summary of the issue.';
    else if ([...summary].length > SUMMARY_MAX) errors.summary = 'Summary must be less than 255 characters.';
    else if (/[\r\n]/.test(summary))
      errors.summary = 'The summary is invalid because it contains newline characters.';
    if (fields.description !== undefined && adfProblem(fields.description)) {
      errors.description =
        'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
    }
    const labels = fields.labels ?? [];
    if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string'))
      errors.labels = 'Labels must be strings.';
    else {
      const bad = labels.find((l: string) => /\s/.test(l));
      if (bad !== undefined) errors.labels = `The label '${bad}' contains spaces which is invalid.`;
      else if (labels.some((l: string) => l.length > LABEL_MAX))
        errors.labels = 'The label must not exceed 255 characters.';
    }
    const priority = fields.priority as { name?: unknown } | undefined;
    if (
      priority !== undefined &&
      !(typeof priority.name === 'string' && this.priorities.includes(priority.name))
    ) {
      errors.priority = `The priority selected is invalid.`;
    }
    for (const key of Object.keys(fields)) {
      if (!FIELDS_KNOWN.has(key))
        errors[key] = `Field '${key}' cannot be set. It is not on the appropriate screen, or unknown.`;
    }
    if (Object.keys(errors).length || !project || !typeName) throw jiraError(400, [], errors);
    const n = [...this.issues.values()].filter((i) => i.projectKey === project.key).length + 1;
    const issue: FakeJiraIssue = {
      id: String(this.nextIssueId++),
      key: `${project.key}-${n}`,
      projectKey: project.key,
      issueType: typeName,
      summary: summary as string,
      description: fields.description,
      labels: [...(labels as string[])],
      ...(priority ? { priority: priority.name as string } : {}),
      status: this.statuses[0] ?? 'To Do',
      created: this.now(),
      comments: [],
      history: [],
    };
    this.issues.set(issue.key, issue);
    return { id: issue.id, key: issue.key, self: `${this.baseUrl}/rest/api/3/issue/${issue.id}` };
  }

  private issue(keyOrId: string): FakeJiraIssue {
    const issue = this.issues.get(keyOrId) ?? [...this.issues.values()].find((i) => i.id === keyOrId);
    if (!issue) throw jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
    return issue;
  }

  private statusJson(name: string) {
    const index = this.statuses.indexOf(name);
    const category =
      index === 0
        ? STATUS_CATEGORY.new
        : index === this.statuses.length - 1
          ? STATUS_CATEGORY.done
          : STATUS_CATEGORY.indeterminate;
    return {
      self: `${this.baseUrl}/rest/api/3/status/${10000 + index}`,
      id: String(10000 + index),
      name,
      statusCategory: { self: `${this.baseUrl}/rest/api/3/statuscategory/${category?.id}`, ...category },
    };
  }

  private issueJson(issue: FakeJiraIssue, fieldsParam?: string[]) {
    const wanted = new Set((fieldsParam ?? []).flatMap((f) => f.split(',')).filter(Boolean));
    const all: Record<string, unknown> = {
      summary: issue.summary,
      status: this.statusJson(issue.status),
      labels: issue.labels,
      description: issue.description ?? null,
      issuetype: { name: issue.issueType },
      project: { key: issue.projectKey },
      created: issue.created,
      ...(issue.priority ? { priority: { name: issue.priority } } : {}),
    };
    const fields =
      wanted.size === 0 || wanted.has('*all')
        ? all
        : Object.fromEntries(Object.entries(all).filter(([k]) => wanted.has(k)));
    return { id: issue.id, key: issue.key, self: `${this.baseUrl}/rest/api/3/issue/${issue.id}`, fields };
  }

  /**
   * The JQL this fake understands: `project = "<KEY>" AND labels = "<label>"`, optionally `ORDER BY created ASC|DESC`
   * (quotes optional). Anything else is refused with Jira's 400 for a query it cannot parse.
   */
  private search(params: unknown) {
    const p = (params ?? {}) as Record<string, unknown>;
    const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
    const jql = String(one(p.jql) ?? '');
    const re =
      /^project\s*=\s*"?([A-Z][A-Z0-9_]*)"?\s+AND\s+labels\s*=\s*"?([^"\s]+)"?(?:\s+ORDER\s+BY\s+created\s+(ASC|DESC))?$/i;
    const match = re.exec(jql.trim());
    if (!match)
      throw jiraError(400, [
        `Error in the JQL Query: this fake supports only project = KEY AND labels = LABEL (got: ${jql})`,
      ]);
    const [, projectKey, label, order] = match;
    if (!this.findProject(projectKey ?? '')) {
      throw jiraError(400, [`The value '${projectKey}' does not exist for the field 'project'.`]);
    }
    const reconcile = new Set(
      [p.reconcileIssues]
        .flat()
        .flatMap((v) => (v === undefined ? [] : String(v).split(',')))
        .filter(Boolean),
    );
    const now = this.clock.now().getTime();
    const maxResults = Math.min(Number(one(p.maxResults) ?? 50) || 50, 5000);
    const fields = [p.fields].flat().filter((f): f is string => typeof f === 'string');
    let found = [...this.issues.values()].filter(
      (i) =>
        i.projectKey === projectKey &&
        i.labels.includes(label ?? '') &&
        (now - Date.parse(i.created) >= this.searchLagMs || reconcile.has(i.id)),
    );
    found = found.sort((a, b) => Number(a.id) - Number(b.id));
    if (order?.toUpperCase() === 'DESC') found.reverse();
    return {
      issues: found.slice(0, maxResults).map((i) => this.issueJson(i, fields.length ? fields : ['summary'])),
      isLast: true,
    };
  }

  private commentJson(issue: FakeJiraIssue, c: FakeJiraComment) {
    const author = { accountId: c.author, displayName: 'Airlock', active: true };
    return {
      self: `${this.baseUrl}/rest/api/3/issue/${issue.id}/comment/${c.id}`,
      id: c.id,
      author,
      updateAuthor: author,
      body: c.body,
      created: c.created,
      updated: c.created,
      jsdPublic: true,
    };
  }

  private commentPage(issue: FakeJiraIssue, query: Record<string, string[]>) {
    const startAt = Number(query.startAt?.[0] ?? 0) || 0;
    const maxResults = Math.min(Number(query.maxResults?.[0] ?? 5000) || 5000, 5000);
    const order = query.orderBy?.[0];
    if (order !== undefined && !['created', '+created', '-created'].includes(order)) {
      throw jiraError(400, [`The orderBy parameter '${order}' is not valid.`]);
    }
    const sorted = order === '-created' ? [...issue.comments].reverse() : issue.comments;
    const comments = sorted.slice(startAt, startAt + maxResults);
    return {
      startAt,
      maxResults,
      total: issue.comments.length,
      comments: comments.map((c) => this.commentJson(issue, c)),
    };
  }

  private addComment(issue: FakeJiraIssue, body: unknown) {
    const doc = (body as { body?: unknown } | undefined)?.body;
    if (doc === undefined) throw jiraError(400, [], { comment: 'Comment body can not be empty!' });
    if (adfProblem(doc)) throw jiraError(400, [], { comment: 'Comment body is not valid!' });
    const comment: FakeJiraComment = {
      id: String(this.nextCommentId++),
      body: doc,
      created: this.now(),
      author: FAKE_JIRA.accountId,
    };
    issue.comments.push(comment);
    return this.commentJson(issue, comment);
  }

  private transitionsOf(issue: FakeJiraIssue) {
    return this.statuses
      .map((name, i) => ({ name, id: String((i + 1) * 10 + 1) }))
      .filter((t) => t.name !== issue.status)
      .map((t) => ({
        id: t.id,
        name: t.name,
        to: this.statusJson(t.name),
        hasScreen: false,
        isGlobal: true,
        isInitial: false,
        isAvailable: true,
        isConditional: false,
        isLooped: false,
      }));
  }

  private transition(issue: FakeJiraIssue, body: unknown) {
    const id = (body as { transition?: { id?: unknown } } | undefined)?.transition?.id;
    const t = this.transitionsOf(issue).find((x) => x.id === String(id));
    if (!t) throw jiraError(400, [`Transition id '${String(id)}' is not valid for this issue.`]);
    issue.history.push({ at: this.now(), from: issue.status, to: t.name });
    issue.status = t.name;
  }

  private page(path: string, res: ServerResponse): void {
    const key = decodeURIComponent(path.slice('/browse/'.length));
    const issue = key ? this.issues.get(key) : undefined;
    if (key && !issue) {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(issueListPage([...this.issues.values()], `No issue ${key}`));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-frame-options': 'SAMEORIGIN' });
    res.end(
      issue
        ? issuePage(
            issue,
            adfLines(issue.description),
            issue.comments.map((c) => ({ at: c.created, lines: adfLines(c.body) })),
          )
        : issueListPage([...this.issues.values()]),
    );
  }
}
