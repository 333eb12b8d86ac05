import { COMMANDS } from '../../bot/ids';
import { BOT, type FakeChannel, type FakeSlackApi, type FakeUser } from '../slack/fake-api';
import {
  type BotResponse,
  blockActionsPayload,
  type ClickedMessage,
  interactionForm,
  postSignedToBot,
  slashCommandForm,
} from './signing';

/** A request the page made that names something the workspace does not have (answered 404 with the field). */
export class NotFoundError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** The bot answered with an error status (signature refused, listener crashed …). */
export class BotRefusedError extends Error {
  constructor(readonly response: BotResponse) {
    super(
      `the bot answered HTTP ${response.status}${response.text ? `: ${response.text.slice(0, 200)}` : ''}`,
    );
    this.name = 'BotRefusedError';
  }
}

interface Target {
  slack: FakeSlackApi;
  bot: { url: string; signingSecret: string };
}

function userOf(slack: FakeSlackApi, userId: string): FakeUser {
  const user = slack.users.get(userId);
  if (!user || user.isBot) throw new NotFoundError(`no such user: ${userId}`, 'userId');
  return user;
}

function channelOf(slack: FakeSlackApi, channelId: string): FakeChannel {
  const channel = slack.channels.get(channelId);
  if (!channel) throw new NotFoundError(`no such channel: ${channelId}`, 'channelId');
  return channel;
}

export interface SlashResult {
  status: number;
  ms: number;
  /** The acknowledgement's text, when the bot answered in the HTTP response. */
  text?: string;
}

/**
 * `/ir <text>` as Slack sends it: a signed form POST to the bot. Slack shows a JSON acknowledgement to the user
 * (ephemeral unless `response_type: in_channel`); the drill shows it the same way by handing it to the fake's
 * response_url for this command, where response_url replies from the bot land too.
 */
export async function sendSlashCommand(
  target: Target,
  input: { userId: string; channelId: string; text: string },
): Promise<SlashResult> {
  const user = userOf(target.slack, input.userId);
  const channel = channelOf(target.slack, input.channelId);
  const responseUrl = target.slack.responseUrl({ userId: user.id, channel: channel.id });
  const body = slashCommandForm({ user, channel, command: COMMANDS.ir, text: input.text, responseUrl });
  const response = await postSignedToBot(target.bot.url, target.bot.signingSecret, body);
  if (response.status !== 200) throw new BotRefusedError(response);
  const ack = acknowledgement(response);
  if (ack) {
    const shown = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ack),
    });
    if (!shown.ok) throw new Error(`showing the acknowledgement failed: HTTP ${shown.status}`);
  }
  return {
    status: response.status,
    ms: response.ms,
    ...(typeof ack?.text === 'string' ? { text: ack.text } : {}),
  };
}

/** A non-empty acknowledgement body as a message (plain text bodies count as text, as in Slack). */
function acknowledgement(response: BotResponse): Record<string, unknown> | undefined {
  if (response.json && typeof response.json === 'object' && !Array.isArray(response.json)) {
    const json = response.json as Record<string, unknown>;
    if (typeof json.text === 'string' || Array.isArray(json.blocks)) return json;
    return undefined;
  }
  return response.text.trim() ? { text: response.text } : undefined;
}

export interface ClickInput {
  userId: string;
  channelId: string;
  messageTs: string;
  actionId: string;
  value: string;
  blockId?: string;
}

/** The button with this action id (and value) in a message's blocks, with its block id and label. */
export function findButton(
  blocks: unknown[],
  actionId: string,
  value: string,
): { blockId: string; text: string } | undefined {
  for (const block of blocks) {
    if (!isRecord(block) || !Array.isArray(block.elements)) continue;
    for (const element of block.elements) {
      if (!isRecord(element) || element.action_id !== actionId) continue;
      if (element.value !== undefined && element.value !== value) continue;
      const label = isRecord(element.text) && typeof element.text.text === 'string' ? element.text.text : '';
      return { blockId: typeof block.block_id === 'string' ? block.block_id : '', text: label };
    }
  }
  return undefined;
}

/**
 * A button click as Slack sends it: a block_actions payload carrying the message as the fake holds it (blocks,
 * thread_ts), signed and POSTed as `payload=…`. The bot cannot tell it from Slack.
 */
export async function sendClick(target: Target, input: ClickInput): Promise<{ status: number; ms: number }> {
  const user = userOf(target.slack, input.userId);
  const channel = channelOf(target.slack, input.channelId);
  const { message, isEphemeral } = clickedMessage(target.slack, channel.id, user.id, input.messageTs);
  const button = findButton(message.blocks, input.actionId, input.value);
  if (!button)
    throw new NotFoundError(`the message has no button ${input.actionId} with that value`, 'actionId');
  const responseUrl = target.slack.responseUrl({
    userId: user.id,
    channel: channel.id,
    messageTs: message.ts,
    ...(message.threadTs ? { threadTs: message.threadTs } : {}),
  });
  const payload = blockActionsPayload({
    user,
    channel,
    message,
    isEphemeral,
    responseUrl,
    action: {
      actionId: input.actionId,
      blockId: input.blockId ?? button.blockId,
      value: input.value,
      text: button.text,
    },
  });
  const response = await postSignedToBot(target.bot.url, target.bot.signingSecret, interactionForm(payload));
  if (response.status !== 200) throw new BotRefusedError(response);
  return { status: response.status, ms: response.ms };
}

function clickedMessage(
  slack: FakeSlackApi,
  channel: string,
  userId: string,
  ts: string,
): { message: ClickedMessage; isEphemeral: boolean } {
  const message = slack.message(channel, ts);
  if (message) {
    return {
      isEphemeral: false,
      message: {
        ts: message.ts,
        text: message.text,
        user: message.user,
        ...(message.botId ? { botId: message.botId } : {}),
        blocks: message.blocks,
        ...(message.threadTs ? { threadTs: message.threadTs } : {}),
      },
    };
  }
  const ephemeral = slack.ephemerals(userId).find((e) => e.channel === channel && e.ts === ts);
  if (ephemeral) {
    return {
      isEphemeral: true,
      message: {
        ts: ephemeral.ts,
        text: ephemeral.text,
        user: BOT.userId,
        botId: BOT.botId,
        blocks: ephemeral.blocks,
        ...(ephemeral.threadTs ? { threadTs: ephemeral.threadTs } : {}),
      },
    };
  }
  throw new NotFoundError(`no message ${ts} in ${channel}`, 'messageTs');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
