import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandsCommand,
  SendCommandCommand,
} from '@aws-sdk/client-ssm';
import { aws, isAwsError } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import type { WorkflowSettings } from '../../config';
import type { Ledger } from '../../ledger/ledger';
import type { StepOutcome } from '../../tasks/step';
import { evidencePrefix } from './evidence';

export interface CaptureOutput {
  status: 'captured' | 'skipped' | 'timed-out' | 'failed';
  commandId?: string;
  detail: string;
}

/** The volatile-evidence script: processes, connections, logged-in users, loaded modules (and optionally memory). */
export function captureScript(memoryCapture: boolean): string[] {
  const lines = [
    'set -u',
    'echo "== date"; date -u +%Y-%m-%dT%H:%M:%SZ',
    'echo "== processes"; ps auxww',
    'echo "== connections"; (ss -tanup || netstat -tanup) 2>&1',
    'echo "== logged-in users"; who -a; w',
    'echo "== loaded modules"; lsmod; cat /proc/modules',
    'echo "== last logins"; last -n 50 2>&1 || true',
  ];
  if (memoryCapture) {
    // AVML is a static binary (no compiling on the target); it fails under kernel lockdown, which is reported.
    lines.push(
      'echo "== memory"; (command -v avml && avml --compress /var/tmp/airlock-memory.lime.zst) 2>&1 || echo "avml unavailable"',
    );
  }
  return lines;
}

const TERMINAL = new Set(['Success', 'Failed', 'Cancelled', 'TimedOut', 'Cancelling']);

/**
 * b. Starts volatile evidence capture through SSM Run Command on SSM-managed instances, output to the evidence
 * bucket (never inline), and waits at most `captureBoundSeconds`. Check-before-act: a command already sent for
 * this incident (found by its comment) is not sent again.
 */
export async function captureVolatileEvidence(
  clients: AwsClients,
  ctx: { ledger: Ledger; now: () => Date; sleep: (ms: number) => Promise<void> },
  target: { incidentId: string; instanceId: string },
  config: WorkflowSettings,
): Promise<StepOutcome<CaptureOutput>> {
  const info = await aws('ssm:DescribeInstanceInformation', () =>
    clients.ssm.send(
      new DescribeInstanceInformationCommand({
        Filters: [{ Key: 'InstanceIds', Values: [target.instanceId] }],
      }),
    ),
  );
  const managed = info.InstanceInformationList?.find((i) => i.InstanceId === target.instanceId);
  if (managed?.PingStatus !== 'Online') {
    const detail = managed ? `SSM agent ${managed.PingStatus}` : 'instance is not managed by SSM';
    return {
      output: { status: 'skipped', detail },
      status: 'skipped',
      summary: `Volatile capture skipped: ${detail}`,
    };
  }

  const comment = `airlock:${target.incidentId}`;
  const existing = await aws('ssm:ListCommands', () =>
    clients.ssm.send(new ListCommandsCommand({ InstanceId: target.instanceId })),
  );
  let commandId = existing.Commands?.find((c) => c.Comment === comment)?.CommandId;
  if (!commandId) {
    const sent = await aws(
      'ssm:SendCommand',
      () =>
        clients.ssm.send(
          new SendCommandCommand({
            InstanceIds: [target.instanceId],
            DocumentName: 'AWS-RunShellScript',
            Comment: comment,
            TimeoutSeconds: Math.max(30, config.captureBoundSeconds),
            Parameters: {
              commands: captureScript(config.memoryCapture),
              executionTimeout: [String(config.captureBoundSeconds)],
            },
            OutputS3BucketName: config.evidenceBucket,
            OutputS3KeyPrefix: `${evidencePrefix(target.incidentId)}/volatile`,
          }),
        ),
      { idempotent: false },
    );
    commandId = sent.Command?.CommandId;
    if (!commandId) throw new Error('ssm:SendCommand returned no command id');
  }
  const location = `s3://${config.evidenceBucket}/${evidencePrefix(target.incidentId)}/volatile/${commandId}/`;

  const deadline = ctx.now().getTime() + config.captureBoundSeconds * 1000;
  let status = 'Pending';
  for (let poll = 0; ; poll++) {
    try {
      const invocation = await aws('ssm:GetCommandInvocation', () =>
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

  if (status === 'Success') {
    await ctx.ledger.addEvidence(target.incidentId, [
      { id: location, kind: 'volatile', at: ctx.now().toISOString() },
    ]);
    return {
      output: { status: 'captured', commandId, detail: location },
      summary: `Volatile evidence captured (processes, connections, users, modules) to ${location}`,
      ids: [commandId],
    };
  }
  const timedOut = !TERMINAL.has(status);
  const detail = timedOut
    ? `still ${status} after the ${config.captureBoundSeconds}s bound; isolating anyway`
    : `command ${status}`;
  return {
    output: { status: timedOut ? 'timed-out' : 'failed', commandId, detail },
    status: 'failed',
    summary: `Volatile capture ${timedOut ? 'timed out' : 'failed'}: ${detail}`,
    ids: [commandId],
  };
}
