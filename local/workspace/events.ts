import type { ServerResponse } from 'node:http';

export type ChangeSource = 'slack' | 'engine' | 'clock' | 'intake';

/**
 * Server-Sent Events to every open page: one `change` event per burst of changes (debounced), naming what moved.
 * The page then re-reads the state it shows. Keep-alive comments stop proxies and browsers from timing out.
 */
export class ChangeFeed {
  readonly #clients = new Set<ServerResponse>();
  readonly #debounceMs: number;
  #pending = new Set<ChangeSource>();
  #timer: NodeJS.Timeout | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #seq = 0;

  constructor(options: { debounceMs?: number; keepAliveMs?: number } = {}) {
    this.#debounceMs = options.debounceMs ?? 50;
    this.#keepAlive = setInterval(() => this.#write(': keep-alive\n\n'), options.keepAliveMs ?? 15_000);
    this.#keepAlive.unref();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Opens an event stream on `res` and keeps it until the client goes away. */
  subscribe(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 1000\nevent: hello\ndata: ${JSON.stringify({ seq: this.#seq })}\n\n`);
    this.#clients.add(res);
    res.on('close', () => this.#clients.delete(res));
  }

  /** Records a change; listeners hear about it once per debounce window. */
  notify(source: ChangeSource): void {
    this.#pending.add(source);
    if (this.#timer) return;
    this.#timer = setTimeout(() => this.#flush(), this.#debounceMs);
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#keepAlive) clearInterval(this.#keepAlive);
    this.#timer = undefined;
    this.#keepAlive = undefined;
    for (const res of this.#clients) res.end();
    this.#clients.clear();
  }

  #flush(): void {
    this.#timer = undefined;
    const sources = [...this.#pending].sort();
    this.#pending = new Set();
    this.#seq += 1;
    this.#write(`event: change\ndata: ${JSON.stringify({ seq: this.#seq, sources })}\n\n`);
  }

  #write(chunk: string): void {
    for (const res of this.#clients) res.write(chunk);
  }
}
