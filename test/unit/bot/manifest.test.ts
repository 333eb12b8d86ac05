import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { COMMANDS } from '../../../bot/ids';

interface Manifest {
  features: { slash_commands: { command: string; usage_hint?: string; url: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean; request_url: string } };
}

const manifest = parse(readFileSync(join(__dirname, '../../../manifest.yml'), 'utf8')) as Manifest;

describe('manifest.yml', () => {
  it('declares exactly the commands the app registers, each with a usage hint', () => {
    const declared = manifest.features.slash_commands.map((c) => c.command).sort();
    expect(declared).toEqual(Object.values(COMMANDS).sort());
    for (const c of manifest.features.slash_commands) expect(c.usage_hint).toBeTruthy();
  });

  it('asks for exactly the minimal bot scopes', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([
      'chat:write',
      'commands',
      'im:write',
      'users:read',
    ]);
  });

  it('enables interactivity, with commands and interactions on the same endpoint', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    for (const c of manifest.features.slash_commands)
      expect(c.url).toBe(manifest.settings.interactivity.request_url);
  });
});
