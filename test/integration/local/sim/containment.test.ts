import { SimulatedAws, SimulatedCrash } from '../../../../local/sim';
import { DEMO, seedDemoEstate } from '../../../../local/sim/seed';
import { configureAwsRetry } from '../../../../workflow/aws/call';
import type { AwsClients } from '../../../../workflow/aws/clients';
import { WorkflowSettingsSchema } from '../../../../workflow/config';
import { captureVolatileEvidence } from '../../../../workflow/domain/ec2/capture';
import { revokeInstanceCredentials } from '../../../../workflow/domain/ec2/credentials';
import { isolateNetwork } from '../../../../workflow/domain/ec2/isolate';
import { protectEvidence } from '../../../../workflow/domain/ec2/protect';
import { restoreEc2 } from '../../../../workflow/domain/ec2/restore';
import { snapshotInstanceVolumes } from '../../../../workflow/domain/ec2/snapshot';
import { type Ec2State, readInstanceState } from '../../../../workflow/domain/ec2/state';
import { tagQuarantined } from '../../../../workflow/domain/ec2/tag';
import { ThrottledError, TransientAwsError } from '../../../../workflow/errors';
import { createdResourceRecorder, listCreatedResources } from '../../../../workflow/ledger/created-resources';
import { FakeLedger, makeIncident } from '../../../helpers/fake-ledger';

/**
 * The simulator under the real EC2 containment domain code: the same functions the Lambda tasks run, against the
 * demo estate, with and without faults.
 */

const T = new Date('2026-03-01T12:00:00.000Z');
const incidentId = 'inc-0123456789abcdef';
const target = { instanceId: DEMO.instances.webAsg1, accountId: DEMO.accountId, region: DEMO.region };

function newEstate(seed = 1) {
  const sim = new SimulatedAws({ now: () => T, seed, sleep: async () => {} });
  seedDemoEstate(sim);
  return sim;
}

/** Re-runs a whole step on the errors the state machine retries (as its Retry would), up to 25 times. */
async function asTask<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const retryable =
        error instanceof ThrottledError ||
        error instanceof TransientAwsError ||
        error instanceof SimulatedCrash;
      if (!retryable || attempt >= 25) throw error;
    }
  }
}

async function contain(
  clients: AwsClients,
  pre: Ec2State,
  mode: 'no-egress' | 'ssm-endpoints',
  ledger = new FakeLedger(),
) {
  const config = WorkflowSettingsSchema.parse({ isolationMode: mode });
  ledger.seedIncident(makeIncident({ incidentId }));
  const capture = await asTask(() =>
    captureVolatileEvidence(
      clients,
      { ledger, now: () => T, sleep: async () => {}, evidenceS3: clients.s3 },
      { incidentId, instanceId: target.instanceId },
      config,
    ),
  );
  await asTask(() => isolateNetwork(clients, pre, config));
  await asTask(() => protectEvidence(clients, target));
  await asTask(() =>
    snapshotInstanceVolumes(clients, { incidentId, findingId: 'f-1', instanceId: target.instanceId }, pre),
  );
  await asTask(() =>
    tagQuarantined(
      clients,
      { incidentId, findingId: 'f-1', instanceId: target.instanceId },
      createdResourceRecorder(ledger, { now: () => T }, incidentId),
    ),
  );
  await asTask(() =>
    revokeInstanceCredentials(
      clients,
      pre,
      config,
      T,
      createdResourceRecorder(ledger, { now: () => T }, incidentId),
    ),
  );
  return capture;
}

/** What containment leaves behind on purpose: its groups, snapshots, the SSM command and the evidence. */
const LEFT_BY_AIRLOCK = [
  /\.ec2\.securityGroups\.sg-[0-9a-f]+: added .*"groupName":"airlock-/,
  /\.ec2\.snapshots\.snap-[0-9a-f]+: added /,
  /\.ssm\.commands\.[0-9a-f-]+: added /,
  /^buckets\.airlock-evidence\.objects\./,
  /^buckets\.airlock-evidence\.versions\b/,
];

describe('simulator under the EC2 containment domain', () => {
  beforeAll(() => configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0 }));
  afterAll(() => configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000 }));

  it('contains the ASG instance (capture, isolate, protect, snapshot, tag, revoke) and Reject restores it exactly', async () => {
    const sim = newEstate();
    const clients = sim.clients();
    const pre = await readInstanceState(clients, target);
    const before = sim.snapshot();

    const ledger = new FakeLedger();
    const capture = await contain(clients, pre, 'ssm-endpoints', ledger);
    expect(capture.output.status).toBe('captured');
    const contained = sim.diff(before, sim.snapshot());
    const eni = `ec2.networkInterfaces.${DEMO.networkInterfaces.webAsg1}.groupIds`;
    expect(contained.some((line) => line.includes(eni))).toBe(true);
    expect(
      contained.some((line) =>
        line.includes('autoscaling.groups.web-asg.desiredCapacity: expected 2, found 1'),
      ),
    ).toBe(true);
    expect(
      contained.some((line) =>
        line.includes(
          `instances.${DEMO.instances.webAsg1}.disableApiTermination: expected false, found true`,
        ),
      ),
    ).toBe(true);

    const restored = await restoreEc2(clients, pre, target, await listCreatedResources(ledger, incidentId));
    expect(restored.output.diff).toEqual([]);
    const residue = sim
      .diff(before, sim.snapshot())
      .filter((line) => !LEFT_BY_AIRLOCK.some((re) => re.test(line)));
    expect(residue).toEqual([]);
    expect(sim.mutations({ ok: false })).toEqual([]);
  });

  it('cuts the SSM agent off with a no-egress isolation group, so a later capture is skipped', async () => {
    const sim = newEstate();
    const clients = sim.clients();
    const pre = await readInstanceState(clients, target);
    const config = WorkflowSettingsSchema.parse({ isolationMode: 'no-egress' });
    await isolateNetwork(clients, pre, config);
    const ledger = new FakeLedger();
    ledger.seedIncident(makeIncident({ incidentId }));
    const late = await captureVolatileEvidence(
      clients,
      { ledger, now: () => T, sleep: async () => {}, evidenceS3: clients.s3 },
      { incidentId, instanceId: target.instanceId },
      config,
    );
    expect(late.output).toMatchObject({ status: 'skipped', detail: 'SSM agent ConnectionLost' });
  });

  it('converges to the fault-free estate under throttling, 5xx and crashes after side effects', async () => {
    const clean = newEstate();
    await contain(clean.clients(), await readInstanceState(clean.clients(), target), 'ssm-endpoints');

    const faulty = newEstate(11);
    const pre = await readInstanceState(faulty.clients(), target);
    faulty.faults
      .throttle({ service: 'ec2', rate: 0.3 })
      .error5xx({ service: 'iam', rate: 0.2 })
      .crashAfter({ service: 'ec2', operation: 'ModifyNetworkInterfaceAttribute', n: 1 })
      // One CreateSnapshots per instance: its crash after the snapshots exist is retried without a second set.
      .crashAfter({ service: 'ec2', operation: 'CreateSnapshots', n: 1 })
      .crashAfter({ service: 'ec2', operation: 'CreateSecurityGroup', n: 2 })
      .crashAfter({ service: 'iam', operation: 'PutRolePolicy', n: 1 })
      .failNth({ service: 'autoscaling', operation: 'DetachInstances', n: 1 });
    await contain(faulty.clients(), pre, 'ssm-endpoints');

    const stats = faulty.faults.stats();
    expect(stats.crashAfter).toBe(4);
    expect(
      stats.rules.filter((r) => r.kind === 'crashAfter').map((r) => [r.match.operation, r.injected]),
    ).toEqual([
      ['ModifyNetworkInterfaceAttribute', 1],
      ['CreateSnapshots', 1],
      ['CreateSecurityGroup', 1],
      ['PutRolePolicy', 1],
    ]);
    expect(stats.throttle).toBeGreaterThan(0);
    expect(faulty.diff(clean.snapshot(), faulty.snapshot())).toEqual([]);
  });
});
