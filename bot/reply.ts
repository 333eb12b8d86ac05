import type { BlockAction } from '@slack/bolt';
import type { KnownBlock, WebClient } from '@slack/web-api';

/** Where a user is when they click: the channel (or DM), and the thread if the message is a reply. */
export interface Where {
  channel: string;
  user: string;
  threadTs?: string;
  messageTs?: string;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

export function whereFromAction(body: BlockAction): Where | undefined {
  const channel = str(body.container.channel_id) ?? body.channel?.id;
  if (!channel) return undefined;
  const threadTs = str(body.message?.thread_ts) ?? str(body.container.thread_ts);
  const messageTs = str(body.container.message_ts) ?? body.message?.ts;
  return {
    channel,
    user: body.user.id,
    ...(threadTs ? { threadTs } : {}),
    ...(messageTs ? { messageTs } : {}),
  };
}

/** An ephemeral message to one user, in the thread when the click came from one. */
export async function postEphemeral(
  client: WebClient,
  where: Where,
  text: string,
  blocks?: KnownBlock[],
): Promise<void> {
  await client.chat.postEphemeral({
    channel: where.channel,
    user: where.user,
    text,
    ...(blocks ? { blocks } : {}),
    ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
  });
}

/** An ephemeral reply through a slash command's response_url (works in any channel, even without the bot in it). */
export async function respondEphemeral(responseUrl: string, text: string): Promise<void> {
  const response = await fetch(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
    signal: AbortSignal.timeout(2000),
  });
  if (!response.ok) throw new Error(`response_url answered HTTP ${response.status}`);
}

/**
 * A whole message (text and blocks) through a slash command's response_url, as a new ephemeral message: how
 * deferred work answers after the acknowledgement. One retry after a failed post (a response_url takes five).
 */
export async function respondMessage(
  responseUrl: string,
  message: { text: string; blocks?: KnownBlock[] },
): Promise<void> {
  const post = async () => {
    const response = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        response_type: 'ephemeral',
        replace_original: false,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks } : {}),
      }),
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`response_url answered HTTP ${response.status}`);
  };
  try {
    await post();
  } catch {
    await post();
  }
}
