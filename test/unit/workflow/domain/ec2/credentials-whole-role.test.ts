import { GetRolePolicyCommand, ListRolePoliciesCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { SimulatedAws } from '../../../../../local/sim';
import { DEMO, seedDemoEstate } from '../../../../../local/sim/seed';
import { WorkflowSettingsSchema } from '../../../../../workflow/config';
import {
  REVOKE_OLDER_SESSIONS,
  revokeInstanceCredentials,
  revokeOlderSessionsPolicy,
} from '../../../../../workflow/domain/ec2/credentials';
import { readInstanceState } from '../../../../../workflow/domain/ec2/state';
import { createdResourceRecorder } from '../../../../../workflow/ledger/created-resources';
import { FakeLedger, makeIncident } from '../../../../helpers/fake-ledger';

/** Whole-role revocation counts as done by the content of a policy (its aws:TokenIssueTime), never by its name. */

const NOW = new Date('2026-03-01T12:00:00.000Z');
const incidentId = 'inc-00000000000000aa';
const target = { instanceId: DEMO.instances.web1, accountId: DEMO.accountId, region: DEMO.region };

async function revokeWithExisting(existingCutoff: string, existingName: string = REVOKE_OLDER_SESSIONS) {
  const sim = new SimulatedAws({ now: () => NOW, sleep: async () => {}, listPageSize: 100 });
  seedDemoEstate(sim);
  const clients = sim.clients();
  // What the console's "Revoke active sessions" left on the role earlier.
  await clients.iam.send(
    new PutRolePolicyCommand({
      RoleName: DEMO.roles.webApp,
      PolicyName: existingName,
      PolicyDocument: revokeOlderSessionsPolicy(existingCutoff),
    }),
  );
  const pre = await readInstanceState(clients, target);
  const ledger = new FakeLedger();
  ledger.seedIncident(makeIncident({ incidentId }));
  const config = WorkflowSettingsSchema.parse({ revokeWholeRoleSessions: true });
  const outcome = await revokeInstanceCredentials(
    clients,
    pre,
    config,
    NOW,
    createdResourceRecorder(ledger, { now: () => NOW }, incidentId),
  );
  const names = (await clients.iam.send(new ListRolePoliciesCommand({ RoleName: DEMO.roles.webApp })))
    .PolicyNames;
  return { sim, clients, outcome, names };
}

describe('whole-role session revocation', () => {
  it('rejects an AWSRevokeOlderSessions with an earlier cut-off as done, and adds its own deny up to now', async () => {
    const { clients, outcome, names } = await revokeWithExisting('2026-02-01T00:00:00.000Z');

    expect(outcome.output.wholeRoleRevoked).toBe(true);
    expect(outcome.output.wholeRolePolicy).toBe(`AirlockRevokeSessions-${incidentId}`);
    expect(outcome.output.wholeRoleCutoff).toBe(NOW.toISOString());
    expect(names).toEqual(
      expect.arrayContaining([REVOKE_OLDER_SESSIONS, `AirlockRevokeSessions-${incidentId}`]),
    );
    const ours = await clients.iam.send(
      new GetRolePolicyCommand({
        RoleName: DEMO.roles.webApp,
        PolicyName: `AirlockRevokeSessions-${incidentId}`,
      }),
    );
    expect(decodeURIComponent(ours.PolicyDocument ?? '')).toContain(
      `"aws:TokenIssueTime":"${NOW.toISOString()}"`,
    );
  });

  it('counts an AWSRevokeOlderSessions whose cut-off is at least now as done, and writes nothing', async () => {
    const { outcome, names } = await revokeWithExisting('2026-03-01T12:05:00.000Z');

    expect(outcome.output.wholeRoleRevoked).toBe(false);
    expect(outcome.output.wholeRolePolicy).toBe(REVOKE_OLDER_SESSIONS);
    expect(outcome.output.wholeRoleCutoff).toBe('2026-03-01T12:05:00.000Z');
    expect(names).not.toContain(`AirlockRevokeSessions-${incidentId}`);
  });

  it('counts a hand-written deny of the same content under another name as done', async () => {
    const { outcome, names } = await revokeWithExisting('2026-03-01T12:00:00.000Z', 'ResponderCutoff');

    expect(outcome.output.wholeRoleRevoked).toBe(false);
    expect(outcome.output.wholeRolePolicy).toBe('ResponderCutoff');
    expect(names).not.toContain(`AirlockRevokeSessions-${incidentId}`);
  });
});
