import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { aws } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import type { AuditEvent, IncidentRecord } from '../../ledger/types';
import type { WorkflowTaskDeps } from '../../tasks/deps';
import { digest } from '../../tasks/step';
import { moveOffAllowAll } from '../ec2/allow-all';
import { Ec2StateSchema } from '../ec2/state';
import { COMPENSATE_AUDIT, failedCallFromMessage, failedStepFromAudit, readableCause } from './failure';
import type { CompensateInput } from './input';
import { requireIncident } from './lifecycle';

export interface CompensateOutput {
  failedStep: string;
  /** The error name (the Catch's `Error`). */
  error: string;
  /** The readable cause (a Lambda error JSON's errorMessage, else the Catch's `Cause`). */
  cause: string;
  /** EC2 containment only: what compensation made sure of (each `failed: …` when it could not). */
  safeguards?: Safeguards;
}

export interface Safeguards {
  /** The instance's sessions denied (the revoke step's own check-before-act code). */
  revocation: string;
  /** No ENI left on the transitional allow-all group: `none`, or what was moved to the isolation group. */
  allowAll: string;
}

export interface CompensateOptions {
  /** Makes sure the instance's sessions are denied, check-before-act; returns what is in place. */
  ensureRevoked?: () => Promise<string>;
}

export const FAILED_TAG_KEY = 'airlock:containment-failed';
export const INCIDENT_TAG_KEY = 'airlock:incident-id';
const CAUSE_MAX = 2000;

/** EC2 tag values: at most 256 characters. */
const tagValue = (value: string) => value.slice(0, 256);

type TagResult = 'tagged' | 'already-tagged' | 'not-applicable' | `failed: ${string}`;

function sameFailure(a: IncidentRecord['failure'], b: NonNullable<IncidentRecord['failure']>): boolean {
  return a?.step === b.step && a.error === b.error && a.cause === b.cause;
}

async function tagFailedInstance(
  getClients: () => Promise<AwsClients>,
  deps: WorkflowTaskDeps,
  incident: IncidentRecord,
  failedStep: string,
  audit: AuditEvent[],
): Promise<TagResult> {
  const { incidentId, request } = incident;
  const instanceId = request.resource.instanceId;
  if (request.resource.kind !== 'ec2-instance' || !instanceId) return 'not-applicable';
  if (audit.some((e) => e.action === COMPENSATE_AUDIT.tagged && e.detail?.step === failedStep)) {
    return 'already-tagged';
  }
  const at = () => deps.clock.now().toISOString();
  try {
    const clients = await getClients();
    await aws(`ec2:CreateTags ${instanceId}`, () =>
      clients.ec2.send(
        new CreateTagsCommand({
          Resources: [instanceId],
          Tags: [
            { Key: FAILED_TAG_KEY, Value: tagValue(failedStep) },
            { Key: INCIDENT_TAG_KEY, Value: tagValue(incidentId) },
          ],
        }),
      ),
    );
  } catch (error) {
    // The instance may be gone, or the role unassumable: record it and finish the compensation anyway.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    deps.log.warn({ err: error, incidentId, instanceId }, 'could not tag the instance containment-failed');
    await deps.ledger.appendAudit({
      incidentId,
      at: at(),
      actor: 'workflow',
      action: COMPENSATE_AUDIT.tagFailed,
      detail: { instanceId, step: failedStep, error: message },
    });
    return `failed: ${message}`;
  }
  await deps.ledger.appendAudit({
    incidentId,
    at: at(),
    actor: 'workflow',
    action: COMPENSATE_AUDIT.tagged,
    detail: { instanceId, step: failedStep },
  });
  return 'tagged';
}

const failedText = (error: unknown) =>
  `failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;

/**
 * What an interrupted EC2 containment must never leave behind, made sure of whichever step failed: the deny on
 * the instance's sessions, and no ENI on the allow-all group (wide open while it carries it). Not after a Reject
 * (the responder asked for the instance back), nor without a recorded pre-state. Each part reports its own failure.
 */
async function secureContainment(
  getClients: () => Promise<AwsClients>,
  deps: WorkflowTaskDeps,
  incident: IncidentRecord,
  input: CompensateInput,
  options: CompensateOptions,
): Promise<Safeguards | undefined> {
  if (incident.request.resource.kind !== 'ec2-instance' || incident.approval?.state === 'rejected')
    return undefined;
  const pre = Ec2StateSchema.safeParse(incident.preState);
  if (!pre.success) return undefined;
  const [allowAll, revocation] = await Promise.all([
    getClients()
      .then((clients) => moveOffAllowAll(clients, pre.data, input.config))
      .then((moved) => (moved.length ? `moved ${moved.join(', ')}` : 'none'), failedText),
    options.ensureRevoked ? options.ensureRevoked().catch(failedText) : Promise.resolve('not checked'),
  ]);
  const safeguards = { revocation, allowAll };
  const level = `${revocation} ${allowAll}`.includes('failed: ') ? 'error' : 'info';
  deps.log[level]({ incidentId: incident.incidentId, ...safeguards }, 'containment safeguards');
  return safeguards;
}

/**
 * j. Compensation after an unrecoverable error: keeps whatever containment succeeded, makes sure (EC2) that the
 * instance's sessions are denied and that no ENI is left on the allow-all group,
 * tags an EC2 instance `airlock:containment-failed=<step>`, records the failure and status FAILED in the ledger,
 * records once that the failure needs the on-call (`on-call-needed`: paging is a state of its own after this
 * one, not the ticket sink's job), and records an audit event. Tagging problems never stop it. Clients are obtained lazily:
 * the failure being compensated may be that the role could not be assumed.
 */
export async function compensate(
  getClients: () => Promise<AwsClients>,
  deps: WorkflowTaskDeps,
  input: CompensateInput,
  options: CompensateOptions = {},
): Promise<CompensateOutput> {
  const { incidentId } = input;
  const incident = await requireIncident(deps.ledger, incidentId);
  const audit = await deps.ledger.listAudit(incidentId);
  const cause = readableCause(input.error.Cause).slice(0, CAUSE_MAX);
  const failure = incident.failure ?? {
    step: failedStepFromAudit(audit) ?? failedCallFromMessage(cause) ?? 'unknown',
    error: input.error.Error,
    cause,
  };

  const safeguards = await secureContainment(getClients, deps, incident, input, options);
  const tag = await tagFailedInstance(getClients, deps, incident, failure.step, audit);

  const failed =
    incident.status === 'FAILED' && sameFailure(incident.failure, failure)
      ? incident
      : await deps.ledger.setStatus(incidentId, 'FAILED', { failure });

  let onCallNeeded = false;
  if (!audit.some((e) => e.action === COMPENSATE_AUDIT.onCallNeeded)) {
    const reason = `Airlock containment of ${incidentId} failed at ${failure.step}: ${failure.error}: ${failure.cause}`;
    await deps.ledger.appendAudit({
      incidentId,
      at: deps.clock.now().toISOString(),
      actor: 'workflow',
      action: COMPENSATE_AUDIT.onCallNeeded,
      detail: { reason, step: failure.step, status: failed.status },
    });
    onCallNeeded = true;
  }

  const output: CompensateOutput = {
    failedStep: failure.step,
    error: failure.error,
    cause: failure.cause,
    ...(safeguards ? { safeguards } : {}),
  };
  await deps.ledger.appendAudit({
    incidentId,
    at: deps.clock.now().toISOString(),
    actor: 'workflow',
    action: COMPENSATE_AUDIT.done,
    detail: {
      failedStep: failure.step,
      error: failure.error,
      tag,
      onCallNeeded,
      ...(safeguards ? { safeguards } : {}),
    },
    inputDigest: digest(input),
    outputDigest: digest(output),
  });
  deps.log.warn(
    { incidentId, failedStep: failure.step, error: failure.error, tag, onCallNeeded },
    'compensated',
  );
  return output;
}
