import { SimulatedAws } from '../../../../../local/sim';
import { DEMO, seedDemoEstate } from '../../../../../local/sim/seed';
import { configureAwsRetry } from '../../../../../workflow/aws/call';
import { recordEc2PreState } from '../../../../../workflow/domain/ec2/record-pre-state';
import { ThrottledError, TransientAwsError } from '../../../../../workflow/errors';
import { createLogger } from '../../../../../workflow/log';
import { FakeLedger, makeIncident } from '../../../../helpers/fake-ledger';

/**
 * The console screenshot is best effort only where the instance cannot take one: throttling and 5xx fail the
 * step (the state machine retries it) instead of silently dropping the screenshot from the evidence
 * (found by bench:faults, 60% EC2 throttling).
 */

const T = new Date('2026-03-01T12:00:00.000Z');
const incidentId = 'inc-0123456789abcdef';
const target = {
  incidentId,
  instanceId: DEMO.instances.web1,
  accountId: DEMO.accountId,
  region: DEMO.region,
};

function setup() {
  const sim = new SimulatedAws({ now: () => T, sleep: async () => {} });
  seedDemoEstate(sim);
  const ledger = new FakeLedger();
  ledger.seedIncident(makeIncident({ incidentId }));
  const clients = sim.clients();
  const ctx = {
    ledger,
    log: createLogger('test', { level: 'silent' }),
    now: () => T,
    evidenceBucket: DEMO.evidenceBucket,
    evidenceS3: clients.s3,
  };
  return { sim, ledger, clients, ctx };
}

const screenshotKey = `incidents/${incidentId}/console-screenshot.jpg`;

beforeAll(() => configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0 }));
afterAll(() => configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000 }));

describe('recordEc2PreState, console screenshot', () => {
  it('saves the screenshot with the other evidence', async () => {
    const { clients, ctx } = setup();
    const result = await recordEc2PreState(clients, ctx, target);
    expect(result.output.evidence.map((e) => e.kind)).toEqual([
      'instance-metadata',
      'console-output',
      'screenshot',
    ]);
  });

  it('fails with ThrottledError when GetConsoleScreenshot stays throttled, so the task is retried', async () => {
    const { sim, clients, ctx } = setup();
    sim.faults.throttle({ service: 'ec2', operation: 'GetConsoleScreenshot', rate: 1 });
    await expect(recordEc2PreState(clients, ctx, target)).rejects.toBeInstanceOf(ThrottledError);
    // The retry (faults gone) saves all three objects.
    sim.faults.clear();
    const retried = await recordEc2PreState(clients, ctx, target);
    expect(retried.output.evidence.map((e) => e.kind)).toContain('screenshot');
  });

  it('fails with TransientAwsError when GetConsoleScreenshot keeps answering 5xx', async () => {
    const { sim, clients, ctx, ledger } = setup();
    sim.faults.error5xx({ service: 'ec2', operation: 'GetConsoleScreenshot', rate: 1 });
    await expect(recordEc2PreState(clients, ctx, target)).rejects.toBeInstanceOf(TransientAwsError);
    expect(Object.keys(sim.model.state.buckets[DEMO.evidenceBucket]?.objects ?? {})).not.toContain(
      screenshotKey,
    );
    // Nothing is recorded as evidence by the failed attempt: the retry records all of it.
    expect((await ledger.getIncident(incidentId))?.evidence).toEqual([]);
  });

  it('goes on without a screenshot when the instance type cannot take one', async () => {
    const { sim, clients, ctx } = setup();
    const region = sim.model.state.accounts[DEMO.accountId]?.regions[DEMO.region];
    const instance = region?.ec2.instances[DEMO.instances.web1];
    if (!instance) throw new Error('demo instance missing');
    instance.screenshotSupported = false;
    const result = await recordEc2PreState(clients, ctx, target);
    expect(result.output.evidence.map((e) => e.kind)).toEqual(['instance-metadata', 'console-output']);
    expect(result.summary).toMatch(/2 evidence object\(s\) saved$/);
  });
});

describe('recordEc2PreState, payload and order', () => {
  it('returns counts, not the volumes, and records the pre-state before the step returns', async () => {
    const { ledger, clients, ctx } = setup();
    const result = await recordEc2PreState(clients, ctx, target);
    expect(result.output).not.toHaveProperty('volumes');
    const stored = (await ledger.getIncident(incidentId))?.preState as
      | { blockDevices: unknown[] }
      | undefined;
    expect(result.output.volumeCount).toBe(stored?.blockDevices.length);
    expect(result.output.consoleOutputLatest).toBe(true);
  });

  it('fails when an evidence write is refused, instead of reporting the screenshot as unavailable', async () => {
    const { sim, clients, ctx } = setup();
    sim.faults.failNth({ service: 's3', operation: 'PutObject', n: 3, error: 'AccessDenied' });
    await expect(recordEc2PreState(clients, ctx, target)).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});
