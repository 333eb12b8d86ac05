import type { Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../workflow/log';
import { LogLevel } from './bolt';

/**
 * Bolt's and the WebClient's logs, into pino. Debug output is dropped on purpose: at debug level Bolt logs whole
 * request bodies and API Gateway events (tokens, payloads), which pino's path-based redaction cannot see in a
 * string.
 */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'bolt' });
  const line = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ');
  let level = LogLevel.INFO;
  return {
    debug: () => {},
    info: (...msg: unknown[]) => child.info(line(msg)),
    warn: (...msg: unknown[]) => child.warn(line(msg)),
    error: (...msg: unknown[]) => child.error(line(msg)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
