import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DrillResult, runDrill } from '../../../../local/runtime/drill';
import { startOfflineStack } from '../../../../local/runtime/stack';
import type { EstateSnapshot } from '../../../../local/sim';
import { loadEstateFile } from '../../../../local/sim/estate-file';
import { createLogger } from '../../../../workflow/log';

/**
 * Drills and the workspace share one estate: without --estate a drill runs against the demo estate `npm start`
 * shows (local/sim/estates/demo.json), so each bundled sample behaves the same in both; with an estate file it
 * runs against that file's account.
 */

const SAMPLES = join(__dirname, '../../../../local/workspace/samples');
const ESTATE = join(__dirname, '../../../fixtures/estates/spot-two-vpcs.json');
const START = new Date('2026-03-02T09:00:00.000Z');
const log = createLogger('drill-estate-test', { level: 'silent' });
const load = (file: string): unknown => JSON.parse(readFileSync(join(SAMPLES, file), 'utf8'));

async function drill(event: unknown, estate?: ReturnType<typeof loadEstateFile>) {
  const { stack: _stack, ...result } = await runDrill({
    event,
    decision: 'approve',
    ...(estate ? { estate } : {}),
    stack: { log },
  });
  return result;
}

const operations = (result: DrillResult) => result.actions.map((a) => a.operation);

/** The event of the web-1 sample, about another instance of the same account (ids replaced). */
function eventAbout(ids: Record<string, string>): unknown {
  let text = readFileSync(join(SAMPLES, 'ec2-high-web1.json'), 'utf8');
  for (const [from, to] of Object.entries(ids)) text = text.replaceAll(from, to);
  return JSON.parse(text);
}

describe('drill estate', () => {
  it('builds the identical demo estate for a drill and for the workspace', async () => {
    const workspace = await startOfflineStack({ startAt: START, log, slackRateLimit: false });
    const shown = workspace.sim.snapshot();
    await workspace.close();
    const drilled: EstateSnapshot[] = [];
    await runDrill({
      event: load('ec2-high-web1.json'),
      decision: 'none',
      stack: { startAt: START, log },
      prepare: (stack) => {
        drilled.push(stack.sim.snapshot());
      },
    });
    expect(drilled).toEqual([shown]);
    expect(Object.keys(shown.accounts ?? {})).toEqual(['111122223333', '444455556666']);
  }, 60_000);

  it('drills the ASG sample through detach, deregistration and Elastic IP release', async () => {
    const result = await drill(load('ec2-high-asg1.json'));
    expect(result).toMatchObject({ route: 'contain-ec2', status: 'RESOLVED', seededFromEvent: false });
    expect(operations(result)).toEqual(
      expect.arrayContaining(['DetachInstances', 'DeregisterTargets', 'DisassociateAddress']),
    );
    const detach = result.actions.find((a) => a.operation === 'DetachInstances');
    expect(detach?.input).toMatchObject({
      AutoScalingGroupName: 'web-asg',
      InstanceIds: ['i-0a000000000000102'],
    });
  }, 60_000);

  const expected: [string, { route: string; status: string }][] = [
    ['ec2-high-web1.json', { route: 'contain-ec2', status: 'RESOLVED' }],
    ['ec2-medium-batch1.json', { route: 'review', status: 'NOTIFIED' }],
    ['iam-high-ci-deployer.json', { route: 'contain-iam', status: 'RESOLVED' }],
    ['s3-high-public-assets.json', { route: 'contain-s3', status: 'RESOLVED' }],
    ['ec2-low-asg2.json', { route: 'ignore', status: 'IGNORED' }],
  ];

  it('covers every bundled sample', () => {
    const index = JSON.parse(readFileSync(join(SAMPLES, 'index.json'), 'utf8')) as { file: string }[];
    const covered = [...expected.map(([file]) => file), 'ec2-high-asg1.json', 'invalid-pascal-case.json'];
    expect(index.map((s) => s.file).sort()).toEqual(covered.sort());
  });

  it.each(expected)(
    'drills %s against the demo estate as the workspace shows it',
    async (file, outcome) => {
      const result = await drill(load(file));
      expect(result).toMatchObject({ ...outcome, seededFromEvent: false });
    },
    60_000,
  );

  it('rejects the invalid sample, naming what is wrong', async () => {
    await expect(drill(load('invalid-pascal-case.json'))).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/PascalCase/),
    });
  });

  it('drills a Spot instance in the second VPC of an estate file, end to end', async () => {
    const event = eventAbout({
      'i-0a000000000000101': 'i-0d000000000000101',
      'eni-0a000000000000101': 'eni-0d000000000000101',
      'subnet-0a000000000000011': 'subnet-0d000000000000011',
      'vpc-0a000000000000001': 'vpc-0d000000000000001',
      'sg-0a000000000000021': 'sg-0d000000000000021',
      'web-app-profile': 'shared-app-profile',
      d61e602f9a6475d1d724ae7c615fe2b4: 'e61e602f9a6475d1d724ae7c615fe2b4',
    });
    const result = await drill(event, loadEstateFile(ESTATE));
    expect(result).toMatchObject({
      route: 'contain-ec2',
      executionStatus: 'SUCCEEDED',
      seededFromEvent: false,
    });
    // Every call is about the file's instance: nothing of the demo estate, nothing seeded from the event.
    const instances = new Set(
      result.actions.flatMap((a) => JSON.stringify(a.input).match(/i-0[0-9a-f]{16}/g) ?? []),
    );
    expect([...instances]).toEqual(['i-0d000000000000101']);
    // The role is shared with the legacy instance: its sessions are denied by instance, the role is not replaced.
    expect(result.actions).toContainEqual(
      expect.objectContaining({
        operation: 'PutRolePolicy',
        input: expect.objectContaining({ RoleName: 'shared-app-role' }),
      }),
    );
  }, 60_000);
});
