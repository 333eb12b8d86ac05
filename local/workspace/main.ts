import { createServer } from 'node:net';
import { createLogger } from '../../workflow/log';
import { startOfflineStack } from '../runtime/stack';
import type { OfflineStack } from '../runtime/types';
import { fromOfflineStack } from './offline';
import { PortInUseError, startWorkspace, type Workspace } from './server';

/**
 * `npm start`: the whole of Airlock offline on 127.0.0.1 plus the drill workspace page.
 * Environment: PORT (workspace, default 3000), AIRLOCK_BOT_PORT (bot, default random), AIRLOCK_TIME_SCALE
 * (virtual time speed, default 1; 0 = moves only when fast-forwarded), AIRLOCK_DATA_DIR (keep the ledger on
 * disk), SLACK_SIGNING_SECRET (default: random per start), LOG_LEVEL (default warn here), AIRLOCK_TICKETS
 * (`jira`, the default here: tickets go to a fake Jira site the card links to; `ledger`: the product default).
 */

// A readable console by default; LOG_LEVEL=info npm start shows every step's log line.
process.env.LOG_LEVEL ??= 'warn';
const log = createLogger('drill');

function envInt(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function envScale(): number {
  const raw = process.env.AIRLOCK_TIME_SCALE;
  if (raw === undefined || raw === '') return 1;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`AIRLOCK_TIME_SCALE must be a number ≥ 0, got "${raw}"`);
  return value;
}

/** Fails fast (before the stack starts) when the workspace port is taken. */
function assertPortFree(port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

function banner(workspace: Workspace, stack: OfflineStack, scale: number, secretFromEnv: boolean): string {
  const secret = secretFromEnv
    ? `${stack.bot.signingSecret.slice(0, 4)}… (from SLACK_SIGNING_SECRET, shown masked; use a drill-only value)`
    : `${stack.bot.signingSecret} (a drill secret, random per start: never a real app's secret)`;
  const clock =
    scale === 0
      ? 'paused: moves only with the fast-forward buttons'
      : `${scale}× real time, plus fast-forward`;
  return [
    '',
    'Airlock drill workspace (everything offline, on 127.0.0.1)',
    `  Workspace:          ${workspace.url}`,
    `  Bot Slack endpoint: ${stack.bot.url}`,
    `  Signing secret:     ${secret}`,
    `  Virtual clock:      ${clock}`,
    `  PagerDuty (fake):   ${stack.pagerDuty ? `${stack.pagerDuty.url}/v2/enqueue (the Pages tab shows what the on-call received)` : 'paging off'}`,
    `  Ledger:             ${process.env.AIRLOCK_DATA_DIR ? `dynalite at ${process.env.AIRLOCK_DATA_DIR}` : 'in memory'}`,
    `  Tickets:            ${stack.jira ? `fake Jira at ${stack.jira.baseUrl}/browse (the card links each ticket)` : 'the ledger'}`,
    'Open the workspace, pick a sample in Inject, and answer in #soc-incidents. Ctrl-C stops.',
    '',
  ].join('\n');
}

export async function main(): Promise<void> {
  const port = envInt('PORT', 3000, 0, 65535);
  const botPort = envInt('AIRLOCK_BOT_PORT', 0, 0, 65535);
  const timeScale = envScale();
  await assertPortFree(port);
  const secretFromEnv = !!process.env.SLACK_SIGNING_SECRET;
  const stack = await startOfflineStack({
    botPort,
    timeScale,
    tickets: process.env.AIRLOCK_TICKETS === 'ledger' ? 'ledger' : 'jira',
    ...(process.env.AIRLOCK_DATA_DIR ? { dataDir: process.env.AIRLOCK_DATA_DIR } : {}),
    ...(process.env.SLACK_SIGNING_SECRET ? { signingSecret: process.env.SLACK_SIGNING_SECRET } : {}),
  });
  let workspace: Workspace;
  try {
    workspace = await startWorkspace({ stack: fromOfflineStack(stack), port, log });
  } catch (error) {
    await stack.close();
    throw error;
  }
  process.stdout.write(banner(workspace, stack, timeScale, secretFromEnv));

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stdout.write(`\n${signal} again: exiting without waiting.\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the workspace and the offline stack…\n`);
    workspace
      .close()
      .then(() => stack.close())
      .then(() => {
        process.stdout.write('Stopped.\n');
        process.exit(0);
      })
      .catch((error: unknown) => {
        log.error({ err: error }, 'clean shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`npm start failed: ${message}\n`);
    if (!(error instanceof PortInUseError)) log.error({ err: error }, 'drill workspace failed to start');
    process.exit(1);
  });
}
