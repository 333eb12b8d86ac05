/** The drill workspace's fixed ids: tests, the fake API and the drill page agree on them. */
export const TEAM = { id: 'T0AIRLOCK', domain: 'airlock-drill', name: 'Airlock Drill' } as const;

export const BOT = {
  userId: 'U0AIRBOT',
  botId: 'B0AIRBOT',
  appId: 'A0AIRLOCK',
  name: 'airlock',
  /** The fake bot token the fake API accepts (never a real secret). */
  token: 'xoxb-0000000000-fake-airlock-drill',
} as const;

export const USERS = {
  /** A responder. */
  responder: 'U0RESP1',
  /** A second responder (four-eyes approvals). */
  responder2: 'U0RESP2',
  /** The SOC lead: always an approver, gets escalations. */
  lead: 'U0LEAD',
  /** A workspace member who is not a responder. */
  outsider: 'U0OUTSIDE',
} as const;

export const CHANNELS = {
  soc: 'C0SOCINCIDENTS',
  review: 'C0REVIEW',
} as const;

/**
 * The bot scopes the drill app is installed with: manifest.yml's `oauth_config.scopes.bot` (a test keeps them
 * equal). The fake answers a method whose scope is missing with `missing_scope`, as Slack does.
 */
export const BOT_SCOPES = ['commands', 'chat:write', 'files:write', 'im:write', 'users:read'] as const;

/** A responder user group (usergroups.users.list), for workspaces on a paid plan. */
export const RESPONDER_GROUP = 'S0RESPONDERS';

export interface FakeUser {
  id: string;
  name: string;
  realName: string;
  isBot: boolean;
}

export interface FakeChannel {
  id: string;
  name: string;
  isIm: boolean;
  /** For a DM: the user on the other side. */
  user?: string;
}

export const DEFAULT_USERS: FakeUser[] = [
  { id: USERS.responder, name: 'rita.responder', realName: 'Rita Responder', isBot: false },
  { id: USERS.responder2, name: 'sam.second', realName: 'Sam Second', isBot: false },
  { id: USERS.lead, name: 'lee.lead', realName: 'Lee Lead (SOC lead)', isBot: false },
  { id: USERS.outsider, name: 'otto.outsider', realName: 'Otto Outsider', isBot: false },
  { id: BOT.userId, name: BOT.name, realName: 'Airlock', isBot: true },
];

export const DEFAULT_CHANNELS: FakeChannel[] = [
  { id: CHANNELS.soc, name: 'soc-incidents', isIm: false },
  { id: CHANNELS.review, name: 'soc-review', isIm: false },
];

/** The DM channel id the fake assigns to a user (`D` + the user id without its `U`). */
export function dmChannelFor(userId: string): string {
  return `D${userId.replace(/^U/, '')}`;
}
