import type { SlackSettings } from '../../workflow/config';
import type { FakeEphemeral, FakeMessage, FakeSlackApi } from '../slack/fake-api';
import { dmChannelFor } from '../slack/workspace';

export type UserRole = 'responder' | 'soc-lead' | 'outsider' | 'bot';

export interface UserView {
  id: string;
  name: string;
  realName: string;
  role: UserRole;
}

export interface ChannelView {
  id: string;
  name: string;
  isIm: boolean;
  /** DMs: the user on the other side. */
  user?: string;
}

export interface MessageView {
  channel: string;
  ts: string;
  user: string;
  text: string;
  blocks: unknown[];
  threadTs?: string;
  replyCount: number;
  edited: boolean;
  /** Files shared with the message (a report uploaded into the thread). */
  files?: { id: string; name: string; title: string; size: number }[];
}

export interface EphemeralView {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  threadTs?: string;
}

export interface SlackView {
  users: UserView[];
  /** Public channels, then the current user's DMs. */
  channels: ChannelView[];
  /** Channel id → its top-level messages, oldest first. */
  messages: Record<string, MessageView[]>;
  /** `${channel}/${parentTs}` → replies, oldest first. */
  threads: Record<string, MessageView[]>;
  /** The current user's ephemerals (Slack shows them only to that user). */
  ephemerals: EphemeralView[];
}

/** Who may do what, as the drill labels users (the bot decides for itself; this is the page's legend). */
export function roleOf(userId: string, isBot: boolean, settings: SlackSettings): UserRole {
  if (isBot) return 'bot';
  if (userId === settings.socLeadUserId) return 'soc-lead';
  if (settings.responderUserIds.includes(userId)) return 'responder';
  return 'outsider';
}

function messageView(m: FakeMessage): MessageView {
  return {
    channel: m.channel,
    ts: m.ts,
    user: m.user,
    text: m.text,
    blocks: m.blocks,
    ...(m.threadTs ? { threadTs: m.threadTs } : {}),
    replyCount: m.replies.length,
    edited: m.edits > 0,
    ...(m.files?.length
      ? { files: m.files.map((f) => ({ id: f.id, name: f.name, title: f.title, size: f.size })) }
      : {}),
  };
}

function ephemeralView(e: FakeEphemeral): EphemeralView {
  return {
    channel: e.channel,
    ts: e.ts,
    text: e.text,
    blocks: e.blocks,
    ...(e.threadTs ? { threadTs: e.threadTs } : {}),
  };
}

/** The workspace as one user sees it. */
export function slackViewFor(slack: FakeSlackApi, userId: string, settings: SlackSettings): SlackView {
  const users = [...slack.users.values()].map((u) => ({
    id: u.id,
    name: u.name,
    realName: u.realName,
    role: roleOf(u.id, u.isBot, settings),
  }));
  const ownDm = dmChannelFor(userId);
  const channels = [...slack.channels.values()]
    .filter((c) => !c.isIm || c.id === ownDm)
    .map((c) => ({ id: c.id, name: c.name, isIm: c.isIm, ...(c.user ? { user: c.user } : {}) }))
    .sort((a, b) => Number(a.isIm) - Number(b.isIm) || a.name.localeCompare(b.name));
  const messages: SlackView['messages'] = {};
  const threads: SlackView['threads'] = {};
  for (const channel of channels) {
    const top = slack.channelMessages(channel.id);
    messages[channel.id] = top.map(messageView);
    for (const parent of top) {
      if (parent.replies.length) {
        threads[`${channel.id}/${parent.ts}`] = slack.thread(channel.id, parent.ts).map(messageView);
      }
    }
  }
  const visible = new Set(channels.map((c) => c.id));
  return {
    users,
    channels,
    messages,
    threads,
    ephemerals: slack
      .ephemerals(userId)
      .filter((e) => visible.has(e.channel))
      .map(ephemeralView),
  };
}
