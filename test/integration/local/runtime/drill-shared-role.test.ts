import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIONS } from '../../../../bot/ids';
import { approvalMessage, buttonValue, requestOf } from '../../../../local/runtime/drill';
import { blockActionBody, postSigned } from '../../../../local/runtime/slack-requests';
import { startOfflineStack } from '../../../../local/runtime/stack';
import type { OfflineStack } from '../../../../local/runtime/types';
import { seedFromRequest } from '../../../../local/sim';
import { USERS } from '../../../../local/slack/workspace';
import { configureAwsRetry } from '../../../../workflow/aws/call';
import { denyInstancePolicyName } from '../../../../workflow/domain/ec2/credentials';

/**
 * Two concurrent incidents on two instances that share one instance profile (one role), through the real
 * definition on the offline stack. Rejecting one restores only what that incident created: the other's deny
 * and a deny a responder put on the role by hand stay; after both are rejected the estate is as before.
 */

const SAMPLES = join(__dirname, '../../../../local/workspace/samples');
const EC2 = JSON.parse(readFileSync(join(SAMPLES, 'ec2-high-web1.json'), 'utf8')) as {
  detail: {
    id: string;
    resource: {
      instanceDetails: { instanceId: string; networkInterfaces: { networkInterfaceId: string }[] };
    };
  };
};

/** The same finding shape on a second instance with the same instance profile. */
function twin(): typeof EC2 {
  const event = structuredClone(EC2);
  event.detail.id = 'e71f713f8b7586e2e835c7d6d26ef3c5';
  event.detail.resource.instanceDetails.instanceId = 'i-0a000000000000202';
  for (const eni of event.detail.resource.instanceDetails.networkInterfaces)
    eni.networkInterfaceId = eni.networkInterfaceId.replace('101', '202');
  return event;
}

/** What containment leaves behind on purpose, after a Reject: its groups, snapshots, SSM commands, evidence. */
const LEFT_BY_AIRLOCK = [
  /\.ec2\.securityGroups\.sg-[0-9a-f]+: added .*"groupName":"airlock-/,
  /\.ec2\.snapshots\.snap-[0-9a-f]+: added /,
  /\.ssm\.commands\.[0-9a-f-]+: added /,
  /buckets\.airlock-evidence[^.]*\.objects\./,
  // Every version of the evidence objects and the incident report (versioned, Object Lock).
  /buckets\.airlock-evidence[^.]*\.versions\b/,
];

let stack: OfflineStack | undefined;
beforeAll(() => configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0 }));
afterAll(async () => {
  configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000 });
  await stack?.close();
});

/** A signed Reject click, with a trigger_id of its own (two clicks in one workspace are two interactions). */
async function reject(s: OfflineStack, incidentId: string, arn: string, n: number): Promise<void> {
  const ref = await approvalMessage(s, incidentId);
  const userId = USERS.responder;
  const body = blockActionBody({
    actionId: ACTIONS.reject,
    value: buttonValue(s, ref, ACTIONS.reject),
    userId,
    channel: ref.channel,
    messageTs: ref.ts,
    responseUrl: s.slack.responseUrl({ userId, channel: ref.channel, messageTs: ref.ts }),
  }).replace(
    'd8c1bb837935619ccad0f624c448ffb3',
    `d8c1bb837935619ccad0f624c448ff${n.toString(16).padStart(2, '0')}`,
  );
  const response = await postSigned(s.bot.url, body, { secret: s.bot.signingSecret });
  if (response.status !== 200)
    throw new Error(`bot answered ${response.status} to the reject of ${incidentId}`);
  await s.engine.waitForStatus(arn, (d) => d.status !== 'RUNNING', { timeoutMs: 20_000 });
}

describe('drill: two concurrent incidents on instances sharing a role', () => {
  it('reject one: the other incident’s deny and a hand-added deny stay; reject both: the estate is as before', async () => {
    const s = await startOfflineStack({ demoEstate: false, slackRateLimit: false, timeScale: 0 });
    stack = s;
    const events = [EC2, twin()];
    const requests = events.map((e) => requestOf(e));
    for (const r of requests) if (r) seedFromRequest(s.sim, r);
    const target = { accountId: requests[0]?.accountId ?? '', region: requests[0]?.region ?? '' };
    const before = s.sim.snapshot();

    const started = await Promise.all(events.map(async (e) => (await s.inject(e))[0]));
    const runs = started.map((r) => ({
      arn: r?.executionArn ?? '',
      incidentId: r?.incident?.incidentId ?? '',
    }));
    for (const run of runs)
      await s.engine.waitForTask(run.arn, { stateName: 'RequestApproval', timeoutMs: 20_000 });

    const [first, second] = runs;
    if (!first || !second) throw new Error('two executions expected');
    const instances = requests.map((r) => r?.resource.instanceId ?? '');
    const roleName = Object.keys(s.sim.model.iam(target.accountId).roles).find((n) =>
      n.startsWith('web-app'),
    );
    if (!roleName) throw new Error('the shared role was not seeded');
    const policies = () =>
      Object.keys(s.sim.model.iam(target.accountId).roles[roleName]?.inlinePolicies ?? {});
    const denyOf = (i: number) => denyInstancePolicyName(instances[i] ?? '', runs[i]?.incidentId);
    expect(policies()).toEqual(expect.arrayContaining([denyOf(0), denyOf(1)]));

    // A responder adds an emergency deny on the role by hand while both incidents are open.
    const role = s.sim.model.iam(target.accountId).roles[roleName];
    if (role)
      role.inlinePolicies.EmergencyDenyAll =
        '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}';

    await reject(s, first.incidentId, first.arn, 1);
    expect(s.engine.describe(first.arn).status).toBe('SUCCEEDED');
    expect((await s.ledger.getIncident(first.incidentId))?.status).toBe('RESTORED');
    expect(policies()).not.toContain(denyOf(0));
    expect(policies()).toEqual(expect.arrayContaining([denyOf(1), 'EmergencyDenyAll']));

    await reject(s, second.incidentId, second.arn, 2);
    expect(s.engine.describe(second.arn).status).toBe('SUCCEEDED');
    expect((await s.ledger.getIncident(second.incidentId))?.status).toBe('RESTORED');
    expect(policies()).toContain('EmergencyDenyAll');
    if (role) delete role.inlinePolicies.EmergencyDenyAll;
    const residue = s.sim
      .diff(before, s.sim.snapshot())
      .filter((line) => !LEFT_BY_AIRLOCK.some((re) => re.test(line)));
    expect(residue).toEqual([]);
  }, 60_000);
});
