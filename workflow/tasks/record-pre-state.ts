import { type RecordPreStateOutput, recordEc2PreState } from '../domain/ec2/record-pre-state';
import type { TaskRun } from './deps';
import { parseEc2Input } from './ec2-input';
import { lambdaHandler } from './lambda';
import { runStep } from './step';

/** a. Record the pre-state and the first evidence (metadata, console output) with SHA-256s. */
export const run: TaskRun<RecordPreStateOutput> = async (deps, input) => {
  const { target, config } = parseEc2Input(input);
  await deps.ledger.setStatus(target.incidentId, 'CONTAINING');
  const clients = await deps.clients(target);
  return runStep(deps, target.incidentId, 'record-pre-state', input, async () =>
    recordEc2PreState(
      clients,
      {
        ledger: deps.ledger,
        log: deps.log,
        now: () => deps.clock.now(),
        evidenceBucket: config.evidenceBucket,
        evidenceS3: deps.evidenceS3,
        ...(deps.evidenceWriter ? { writerPrincipal: await deps.evidenceWriter() } : {}),
      },
      target,
    ),
  );
};

export const handler = lambdaHandler(run);
