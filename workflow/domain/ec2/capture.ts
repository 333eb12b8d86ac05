import { createHash } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  type GetCommandInvocationCommandOutput,
  ListCommandsCommand,
  SendCommandCommand,
} from '@aws-sdk/client-ssm';
import { aws, isAwsError } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import type { WorkflowSettings } from '../../config';
import type { Ledger } from '../../ledger/ledger';
import type { StepOutcome } from '../../tasks/step';
import {
  CAPTURE_DOCUMENT_NAME,
  CAPTURE_SECTIONS,
  type CaptureSection,
  urlParameter,
} from './capture-document';
import {
  type CustodiedEvidence,
  custodyFromS3,
  type EvidenceCustody,
  evidencePrefix,
  listEvidenceKeys,
  presignEvidencePut,
} from './evidence';

export interface CapturedObject {
  section: CaptureSection;
  /** s3://bucket/key */
  id: string;
  sha256: string;
  /** The version read (and hashed), and its Object Lock retention as S3 answered it. */
  custody: Pick<EvidenceCustody, 's3VersionId' | 'retention'>;
}

export interface CaptureOutput {
  status: 'captured' | 'skipped' | 'timed-out' | 'failed';
  commandId?: string;
  detail: string;
  /** The objects that landed, verified and hashed (each is in the ledger's evidence manifest). */
  objects?: CapturedObject[];
  /** Sections with no object after the command ended. */
  missing?: CaptureSection[];
}

export interface CaptureContext {
  ledger: Ledger;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** S3 in Airlock's own account: signs the upload URLs and verifies what landed (never the instance's role). */
  evidenceS3: S3Client;
  /** The principal evidenceS3 signs as: a presigned PUT is made with the signer's credentials, so it is the writer. */
  writerPrincipal?: string;
}

/** The evidence key of one section of an incident's volatile capture. */
export const volatileKey = (incidentId: string, section: CaptureSection) =>
  `${evidencePrefix(incidentId)}/volatile/${section}.txt`;

const TERMINAL = new Set(['Success', 'Failed', 'Cancelled', 'TimedOut', 'Cancelling']);

/**
 * How long an upload URL lives: the delivery window (SendCommand TimeoutSeconds) plus the execution bound plus a
 * little slack, i.e. a few minutes; never longer than an hour.
 */
export function urlLifetimeSeconds(config: WorkflowSettings): number {
  return Math.min(3600, deliveryTimeoutSeconds(config) + config.captureBoundSeconds + 30);
}

const deliveryTimeoutSeconds = (config: WorkflowSettings) => Math.max(30, config.captureBoundSeconds);

/** The first lines of the command's output that explain a failed upload (curl's error, the script's note). */
function uploadErrors(invocation: GetCommandInvocationCommandOutput | undefined): string[] {
  const lines = (invocation?.StandardOutputContent ?? '').split('\n');
  return lines.filter((l) => /^curl: \(\d+\)|^upload failed:/.test(l)).slice(0, 4);
}

/**
 * The SHA-256 of a captured section, read back as Airlock's role. curl uploads it with no checksum header, so S3
 * stores only its default CRC64NVME (a SHA-256 is kept only when the upload carried one) and a HEAD could never
 * answer it: one GetObject, and the bytes read are hashed.
 */
async function uploadedSha256(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ sha256: string; custody: Pick<EvidenceCustody, 's3VersionId' | 'retention'> }> {
  const object = await aws(`s3:GetObject ${key}`, () =>
    s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
  );
  const bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
  // GetObject names the version it returned and (with s3:GetObjectRetention) its lock: the hash is of that version.
  return { sha256: createHash('sha256').update(bytes).digest('hex'), custody: custodyFromS3(object) };
}

/**
 * b. Volatile evidence through SSM Run Command (the Airlock-Capture document) on SSM-managed instances, bounded
 * by `captureBoundSeconds`. Each section is PUT by the instance to a presigned URL signed here with Airlock's own
 * role, so every object is written by a principal the evidence bucket admits and the instance holds no S3 access.
 * After the command ends, each expected object is checked as Airlock's role and its SHA-256 goes to the manifest;
 * a section with no object is a failed capture, never evidence. Check-before-act: a command already sent for this
 * incident (found by its comment) is not sent again.
 */
export async function captureVolatileEvidence(
  clients: AwsClients,
  ctx: CaptureContext,
  target: { incidentId: string; instanceId: string },
  config: WorkflowSettings,
): Promise<StepOutcome<CaptureOutput>> {
  const comment = `airlock:${target.incidentId}`;
  // Independent reads, made together: is the instance managed, and was the command already sent (by its comment)?
  const [info, existing] = await Promise.all([
    aws('ssm:DescribeInstanceInformation', () =>
      clients.ssm.send(
        new DescribeInstanceInformationCommand({
          Filters: [{ Key: 'InstanceIds', Values: [target.instanceId] }],
        }),
      ),
    ),
    aws('ssm:ListCommands', () =>
      clients.ssm.send(new ListCommandsCommand({ InstanceId: target.instanceId })),
    ),
  ]);
  const managed = info.InstanceInformationList?.find((i) => i.InstanceId === target.instanceId);
  if (managed?.PingStatus !== 'Online') {
    const detail = managed ? `SSM agent ${managed.PingStatus}` : 'instance is not managed by SSM';
    return {
      output: { status: 'skipped', detail },
      status: 'skipped',
      summary: `Volatile capture skipped: ${detail}`,
    };
  }

  let commandId = existing.Commands?.find((c) => c.Comment === comment)?.CommandId;
  if (!commandId) {
    const signedAt = ctx.now();
    const urls: Record<string, string[]> = {};
    for (const section of CAPTURE_SECTIONS) {
      urls[urlParameter(section.name)] = [
        await presignEvidencePut(
          ctx.evidenceS3,
          config.evidenceBucket,
          volatileKey(target.incidentId, section.name),
          urlLifetimeSeconds(config),
          signedAt,
        ),
      ];
    }
    const sent = await aws(
      'ssm:SendCommand',
      () =>
        clients.ssm.send(
          new SendCommandCommand({
            InstanceIds: [target.instanceId],
            DocumentName: CAPTURE_DOCUMENT_NAME,
            Comment: comment,
            TimeoutSeconds: deliveryTimeoutSeconds(config),
            Parameters: { executionTimeout: [String(config.captureBoundSeconds)], ...urls },
          }),
        ),
      { idempotent: false },
    );
    commandId = sent.Command?.CommandId;
    if (!commandId) throw new Error('ssm:SendCommand returned no command id');
  }

  const deadline = ctx.now().getTime() + config.captureBoundSeconds * 1000;
  let status = 'Pending';
  let invocation: GetCommandInvocationCommandOutput | undefined;
  for (let poll = 0; ; poll++) {
    try {
      invocation = await aws('ssm:GetCommandInvocation', () =>
        clients.ssm.send(
          new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: target.instanceId }),
        ),
      );
      status = invocation.Status ?? 'Pending';
    } catch (error) {
      if (!isAwsError(error, 'InvocationDoesNotExist')) throw error;
    }
    if (TERMINAL.has(status) || ctx.now().getTime() >= deadline) break;
    await ctx.sleep(Math.min(2000, 250 * 2 ** poll));
  }

  // Verify as Airlock's own role: which objects landed (the listing decides), and their SHA-256. Every expected
  // section is read at the same time as the listing (one round, not two); a read of a section the listing does not
  // show is discarded, whatever it answered (404, or 403 where the role could not list).
  const [listed, ...reads] = await Promise.allSettled([
    listEvidenceKeys(ctx.evidenceS3, config.evidenceBucket, `${evidencePrefix(target.incidentId)}/volatile/`),
    ...CAPTURE_SECTIONS.map((section) =>
      uploadedSha256(ctx.evidenceS3, config.evidenceBucket, volatileKey(target.incidentId, section.name)),
    ),
  ]);
  if (listed.status === 'rejected') throw listed.reason;
  const present = listed.value;
  const objects: CapturedObject[] = [];
  const missing: CaptureSection[] = [];
  CAPTURE_SECTIONS.forEach((section, i) => {
    const key = volatileKey(target.incidentId, section.name);
    if (!present.has(key)) {
      missing.push(section.name);
      return;
    }
    const read = reads[i] as PromiseSettledResult<Awaited<ReturnType<typeof uploadedSha256>>>;
    if (read.status === 'rejected') throw read.reason;
    objects.push({
      section: section.name,
      id: `s3://${config.evidenceBucket}/${key}`,
      sha256: read.value.sha256,
      custody: read.value.custody,
    });
  });
  if (objects.length) {
    const at = ctx.now().toISOString();
    const writer = ctx.writerPrincipal ? { writerPrincipal: ctx.writerPrincipal } : {};
    await ctx.ledger.addEvidence(
      target.incidentId,
      objects.map(
        (o): CustodiedEvidence => ({
          id: o.id,
          kind: 'volatile',
          sha256: o.sha256,
          at,
          ...writer,
          ...o.custody,
        }),
      ),
    );
  }

  const timedOut = !TERMINAL.has(status);
  if (!timedOut && status === 'Success' && missing.length === 0) {
    return {
      output: { status: 'captured', commandId, detail: `${objects.length} objects verified`, objects },
      summary: `Volatile evidence captured and verified: ${objects.map((o) => o.section).join(', ')} (SHA-256 of each in the manifest)`,
      ids: [commandId, ...objects.map((o) => o.id)],
    };
  }
  const reasons = [
    timedOut
      ? `still ${status} after the ${config.captureBoundSeconds}s bound; isolating anyway`
      : `command ${status}`,
    ...(missing.length ? [`no object for ${missing.join(', ')}`] : []),
    ...uploadErrors(invocation),
  ];
  const detail = reasons.join('; ');
  const kept = objects.length ? ` (kept as evidence: ${objects.map((o) => o.section).join(', ')})` : '';
  return {
    output: { status: timedOut ? 'timed-out' : 'failed', commandId, detail, objects, missing },
    status: 'failed',
    summary: `Capture failed: ${detail}${kept}`,
    ids: [commandId, ...objects.map((o) => o.id)],
  };
}
