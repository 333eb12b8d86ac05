import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DrillDecision, requestOf, runDrill } from '../../../../local/runtime/drill';
import type { OfflineStack } from '../../../../local/runtime/types';
import { configureAwsRetry } from '../../../../workflow/aws/call';

/**
 * Snapshot custody `copy`, end to end: the evidence snapshots are shared with the IR account and copied there,
 * encrypted with the IR account's key and tagged with the incident; a re-run copies nothing twice; a Reject
 * leaves the copies (restore never deletes evidence).
 */

const SAMPLES = join(__dirname, '../../../../local/workspace/samples');
const EC2 = JSON.parse(readFileSync(join(SAMPLES, 'ec2-high-web1.json'), 'utf8')) as unknown;
const IR_ACCOUNT = '999900001111';
const MEMBER_KEY = 'arn:aws:kms:us-east-1:111122223333:key/1111aaaa-1111-4111-8111-111111111111';
const IR_KEY = 'arn:aws:kms:us-east-1:999900001111:key/9999bbbb-9999-4999-8999-999999999999';

const target = (() => {
  const request = requestOf(EC2);
  if (!request?.resource.instanceId) throw new Error('the EC2 sample has no instance');
  return { instanceId: request.resource.instanceId, accountId: request.accountId, region: request.region };
})();

const open: OfflineStack[] = [];

async function drill(decision: DrillDecision) {
  return runDrill({
    event: EC2,
    decision,
    keepOpen: true,
    stack: {
      workflow: { snapshotCustody: 'copy', snapshotCopyAccountId: IR_ACCOUNT, snapshotCopyKmsKeyId: IR_KEY },
    },
    prepare: (stack) => {
      open.push(stack);
      // The workload's volumes are encrypted with a customer managed key (the default key cannot be shared).
      for (const volume of Object.values(stack.sim.model.ec2(target).volumes)) {
        volume.encrypted = true;
        volume.kmsKeyId = MEMBER_KEY;
      }
    },
  });
}

function irSnapshots(stack: OfflineStack) {
  return Object.values(stack.sim.model.ec2({ accountId: IR_ACCOUNT, region: target.region }).snapshots);
}

beforeAll(() => configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0 }));
afterAll(() => configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000 }));
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('snapshot custody: copy to the IR account', () => {
  it('copies every evidence snapshot into the IR account, encrypted with its key, once; Reject leaves the copies', async () => {
    const result = await drill('reject');
    expect(result).toMatchObject({ status: 'RESTORED', executionStatus: 'SUCCEEDED' });
    const { stack } = result;
    const sources = Object.values(stack.sim.model.ec2(target).snapshots);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(source.createVolumePermissions).toEqual([IR_ACCOUNT]);

    const copies = irSnapshots(stack);
    expect(copies.map((c) => c.tags['airlock:source-snapshot']).sort()).toEqual(
      sources.map((s) => s.snapshotId).sort(),
    );
    for (const copy of copies) {
      expect(copy).toMatchObject({ ownerId: IR_ACCOUNT, encrypted: true, kmsKeyId: IR_KEY });
      expect(copy.tags).toMatchObject({
        'airlock:incident': result.incidentId,
        'airlock:source-account': target.accountId,
      });
    }
    const evidence = (await stack.ledger.getIncident(result.incidentId ?? ''))?.evidence ?? [];
    expect(evidence.map((e) => e.id)).toEqual(expect.arrayContaining(copies.map((c) => c.snapshotId)));

    // A re-run of the snapshot step (as the state machine's Retry would) shares and copies nothing again.
    const calls = stack.sim.calls({ operation: 'CopySnapshot' }).length;
    await stack.tasks.SnapshotVolumes({
      incidentId: result.incidentId,
      request: requestOf(EC2),
      config: stack.settings.workflow,
    });
    expect(stack.sim.calls({ operation: 'CopySnapshot' })).toHaveLength(calls);
    expect(stack.sim.calls({ operation: 'ModifySnapshotAttribute' })).toHaveLength(sources.length);
    expect(irSnapshots(stack)).toHaveLength(copies.length);
  });
});
