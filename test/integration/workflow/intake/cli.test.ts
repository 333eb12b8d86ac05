import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runIntakeCli } from '../../../../local/cli/intake';

const root = join(__dirname, '..', '..', '..', '..');
const fixturePath = (name: string) => join('test', 'fixtures', name);

/** `npx tsx local/cli/intake.ts …` as a user runs it (`npm run --silent intake -- …`). */
function runCli(...args: string[]): { status: number | null; json: Record<string, unknown>; stdout: string } {
  const child = spawnSync('npx', ['tsx', 'local/cli/intake.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const stdout = child.stdout ?? '';
  return { status: child.status, stdout, json: JSON.parse(stdout) as Record<string, unknown> };
}

describe('intake CLI (child process)', () => {
  it('prints one JSON object with the route of a high-severity EC2 finding, exit 0', () => {
    const { status, json, stdout } = runCli(
      fixturePath('gd-eventbridge-ec2-backdoor-cc-activity-b-dns-minimal.json'),
      '--allow-samples',
    );
    expect(status).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(json).toEqual({
      route: 'contain-ec2',
      reason: 'contain: severity 8.7 (HIGH) ≥ containMinSeverity 7 on ec2-instance i-0123456789abcdef0',
      findingId: '00000000000000000000000000000000',
      dedupeKey: '123456789012:us-west-2:00000000000000000000000000000000',
      resource: { kind: 'ec2-instance', rawType: 'Instance', instanceId: 'i-0123456789abcdef0' },
      incidentId: expect.stringMatching(/^inc-[0-9a-f]{16}$/),
      type: 'Backdoor:EC2/C&CActivity.B!DNS',
      severity: { value: 8.7, label: 'HIGH' },
      accountId: '123456789012',
      region: 'us-west-2',
      source: 'guardduty',
    });
  });

  it('rejects a PascalCase (GetFindings-shaped) event with error.field, exit 2', () => {
    const { status, json } = runCli(
      fixturePath('gd-eventbridge-pascal-unauthorizedaccess-ec2-sshbruteforce.json'),
    );
    expect(status).toBe(2);
    expect(json).toEqual({
      error: { field: 'detail.Id', message: expect.stringMatching(/GetFindings\/PascalCase/) },
    });
  });
});

describe('intake CLI (in process)', () => {
  const readFixture = (path: string) => {
    const files: Record<string, string> = {
      'bad.json': '{"detail-type": ',
      'manual.json': JSON.stringify({
        kind: 'manual',
        instanceId: 'i-0123456789abcdef0',
        requesterSlackUserId: 'U1',
        accountId: '123456789012',
        region: 'us-east-1',
      }),
    };
    const text = files[path];
    if (text === undefined)
      throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
    return text;
  };

  it('ignores a sample finding by default and routes it with --allow-samples', () => {
    const file = join(root, fixturePath('gd-eventbridge-ec2-unauthorizedaccess-toripcaller.json'));
    const strict = runIntakeCli([file]);
    const drill = runIntakeCli([file, '--allow-samples']);
    expect(strict).toMatchObject({
      exitCode: 0,
      body: { route: 'ignore', reason: expect.stringMatching(/^sample: /) },
    });
    expect(drill).toMatchObject({ exitCode: 0, body: { route: 'review' } });
  });

  it('prints a control finding as ignore with its reason', () => {
    const answer = runIntakeCli([join(root, fixturePath('sh-eventbridge-customaction-cis-1.6.json'))]);
    expect(answer).toMatchObject({
      exitCode: 0,
      body: {
        route: 'ignore',
        reason: 'Security Hub control finding: not actionable',
        source: 'securityhub',
      },
    });
  });

  it('routes a manual request contain-ec2', () => {
    expect(runIntakeCli(['manual.json'], readFixture)).toMatchObject({
      exitCode: 0,
      body: { route: 'contain-ec2', findingId: 'manual:i-0123456789abcdef0', source: 'manual' },
    });
  });

  it.each([
    ['an unreadable file', ['missing.json'], 'file', /cannot read missing\.json/],
    ['bad JSON', ['bad.json'], '(json)', /not valid JSON/],
    ['no file', [], 'file', /usage/],
    ['an unknown option', ['bad.json', '--force'], 'argv', /unknown option --force/],
  ])('fails with exit 2 on %s', (_what, argv, field, message) => {
    const answer = runIntakeCli(argv, readFixture);
    expect(answer.exitCode).toBe(2);
    expect(answer.body).toEqual({ error: { field, message: expect.stringMatching(message) } });
  });
});
