import type { BotTaskDeps } from '../../bot/deps';
import * as escalate from '../../bot/tasks/escalate';
import * as notify from '../../bot/tasks/notify';
import * as requestApproval from '../../bot/tasks/request-approval';
import * as blockBucketPublicAccess from '../../workflow/tasks/block-bucket-public-access';
import * as captureVolatileEvidence from '../../workflow/tasks/capture-volatile-evidence';
import { TASKS, type TaskKey } from '../../workflow/tasks/catalog';
import * as closeIncident from '../../workflow/tasks/close-incident';
import * as compensate from '../../workflow/tasks/compensate';
import * as containAccessKey from '../../workflow/tasks/contain-access-key';
import type { WorkflowTaskDeps } from '../../workflow/tasks/deps';
import * as isolateNetwork from '../../workflow/tasks/isolate-network';
import * as openTicket from '../../workflow/tasks/open-ticket';
import * as page from '../../workflow/tasks/page';
import * as prepareIsolation from '../../workflow/tasks/prepare-isolation';
import * as protectEvidence from '../../workflow/tasks/protect-evidence';
import * as recordPreState from '../../workflow/tasks/record-pre-state';
import * as restoreAccessKey from '../../workflow/tasks/restore-access-key';
import * as restoreBucket from '../../workflow/tasks/restore-bucket';
import * as restoreEc2 from '../../workflow/tasks/restore-ec2';
import * as revokeInstanceCredentials from '../../workflow/tasks/revoke-instance-credentials';
import * as snapshotVolumes from '../../workflow/tasks/snapshot-volumes';
import * as tagInstance from '../../workflow/tasks/tag-instance';
import * as updateTicket from '../../workflow/tasks/update-ticket';
import * as writeReport from '../../workflow/tasks/write-report';

type Handler = (input: unknown) => Promise<unknown>;
export type LocalTaskHandlers = Record<TaskKey, Handler>;

/**
 * Catalog key → the same `run` that the Lambda `handler` calls in AWS, bound to offline deps. The local engine
 * asserts at construction that every Task state resolves to one of these.
 */
export function localTaskHandlers(workflow: WorkflowTaskDeps, bot: BotTaskDeps): LocalTaskHandlers {
  const w =
    (m: { run: (deps: WorkflowTaskDeps, input: unknown) => Promise<unknown> }): Handler =>
    (input) =>
      m.run(workflow, input);
  const b =
    (m: { run: (deps: BotTaskDeps, input: unknown) => Promise<unknown> }): Handler =>
    (input) =>
      m.run(bot, input);
  return {
    RecordPreState: w(recordPreState),
    CaptureVolatileEvidence: w(captureVolatileEvidence),
    PrepareIsolation: w(prepareIsolation),
    IsolateNetwork: w(isolateNetwork),
    ProtectEvidence: w(protectEvidence),
    SnapshotVolumes: w(snapshotVolumes),
    TagInstance: w(tagInstance),
    RevokeInstanceCredentials: w(revokeInstanceCredentials),
    OpenTicket: w(openTicket),
    UpdateTicket: w(updateTicket),
    RestoreEc2: w(restoreEc2),
    ContainAccessKey: w(containAccessKey),
    RestoreAccessKey: w(restoreAccessKey),
    BlockBucketPublicAccess: w(blockBucketPublicAccess),
    RestoreBucket: w(restoreBucket),
    CloseIncident: w(closeIncident),
    Compensate: w(compensate),
    WriteReport: w(writeReport),
    Page: w(page),
    Notify: b(notify),
    RequestApproval: b(requestApproval),
    Escalate: b(escalate),
  };
}

/** Catalog keys invoked with waitForTaskToken. */
export const CALLBACK_KEYS: ReadonlySet<string> = new Set(
  Object.entries(TASKS)
    .filter(([, spec]) => 'callback' in spec && spec.callback)
    .map(([key]) => key),
);
