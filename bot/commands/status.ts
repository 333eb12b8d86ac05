import { ValidationError } from '../../workflow/errors';
import { approvalIdFor } from '../../workflow/intake/ids';
import type { ApprovalRecord, IncidentRecord } from '../../workflow/ledger/types';
import type { SlackMessage } from '../messages/blocks';
import { statusSummary } from '../messages/status-summary';
import type { CommandContext } from './context';

/**
 * The latest incident of an instance, open or closed: the home account's LATEST pointer for the instance, else
 * an open incident of it in another account; else (older ledgers without the pointer) its open lock.
 */
export async function findByInstance(
  instanceId: string,
  ctx: CommandContext,
): Promise<IncidentRecord | undefined> {
  const { homeAccountId, defaultRegion } = ctx.deps.scope;
  const { ledger } = ctx.deps;
  const resourceKey = `${homeAccountId}:${defaultRegion}:ec2-instance:${instanceId}`;
  const latest = await ledger.findLatestIncidentByResource?.(resourceKey);
  if (latest) return latest;
  const home = await ledger.findOpenIncidentByResource(resourceKey);
  if (home) return home;
  const open = await ledger.listOpenIncidents();
  return open.find((i) => i.request.resource.instanceId === instanceId);
}

/**
 * The incident an `/ir status` or `/ir report` target names: by incident id, or an instance's latest incident.
 * An unknown one is a ValidationError naming what was looked up.
 */
export async function findTarget(
  target: { incidentId: string } | { instanceId: string },
  ctx: CommandContext,
): Promise<IncidentRecord> {
  const incident =
    'incidentId' in target
      ? await ctx.deps.ledger.getIncident(target.incidentId)
      : await findByInstance(target.instanceId, ctx);
  if (!incident) {
    throw new ValidationError(
      'incidentId' in target
        ? `no incident \`${target.incidentId}\`: check the id (\`/ir list\` shows the open ones)`
        : `no incident for \`${target.instanceId}\` in the home account and region, and no open one elsewhere: an incident in another account is found by its incident id`,
      'target',
    );
  }
  return incident;
}

/** `/ir status <incident-id | instance-id>`: one incident, step by step. */
export async function statusCommand(
  target: { incidentId: string } | { instanceId: string },
  ctx: CommandContext,
): Promise<SlackMessage> {
  const { ledger } = ctx.deps;
  const incident = await findTarget(target, ctx);
  const approvals = (
    await Promise.all([
      ledger.getApproval(approvalIdFor(incident.incidentId, 'primary')),
      ledger.getApproval(approvalIdFor(incident.incidentId, 'escalation')),
    ])
  ).filter((a): a is ApprovalRecord => a !== undefined);
  return statusSummary(incident, approvals, ctx.deps.clock.now(), {
    socLeadUserId: ctx.deps.settings.socLeadUserId,
    teamDomain: ctx.teamDomain,
  });
}
