import {
  CreateSnapshotCommand,
  DescribeInstancesCommand,
  ModifyNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { SendCommandCommand } from '@aws-sdk/client-ssm';
import { SimulatedCrash } from '../../../../local/sim';
import { DEMO } from '../../../../local/sim/seed';
import { mapAwsError } from '../../../../workflow/aws/call';
import { ThrottledError, TransientAwsError } from '../../../../workflow/errors';
import { demoSim, errorOf } from './helpers';

const describe1 = new DescribeInstancesCommand({ InstanceIds: [DEMO.instances.web1] });

/** Outcome of 40 DescribeInstances calls: '.' ok, 'T' throttled. */
async function pattern(seed: number, rate: number): Promise<string> {
  const { sim, clients } = demoSim({ seed });
  sim.faults.throttle({ service: 'ec2', rate });
  let out = '';
  for (let i = 0; i < 40; i++) {
    out += await clients.ec2.send(describe1).then(
      () => '.',
      (e: Error) => (e.name === 'RequestLimitExceeded' ? 'T' : '?'),
    );
  }
  return out;
}

describe('fault injection', () => {
  it("throttles 30% of calls deterministically for a seed, with the service's throttling error", async () => {
    const first = await pattern(7, 0.3);
    expect(await pattern(7, 0.3)).toBe(first);
    expect(await pattern(8, 0.3)).not.toBe(first);
    const throttled = first.split('').filter((c) => c === 'T').length;
    expect(throttled).toBeGreaterThanOrEqual(6);
    expect(throttled).toBeLessThanOrEqual(20);
    expect(first).not.toContain('?');
  });

  it("throttles with each service's own error, which Airlock maps to ThrottledError", async () => {
    const { sim, clients } = demoSim();
    sim.faults.throttle({ rate: 1 });
    const ec2 = await errorOf(clients.ec2.send(describe1));
    expect(ec2).toMatchObject({ name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 503 } });
    expect((await errorOf(clients.iam.send(new GetRoleCommand({ RoleName: 'web-app-role' })))).name).toBe(
      'Throttling',
    );
    const ssm = await errorOf(
      clients.ssm.send(
        new SendCommandCommand({ InstanceIds: [DEMO.instances.web1], DocumentName: 'AWS-RunShellScript' }),
      ),
    );
    expect(ssm.name).toBe('ThrottlingException');
    expect(mapAwsError(ec2, 'x')).toBeInstanceOf(ThrottledError);
    expect(sim.faults.stats()).toMatchObject({ throttle: 3, total: 3 });
    expect(sim.calls().map((c) => c.injected)).toEqual(['throttle', 'throttle', 'throttle']);
  });

  it('fails the n-th call of an operation once, and not the others', async () => {
    const { sim, clients } = demoSim();
    sim.faults.failNth({ service: 'ec2', operation: 'DescribeInstances', n: 2 });
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push(
        await clients.ec2.send(describe1).then(
          () => 'ok',
          (e: Error) => e.name,
        ),
      );
    expect(results).toEqual(['ok', 'InternalError', 'ok', 'ok']);
    expect(sim.faults.stats().failNth).toBe(1);
    sim.faults.failNth({ service: 'iam', operation: 'GetRole', n: 1, error: 'NoSuchEntity' });
    expect((await errorOf(clients.iam.send(new GetRoleCommand({ RoleName: 'web-app-role' })))).name).toBe(
      'NoSuchEntityException',
    );
  });

  it('answers 5xx as a server fault that Airlock maps to TransientAwsError', async () => {
    const { sim, clients } = demoSim();
    sim.faults.error5xx({ service: 'ec2', rate: 1 });
    const error = await errorOf(clients.ec2.send(describe1));
    expect(error).toMatchObject({
      name: 'InternalError',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });
    expect(mapAwsError(error, 'x')).toBeInstanceOf(TransientAwsError);
  });

  it('delays matching calls by the configured latency', async () => {
    const waits: number[] = [];
    const { sim, clients } = demoSim({ sleep: async (ms) => void waits.push(ms) });
    sim.faults.latency({ service: 'ec2', ms: 250 });
    await clients.ec2.send(describe1);
    await clients.iam.send(new GetRoleCommand({ RoleName: 'web-app-role' }));
    expect(waits).toEqual([250]);
    expect(sim.faults.stats()).toMatchObject({ latency: 1, total: 0 });
  });

  it('applies the side effect of the crashing call, then throws SimulatedCrash', async () => {
    const { sim, clients } = demoSim();
    sim.faults.crashAfter({ service: 'ec2', operation: 'CreateSnapshot', n: 1 });
    const error = await errorOf(
      clients.ec2.send(new CreateSnapshotCommand({ VolumeId: DEMO.volumes.web1Data })),
    );
    expect(error).toBeInstanceOf(SimulatedCrash);
    expect(Object.values(sim.model.ec2(sim.home).snapshots).map((s) => s.volumeId)).toEqual([
      DEMO.volumes.web1Data,
    ]);
    await clients.ec2.send(new CreateSnapshotCommand({ VolumeId: DEMO.volumes.web1Data }));
    expect(Object.keys(sim.model.ec2(sim.home).snapshots)).toHaveLength(2);
    expect(sim.calls({ operation: 'CreateSnapshot' }).map((c) => c.injected)).toEqual([
      'crashAfter',
      undefined,
    ]);
  });

  it('counts only applied calls toward crashAfter, and clear() removes every fault', async () => {
    const { sim, clients } = demoSim();
    sim.faults.crashAfter({
      service: 'ec2',
      operation: 'ModifyNetworkInterfaceAttribute',
      n: 1,
      error: 'InternalError',
    });
    const modify = (Groups: string[]) =>
      clients.ec2.send(
        new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: DEMO.networkInterfaces.web1,
          Groups,
        }),
      );
    expect((await errorOf(modify(['sg-0000000000000dead']))).name).toBe('InvalidGroup.NotFound');
    expect((await errorOf(modify([DEMO.securityGroups.app]))).name).toBe('InternalError');
    expect(sim.model.ec2(sim.home).networkInterfaces[DEMO.networkInterfaces.web1]?.groupIds).toEqual([
      DEMO.securityGroups.app,
    ]);
    sim.faults.throttle({ rate: 1 });
    sim.faults.clear();
    await expect(modify([DEMO.securityGroups.web])).resolves.toBeDefined();
    expect(sim.faults.stats().total).toBe(0);
  });
});
