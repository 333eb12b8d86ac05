import { AssumeRoleError, ResourceNotFoundError, ValidationError } from '../../workflow/errors';
import type { SlackMessage } from '../messages/blocks';
import { alreadyOpen, isolateIgnored, isolateRefused, isolateStarted } from '../messages/isolate-replies';
import { planMessage } from '../messages/plan';
import type { CommandContext } from './context';
import type { IsolateArgs } from './parse';

/**
 * `/ir isolate <instance-id> … [--plan]`. With --plan: the read-only planner says exactly what would change.
 * Otherwise one hand-off to the single intake path (normalize, record, dedupe, StartExecution).
 */
export async function isolateCommand(args: IsolateArgs, ctx: CommandContext): Promise<SlackMessage> {
  const { deps } = ctx;
  const target = {
    instanceId: args.instanceId,
    accountId: args.accountId ?? deps.scope.homeAccountId,
    region: args.region ?? deps.scope.defaultRegion,
  };
  if (args.plan) {
    try {
      return planMessage(await deps.planner(target));
    } catch (error) {
      if (error instanceof ResourceNotFoundError) {
        throw new ValidationError(
          `\`${target.instanceId}\` was not found in ${target.accountId} / ${target.region}: check the id, or add \`account …\` / \`region …\``,
          'instance-id',
          { cause: error },
        );
      }
      if (error instanceof AssumeRoleError) {
        throw new ValidationError(
          `Airlock cannot act in account ${target.accountId}: its responder role could not be assumed (${error.message})`,
          'account',
          { cause: error },
        );
      }
      throw error;
    }
  }
  const result = await deps.startIncident({
    ...target,
    requesterSlackUserId: ctx.userId,
    ...(args.reason ? { reason: args.reason } : {}),
  });
  ctx.log.info(
    { incidentId: result.incident?.incidentId, outcome: result.outcome, instanceId: target.instanceId },
    '/ir isolate',
  );
  switch (result.outcome) {
    case 'opened':
      if (!result.incident) throw new Error('intake opened an incident but returned none');
      return isolateStarted(result.incident, deps.settings.socChannel);
    case 'repeat':
    case 'attached':
      if (!result.incident) throw new Error(`intake answered ${result.outcome} without the incident`);
      return alreadyOpen(result.incident, ctx.teamDomain);
    case 'rejected':
      return isolateRefused(result.error ?? { message: 'the request was rejected', field: 'request' });
    case 'ignored':
      return isolateIgnored(result.incident);
  }
}
