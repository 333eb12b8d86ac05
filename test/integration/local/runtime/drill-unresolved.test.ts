import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeIncidentValue } from '../../../../bot/actions/button-value';
import { ACTIONS } from '../../../../bot/ids';
import { clickValue, type DrillDecision, runDrill } from '../../../../local/runtime/drill';
import type { OfflineStack } from '../../../../local/runtime/types';
import type { EstateSnapshot } from '../../../../local/sim';
import { USERS } from '../../../../local/slack/workspace';
import type { WorkflowSettings } from '../../../../workflow/config';

/**
 * After the last timer (ESCALATED_UNRESOLVED), through the real definition on the local engine: the SOC lead is
 * re-paged at a bounded interval until someone acts, and `/ir release` restores exactly, as Reject does.
 */

// Two full drills per test (or a drill and its release), on a machine that may be busy.
jest.setTimeout(30_000);

const EC2 = JSON.parse(
  readFileSync(join(__dirname, '../../../../local/workspace/samples/ec2-high-web1.json'), 'utf8'),
) as unknown;

/** What containment leaves behind on purpose, after a restore: its groups, snapshots, SSM commands, evidence. */
const LEFT_BY_AIRLOCK = [
  /\.ec2\.securityGroups\.sg-[0-9a-f]+: added .*"groupName":"airlock-/,
  /\.ec2\.snapshots\.snap-[0-9a-f]+: added /,
  /\.ssm\.commands\.[0-9a-f-]+: added /,
  /buckets\.airlock-evidence[^.]*\.objects\./,
  // Every version of the evidence objects and the incident report (versioned, Object Lock).
  /buckets\.airlock-evidence[^.]*\.versions\b/,
];

const open: OfflineStack[] = [];
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
});

async function drill(decision: DrillDecision, workflow: Partial<WorkflowSettings>) {
  let before: EstateSnapshot | undefined;
  const run = await runDrill({
    event: EC2,
    decision,
    keepOpen: true,
    stack: { workflow },
    prepare: (stack) => {
      open.push(stack);
      before = stack.sim.snapshot();
    },
  });
  if (!before || !run.incidentId) throw new Error('the drill opened no incident');
  return { ...run, before, incidentId: run.incidentId };
}

/** Messages the bot posted in the SOC lead's DM. */
function leadDm(stack: OfflineStack): string[] {
  return stack.slack
    .channelMessages(stack.slack.dmChannel(USERS.lead))
    .map((m) => m.text ?? '')
    .filter(Boolean);
}

async function finished(stack: OfflineStack, arn: string): Promise<string> {
  const done = await stack.engine.waitForStatus(arn, (d) => d.status !== 'RUNNING', { timeoutMs: 20_000 });
  return done.status;
}

describe('after the last timer', () => {
  it('re-pages the SOC lead every leadReminderSeconds, at most leadReminderMax times, then ends', async () => {
    const run = await drill('timeout', { leadReminderSeconds: 600, leadReminderMax: 2 });
    expect(run).toMatchObject({ status: 'ESCALATED_UNRESOLVED', executionStatus: 'SUCCEEDED' });
    expect(run.statesVisited.filter((s) => s === 'RemindLead')).toHaveLength(2);
    expect(run.statesVisited.slice(-4)).toEqual(['WaitToRemindLead', 'RemindLead', 'RemindAgain', 'Done']);
    const reminders = leadDm(run.stack).filter((t) => t.startsWith('Reminder'));
    expect(reminders).toEqual([
      expect.stringContaining(`Reminder 1 of 2: ${run.incidentId} is still unresolved`),
      expect.stringContaining(`Reminder 2 of 2: ${run.incidentId} is still unresolved`),
    ]);
    const audit = await run.stack.ledger.listAudit(run.incidentId);
    expect(audit.filter((a) => a.action === 'lead-reminded').map((a) => a.detail?.n)).toEqual([1, 2]);
  });

  it('/ir release restores it exactly, as Reject does (a release execution), and the re-pages stop', async () => {
    const run = await drill('none', { leadReminderSeconds: 600, leadReminderMax: 5 });
    const { stack, incidentId } = run;
    const arn = stack.engine.list()[0]?.executionArn ?? '';
    const { approvalTimeoutSeconds, escalationTimeoutSeconds } = stack.settings.workflow;
    await stack.clock.fastForward(approvalTimeoutSeconds * 1000);
    await stack.engine.waitForTask(arn, { stateName: 'Escalate', timeoutMs: 20_000 });
    // The escalation is posted (status ESCALATED) before its timer runs out, as it is in hours on AWS: moving the
    // clock while Escalate still runs would let its late ESCALATED land after CloseUnresolved.
    const escalatedBy = performance.now() + 20_000;
    while ((await stack.ledger.getIncident(incidentId))?.status !== 'ESCALATED') {
      if (performance.now() > escalatedBy) throw new Error('the escalation was never posted');
      await new Promise((r) => setTimeout(r, 5));
    }
    await stack.clock.fastForward(escalationTimeoutSeconds * 1000);
    const deadline = performance.now() + 20_000;
    while ((await stack.ledger.getIncident(incidentId))?.status !== 'ESCALATED_UNRESOLVED') {
      if (performance.now() > deadline) throw new Error('the execution never closed the incident unresolved');
      await new Promise((r) => setTimeout(r, 5));
    }

    const card = (await stack.ledger.getIncident(incidentId))?.slack;
    if (!card) throw new Error('no card');
    await clickValue(
      stack,
      card,
      ACTIONS.releaseUnresolved,
      encodeIncidentValue(incidentId),
      USERS.responder,
    );
    const released = (await stack.ledger.listAudit(incidentId)).find((a) => a.action === 'released');
    const releaseArn = String(released?.detail?.executionArn ?? '');
    expect(releaseArn).toContain(`${incidentId}-release`);
    await expect(finished(stack, releaseArn)).resolves.toBe('SUCCEEDED');
    expect(stack.engine.statesVisited(releaseArn)).toEqual(
      expect.arrayContaining(['Route', 'Restore', 'RestoreEc2', 'CloseRestored', 'NotifyRestored']),
    );
    expect(stack.engine.statesVisited(releaseArn)).not.toContain('RecordPreState');
    expect(await stack.ledger.getIncident(incidentId)).toMatchObject({
      status: 'RESTORED',
      settled: { how: 'release', by: USERS.responder },
    });
    const residue = stack.sim
      .diff(run.before, stack.sim.snapshot())
      .filter((line) => !LEFT_BY_AIRLOCK.some((re) => re.test(line)));
    expect(residue).toEqual([]);

    // The first execution's next reminder finds the incident released: no re-page, and it ends.
    await stack.clock.fastForward(600 * 1000);
    await expect(finished(stack, arn)).resolves.toBe('SUCCEEDED');
    expect(leadDm(stack).filter((t) => t.startsWith('Reminder'))).toEqual([]);
    expect(stack.engine.statesVisited(arn).slice(-3)).toEqual(['RemindLead', 'RemindAgain', 'Done']);
  });
});
