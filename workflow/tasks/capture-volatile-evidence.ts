import { type CaptureOutput, captureVolatileEvidence } from '../domain/ec2/capture';
import type { TaskRun } from './deps';
import { parseEc2Input } from './ec2-input';
import { lambdaHandler } from './lambda';
import { runStep } from './step';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * b. Volatile evidence through SSM, bounded; skipped (and recorded) on instances SSM does not manage. The upload
 * URLs are signed, and what landed is verified, with `evidenceS3` (Airlock's own role), never the instance's.
 */
export const run: TaskRun<CaptureOutput> = async (deps, input) => {
  const { target, config } = parseEc2Input(input);
  const clients = await deps.clients(target);
  return runStep(deps, target.incidentId, 'capture-volatile-evidence', input, async () =>
    captureVolatileEvidence(
      clients,
      {
        ledger: deps.ledger,
        now: () => deps.clock.now(),
        sleep,
        evidenceS3: deps.evidenceS3,
        ...(deps.evidenceWriter ? { writerPrincipal: await deps.evidenceWriter() } : {}),
      },
      target,
      config,
    ),
  );
};

export const handler = lambdaHandler(run);
