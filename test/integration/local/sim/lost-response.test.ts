import { SimulatedAws } from '../../../../local/sim';
import { SERVER_ERROR, type ServiceName } from '../../../../local/sim/errors';
import { DEMO, seedDemoEstate } from '../../../../local/sim/seed';
import { configureAwsRetry } from '../../../../workflow/aws/call';
import { WorkflowSettingsSchema } from '../../../../workflow/config';
import { captureVolatileEvidence } from '../../../../workflow/domain/ec2/capture';
import { revokeInstanceCredentials } from '../../../../workflow/domain/ec2/credentials';
import { snapshotInstanceVolumes } from '../../../../workflow/domain/ec2/snapshot';
import { readInstanceState } from '../../../../workflow/domain/ec2/state';
import { ThrottledError, TransientAwsError } from '../../../../workflow/errors';
import { createdResourceRecorder } from '../../../../workflow/ledger/created-resources';
import { FakeLedger, makeIncident } from '../../../helpers/fake-ledger';

/**
 * A call that takes effect and then answers 5xx (its response lost) must not be sent again as it is: a second
 * CreateSnapshot or SendCommand makes a duplicate, a second ReplaceIamInstanceProfileAssociation names an
 * association the first one replaced. The task fails instead and its retry checks before acting
 * (found by bench:faults, "lost response" rows).
 */

const T = new Date('2026-03-01T12:00:00.000Z');
const incidentId = 'inc-0123456789abcdef';
const target = { instanceId: DEMO.instances.web1, accountId: DEMO.accountId, region: DEMO.region };
const config = WorkflowSettingsSchema.parse({});

function estateWithLostResponse(service: ServiceName, operation: string) {
  const sim = new SimulatedAws({ now: () => T, sleep: async () => {} });
  seedDemoEstate(sim);
  sim.faults.crashAfter({ service, operation, n: 1, error: SERVER_ERROR[service].code });
  return sim;
}

/** Re-runs the whole step on the errors the state machine retries (its Retry), up to 8 times. */
async function asTask<R>(step: () => Promise<R>): Promise<{ result: R; attempts: number }> {
  for (let attempts = 1; ; attempts++) {
    try {
      return { result: await step(), attempts };
    } catch (error) {
      const retryable = error instanceof ThrottledError || error instanceof TransientAwsError;
      if (!retryable || attempts >= 8) throw error;
    }
  }
}

const region = (sim: SimulatedAws) => sim.model.state.accounts[DEMO.accountId]?.regions[DEMO.region];

beforeAll(() => configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0 }));
afterAll(() => configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000 }));

describe('a lost response after a call that must not be sent twice', () => {
  it('CreateSnapshots: the task retry finds the snapshots by tag, one snapshot per volume in all', async () => {
    const sim = estateWithLostResponse('ec2', 'CreateSnapshots');
    const blockDevices = sim.model.ec2(DEMO).instances[target.instanceId]?.blockDeviceMappings ?? [];
    const { result, attempts } = await asTask(() =>
      snapshotInstanceVolumes(
        sim.clients(),
        { incidentId, findingId: 'f-1', instanceId: target.instanceId },
        { blockDevices },
      ),
    );
    expect(attempts).toBe(2);
    const snapshots = Object.values(region(sim)?.ec2.snapshots ?? {});
    expect(snapshots.map((s) => s.snapshotId).sort()).toEqual(result.ids?.slice().sort());
    expect(snapshots.map((s) => s.volumeId).sort()).toEqual(blockDevices.map((b) => b.volumeId).sort());
    expect(sim.calls({ operation: 'CreateSnapshots' })).toHaveLength(1);
  });

  it('SendCommand: the task retry finds the command by its comment, one capture in all', async () => {
    const sim = estateWithLostResponse('ssm', 'SendCommand');
    const ledger = new FakeLedger();
    ledger.seedIncident(makeIncident({ incidentId }));
    const { result, attempts } = await asTask(() =>
      captureVolatileEvidence(
        sim.clients(),
        { ledger, now: () => T, sleep: async () => {}, evidenceS3: sim.clients().s3 },
        { incidentId, instanceId: target.instanceId },
        config,
      ),
    );
    expect(attempts).toBe(2);
    expect(result.output.status).toBe('captured');
    expect(Object.keys(region(sim)?.ssm.commands ?? {})).toEqual([result.output.commandId]);
  });

  it('ReplaceIamInstanceProfileAssociation: the task retry sees the forensic profile already on', async () => {
    const sim = estateWithLostResponse('ec2', 'ReplaceIamInstanceProfileAssociation');
    const pre = await readInstanceState(sim.clients(), target);
    const recorder = createdResourceRecorder(new FakeLedger(), { now: () => T }, 'inc-0123456789abcdef');
    const { result, attempts } = await asTask(() =>
      revokeInstanceCredentials(sim.clients(), pre, config, T, recorder),
    );
    expect(attempts).toBe(2);
    expect(result.output.forensicProfile).toBe(config.forensicInstanceProfileName);
    const instance = region(sim)?.ec2.instances[target.instanceId];
    expect(instance?.iamInstanceProfile?.arn).toContain(
      `instance-profile/${config.forensicInstanceProfileName}`,
    );
    expect(sim.calls({ operation: 'ReplaceIamInstanceProfileAssociation' })).toHaveLength(1);
  });
});
