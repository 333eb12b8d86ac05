import { ValidationError } from '../../workflow/errors';
import { approvalIdFor } from '../../workflow/intake/ids';
import type { ApprovalRecord, IncidentRecord } from '../../workflow/ledger/types';
import type { SlackMessage } from '../messages/blocks';
import { statusSummary } from '../messages/status-summary';
import type { CommandContext } from './context';

async function findByInstance(instanceId: string, ctx: CommandContext): Promise<IncidentRecord | undefined> {
  const { homeAccountId, defaultRegion } = ctx.deps.scope;
  const home = await ctx.deps.ledger.findOpenIncidentByResource(
    `${homeAccountId}:${defaultRegion}:ec2-instance:${instanceId}`,
  );
  if (home) return home;
  const open = await ctx.deps.ledger.listOpenIncidents();
  return open.find((i) => i.request.resource.instanceId === instanceId);
}

/** `/ir status <incident-id | instance-id>`: one incident, step by step. */
export async function statusCommand(
  target: { incidentId: string } | { instanceId: string },
  ctx: CommandContext,
): Promise<SlackMessage> {
  const { ledger } = ctx.deps;
  const incident =
    'incidentId' in target
      ? await ledger.getIncident(target.incidentId)
      : await findByInstance(target.instanceId, ctx);
  if (!incident) {
    throw new ValidationError(
      'incidentId' in target
        ? `no incident \`${target.incidentId}\`: check the id (\`/ir list\` shows the open ones)`
        : `no open incident for \`${target.instanceId}\`: closed incidents are found by their incident id`,
      'target',
    );
  }
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
