import { SimulatedAws } from '../../../../../local/sim';
import { launchEdgeInstance } from '../../../../../local/sim/edge-instances';
import { HOME_ACCOUNT_ID, HOME_REGION } from '../../../../../local/sim/model';
import { snapshotInstanceVolumes } from '../../../../../workflow/domain/ec2/snapshot';

const HOME = { accountId: HOME_ACCOUNT_ID, region: HOME_REGION };

describe('snapshotInstanceVolumes on the simulated account', () => {
  it('finds every snapshot of a retry across DescribeSnapshots pages, and takes none twice', async () => {
    const sim = new SimulatedAws({ listPageSize: 2 });
    const instanceId = launchEdgeInstance(sim.model, 'twenty-volumes');
    const blockDevices = sim.model.ec2(HOME).instances[instanceId]?.blockDeviceMappings ?? [];
    const target = { incidentId: 'inc-0123456789abcdef', findingId: 'f-1', instanceId };
    const first = await snapshotInstanceVolumes(sim.clients(), target, { blockDevices });
    expect(first.output).toEqual({ instanceId, snapshotCount: 20, createdCount: 20 });

    const retry = await snapshotInstanceVolumes(sim.clients(), target, { blockDevices });
    expect(retry.output).toEqual({ instanceId, snapshotCount: 20, createdCount: 0 });
    expect(retry.snapshots).toEqual(first.snapshots);
    expect(sim.calls({ operation: 'CreateSnapshots' })).toHaveLength(1);
    expect(sim.calls({ operation: 'DescribeSnapshots' }).length).toBeGreaterThan(10);
  });
});
