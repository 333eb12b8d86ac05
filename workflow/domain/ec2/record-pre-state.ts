import { GetConsoleOutputCommand, GetConsoleScreenshotCommand } from '@aws-sdk/client-ec2';
import type { S3Client } from '@aws-sdk/client-s3';
import { aws } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import { ThrottledError, TransientAwsError } from '../../errors';
import type { Ledger } from '../../ledger/ledger';
import type { EvidenceItem } from '../../ledger/types';
import type { Logger } from '../../log';
import type { StepOutcome } from '../../tasks/step';
import { evidencePrefix, putEvidenceObject } from './evidence';
import { describeInstance, type Ec2State, Ec2StateSchema, readInstanceState } from './state';

export interface RecordPreStateOutput {
  instanceId: string;
  /** Items for the snapshot Map state. */
  volumes: { volumeId: string; deviceName: string }[];
  networkInterfaceIds: string[];
  evidence: EvidenceItem[];
}

/**
 * a. Records the instance's pre-state in the ledger (once: a retry gets the first record back, never a
 * half-contained state) and saves the DescribeInstances output and console output/screenshot to the evidence
 * bucket, each with its SHA-256 in the ledger's evidence manifest.
 */
export async function recordEc2PreState(
  clients: AwsClients,
  ctx: { ledger: Ledger; log: Logger; now: () => Date; evidenceBucket: string; evidenceS3: S3Client },
  target: { incidentId: string; instanceId: string; accountId: string; region: string },
): Promise<StepOutcome<RecordPreStateOutput>> {
  const instance = await describeInstance(clients, target.instanceId);
  const state = await readInstanceState(clients, target, instance);
  const stored = Ec2StateSchema.parse(await ctx.ledger.recordPreState(target.incidentId, state));

  const prefix = evidencePrefix(target.incidentId);
  const evidence: EvidenceItem[] = [];
  const metadata = new TextEncoder().encode(JSON.stringify({ Instance: instance }, null, 2));
  evidence.push(
    await putEvidenceObject(
      ctx.evidenceS3,
      ctx.evidenceBucket,
      `${prefix}/instance-metadata.json`,
      metadata,
      'instance-metadata',
      'application/json',
      ctx.now(),
    ),
  );
  const consoleOutput = await aws('ec2:GetConsoleOutput', () =>
    clients.ec2.send(new GetConsoleOutputCommand({ InstanceId: target.instanceId, Latest: true })),
  );
  evidence.push(
    await putEvidenceObject(
      ctx.evidenceS3,
      ctx.evidenceBucket,
      `${prefix}/console-output.txt`,
      Buffer.from(consoleOutput.Output ?? '', 'base64'),
      'console-output',
      'text/plain',
      ctx.now(),
    ),
  );
  try {
    const shot = await aws('ec2:GetConsoleScreenshot', () =>
      clients.ec2.send(new GetConsoleScreenshotCommand({ InstanceId: target.instanceId, WakeUp: true })),
    );
    if (shot.ImageData) {
      evidence.push(
        await putEvidenceObject(
          ctx.evidenceS3,
          ctx.evidenceBucket,
          `${prefix}/console-screenshot.jpg`,
          Buffer.from(shot.ImageData, 'base64'),
          'screenshot',
          'image/jpeg',
          ctx.now(),
        ),
      );
    }
  } catch (error) {
    // Throttling and 5xx (after the per-call retries) are not "unavailable": fail the task, so the state
    // machine's Retry re-runs it (idempotent) instead of the screenshot silently missing from the evidence.
    if (error instanceof ThrottledError || error instanceof TransientAwsError) throw error;
    // Not every instance type supports screenshots: record it and go on (the rest of the evidence stands).
    ctx.log.warn({ err: error }, 'console screenshot unavailable');
  }
  await ctx.ledger.addEvidence(target.incidentId, evidence);

  return {
    output: summarize(stored, evidence),
    summary: `Recorded pre-state: ${stored.networkInterfaces.length} ENI(s), ${stored.blockDevices.length} volume(s)${
      stored.instanceProfile ? `, profile ${stored.instanceProfile.name}` : ''
    }${stored.autoScalingGroupName ? `, ASG ${stored.autoScalingGroupName}` : ''}${
      stored.targetGroups.length ? `, ${stored.targetGroups.length} target group(s)` : ''
    }${stored.elasticIps.length ? `, ${stored.elasticIps.length} EIP(s)` : ''}; ${evidence.length} evidence object(s) saved`,
    ids: [target.instanceId, ...evidence.map((e) => e.id)],
  };
}

function summarize(state: Ec2State, evidence: EvidenceItem[]): RecordPreStateOutput {
  return {
    instanceId: state.instanceId,
    volumes: state.blockDevices.map((b) => ({ volumeId: b.volumeId, deviceName: b.deviceName })),
    networkInterfaceIds: state.networkInterfaces.map((n) => n.networkInterfaceId),
    evidence,
  };
}
