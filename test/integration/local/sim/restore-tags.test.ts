import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { SimulatedAws } from '../../../../local/sim';
import { DEMO, seedDemoEstate } from '../../../../local/sim/seed';
import { configureAwsRetry } from '../../../../workflow/aws/call';
import { restoreEc2 } from '../../../../workflow/domain/ec2/restore';
import { readInstanceState } from '../../../../workflow/domain/ec2/state';
import { tagQuarantined } from '../../../../workflow/domain/ec2/tag';
import { createdResourceRecorder, listCreatedResources } from '../../../../workflow/ledger/created-resources';
import { FakeLedger, makeIncident } from '../../../helpers/fake-ledger';

/** The restore removes exactly the tags this incident set, and only while they still hold the value it set. */

const T = new Date('2026-03-01T12:00:00.000Z');
const incidentId = 'inc-00000000000000dd';
const target = { instanceId: DEMO.instances.web1, accountId: DEMO.accountId, region: DEMO.region };

async function quarantined() {
  const sim = new SimulatedAws({ now: () => T, seed: 1, sleep: async () => {} });
  seedDemoEstate(sim);
  const clients = sim.clients();
  const ledger = new FakeLedger();
  ledger.seedIncident(makeIncident({ incidentId }));
  const pre = await readInstanceState(clients, target);
  const recorder = createdResourceRecorder(ledger, { now: () => T }, incidentId);
  await tagQuarantined(clients, { incidentId, findingId: 'f-1', instanceId: target.instanceId }, recorder);
  return { sim, clients, ledger, pre };
}

const tagsOf = (sim: SimulatedAws) => sim.model.ec2(target).instances[target.instanceId]?.tags ?? {};

beforeAll(() => configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0 }));
afterAll(() => configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000 }));

describe('restore of the tags an incident set', () => {
  it('records each tag it sets (key and value) before setting it', async () => {
    const { ledger } = await quarantined();
    const tags = await listCreatedResources(ledger, incidentId, 'tag');
    expect(tags.map((t) => [t.parent, t.name, t.value])).toEqual([
      [target.instanceId, 'IncidentStatus', 'Quarantined'],
      [target.instanceId, 'airlock:incident-id', incidentId],
      [target.instanceId, 'airlock:finding-id', 'f-1'],
    ]);
  });

  it('keeps a tag a person changed during the incident, and removes the ones still as the incident set them', async () => {
    const { sim, clients, ledger, pre } = await quarantined();
    await clients.ec2.send(
      new CreateTagsCommand({
        Resources: [target.instanceId],
        Tags: [
          { Key: 'IncidentStatus', Value: 'Investigating' },
          { Key: 'airlock:note', Value: 'by hand' },
        ],
      }),
    );

    const out = await restoreEc2(clients, pre, target, await listCreatedResources(ledger, incidentId));

    expect(tagsOf(sim)).toMatchObject({ IncidentStatus: 'Investigating', 'airlock:note': 'by hand' });
    expect(tagsOf(sim)).not.toHaveProperty('airlock:incident-id');
    expect(tagsOf(sim)).not.toHaveProperty('airlock:finding-id');
    expect(out.output.diff).toEqual([]);
  });

  it('removes nothing it did not record', async () => {
    const { sim, clients, pre } = await quarantined();
    await restoreEc2(clients, pre, target, []);
    expect(tagsOf(sim)).toMatchObject({ IncidentStatus: 'Quarantined', 'airlock:incident-id': incidentId });
  });
});
