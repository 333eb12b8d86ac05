import { randomBytes } from 'node:crypto';
import type { App, BlockAction, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import {
  AirlockError,
  ApprovalExpiredError,
  ResourceNotFoundError,
  ValidationError,
} from '../workflow/errors';
import type { Logger } from '../workflow/log';
import { escapeMrkdwn } from './messages/blocks';
import { postEphemeral, respondEphemeral, whereFromAction } from './reply';

/** What Bolt passes an extended error handler (not exported by name from @slack/bolt). */
type ExtendedErrorHandlerArgs = Parameters<Parameters<App['error']>[0]>[0];

/** Errors whose message is written for the responder: shown as is. Everything else gets an error id. */
const EXPECTED: ReadonlyArray<new (...args: never[]) => Error> = [
  ValidationError,
  ApprovalExpiredError,
  ResourceNotFoundError,
];

export function newErrorId(): string {
  return randomBytes(4).toString('hex');
}

function unwrap(error: Error): Error {
  const original = (error as Error & { original?: unknown }).original;
  return original instanceof Error ? original : error;
}

function incidentIdOf(body: unknown): string | undefined {
  const action = (body as Partial<BlockAction>).actions?.[0];
  const value = action && 'value' in action ? action.value : undefined;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed = JSON.parse(value) as { i?: unknown };
    return typeof parsed.i === 'string' ? parsed.i : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The one global error handler (Bolt `extendedErrorHandler`). Expected errors become an ephemeral message where
 * the user is (in the thread for a click from one); unexpected ones are logged with a short error id and only that
 * id is shown. It never rethrows: the request was acknowledged already and Slack must not retry it.
 */
export function createErrorHandler(log: Logger, client: () => WebClient) {
  return async function handleBotError({ error, body }: ExtendedErrorHandlerArgs): Promise<void> {
    const cause = unwrap(error);
    const incidentId = incidentIdOf(body);
    const expected = EXPECTED.some((type) => cause instanceof type);
    let text: string;
    if (expected) {
      log.info({ incidentId, error: cause.name, reason: cause.message }, 'request refused');
      text = `:warning: ${escapeMrkdwn(cause.message)}`;
    } else {
      const errorId = newErrorId();
      log.error(
        { incidentId, errorId, err: cause, name: cause.name },
        'unexpected error in a Slack listener',
      );
      text = `:x: Something went wrong. Error id \`${errorId}\`: give it to your SOC lead (the details are in the logs).`;
      if (cause instanceof AirlockError) text += ` (${cause.name})`;
    }
    try {
      if ((body as { type?: string }).type === 'block_actions') {
        const where = whereFromAction(body as BlockAction);
        if (where) await postEphemeral(client(), where, text);
      } else if (typeof (body as Partial<SlashCommand>).response_url === 'string') {
        await respondEphemeral((body as SlashCommand).response_url, text);
      }
    } catch (speakError) {
      log.error({ incidentId, err: speakError }, 'could not tell the user about an error');
    }
  };
}
