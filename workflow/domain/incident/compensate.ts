import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { aws } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import type { AuditEvent, IncidentRecord } from '../../ledger/types';
import type { WorkflowTaskDeps } from '../../tasks/deps';
import { digest } from '../../tasks/step';
import { COMPENSATE_AUDIT, failedCallFromMessage, failedStepFromAudit, readableCause } from './failure';
import type { CompensateInput } from './input';
import { requireIncident } from './lifecycle';

export interface CompensateOutput {
  failedStep: string;
  /** The error name (the Catch's `Error`). */
  error: string;
  /** The readable cause (a Lambda error JSON's errorMessage, else the Catch's `Cause`). */
  cause: string;
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

/**
 * j. Compensation after an unrecoverable error: keeps whatever containment succeeded (changes nothing else),
 * tags an EC2 instance `airlock:containment-failed=<step>`, records the failure and status FAILED in the ledger,
 * pages on-call once, and records an audit event. Tagging problems never stop it. Clients are obtained lazily:
 * the failure being compensated may be that the role could not be assumed.
 */
export async function compensate(
  getClients: () => Promise<AwsClients>,
  deps: WorkflowTaskDeps,
  input: CompensateInput,
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

  const tag = await tagFailedInstance(getClients, deps, incident, failure.step, audit);

  const failed =
    incident.status === 'FAILED' && sameFailure(incident.failure, failure)
      ? incident
      : await deps.ledger.setStatus(incidentId, 'FAILED', { failure });

  let paged = false;
  if (!audit.some((e) => e.action === COMPENSATE_AUDIT.paged)) {
    const reason = `Airlock containment of ${incidentId} failed at ${failure.step}: ${failure.error}: ${failure.cause}`;
    await deps.ticketSink.page(failed, reason);
    await deps.ledger.appendAudit({
      incidentId,
      at: deps.clock.now().toISOString(),
      actor: 'workflow',
      action: COMPENSATE_AUDIT.paged,
      detail: { sink: deps.ticketSink.name, step: failure.step },
    });
    paged = true;
  }

  const output: CompensateOutput = { failedStep: failure.step, error: failure.error, cause: failure.cause };
  await deps.ledger.appendAudit({
    incidentId,
    at: deps.clock.now().toISOString(),
    actor: 'workflow',
    action: COMPENSATE_AUDIT.done,
    detail: { failedStep: failure.step, error: failure.error, tag, paged },
    inputDigest: digest(input),
    outputDigest: digest(output),
  });
  deps.log.warn({ incidentId, failedStep: failure.step, error: failure.error, tag, paged }, 'compensated');
  return output;
}
