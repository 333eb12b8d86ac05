import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isolationFigures, sequentialDepth } from '../../../../bench/lib/isolation';
import { type DrillDecision, type DrillResult, runDrill } from '../../../../local/runtime/drill';
import type { OfflineStack } from '../../../../local/runtime/types';
import type { EstateSnapshot } from '../../../../local/sim';
import {
  EDGE_INSTANCE_IDS,
  type EdgeInstanceKind,
  launchEdgeInstance,
} from '../../../../local/sim/edge-instances';
import { HOME_ACCOUNT_ID, HOME_REGION } from '../../../../local/sim/model';
import { configureAwsRetry } from '../../../../workflow/aws/call';

/**
 * Instances the runbook must not fail on (issue 14 §3): each is a simulated instance (local/sim/edge-instances.ts)
 * drilled end to end through the real definition, and the thread says what was skipped and why.
 */

// Each drill runs the whole definition on the offline stack (a few seconds each on a shared machine).
jest.setTimeout(60_000);

const SAMPLE = readFileSync(
  join(__dirname, '../../../../local/workspace/samples/ec2-high-web1.json'),
  'utf8',
);
const HOME = { accountId: HOME_ACCOUNT_ID, region: HOME_REGION };
/** Step Functions' payload limit (256 KiB); the runbook must stay far below it whatever the instance. */
const PAYLOAD_LIMIT = 256 * 1024;

interface Run extends DrillResult {
  stack: OfflineStack;
  before: EstateSnapshot;
  instanceId: string;
}

const open: OfflineStack[] = [];

async function drill(kind: EdgeInstanceKind, decision: DrillDecision): Promise<Run> {
  const instanceId = EDGE_INSTANCE_IDS[kind];
  let before: EstateSnapshot | undefined;
  const result = await runDrill({
    event: JSON.parse(SAMPLE.replaceAll('i-0a000000000000101', instanceId)),
    decision,
    keepOpen: true,
    setup: (stack) => {
      launchEdgeInstance(stack.sim.model, kind);
    },
    prepare: (stack) => {
      open.push(stack);
      before = stack.sim.snapshot();
    },
  });
  if (!before) throw new Error('prepare did not run');
  return { ...result, before, instanceId };
}

const ec2 = (run: Run) => run.stack.sim.model.ec2(HOME);

async function stepSummary(run: Run, step: string): Promise<string> {
  const incident = await run.stack.ledger.getIncident(run.incidentId ?? '');
  return incident?.steps.find((s) => s.name === step)?.summary ?? '';
}

/** Every text the bot posted in the incident's thread (and the card). */
const threadText = (run: Run) => run.slack.map((m) => m.text ?? '').join('\n');

/** What containment leaves behind on purpose, after a Reject: its groups, snapshots, SSM commands, evidence. */
const LEFT_BY_AIRLOCK = [
  /\.ec2\.securityGroups\.sg-[0-9a-f]+: added .*"groupName":"airlock-/,
  /\.ec2\.snapshots\.snap-[0-9a-f]+: added /,
  /\.ssm\.commands\.[0-9a-f-]+: added /,
  /buckets\.airlock-evidence[^.]*\.objects\./,
  // Every version of the evidence objects and the incident report (versioned, Object Lock).
  /buckets\.airlock-evidence[^.]*\.versions\b/,
];

beforeAll(() => configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0 }));
afterAll(() => configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000 }));
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('drill: instances the runbook must not fail on', () => {
  it('Spot: skips termination protection (EC2 refuses it), says why, applies the other protections', async () => {
    const run = await drill('spot', 'approve');
    expect(run).toMatchObject({ status: 'RESOLVED', executionStatus: 'SUCCEEDED' });
    const instance = ec2(run).instances[run.instanceId];
    expect(instance?.disableApiTermination).toBe(false);
    expect(instance?.instanceInitiatedShutdownBehavior).toBe('stop');
    expect(instance?.blockDeviceMappings.every((b) => !b.deleteOnTermination)).toBe(true);
    expect(run.actions.filter((a) => a.operation === 'ModifyInstanceAttribute' && a.error)).toEqual([]);
    const summary = await stepSummary(run, 'protect-evidence');
    expect(summary).toMatch(/termination protection skipped: Spot Instance/);
    expect(threadText(run)).toMatch(/termination protection skipped: Spot Instance/);
  });

  it('not Nitro: the latest console output is refused, the buffered output is saved instead', async () => {
    const run = await drill('xen', 'approve');
    expect(run).toMatchObject({ status: 'RESOLVED', executionStatus: 'SUCCEEDED' });
    const consoleCalls = run.actions.filter((a) => a.operation === 'GetConsoleOutput');
    expect(consoleCalls.map((c) => [(c.input as { Latest?: boolean }).Latest, c.error])).toEqual([
      [true, 'UnsupportedOperation'],
      [undefined, undefined],
    ]);
    const incident = await run.stack.ledger.getIncident(run.incidentId ?? '');
    expect(incident?.evidence.map((e) => e.kind)).toContain('console-output');
    expect(await stepSummary(run, 'record-pre-state')).toMatch(/buffered copy \(latest output needs a Nitro/);
    expect(threadText(run)).toMatch(/latest output needs a Nitro instance/);
  });

  it('instance store: recorded as not preserved, only the EBS volumes are snapshotted', async () => {
    const run = await drill('instance-store', 'approve');
    expect(run).toMatchObject({ status: 'RESOLVED', executionStatus: 'SUCCEEDED' });
    const instance = ec2(run).instances[run.instanceId];
    const snapshots = Object.values(ec2(run).snapshots).filter((s) =>
      instance?.blockDeviceMappings.some((b) => b.volumeId === s.volumeId),
    );
    expect(snapshots).toHaveLength(instance?.blockDeviceMappings.length ?? -1);
    const summary = await stepSummary(run, 'record-pre-state');
    expect(summary).toMatch(/instance store \(1 x 75 GB ssd\) NOT preserved: it cannot be snapshotted/);
    expect(threadText(run)).toMatch(/instance store .* NOT preserved/);
  });

  it('an ENI already at 5 groups and a second ENI in another VPC: each isolated in its own VPC, Reject restores all five', async () => {
    const contained = await drill('five-groups-two-vpcs', 'approve');
    expect(contained).toMatchObject({ status: 'RESOLVED', executionStatus: 'SUCCEEDED' });
    const model = ec2(contained);
    const enis = (model.instances[contained.instanceId]?.networkInterfaceIds ?? []).map(
      (id) => model.networkInterfaces[id],
    );
    expect(new Set(enis.map((e) => e?.vpcId)).size).toBe(2);
    for (const eni of enis) {
      const groups = (eni?.groupIds ?? []).map((id) => model.securityGroups[id]);
      expect(groups.map((g) => [g?.groupName.startsWith('airlock-isolation'), g?.vpcId])).toEqual([
        [true, eni?.vpcId],
      ]);
    }
    await Promise.all(open.splice(0).map((s) => s.close()));

    const restored = await drill('five-groups-two-vpcs', 'reject');
    expect(restored).toMatchObject({ status: 'RESTORED', executionStatus: 'SUCCEEDED' });
    const residue = restored.stack.sim
      .diff(restored.before, restored.stack.sim.snapshot())
      .filter((line) => !LEFT_BY_AIRLOCK.some((re) => re.test(line)));
    expect(residue).toEqual([]);
    const primary =
      ec2(restored).networkInterfaces[
        ec2(restored).instances[restored.instanceId]?.networkInterfaceIds[0] ?? ''
      ];
    expect(primary?.groupIds).toHaveLength(5);
  });

  it('20 volumes: one crash-consistent CreateSnapshots, every state payload far below 256 KiB, ≤ 40 transitions', async () => {
    const run = await drill('twenty-volumes', 'approve');
    expect(run).toMatchObject({ status: 'RESOLVED', executionStatus: 'SUCCEEDED' });
    const instance = ec2(run).instances[run.instanceId];
    expect(instance?.blockDeviceMappings).toHaveLength(20);
    expect(run.actions.filter((a) => a.operation === 'CreateSnapshots')).toHaveLength(1);
    expect(run.actions.filter((a) => a.operation === 'CreateSnapshot')).toHaveLength(0);
    const snapshots = Object.values(ec2(run).snapshots);
    expect(snapshots.map((s) => s.volumeId).sort()).toEqual(
      instance?.blockDeviceMappings.map((b) => b.volumeId).sort(),
    );
    expect(new Set(snapshots.map((s) => s.startTime)).size).toBe(1);
    // Custody (snapshotCustody: lock, the default): every evidence snapshot is locked right after creation.
    expect(snapshots.every((s) => s.lock?.mode === 'governance')).toBe(true);
    expect(run.actions.filter((a) => a.operation === 'LockSnapshot' && !a.error)).toHaveLength(20);

    const arn = run.stack.engine.list()[0]?.executionArn ?? '';
    const sizes = run.stack.engine
      .history(arn)
      .flatMap((e) => [e.input, e.output])
      .filter((p) => p !== undefined)
      .map((p) => Buffer.byteLength(JSON.stringify(p), 'utf8'));
    const largest = Math.max(...sizes);
    expect(largest).toBeLessThan(PAYLOAD_LIMIT / 8);
    expect(run.transitions).toBeLessThanOrEqual(40);
  });

  it('the pre-state reads and evidence writes run concurrently: RecordPreState is at most 3 rounds of calls deep', async () => {
    const run = await drill('five-groups-two-vpcs', 'approve');
    const calls = run.stack.sim.calls();
    // RecordPreState's calls: everything before the capture's first SSM call.
    const preState = calls.slice(
      0,
      calls.findIndex((c) => c.service === 'ssm'),
    );
    expect(preState.map((c) => c.operation)).toEqual(
      expect.arrayContaining(['DescribeInstances', 'GetConsoleOutput', 'PutObject', 'DescribeTargetHealth']),
    );
    // DescribeInstances ‖ attributes ‖ associations ‖ addresses ‖ ASG ‖ target groups ‖ console ‖ screenshot,
    // then profile ‖ target health ‖ instance type ‖ the three evidence PUTs, then the role's policies.
    expect(sequentialDepth(preState)).toBeLessThanOrEqual(3);
    expect(isolationFigures(calls).firstIsolatingCall).toBeDefined();
  });
});
