import {
  type _InstanceType,
  DescribeInstanceTypesCommand,
  GetConsoleOutputCommand,
  GetConsoleScreenshotCommand,
  type Instance,
} from '@aws-sdk/client-ec2';
import type { S3Client } from '@aws-sdk/client-s3';
import { aws, isAwsError } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import { ThrottledError, TransientAwsError } from '../../errors';
import type { Ledger } from '../../ledger/ledger';
import type { EvidenceItem } from '../../ledger/types';
import type { Logger } from '../../log';
import type { StepOutcome } from '../../tasks/step';
import { type CustodiedEvidence, evidencePrefix, putEvidenceObject } from './evidence';
import { describeInstance, type Ec2State, Ec2StateSchema, readInstanceState } from './state';

/** Instance store storage an instance type carries: EBS snapshots cannot capture it. */
export interface InstanceStore {
  totalSizeGb: number;
  disks: { count: number; sizeGb: number; type: string }[];
}

export interface RecordPreStateOutput {
  instanceId: string;
  /** How many EBS volumes the pre-state holds (the volumes themselves stay in the ledger, not in the payload). */
  volumeCount: number;
  networkInterfaceIds: string[];
  evidence: CustodiedEvidence[];
  /** Set when the instance type has instance store volumes: they are not preserved (no snapshot exists for them). */
  instanceStore?: InstanceStore;
  /** false when `Latest: true` was refused (not a Nitro instance) and the buffered console output was saved. */
  consoleOutputLatest: boolean;
}

interface Ctx {
  ledger: Ledger;
  log: Logger;
  now: () => Date;
  evidenceBucket: string;
  evidenceS3: S3Client;
  /** The principal evidenceS3 writes as (Airlock's task role): recorded as each object's writer. */
  writerPrincipal?: string;
}

/**
 * a. Records the instance's pre-state in the ledger (once: a retry gets the first record back, never a
 * half-contained state) and saves the DescribeInstances output and console output/screenshot to the evidence
 * bucket, each with its SHA-256 in the ledger's evidence manifest. The reads and the evidence writes do not
 * depend on each other, so they run concurrently (nothing here changes the instance).
 */
export async function recordEc2PreState(
  clients: AwsClients,
  ctx: Ctx,
  target: { incidentId: string; instanceId: string; accountId: string; region: string },
): Promise<StepOutcome<RecordPreStateOutput>> {
  const prefix = evidencePrefix(target.incidentId);
  const described = describeInstance(clients, target.instanceId);
  const [state, instanceStore, metadata, consoleOutput, screenshot] = await Promise.all([
    readInstanceState(clients, target, described),
    described.then((instance) => readInstanceStore(clients, instance)),
    described.then((instance) =>
      putEvidenceObject(
        ctx.evidenceS3,
        ctx.evidenceBucket,
        `${prefix}/instance-metadata.json`,
        new TextEncoder().encode(JSON.stringify({ Instance: instance }, null, 2)),
        'instance-metadata',
        'application/json',
        ctx.now(),
        writeOptions(ctx),
      ),
    ),
    readConsoleOutput(clients, target.instanceId).then(async ({ output, latest }) => ({
      latest,
      item: await putEvidenceObject(
        ctx.evidenceS3,
        ctx.evidenceBucket,
        `${prefix}/console-output.txt`,
        Buffer.from(output, 'base64'),
        'console-output',
        'text/plain',
        ctx.now(),
        writeOptions(ctx),
      ),
    })),
    saveScreenshot(clients, ctx, target.instanceId, prefix),
  ]);
  const stored = Ec2StateSchema.parse(await ctx.ledger.recordPreState(target.incidentId, state));
  const evidence = [metadata, consoleOutput.item, ...(screenshot ? [screenshot] : [])];
  await ctx.ledger.addEvidence(target.incidentId, evidence);

  return {
    output: {
      instanceId: stored.instanceId,
      volumeCount: stored.blockDevices.length,
      networkInterfaceIds: stored.networkInterfaces.map((n) => n.networkInterfaceId),
      evidence,
      ...(instanceStore ? { instanceStore } : {}),
      consoleOutputLatest: consoleOutput.latest,
    },
    summary: preStateSummary(stored, evidence, instanceStore, consoleOutput.latest),
    ids: [target.instanceId, ...evidence.map((e) => e.id)],
  };
}

const writeOptions = (ctx: Ctx) => (ctx.writerPrincipal ? { writerPrincipal: ctx.writerPrincipal } : {});

/** The thread line: what was recorded, and what was not and why. */
export function preStateSummary(
  stored: Ec2State,
  evidence: EvidenceItem[],
  instanceStore: InstanceStore | undefined,
  consoleLatest: boolean,
): string {
  const vpcs = new Set(stored.networkInterfaces.map((n) => n.vpcId));
  const parts = [
    `Recorded pre-state: ${stored.networkInterfaces.length} ENI(s)${vpcs.size > 1 ? ` in ${vpcs.size} VPCs` : ''}, ${
      stored.blockDevices.length
    } EBS volume(s)${stored.instanceProfile ? `, profile ${stored.instanceProfile.name}` : ''}${
      stored.autoScalingGroupName ? `, ASG ${stored.autoScalingGroupName}` : ''
    }${stored.targetGroups.length ? `, ${stored.targetGroups.length} target group(s)` : ''}${
      stored.elasticIps.length ? `, ${stored.elasticIps.length} EIP(s)` : ''
    }${stored.instanceLifecycle === 'spot' ? ', Spot Instance' : ''}; ${evidence.length} evidence object(s) saved`,
  ];
  if (!consoleLatest) {
    parts.push('console output is the buffered copy (latest output needs a Nitro instance)');
  }
  if (instanceStore) {
    const disks = instanceStore.disks.map((d) => `${d.count} x ${d.sizeGb} GB ${d.type}`).join(', ');
    parts.push(`instance store (${disks}) NOT preserved: it cannot be snapshotted`);
  }
  return parts.join('; ');
}

/**
 * The instance type's instance store, if it has one (DescribeInstances lists only EBS volumes; instance store
 * volumes live and die with the host, and no snapshot can capture them).
 */
async function readInstanceStore(
  clients: AwsClients,
  instance: Instance,
): Promise<InstanceStore | undefined> {
  const type = instance.InstanceType;
  if (!type) return undefined;
  const out = await aws(`ec2:DescribeInstanceTypes ${type}`, () =>
    clients.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: [type as _InstanceType] })),
  );
  const info = out.InstanceTypes?.find((t) => t.InstanceType === type);
  if (!info?.InstanceStorageSupported || !info.InstanceStorageInfo) return undefined;
  return {
    totalSizeGb: info.InstanceStorageInfo.TotalSizeInGB ?? 0,
    disks: (info.InstanceStorageInfo.Disks ?? []).map((d) => ({
      count: d.Count ?? 0,
      sizeGb: d.SizeInGB ?? 0,
      type: d.Type ?? 'unknown',
    })),
  };
}

/**
 * The latest serial console output where EC2 offers it (`Latest: true` is Nitro-only and is refused with
 * UnsupportedOperation elsewhere), else the buffered output every instance has.
 */
async function readConsoleOutput(
  clients: AwsClients,
  instanceId: string,
): Promise<{ output: string; latest: boolean }> {
  try {
    const out = await aws('ec2:GetConsoleOutput latest', () =>
      clients.ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceId, Latest: true })),
    );
    return { output: out.Output ?? '', latest: true };
  } catch (error) {
    if (!isAwsError(error, 'UnsupportedOperation')) throw error;
    const out = await aws('ec2:GetConsoleOutput', () =>
      clients.ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceId })),
    );
    return { output: out.Output ?? '', latest: false };
  }
}

async function saveScreenshot(
  clients: AwsClients,
  ctx: Ctx,
  instanceId: string,
  prefix: string,
): Promise<CustodiedEvidence | undefined> {
  try {
    const shot = await aws('ec2:GetConsoleScreenshot', () =>
      clients.ec2.send(new GetConsoleScreenshotCommand({ InstanceId: instanceId, WakeUp: true })),
    );
    if (!shot.ImageData) return undefined;
    return await putEvidenceObject(
      ctx.evidenceS3,
      ctx.evidenceBucket,
      `${prefix}/console-screenshot.jpg`,
      Buffer.from(shot.ImageData, 'base64'),
      'screenshot',
      'image/jpeg',
      ctx.now(),
      writeOptions(ctx),
    );
  } catch (error) {
    // Throttling and 5xx (after the per-call retries) are not "unavailable": fail the task, so the state
    // machine's Retry re-runs it (idempotent) instead of the screenshot silently missing from the evidence.
    if (error instanceof ThrottledError || error instanceof TransientAwsError) throw error;
    // An S3 failure is not "unavailable" either.
    if (!isAwsError(error, 'UnsupportedOperation', 'IncorrectInstanceState')) throw error;
    // Not every instance type supports screenshots: record it and go on (the rest of the evidence stands).
    ctx.log.warn({ err: error }, 'console screenshot unavailable');
    return undefined;
  }
}
