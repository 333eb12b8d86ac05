import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `npm run drill -- --estate FILE --event FILE` as a user runs it: a fresh process, stdout, the exit code. */

const ROOT = join(__dirname, '../../../..');
const SAMPLES = join(ROOT, 'local/workspace/samples');
const ESTATE = join(ROOT, 'test/fixtures/estates/spot-two-vpcs.json');
const dir = mkdtempSync(join(tmpdir(), 'airlock-drill-cli-'));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const child = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'local/cli/drill.ts'), ...args],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' }, timeout: 60_000 },
  );
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

function write(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

describe('drill CLI --estate', () => {
  it('rejects an invalid estate file with exit code 2, naming each field', () => {
    const estate = JSON.parse(readFileSync(ESTATE, 'utf8'));
    estate.accounts[0].regions[0].instances[0].networkInterfaces[0].subnet = 'subnet-0f000000000000099';
    estate.accounts[0].regions[0].autoScalingGroups[0].healthCheckType = 'HTTP';
    const { status, stdout, stderr } = cli(
      '--estate',
      write('bad-estate.json', estate),
      '--event',
      join(SAMPLES, 'ec2-high-web1.json'),
    );
    expect(status).toBe(2);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    const { error } = JSON.parse(stdout) as {
      error: { field: string; message: string; issues: { path: string; message: string }[] };
    };
    expect(error.field).toBe('estate');
    expect(error.issues.map((i) => i.path)).toEqual([
      'accounts[0].regions[0].autoScalingGroups[0].healthCheckType',
    ]);
    expect(error.message).toMatch(
      /bad-estate\.json: accounts\[0\]\.regions\[0\]\.autoScalingGroups\[0\]\.healthCheckType: /,
    );
  }, 60_000);

  it('rejects a cross-reference that does not resolve with exit code 2, naming the field', () => {
    const estate = JSON.parse(readFileSync(ESTATE, 'utf8'));
    estate.accounts[0].regions[0].instances[0].networkInterfaces[0].subnet = 'subnet-0f000000000000099';
    const { status, stdout } = cli(
      '--estate',
      write('dangling.json', estate),
      '--event',
      join(SAMPLES, 'ec2-high-web1.json'),
    );
    expect(status).toBe(2);
    expect(JSON.parse(stdout).error.issues).toEqual([
      {
        path: 'accounts[0].regions[0].instances[0].networkInterfaces[0].subnet',
        message: 'subnet subnet-0f000000000000099 does not exist in 111122223333/us-east-1',
      },
    ]);
  }, 60_000);

  it('drills a Spot instance of an estate file end to end', () => {
    let event = readFileSync(join(SAMPLES, 'ec2-high-web1.json'), 'utf8');
    for (const [from, to] of [
      ['i-0a000000000000101', 'i-0d000000000000101'],
      ['eni-0a000000000000101', 'eni-0d000000000000101'],
      ['subnet-0a000000000000011', 'subnet-0d000000000000011'],
      ['vpc-0a000000000000001', 'vpc-0d000000000000001'],
      ['sg-0a000000000000021', 'sg-0d000000000000021'],
      ['web-app-profile', 'shared-app-profile'],
    ])
      event = event.replaceAll(from as string, to as string);
    const eventPath = join(dir, 'spot-event.json');
    writeFileSync(eventPath, event);
    const { status, stdout } = cli('--estate', ESTATE, '--event', eventPath, '--json');
    expect(status).toBe(0);
    const result = JSON.parse(stdout) as {
      route: string;
      executionStatus: string;
      seededFromEvent: boolean;
      actions: { operation: string; input: { InstanceIds?: string[] } }[];
    };
    expect(result).toMatchObject({
      route: 'contain-ec2',
      executionStatus: 'SUCCEEDED',
      seededFromEvent: false,
    });
    expect(result.actions[0]).toMatchObject({
      operation: 'DescribeInstances',
      input: { InstanceIds: ['i-0d000000000000101'] },
    });
  }, 60_000);

  it('drills the demo estate without --estate: the ASG sample is detached and deregistered', () => {
    const { status, stdout } = cli('--event', join(SAMPLES, 'ec2-high-asg1.json'), '--json');
    expect(status).toBe(0);
    const result = JSON.parse(stdout) as { status: string; actions: { operation: string }[] };
    expect(result.status).toBe('RESOLVED');
    expect(result.actions.map((a) => a.operation)).toEqual(
      expect.arrayContaining(['DetachInstances', 'DeregisterTargets']),
    );
  }, 60_000);
});
