import { type SnapshotOutput, snapshotVolume } from '../domain/ec2/snapshot';
import type { TaskRun } from './deps';
import { SnapshotTaskInputSchema } from './ec2-input';
import { parseInput } from './input';
import { lambdaHandler } from './lambda';
import { runStep } from './step';

/** e. One Map iteration: snapshot one volume (check-before-act by tag) and add it to the evidence manifest. */
export const run: TaskRun<SnapshotOutput> = async (deps, input) => {
  const parsed = parseInput(SnapshotTaskInputSchema, input);
  const { request, incidentId, volume } = parsed;
  const clients = await deps.clients({ accountId: request.accountId, region: request.region });
  const output = await runStep(deps, incidentId, `snapshot-${volume.volumeId}`, input, () =>
    snapshotVolume(clients, {
      incidentId,
      findingId: request.findingId,
      instanceId: request.resource.instanceId ?? '',
      volumeId: volume.volumeId,
      deviceName: volume.deviceName,
    }),
  );
  await deps.ledger.addEvidence(incidentId, [
    { id: output.snapshotId, kind: 'snapshot', at: deps.clock.now().toISOString() },
  ]);
  return output;
};

export const handler = lambdaHandler(run);
