import pino from 'pino';

/** Paths never written to logs: tokens, secrets and raw payloads. */
export const REDACT_PATHS = [
  'token',
  'taskToken',
  '*.taskToken',
  '*.*.taskToken',
  'botToken',
  'signingSecret',
  'headers.authorization',
  'headers["x-slack-signature"]',
  '*.headers["x-slack-signature"]',
  'body',
  'rawBody',
  'payload',
  'event.body',
  'secret',
  '*.secret',
  'SecretString',
  '*.SecretString',
  'credentials',
  '*.credentials',
];

export type Logger = pino.Logger;

/**
 * One logger for the whole codebase; callers add `incidentId` / `executionArn` with `.child()`. `destination`
 * defaults to stdout; CLIs whose stdout is their result (JSON) log to stderr instead.
 */
export function createLogger(
  service: string,
  options: pino.LoggerOptions = {},
  destination?: pino.DestinationStream,
): Logger {
  const config: pino.LoggerOptions = {
    base: { service },
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...options,
  };
  return destination ? pino(config, destination) : pino(config);
}
