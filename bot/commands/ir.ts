import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { ValidationError } from '../../workflow/errors';
import type { Authorizer } from '../authz';
import { refuseNotResponder } from '../authz';
import type { BotDeps } from '../deps';
import { escapeMrkdwn, message, type SlackMessage, section } from '../messages/blocks';
import { claimCommand } from './claim';
import type { CommandContext } from './context';
import { helpCommand } from './help';
import { isolateCommand } from './isolate';
import { listCommand } from './list';
import { type IrCommand, parseIrCommand } from './parse';
import { reportCommand } from './report';
import { settleCommand } from './settle';
import { statsCommand } from './stats';
import { statusCommand } from './status';

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

function invalid(error: ValidationError): SlackMessage {
  const said = escapeMrkdwn(error.message);
  const text = `:warning: ${said}`;
  return message(`${escapeMrkdwn(error.field)}: ${said}`, [
    section(`${text}\n_\`/ir help\` shows every command._`),
  ]);
}

async function dispatch(command: IrCommand, ctx: CommandContext): Promise<SlackMessage> {
  if (command.kind === 'help') return helpCommand(command.problem, ctx.deps.paging);
  // Everything but help shows or changes incidents: responders only.
  if (!(await ctx.authz.isResponder(ctx.userId, ctx.client))) {
    ctx.log.warn({ userId: ctx.userId, command: command.kind }, 'refused /ir from a non-responder');
    const refusal = refuseNotResponder(ctx.deps.settings);
    return message(refusal.message, [section(`:no_entry: ${refusal.message}`)]);
  }
  switch (command.kind) {
    case 'isolate':
      return isolateCommand(command, ctx);
    case 'status':
      return statusCommand(command, ctx);
    case 'list':
      return listCommand(ctx);
    case 'claim':
      return claimCommand(command.incidentId, ctx);
    case 'resolve':
    case 'release':
      return settleCommand(command.kind, command.incidentId, ctx);
    case 'report':
      return reportCommand(command.target, ctx);
    case 'stats':
      return statsCommand(command.window, ctx);
  }
}

/**
 * `/ir …`: parse once, dispatch, answer ephemerally in the acknowledgement itself (one HTTP response, no extra
 * Slack call). Bad arguments are answered with what was wrong; anything unexpected is acknowledged empty and
 * rethrown to the global error handler, which replies through response_url with an error id.
 */
export async function irCommand(args: CommandArgs, deps: BotDeps, authz: Authorizer): Promise<void> {
  const { command, ack, client } = args;
  const ctx: CommandContext = {
    deps,
    authz,
    client,
    userId: command.user_id,
    teamDomain: command.team_domain,
    channelId: command.channel_id,
    responseUrl: command.response_url,
    log: deps.log.child({ userId: command.user_id, command: 'ir' }),
  };
  let reply: SlackMessage;
  try {
    reply = await dispatch(parseIrCommand(command.text ?? ''), ctx);
  } catch (error) {
    if (!(error instanceof ValidationError)) {
      await ack();
      throw error;
    }
    reply = invalid(error);
  }
  await ack({ response_type: 'ephemeral', text: reply.text, blocks: reply.blocks });
}
