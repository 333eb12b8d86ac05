import { ensureIsolationGroups, type IsolationGroups } from '../domain/ec2/isolate';
import type { TaskRun } from './deps';
import { parseEc2Input } from './ec2-input';
import { lambdaHandler } from './lambda';
import { loadEc2PreState } from './pre-state';
import { digest } from './step';

/**
 * Beside the capture: makes sure Airlock's shared allow-all and isolation groups exist, with their rules, in every
 * VPC of the instance's ENIs, so IsolateNetwork finds them and only swaps. It changes no instance (only Airlock's
 * own groups, check-before-act, safe for concurrent incidents) and is not a runbook step of the thread: it is
 * audited, and if it fails the run goes on (IsolateNetwork converges the groups itself).
 */
export const run: TaskRun<IsolationGroups> = async (deps, input) => {
  const { target, config } = parseEc2Input(input);
  const pre = await loadEc2PreState(deps.ledger, target.incidentId);
  const clients = await deps.clients(target);
  const groups = await ensureIsolationGroups(
    clients,
    pre.networkInterfaces.map((n) => n.vpcId),
    config,
    // A group created here is taken to hold EC2's default rules (not described again): IsolateNetwork describes
    // and converges both groups before it swaps anything.
    'default',
  );
  const ids = [...new Set([...Object.values(groups.allowAll), ...Object.values(groups.isolation)])];
  const summary = `Isolation groups ready in ${Object.keys(groups.isolation).length} VPC(s): ${ids.join(', ')}`;
  await deps.ledger.appendAudit({
    incidentId: target.incidentId,
    at: deps.clock.now().toISOString(),
    actor: 'workflow',
    action: 'prepare-isolation',
    detail: { status: 'ok', summary, ids },
    inputDigest: digest(input),
    outputDigest: digest(groups),
  });
  deps.log.child({ incidentId: target.incidentId, step: 'prepare-isolation' }).info({ ids }, summary);
  return groups;
};

export const handler = lambdaHandler(run);
