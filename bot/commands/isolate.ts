import { AssumeRoleError, ResourceNotFoundError, ValidationError } from '../../workflow/errors';
import type { BotDeps } from '../deps';
import { message, type SlackMessage, section } from '../messages/blocks';
import { alreadyOpen, isolateIgnored, isolateRefused, isolateStarted } from '../messages/isolate-replies';
import { planMessage } from '../messages/plan';
import { regionAllowed } from '../regions';
import type { CommandContext } from './context';
import type { IsolateArgs } from './parse';

type Target = { instanceId: string; accountId: string; region: string };

/** The account and region must be ones Airlock may act in: checked before any AWS call, for --plan too. */
function checkScope(target: Target, scope: BotDeps['scope']): void {
  const accounts = [scope.homeAccountId, ...(scope.allowedAccountIds ?? [])];
  if (!accounts.includes(target.accountId)) {
    throw new ValidationError(
      `account ${target.accountId} is not one Airlock may act in. Nothing was started.`,
      'account',
    );
  }
  if (!regionAllowed(target.region, scope.defaultRegion, scope.allowedRegions)) {
    throw new ValidationError(
      `region ${target.region} is not one Airlock may act in. Nothing was started.`,
      'region',
    );
  }
}

/**
 * The read-only planner (the same Describe calls as --plan): the instance exists where the responder said.
 * A not-found instance or an unassumable role becomes a ValidationError the responder reads.
 */
async function plan(target: Target, deps: BotDeps, notFound: (t: Target) => string) {
  try {
    return await deps.planner(target);
  } catch (error) {
    if (error instanceof ResourceNotFoundError) {
      throw new ValidationError(notFound(target), 'instance-id', { cause: error });
    }
    if (error instanceof AssumeRoleError) {
      throw new ValidationError(
        `Airlock cannot act in account ${target.accountId}: its responder role could not be assumed (${error.message}). Nothing was started.`,
        'account',
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * `/ir isolate <instance-id> … [--plan]`. Both first check the account and region, then run the read-only
 * planner. With --plan it says exactly what would change; otherwise, once the instance is known to exist, one
 * hand-off to the single intake path (normalize, record, dedupe, StartExecution). A typo opens nothing.
 */
export async function isolateCommand(args: IsolateArgs, ctx: CommandContext): Promise<SlackMessage> {
  const target = targetOf(args, ctx.deps);
  checkScope(target, ctx.deps.scope);
  // The planner's AWS calls may outlast Slack's 3 seconds: acknowledge now, answer through response_url.
  if (ctx.deps.defer && ctx.responseUrl) {
    await ctx.deps.defer({
      kind: 'isolate',
      args,
      userId: ctx.userId,
      channelId: ctx.channelId,
      teamDomain: ctx.teamDomain,
      responseUrl: ctx.responseUrl,
    });
    return checkingMessage(target);
  }
  return isolateNow(args, ctx);
}

/** The acknowledgement while the deferred work runs; the answer follows through response_url. */
function checkingMessage(target: Target): SlackMessage {
  const text = `Checking \`${target.instanceId}\` in ${target.accountId}/${target.region}…`;
  return message(text, [section(`:hourglass_flowing_sand: ${text} The answer follows here.`)]);
}

function targetOf(args: IsolateArgs, deps: BotDeps): Target {
  return {
    instanceId: args.instanceId,
    accountId: args.accountId ?? deps.scope.homeAccountId,
    region: args.region ?? deps.scope.defaultRegion,
  };
}

/** The checks, the planner and (without --plan) the intake: the work itself, deferred or not. */
export async function isolateNow(args: IsolateArgs, ctx: CommandContext): Promise<SlackMessage> {
  const { deps } = ctx;
  const target = targetOf(args, deps);
  checkScope(target, deps.scope);
  if (args.plan) {
    return planMessage(
      await plan(
        target,
        deps,
        (t) =>
          `\`${t.instanceId}\` was not found in ${t.accountId} / ${t.region}: check the id, or add \`account …\` / \`region …\``,
      ),
    );
  }
  await plan(
    target,
    deps,
    (t) =>
      `\`${t.instanceId}\` not found in ${t.accountId}/${t.region}; nothing was started. Check the id, or add \`account …\` / \`region …\`.`,
  );
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
