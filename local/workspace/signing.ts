import { randomBytes } from 'node:crypto';
import { signRequest } from '../runtime/slack-requests';
import { BOT, type FakeChannel, type FakeUser, TEAM } from '../slack/workspace';

/**
 * What Slack sends the bot, built by the drill workspace: slash-command forms and block_actions payloads, signed
 * the way Slack signs them (api.slack.com/authentication/verifying-requests-from-slack, via the runtime's
 * `signRequest`). Unlike the runtime's minimal builders, these carry the real message (blocks, thread_ts) and names.
 */

/** The legacy verification token Slack still puts in payloads (Bolt ignores it; the signature is what counts). */
const VERIFICATION_TOKEN = 'drillVerificationToken000';

/** A trigger id shaped like Slack's (`<digits>.<digits>.<hex>`); only modals would use it. */
export function triggerId(): string {
  const digits = () => String(Math.floor(Math.random() * 1e12)).padStart(12, '0');
  return `${digits()}.${digits()}.${randomBytes(16).toString('hex')}`;
}

/** Slack's `action_ts` / message timestamps: seconds with six decimals. */
export function slackTs(ms: number = Date.now()): string {
  return (ms / 1000).toFixed(6);
}

/** The form body Slack POSTs for `/ir <text>`. */
export function slashCommandForm(options: {
  user: FakeUser;
  channel: FakeChannel;
  command: string;
  text: string;
  responseUrl: string;
}): string {
  return new URLSearchParams({
    token: VERIFICATION_TOKEN,
    team_id: TEAM.id,
    team_domain: TEAM.domain,
    channel_id: options.channel.id,
    channel_name: channelName(options.channel),
    user_id: options.user.id,
    user_name: options.user.name,
    command: options.command,
    text: options.text,
    api_app_id: BOT.appId,
    is_enterprise_install: 'false',
    response_url: options.responseUrl,
    trigger_id: triggerId(),
  }).toString();
}

/** The message a block_actions payload carries (what the fake holds for the clicked message). */
export interface ClickedMessage {
  ts: string;
  text: string;
  user: string;
  botId?: string;
  blocks: unknown[];
  threadTs?: string;
}

/** A block_actions payload for one button click, shaped like test/fixtures/slack-block-actions-button-*.json. */
export function blockActionsPayload(options: {
  user: FakeUser;
  channel: FakeChannel;
  message: ClickedMessage;
  isEphemeral: boolean;
  responseUrl: string;
  action: { actionId: string; blockId: string; value: string; text: string };
}): Record<string, unknown> {
  const { user, channel, message } = options;
  return {
    type: 'block_actions',
    user: { id: user.id, username: user.name, name: user.name, team_id: TEAM.id },
    api_app_id: BOT.appId,
    token: VERIFICATION_TOKEN,
    container: {
      type: 'message',
      message_ts: message.ts,
      channel_id: channel.id,
      is_ephemeral: options.isEphemeral,
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    },
    trigger_id: triggerId(),
    team: { id: TEAM.id, domain: TEAM.domain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel.id, name: channelName(channel) },
    message: {
      type: 'message',
      ...(message.botId ? { subtype: 'bot_message', bot_id: message.botId } : {}),
      user: message.user,
      text: message.text,
      ts: message.ts,
      blocks: message.blocks,
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    },
    state: { values: {} },
    response_url: options.responseUrl,
    actions: [
      {
        action_id: options.action.actionId,
        block_id: options.action.blockId,
        text: { type: 'plain_text', text: options.action.text, emoji: true },
        value: options.action.value,
        type: 'button',
        action_ts: slackTs(),
      },
    ],
  };
}

/** `payload=<url-encoded JSON>`: the form body Slack POSTs for interactions. */
export function interactionForm(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** Slack names DMs `directmessage` in payloads. */
function channelName(channel: FakeChannel): string {
  return channel.isIm ? 'directmessage' : channel.name;
}

export interface BotResponse {
  status: number;
  /** The body, parsed when it is JSON (a slash command's acknowledgement message), else undefined. */
  json: unknown;
  text: string;
  ms: number;
}

/** POSTs a form body to the bot's Slack endpoint, signed with `secret`, as Slack does. */
export async function postSignedToBot(url: string, secret: string, body: string): Promise<BotResponse> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...signRequest(secret, body) },
    body,
    // Slack gives up after 3 s; the drill is more patient so a slow laptop still shows what the bot said.
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, ms: Math.round(performance.now() - started) };
}
