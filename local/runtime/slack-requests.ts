/**
 * Requests exactly as Slack sends them (form bodies, block_actions payloads) and its v0 request signature. Used by
 * the drill CLI and workspace to act as a Slack user, and by the tests; the bot cannot tell these from Slack.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { BOT, CHANNELS, TEAM, USERS } from '../slack/workspace';

/** Every real Slack request has its own trigger_id (the bot refuses a repeated one as a replay). */
function freshTriggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e12)}.${randomBytes(16).toString('hex')}`;
}

/** Slack's request signature: `v0=` + hex HMAC-SHA256(secret, `v0:{ts}:{raw body}`). */
export function signRequest(
  secret: string,
  body: string,
  ts: number | string = Math.floor(Date.now() / 1000),
): { 'x-slack-signature': string; 'x-slack-request-timestamp': string } {
  const signature = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${signature}`, 'x-slack-request-timestamp': String(ts) };
}

/**
 * A slash command POST body, form-encoded like Slack sends it (fields of
 * test/fixtures/slack-slash-command-docs-webhook-collect.json, plus the newer api_app_id).
 */
export function slashCommandBody(options: {
  text: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  command?: string;
  responseUrl?: string;
  teamId?: string;
  teamDomain?: string;
}): string {
  return new URLSearchParams({
    token: 'xyzz0WbapA4vBCDEFasx0q6G',
    team_id: options.teamId ?? TEAM.id,
    team_domain: options.teamDomain ?? TEAM.domain,
    channel_id: options.channelId ?? CHANNELS.soc,
    channel_name: options.channelName ?? 'soc-incidents',
    user_id: options.userId ?? USERS.responder,
    user_name: options.userName ?? 'rita.responder',
    command: options.command ?? '/ir',
    text: options.text,
    api_app_id: BOT.appId,
    is_enterprise_install: 'false',
    response_url: options.responseUrl ?? 'https://hooks.slack.com/commands/T0AIRLOCK/1/abc',
    trigger_id: freshTriggerId(),
  }).toString();
}

/** A block_actions payload for one button click (shape of test/fixtures/slack-block-actions-*.json). */
export function blockActionPayload(options: {
  actionId: string;
  value: string;
  userId?: string;
  channel?: string;
  messageTs?: string;
  threadTs?: string;
  blockId?: string;
  responseUrl?: string;
  teamDomain?: string;
}): Record<string, unknown> {
  const channel = options.channel ?? CHANNELS.soc;
  const messageTs = options.messageTs ?? '1700000000.000100';
  const userId = options.userId ?? USERS.responder;
  return {
    type: 'block_actions',
    team: { id: TEAM.id, domain: options.teamDomain ?? TEAM.domain },
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: TEAM.id },
    api_app_id: BOT.appId,
    token: '9s8d9as89d8as9d8as989',
    container: {
      type: 'message',
      message_ts: messageTs,
      channel_id: channel,
      is_ephemeral: false,
      ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
    },
    trigger_id: freshTriggerId(),
    channel: { id: channel, name: channel.startsWith('D') ? 'directmessage' : 'soc-incidents' },
    message: {
      type: 'message',
      user: BOT.userId,
      bot_id: BOT.botId,
      text: 'Airlock',
      ts: messageTs,
      ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
    },
    response_url: options.responseUrl ?? 'https://hooks.slack.com/actions/T0AIRLOCK/1/abc',
    actions: [
      {
        action_id: options.actionId,
        block_id: options.blockId ?? 'airlock_approval',
        text: { type: 'plain_text', text: 'Approve', emoji: true },
        value: options.value,
        type: 'button',
        action_ts: '1700000001.000200',
      },
    ],
  };
}

/** `payload=<url-encoded JSON>`, the form body Slack posts for interactions. */
export function blockActionBody(options: Parameters<typeof blockActionPayload>[0]): string {
  return new URLSearchParams({ payload: JSON.stringify(blockActionPayload(options)) }).toString();
}

export interface SignedResponse {
  status: number;
  text: string;
  json: unknown;
  ms: number;
}

/** POSTs a form body to the bot, signed with `secret` (or with the given headers, to forge one). */
export async function postSigned(
  url: string,
  body: string,
  options: { secret: string; timestamp?: number; headers?: Record<string, string>; omitSignature?: boolean },
): Promise<SignedResponse> {
  const signed = options.omitSignature ? {} : signRequest(options.secret, body, options.timestamp);
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...signed, ...options.headers },
    body,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json, ms: performance.now() - started };
}
