import { parseIrCommand } from '../../../../bot/commands/parse';
import { ValidationError } from '../../../../workflow/errors';

function fieldOf(text: string): string {
  try {
    parseIrCommand(text);
  } catch (error) {
    if (error instanceof ValidationError) return error.field;
    throw error;
  }
  throw new Error(`"${text}" parsed`);
}

describe('parseIrCommand', () => {
  it('parses isolate with account, region, reason and --plan in any position', () => {
    expect(
      parseIrCommand(
        'isolate i-0abc1234def567890 account 210987654321 region eu-west-1 reason beaconing to C2 --plan',
      ),
    ).toEqual({
      kind: 'isolate',
      instanceId: 'i-0abc1234def567890',
      accountId: '210987654321',
      region: 'eu-west-1',
      reason: 'beaconing to C2',
      plan: true,
    });
    expect(parseIrCommand('  ISOLATE   i-12345678  --plan ')).toEqual({
      kind: 'isolate',
      instanceId: 'i-12345678',
      plan: true,
    });
  });

  it('rejects an instance id that is not i- and 8 or 17 hex characters, naming the field', () => {
    for (const bad of ['i-123', 'i-0ABC1234DEF567890', 'instance-1', 'i-0abc1234def56789']) {
      expect(fieldOf(`isolate ${bad}`)).toBe('instance-id');
    }
    expect(() => parseIrCommand('isolate i-123')).toThrow(/e\.g\. `i-0123456789abcdef0`/);
  });

  it('rejects a missing instance id, a bad account, a bad region and stray words, naming each field', () => {
    expect(fieldOf('isolate')).toBe('instance-id');
    expect(fieldOf('isolate i-12345678 account 1234')).toBe('account');
    expect(fieldOf('isolate i-12345678 account')).toBe('account');
    expect(fieldOf('isolate i-12345678 region Mars')).toBe('region');
    expect(fieldOf('isolate i-12345678 please')).toBe('arguments');
    expect(fieldOf('isolate i-12345678 reason')).toBe('reason');
  });

  it('parses status by incident id or instance id, and rejects anything else', () => {
    expect(parseIrCommand('status inc-0123456789abcdef')).toEqual({
      kind: 'status',
      incidentId: 'inc-0123456789abcdef',
    });
    expect(parseIrCommand('status i-0abc1234def567890')).toEqual({
      kind: 'status',
      instanceId: 'i-0abc1234def567890',
    });
    expect(fieldOf('status')).toBe('target');
    expect(fieldOf('status banana')).toBe('target');
  });

  it('parses report by incident id or instance id, and rejects a missing, malformed or extra id', () => {
    expect(parseIrCommand('report inc-0123456789abcdef')).toEqual({
      kind: 'report',
      target: { incidentId: 'inc-0123456789abcdef' },
    });
    expect(parseIrCommand('report i-0abc1234def567890')).toEqual({
      kind: 'report',
      target: { instanceId: 'i-0abc1234def567890' },
    });
    expect(fieldOf('report')).toBe('target');
    expect(fieldOf('report inc-XYZ')).toBe('target');
    expect(fieldOf('report inc-0123456789abcdef inc-0123456789abcdef')).toBe('target');
  });

  it('parses stats with 7d by default or 30d, and rejects any other window', () => {
    expect(parseIrCommand('stats')).toEqual({ kind: 'stats', window: '7d' });
    expect(parseIrCommand('stats 30D')).toEqual({ kind: 'stats', window: '30d' });
    expect(fieldOf('stats 90d')).toBe('window');
    expect(fieldOf('stats 7d 30d')).toBe('window');
  });

  it('answers help for help, nothing, and unknown subcommands (stating the unknown one)', () => {
    expect(parseIrCommand('help')).toEqual({ kind: 'help' });
    expect(parseIrCommand('')).toEqual({ kind: 'help' });
    expect(parseIrCommand('list')).toEqual({ kind: 'list' });
    expect(parseIrCommand('frobnicate now')).toEqual({
      kind: 'help',
      problem: 'Unknown subcommand `frobnicate`.',
    });
  });
});

describe('parseIrCommand: long or odd commands (§4)', () => {
  function problemOf(text: string): string {
    try {
      parseIrCommand(text);
    } catch (error) {
      if (error instanceof ValidationError) return error.message;
      throw error;
    }
    throw new Error('parsed');
  }

  it('rejects a 5,000-character command with a short, clear answer (no dump of what was typed)', () => {
    const message = problemOf(`isolate i-0abc1234def567890 reason ${'x'.repeat(5000)}`);
    expect(message).toContain('too long');
    expect(message).toContain('5,035 characters');
    expect(message.length).toBeLessThan(200);
    expect(message).not.toContain('xxxxxxxxxx');
  });

  it('rejects a long bad value by quoting only its start', () => {
    const message = problemOf(`isolate ${'i'.repeat(600)}`);
    expect(message.length).toBeLessThan(400);
  });

  it('reads subcommands and keywords in any case (HELP, ISOLATE … REGION …, Status); ids stay exact', () => {
    expect(parseIrCommand('HELP')).toEqual({ kind: 'help' });
    expect(parseIrCommand('ISOLATE i-0abc1234def567890 REGION eu-west-1 --PLAN')).toMatchObject({
      kind: 'isolate',
      instanceId: 'i-0abc1234def567890',
      region: 'eu-west-1',
      plan: true,
    });
    expect(parseIrCommand('Status inc-0123456789abcdef')).toEqual({
      kind: 'status',
      incidentId: 'inc-0123456789abcdef',
    });
  });
});
