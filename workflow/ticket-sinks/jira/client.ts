import { TicketConfigError, TicketThrottledError, TicketUnavailableError } from '../../errors';

/** Jira Cloud API credentials: the account's email and an API token (basic auth, as Atlassian documents). */
export interface JiraCredentials {
  email: string;
  apiToken: string;
}

export interface JiraClientOptions {
  baseUrl: string;
  credentials: () => Promise<JiraCredentials>;
  /** What to do when an answer does not match jira.js's schema (tests: 'throw'; production: log it). */
  onSchemaMismatch?: SchemaMismatchBehavior;
  /** A 429 asking for at most this long is waited out in place (once); longer ones throw TicketThrottledError. */
  maxInlineWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** jira.js is ESM-only: loaded once with import() (CommonJS here; esbuild bundles it into each Lambda). */
type JiraJs = typeof import('jira.js', { with: { 'resolution-mode': 'import' }});
export type CloudClient = ReturnType<JiraJs['createCloudClient']>;
type SchemaMismatchBehavior = import('jira.js', { with: {
  'resolution-mode': 'import',
}}).SchemaMismatchBehavior;
let loaded: Promise<JiraJs> | undefined;
const jiraJs = () => {
  loaded ??= import('jira.js');
  return loaded;
};

/** Jira's error body: `{"errorMessages": [...], "errors": {"field": "message"}}`, made one readable line. */
export function jiraErrorText(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300);
  if (!body || typeof body !== 'object') return '';
  const { errorMessages, errors } = body as { errorMessages?: unknown; errors?: unknown };
  const parts: string[] = [];
  if (Array.isArray(errorMessages)) parts.push(...errorMessages.filter((m) => typeof m === 'string'));
  if (errors && typeof errors === 'object') {
    for (const [field, message] of Object.entries(errors)) parts.push(`${field}: ${String(message)}`);
  }
  return parts.join('; ').slice(0, 500);
}

interface ErrorShape {
  name?: string;
  status?: number;
  body?: unknown;
  retryAfterMs?: number;
  transient?: boolean;
  message?: string;
}

/**
 * Maps what jira.js throws to Airlock's named errors (the ASL contract): 429 → TicketThrottledError (Retry-After in
 * the message), 5xx and transport failures → TicketUnavailableError, other answers (401, 403, 404, 400) →
 * TicketConfigError naming the call and Jira's own words. Never the credentials.
 */
export function toTicketError(error: unknown, what: string): Error {
  const e = (error ?? {}) as ErrorShape;
  const jira = jiraErrorText(e.body);
  const detail = jira ? `: ${jira}` : '';
  if (e.status === 429) {
    const after =
      e.retryAfterMs === undefined ? 'no Retry-After' : `Retry-After ${Math.ceil(e.retryAfterMs / 1000)} s`;
    return new TicketThrottledError(`Jira rate-limited ${what} (429, ${after})`, { cause: error });
  }
  if (typeof e.status === 'number' && e.status >= 500) {
    return new TicketUnavailableError(`Jira failed ${what} (${e.status})${detail}`, { cause: error });
  }
  if (e.status === 401) {
    return new TicketConfigError(
      `Jira refused the credentials for ${what} (401): check the email and API token in the ticket secret`,
      { cause: error },
    );
  }
  if (e.status === 403) {
    return new TicketConfigError(`Jira denied ${what} (403): the account lacks a permission${detail}`, {
      cause: error,
    });
  }
  if (typeof e.status === 'number') {
    return new TicketConfigError(`Jira refused ${what} (${e.status})${detail}`, { cause: error });
  }
  if (e.name === 'NetworkError') {
    return new TicketUnavailableError(`Jira could not be reached for ${what}: ${e.message ?? ''}`, {
      cause: error,
    });
  }
  if (e.name === 'SchemaMismatchError') {
    return new TicketUnavailableError(`Jira answered ${what} in an unexpected shape: ${e.message ?? ''}`, {
      cause: error,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** One Jira call: a short 429 is waited out once in place; everything else maps to a named error. */
export type JiraCall = <T>(what: string, fn: (jira: CloudClient) => Promise<T>) => Promise<T>;

/**
 * The jira.js Cloud client (basic auth: email + API token), built at the first call with the credentials read
 * then (once per container: the provider caches). jira.js retries nothing by default: the state machine does.
 */
export function jiraCaller(options: JiraClientOptions): JiraCall {
  let client: Promise<CloudClient> | undefined;
  const sleep = options.sleep ?? realSleep;
  const maxInline = options.maxInlineWaitMs ?? 5000;
  const build = async (): Promise<CloudClient> => {
    const [{ createCloudClient }, credentials] = await Promise.all([jiraJs(), options.credentials()]);
    return createCloudClient({
      host: options.baseUrl,
      auth: { type: 'basic', email: credentials.email, apiToken: credentials.apiToken },
      onSchemaMismatch: options.onSchemaMismatch ?? 'warn',
    });
  };
  return async (what, fn) => {
    client ??= build().catch((error: unknown) => {
      client = undefined;
      throw error;
    });
    const jira = await client;
    try {
      return await fn(jira);
    } catch (error) {
      const e = error as ErrorShape;
      if (e?.status === 429 && e.retryAfterMs !== undefined && e.retryAfterMs <= maxInline) {
        await sleep(e.retryAfterMs);
        try {
          return await fn(jira);
        } catch (again) {
          throw toTicketError(again, what);
        }
      }
      throw toTicketError(error, what);
    }
  };
}
