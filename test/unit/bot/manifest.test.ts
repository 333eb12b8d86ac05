import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '@slack/bolt';
import { parse } from 'yaml';
import { registerListeners } from '../../../bot/app';
import type { BotDeps } from '../../../bot/deps';
import { ACTIONS, COMMANDS } from '../../../bot/ids';
import { usage } from '../../../bot/messages/usage';
import { BOT_SCOPES } from '../../../local/slack/workspace';
import { SlackSettingsSchema } from '../../../workflow/config';
import { createLogger } from '../../../workflow/log';

/** What registerListeners registers on an app (recorded by a stand-in App). */
function registered(): { commands: string[]; actions: string[]; errorHandler: boolean } {
  const out = { commands: [] as string[], actions: [] as string[], errorHandler: false };
  const app = {
    command: (name: string) => out.commands.push(name),
    action: (id: string) => out.actions.push(id),
    error: () => {
      out.errorHandler = true;
    },
    client: {},
  } as unknown as App;
  const deps = {
    settings: SlackSettingsSchema.parse({ socChannel: 'C', reviewChannel: 'C2', socLeadUserId: 'U' }),
    clock: { now: () => new Date() },
    log: createLogger('test'),
  } as unknown as BotDeps;
  registerListeners(app, deps);
  return out;
}

interface Manifest {
  features: { slash_commands: { command: string; usage_hint?: string; url: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean; request_url: string } };
}

const manifest = parse(readFileSync(join(__dirname, '../../../manifest.yml'), 'utf8')) as Manifest;

describe('manifest.yml', () => {
  it('declares exactly the commands the app registers, each with a usage hint', () => {
    const declared = manifest.features.slash_commands.map((c) => c.command).sort();
    expect(declared).toEqual(registered().commands.sort());
    expect(declared).toEqual(Object.values(COMMANDS).sort());
    for (const c of manifest.features.slash_commands) expect(c.usage_hint).toBeTruthy();
  });

  it('names every /ir subcommand in the usage hint and in /ir help, report and stats included', () => {
    const hint = manifest.features.slash_commands[0]?.usage_hint ?? '';
    const help = JSON.stringify(usage().blocks);
    for (const sub of [
      'isolate',
      'status',
      'list',
      'claim',
      'resolve',
      'release',
      'report',
      'stats',
      'help',
    ]) {
      expect(hint).toMatch(new RegExp(`(^|[| ])${sub}\\b`));
      expect(help).toContain(`/ir ${sub}`);
    }
    expect(hint).toContain('stats [7d|30d]');
  });

  it('registers a listener for every action id and the global error handler', () => {
    const r = registered();
    expect(r.actions.sort()).toEqual(Object.values(ACTIONS).sort());
    expect(r.errorHandler).toBe(true);
  });

  it('asks for exactly the minimal bot scopes', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([
      'chat:write',
      'commands',
      'files:write',
      'im:write',
      'users:read',
    ]);
  });

  it('installs the drill workspace app (the fake Slack API) with exactly these scopes', () => {
    expect([...BOT_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });

  it('enables interactivity, with commands and interactions on the same endpoint', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    for (const c of manifest.features.slash_commands)
      expect(c.url).toBe(manifest.settings.interactivity.request_url);
  });
});
