import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIONS } from '../../../../bot/ids';
import {
  approvalMessage,
  clickApproval,
  type DrillDecision,
  type DrillResult,
  requestOf,
  runDrill,
  waitForNewApprovalMessage,
} from '../../../../local/runtime/drill';
import type { OfflineStack, TaskInvocation } from '../../../../local/runtime/types';
import type { EstateSnapshot, ServiceName } from '../../../../local/sim';
import { addAutoScalingGroup, addTargetGroup } from '../../../../local/sim/build';
import { USERS } from '../../../../local/slack/workspace';
import { configureAwsRetry } from '../../../../workflow/aws/call';
import definition from '../../../../workflow/definition.asl.json';
import { COMPENSATE_AUDIT } from '../../../../workflow/domain/incident/failure';

/**
 * Every path of the real definition, end to end through the offline stack: intake → local engine → real task
 * code on the simulated account → real bot answering signed Slack clicks. Each test records the states it
 * entered; the last test asserts every state of the definition was entered by at least one of them.
 */

const SAMPLES = join(__dirname, '../../../../local/workspace/samples');
const FIXTURES = join(__dirname, '../../../fixtures');
const load = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
const EC2 = load(join(SAMPLES, 'ec2-high-web1.json'));
const IAM = load(join(SAMPLES, 'iam-high-ci-deployer.json'));
const S3 = load(join(SAMPLES, 's3-high-public-assets.json'));
const ACTOR = load(join(FIXTURES, 'gd-eventbridge-ec2-backdoor-denialofservice-tcp.json'));

const target = (() => {
  const request = requestOf(EC2);
  if (!request?.resource.instanceId) throw new Error('the EC2 sample has no instance');
  return { instanceId: request.resource.instanceId, accountId: request.accountId, region: request.region };
})();

/** What containment leaves behind on purpose, after a Reject: its groups, snapshots, SSM commands, evidence. */
const LEFT_BY_AIRLOCK = [
  /\.ec2\.securityGroups\.sg-[0-9a-f]+: added .*"groupName":"airlock-/,
  /\.ec2\.snapshots\.snap-[0-9a-f]+: added /,
  /\.ssm\.commands\.[0-9a-f-]+: added /,
  /buckets\.airlock-evidence[^.]*\.objects\./,
  // Every version of the evidence objects and the incident report (versioned, Object Lock).
  /buckets\.airlock-evidence[^.]*\.versions\b/,
];

const visited = new Set<string>();
const open: OfflineStack[] = [];

interface Run extends DrillResult {
  stack: OfflineStack;
  before: EstateSnapshot;
}

async function drill(
  event: unknown,
  decision: DrillDecision,
  options: {
    /** Changes the estate before the "before" snapshot (part of what a restore must give back). */
    estate?: (stack: OfflineStack) => void;
    prepare?: (stack: OfflineStack) => void;
    onTask?: (t: TaskInvocation) => void;
  } = {},
): Promise<Run> {
  let before: EstateSnapshot | undefined;
  const result = await runDrill({
    event,
    decision,
    keepOpen: true,
    ...(options.onTask ? { stack: { onTask: options.onTask } } : {}),
    prepare: (stack) => {
      open.push(stack);
      options.estate?.(stack);
      before = stack.sim.snapshot();
      options.prepare?.(stack);
    },
  });
  for (const state of result.statesVisited) visited.add(state);
  if (!before) throw new Error('prepare did not run');
  return { ...result, before };
}

/** The estate's changes since `before`, minus what containment leaves behind on purpose. */
function residue(run: Run): string[] {
  return run.stack.sim
    .diff(run.before, run.stack.sim.snapshot())
    .filter((line) => !LEFT_BY_AIRLOCK.some((re) => re.test(line)));
}

/** Fails the first matching call with `error` (once). */
function failOnce(service: ServiceName, operation: string, error: string) {
  return (stack: OfflineStack): void => {
    stack.sim.faults.failNth({ service, operation, n: 1, error });
  };
}

function ec2(run: Run) {
  return run.stack.sim.model.ec2(target);
}

function isolationGroupIds(run: Run): Set<string> {
  return new Set(
    Object.values(ec2(run).securityGroups)
      .filter((g) => g.groupName.startsWith('airlock-isolation'))
      .map((g) => g.groupId),
  );
}

function expectContained(run: Run): void {
  const instance = ec2(run).instances[target.instanceId];
  expect(instance).toBeDefined();
  const isolation = isolationGroupIds(run);
  expect(isolation.size).toBe(1);
  for (const eniId of instance?.networkInterfaceIds ?? []) {
    expect(ec2(run).networkInterfaces[eniId]?.groupIds).toEqual([...isolation]);
  }
  expect(instance?.disableApiTermination).toBe(true);
  expect(instance?.instanceInitiatedShutdownBehavior).toBe('stop');
  expect(instance?.tags).toMatchObject({
    IncidentStatus: 'Quarantined',
    'airlock:incident-id': run.incidentId,
  });
  const snapshots = Object.values(ec2(run).snapshots);
  expect(snapshots.map((s) => s.volumeId).sort()).toEqual(
    instance?.blockDeviceMappings.map((b) => b.volumeId).sort(),
  );
  for (const snapshot of snapshots)
    expect(snapshot.tags).toMatchObject({
      'airlock:incident-id': run.incidentId,
      'airlock:instance-id': target.instanceId,
    });
}

/** What Compensate made sure of (its audit event). */
async function compensation(run: Run): Promise<{ revocation?: string; allowAll?: string } | undefined> {
  const audit = await run.stack.ledger.listAudit(run.incidentId ?? '');
  const done = audit.find((e) => e.action === COMPENSATE_AUDIT.done);
  return done?.detail?.safeguards as { revocation?: string; allowAll?: string } | undefined;
}

async function settle(stack: OfflineStack, arn: string): Promise<void> {
  await stack.engine.waitForStatus(arn, (d) => d.status !== 'RUNNING', { timeoutMs: 20_000 });
}

beforeAll(() => configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0 }));
afterAll(async () => {
  configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000 });
  await Promise.all(open.map((s) => s.close()));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('drill paths: EC2', () => {
  it('approve: contained, snapshots of every volume, resolved, decision recorded', async () => {
    const run = await drill(EC2, 'approve');
    expect(run).toMatchObject({ route: 'contain-ec2', status: 'RESOLVED', executionStatus: 'SUCCEEDED' });
    expect(run.statesVisited).toEqual([
      'Announce',
      'Route',
      'RecordPreState',
      'CaptureAndPrepare',
      'CaptureVolatileEvidence',
      'PrepareIsolation',
      'Contain',
      'RevokeInstanceCredentials',
      'ProtectEvidence',
      'IsolateNetwork',
      'CheckContained',
      'NotifyIsolated',
      'SnapshotVolumes',
      'TagInstance',
      'OpenTicket',
      'PageOpened',
      'NotifyContained',
      'RequestApproval',
      'PageResolvedApproved',
      'TicketApproved',
      'ResolveIncident',
      'WriteReport',
      'AfterReport',
      'NotifyResolved',
      'Done',
    ]);
    expectContained(run);
    // The seeded C2 session out through the NAT gateway is tracked: only the network ACL deny cuts it.
    expect(run.flowsAliveAfterIsolation).toEqual([]);
    const incident = await run.stack.ledger.getIncident(run.incidentId ?? '');
    expect(incident?.approval).toMatchObject({ state: 'approved', decidedBy: USERS.responder });
    expect(incident?.containedAt).toBeDefined();
  });

  it('reject: restores the instance exactly to its pre-incident state', async () => {
    const run = await drill(EC2, 'reject');
    expect(run).toMatchObject({ status: 'RESTORED', executionStatus: 'SUCCEEDED' });
    expect(run.statesVisited.slice(-8)).toEqual([
      'Restore',
      'RestoreEc2',
      'TicketRestored',
      'CloseRestored',
      'WriteReport',
      'AfterReport',
      'NotifyRestored',
      'Done',
    ]);
    // Containment did change the estate, and the restore undid every change.
    expect(run.actions.some((a) => a.operation === 'ModifyNetworkInterfaceAttribute')).toBe(true);
    expect(run.actions.some((a) => a.operation === 'CreateNetworkAclEntry')).toBe(true);
    expect(residue(run)).toEqual([]);
  });

  it('timeout, then the SOC lead approves the escalation DM', async () => {
    const run = await drill(EC2, 'none');
    const { stack } = run;
    const arn = stack.engine.list()[0]?.executionArn ?? '';
    const incidentId = run.incidentId ?? '';
    const first = await approvalMessage(stack, incidentId);
    const primaryId = (await stack.ledger.getIncident(incidentId))?.approval?.approvalId ?? '';
    await stack.clock.fastForward(stack.settings.workflow.approvalTimeoutSeconds * 1000);
    await waitForNewApprovalMessage(stack, incidentId, first);
    // The escalation is a DM to the lead (and a copy in the thread); the lead decides from the DM.
    const incident0 = await stack.ledger.getIncident(incidentId);
    const escalation = await stack.ledger.getApproval(incident0?.approval?.approvalId ?? '');
    expect(escalation).toMatchObject({ kind: 'escalation' });
    expect(await stack.ledger.getApproval(primaryId)).toMatchObject({ escalatedTo: USERS.lead });
    const dm = escalation?.slack?.find((ref) => ref.channel.startsWith('D'));
    if (!dm) throw new Error('no escalation DM');
    await clickApproval(stack, dm, ACTIONS.approve, USERS.lead);
    await settle(stack, arn);
    const states = stack.engine.statesVisited(arn);
    for (const s of states) visited.add(s);
    expect(states).toEqual(expect.arrayContaining(['RequestApproval', 'Escalate', 'ResolveIncident']));
    const incident = await stack.ledger.getIncident(incidentId);
    expect(incident).toMatchObject({ status: 'RESOLVED', approval: { decidedBy: USERS.lead } });
  });

  it('timeout twice: stays contained, escalated but unresolved', async () => {
    const run = await drill(EC2, 'timeout');
    expect(run).toMatchObject({ status: 'ESCALATED_UNRESOLVED', executionStatus: 'SUCCEEDED' });
    const escalated = run.statesVisited.indexOf('Escalate');
    expect(run.statesVisited.slice(escalated - 2, escalated + 9)).toEqual([
      'RequestApproval',
      'PageEscalated',
      'Escalate',
      'PageUnresolved',
      'TicketUnresolved',
      'CloseUnresolved',
      'WriteReport',
      'AfterReport',
      'NotifyUnresolved',
      'WaitToRemindLead',
      'RemindLead',
    ]);
    // The lead is re-paged (leadReminderMax times) while nobody acts, then the execution ends.
    expect(run.statesVisited.slice(-2)).toEqual(['RemindAgain', 'Done']);
    expectContained(run);
  });

  it('capture fails (SendCommand denied): recorded, and isolation still happens', async () => {
    const run = await drill(EC2, 'approve', {
      prepare: failOnce('ssm', 'SendCommand', 'AccessDeniedException'),
    });
    expect(run).toMatchObject({ status: 'RESOLVED', executionStatus: 'SUCCEEDED' });
    expect(run.statesVisited).toEqual(expect.arrayContaining(['CaptureVolatileEvidence', 'IsolateNetwork']));
    expect(run.actions.find((a) => a.operation === 'SendCommand')?.error).toBe('AccessDeniedException');
    expectContained(run);
    const incident = await run.stack.ledger.getIncident(run.incidentId ?? '');
    const capture = incident?.steps.find((s) => s.name.includes('capture'));
    expect(capture?.status).toBe('failed');
  });

  it('preparing the isolation groups fails (CreateSecurityGroup denied): IsolateNetwork converges them and isolates', async () => {
    const run = await drill(EC2, 'approve', {
      prepare: failOnce('ec2', 'CreateSecurityGroup', 'UnauthorizedOperation'),
    });
    expect(run).toMatchObject({ status: 'RESOLVED', executionStatus: 'SUCCEEDED' });
    expect(run.statesVisited).toEqual(
      expect.arrayContaining(['PrepareIsolation', 'IsolationNotPrepared', 'IsolateNetwork']),
    );
    const creates = run.actions.filter((a) => a.operation === 'CreateSecurityGroup');
    expect(creates[0]?.error).toBe('UnauthorizedOperation');
    expect(creates.filter((a) => !a.error)).toHaveLength(2);
    expectContained(run);
    const audit = await run.stack.ledger.listAudit(run.incidentId ?? '');
    expect(audit.map((e) => e.action)).not.toContain('prepare-isolation');
  });

  it('capture fails (the command ends Failed on the instance): recorded, and isolation still happens', async () => {
    const run = await drill(EC2, 'approve', {
      prepare: (stack) => {
        const managed = stack.sim.model.region(target).ssm.managedInstances[target.instanceId];
        if (!managed) throw new Error('the seeded instance is not SSM-managed');
        managed.behaviour = { deliveryPolls: 0, runningPolls: 1, finalStatus: 'Failed' };
      },
    });
    expect(run.status).toBe('RESOLVED');
    expectContained(run);
    const incident = await run.stack.ledger.getIncident(run.incidentId ?? '');
    expect(incident?.steps.find((s) => s.name.includes('capture'))).toMatchObject({
      status: 'failed',
      summary: expect.stringContaining('Failed'),
    });
  });

  it('snapshot throttled, retried by the state machine, then succeeds: one snapshot per volume', async () => {
    configureAwsRetry({ maxAttempts: 1 });
    try {
      const run = await drill(EC2, 'approve', {
        prepare: failOnce('ec2', 'CreateSnapshots', 'RequestLimitExceeded'),
      });
      expect(run.status).toBe('RESOLVED');
      const arn = run.stack.engine.list()[0]?.executionArn ?? '';
      const retried = run.stack.engine.history(arn).filter((e) => e.type === 'StateRetried');
      expect(retried.map((e) => e.stateName)).toEqual(['SnapshotVolumes']);
      expect(run.actions.filter((a) => a.operation === 'CreateSnapshots' && a.error)).toHaveLength(1);
      expectContained(run);
    } finally {
      configureAwsRetry({ maxAttempts: 4 });
    }
  });

  it('a task fails unrecoverably: compensation keeps the containment done so far, tags the failure, ends FAILED', async () => {
    const run = await drill(EC2, 'approve', {
      prepare: failOnce('ec2', 'CreateTags', 'UnauthorizedOperation'),
    });
    expect(run).toMatchObject({ status: 'FAILED', executionStatus: 'FAILED' });
    expect(run.statesVisited.slice(-8)).toEqual([
      'TagInstance',
      'Compensate',
      'PageFailed',
      'TicketFailed',
      'WriteReport',
      'AfterReport',
      'NotifyFailed',
      'ContainmentFailed',
    ]);
    // Isolation and snapshots stay in place.
    const instance = ec2(run).instances[target.instanceId];
    const isolation = isolationGroupIds(run);
    for (const eniId of instance?.networkInterfaceIds ?? [])
      expect(ec2(run).networkInterfaces[eniId]?.groupIds).toEqual([...isolation]);
    expect(Object.keys(ec2(run).snapshots)).toHaveLength(instance?.blockDeviceMappings.length ?? -1);
    const incident = await run.stack.ledger.getIncident(run.incidentId ?? '');
    expect(incident?.failure).toMatchObject({ step: 'tag-instance', error: expect.stringContaining('') });
    expect(instance?.tags).toMatchObject({ 'airlock:containment-failed': 'tag-instance' });
    expect(run.slack.some((m) => /fail/i.test(m.text ?? ''))).toBe(true);
  });

  it('revocation fails: isolation still happens beside it, then Compensate puts the deny in place', async () => {
    const run = await drill(EC2, 'approve', { prepare: failOnce('iam', 'PutRolePolicy', 'AccessDenied') });
    expect(run).toMatchObject({ status: 'FAILED', executionStatus: 'FAILED' });
    expect(run.statesVisited).toEqual(
      expect.arrayContaining(['IsolateNetwork', 'CheckContained', 'RevocationError', 'Compensate']),
    );
    const isolation = isolationGroupIds(run);
    for (const eniId of ec2(run).instances[target.instanceId]?.networkInterfaceIds ?? [])
      expect(ec2(run).networkInterfaces[eniId]?.groupIds).toEqual([...isolation]);
    const denies = Object.values(run.stack.sim.model.iam(target.accountId).roles).flatMap((r) =>
      Object.keys(r.inlinePolicies).filter((name) =>
        name.startsWith(`AirlockDenyInstance-${target.instanceId}`),
      ),
    );
    expect(denies).toHaveLength(1);
    expect((await compensation(run))?.revocation).toMatch(/in place$/);
  });

  it('isolation interrupted on the allow-all group: Compensate moves the ENI to the isolation group', async () => {
    const run = await drill(EC2, 'approve', {
      prepare: (stack) =>
        stack.sim.faults.failNth({
          service: 'ec2',
          operation: 'ModifyNetworkInterfaceAttribute',
          n: 2,
          error: 'UnauthorizedOperation',
        }),
    });
    expect(run).toMatchObject({ status: 'FAILED', executionStatus: 'FAILED' });
    expect(run.statesVisited).toEqual(expect.arrayContaining(['ContainmentError', 'Compensate']));
    const isolation = isolationGroupIds(run);
    for (const eniId of ec2(run).instances[target.instanceId]?.networkInterfaceIds ?? [])
      expect(ec2(run).networkInterfaces[eniId]?.groupIds).toEqual([...isolation]);
    expect((await compensation(run))?.allowAll).toMatch(/^moved eni-/);
    expect((await compensation(run))?.revocation).toMatch(/in place$/);
  });

  it('fails the restore after a Reject: Compensate does not put containment back (no deny re-applied)', async () => {
    const run = await drill(EC2, 'reject', { prepare: failOnce('iam', 'DeleteRolePolicy', 'AccessDenied') });
    expect(run).toMatchObject({ status: 'FAILED', executionStatus: 'FAILED' });
    expect(run.statesVisited).toEqual(expect.arrayContaining(['RestoreEc2', 'Compensate']));
    expect(run.statesVisited.filter((s) => s === 'RevokeInstanceCredentials')).toHaveLength(1);
    expect(await compensation(run)).toBeUndefined();
  });

  it('eventual consistency: a just-created group not yet visible, a new association still associating: retried, not compensated', async () => {
    const run = await drill(EC2, 'approve', {
      prepare: (stack) => {
        stack.sim.model.consistencyPolls = 2;
      },
    });
    expect(run).toMatchObject({ status: 'RESOLVED', executionStatus: 'SUCCEEDED' });
    expect(run.statesVisited).not.toContain('Compensate');
    expectContained(run);
    const profile = ec2(run).instances[target.instanceId]?.iamInstanceProfile?.arn;
    expect(profile).toMatch(/instance-profile\/airlock-forensic$/);
  });
});

/**
 * The sample's instance as a member of an Auto Scaling group on ELB health checks (no grace period left), behind
 * a target group whose health check (port 80) its security group lets in.
 */
function inElbCheckedGroup(stack: OfflineStack): void {
  const model = stack.sim.model;
  const instance = model.ec2(target).instances[target.instanceId];
  const eni = model.ec2(target).networkInterfaces[instance?.networkInterfaceIds[0] ?? ''];
  const sg = model.ec2(target).securityGroups[eni?.groupIds[0] ?? ''];
  if (!instance || !sg) throw new Error('the sample instance was not seeded');
  sg.ingress.push({
    ruleId: 'sgr-0health0check00080',
    protocol: 'tcp',
    fromPort: 80,
    toPort: 80,
    cidrIpv4: '10.0.0.0/8',
  });
  const tg = addTargetGroup(model, target, { name: 'web-1-tg', vpcId: instance.vpcId, port: 80 });
  const asg = addAutoScalingGroup(model, target, {
    name: 'web-1-asg',
    instanceIds: [target.instanceId],
    minSize: 0,
    maxSize: 4,
    desiredCapacity: 1,
    targetGroupArns: [tg.arn],
  });
  asg.healthCheckType = 'ELB';
  asg.healthCheckGracePeriodSeconds = 0;
}

const asgOf = (run: Run) => run.stack.sim.model.region(target).autoscaling.groups['web-1-asg'];

describe('drill paths: EC2 in an Auto Scaling group behind a load balancer', () => {
  it('survives ELB health checks: with 90 s between steps, the instance and its root volume are never replaced', async () => {
    let clock: OfflineStack['clock'] | undefined;
    let volumes: string[] = [];
    const run = await drill(EC2, 'approve', {
      estate: inElbCheckedGroup,
      prepare: (stack) => {
        clock = stack.clock;
        volumes = (stack.sim.model.ec2(target).instances[target.instanceId]?.blockDeviceMappings ?? []).map(
          (b) => b.volumeId,
        );
      },
      onTask: () => {
        clock?.advance(90_000);
      },
    });
    expect(ec2(run).instances[target.instanceId]?.state).toBe('running');
    expect(volumes.length).toBeGreaterThan(0);
    for (const volumeId of volumes) expect(ec2(run).volumes[volumeId]).toBeDefined();
    expect(asgOf(run)?.activities.map((a) => a.description)).not.toContain(
      `Terminating EC2 instance: ${target.instanceId}`,
    );
    expect(run).toMatchObject({ status: 'RESOLVED', executionStatus: 'SUCCEEDED' });
    expect(asgOf(run)?.instances.map((i) => i.instanceId)).not.toContain(target.instanceId);
    // Out of the group's reach, out of the target group, DeleteOnTermination off: all before the first isolating call.
    const calls = run.actions.map((a) => a.operation);
    const firstIsolating = calls.indexOf('ModifyNetworkInterfaceAttribute');
    const deleteOnTermination = run.actions.findIndex(
      (a) =>
        a.operation === 'ModifyInstanceAttribute' && JSON.stringify(a.input).includes('BlockDeviceMappings'),
    );
    for (const index of [calls.indexOf('DetachInstances'), deleteOnTermination]) {
      expect(index).toBeGreaterThan(-1);
      expect(index).toBeLessThan(firstIsolating);
    }
  });

  it('reject: back in its group and target group, nothing else changed', async () => {
    const run = await drill(EC2, 'reject', { estate: inElbCheckedGroup });
    expect(run).toMatchObject({ status: 'RESTORED', executionStatus: 'SUCCEEDED' });
    expect(run.actions.some((a) => a.operation === 'DetachInstances')).toBe(true);
    expect(run.actions.some((a) => a.operation === 'AttachInstances')).toBe(true);
    expect(asgOf(run)?.instances.map((i) => i.instanceId)).toContain(target.instanceId);
    expect(residue(run).filter((line) => !/\.activities\b/.test(line))).toEqual([]);
  });
});

describe('drill paths: IAM and S3', () => {
  it('IAM approve: the access key stays deactivated', async () => {
    const run = await drill(IAM, 'approve');
    expect(run).toMatchObject({ route: 'contain-iam', status: 'RESOLVED' });
    expect(run.statesVisited).toEqual(
      expect.arrayContaining(['ContainAccessKey', 'RequestApproval', 'ResolveIncident']),
    );
    const request = requestOf(IAM);
    const user = run.stack.sim.model.iam(request?.accountId ?? '').users[
      request?.resource.principalName ?? ''
    ];
    expect(user?.accessKeys.find((k) => k.accessKeyId === request?.resource.accessKeyId)?.status).toBe(
      'Inactive',
    );
  });

  it('IAM reject: restored exactly', async () => {
    const run = await drill(IAM, 'reject');
    expect(run).toMatchObject({ status: 'RESTORED' });
    expect(run.statesVisited).toEqual(expect.arrayContaining(['RestoreAccessKey', 'CloseRestored']));
    expect(run.actions.some((a) => a.operation === 'UpdateAccessKey')).toBe(true);
    expect(residue(run)).toEqual([]);
  });

  it('S3 approve: Block Public Access stays on', async () => {
    const run = await drill(S3, 'approve');
    expect(run).toMatchObject({ route: 'contain-s3', status: 'RESOLVED' });
    expect(run.actions.some((a) => a.operation === 'PutPublicAccessBlock')).toBe(true);
    expect(residue(run).length).toBeGreaterThan(0);
  });

  it('S3 reject: restored exactly', async () => {
    const run = await drill(S3, 'reject');
    expect(run).toMatchObject({ status: 'RESTORED' });
    expect(run.statesVisited).toEqual(expect.arrayContaining(['RestoreBucket', 'CloseRestored']));
    expect(residue(run)).toEqual([]);
  });

  it('notify only: an ACTOR finding changes nothing and is posted', async () => {
    const run = await drill(ACTOR, 'approve');
    expect(run).toMatchObject({ route: 'notify', status: 'NOTIFIED' });
    expect(run.statesVisited).toEqual([
      'Announce',
      'Route',
      'CloseNotified',
      'WriteReport',
      'AfterReport',
      'NotifyReport',
      'Done',
    ]);
    // Nothing changed but the incident report, written to the evidence bucket.
    expect(
      run.stack.sim
        .mutations()
        .map((c) => `${c.operation} ${(c.input as { Key?: string }).Key ?? ''}`)
        .filter((m) => !/^PutObject incidents\/[^/]+\/report\//.test(m)),
    ).toEqual([]);
    expect(run.slack.some((m) => m.method === 'chat.postMessage')).toBe(true);
  });
});

describe('drill paths: the incident report', () => {
  it('a report write that keeps failing (S3 5xx): ReportFailed audits it, and the resolved notice still follows', async () => {
    let sim: OfflineStack['sim'] | undefined;
    const run = await drill(EC2, 'approve', {
      prepare: (stack) => {
        sim = stack.sim;
      },
      onTask: (t) => {
        if (t.key === 'CloseIncident')
          sim?.faults.error5xx({ service: 's3', operation: 'PutObject', rate: 1 });
      },
    });
    expect(run).toMatchObject({ status: 'RESOLVED', executionStatus: 'SUCCEEDED' });
    expect(run.statesVisited.slice(-5)).toEqual([
      'WriteReport',
      'ReportFailed',
      'AfterReport',
      'NotifyResolved',
      'Done',
    ]);
    const audit = await run.stack.ledger.listAudit(run.incidentId ?? '');
    expect(audit.filter((e) => e.action === 'report-failed')).toHaveLength(1);
  });
});

describe('drill paths: coverage', () => {
  it('entered every state of the definition at least once', () => {
    const all: string[] = [];
    type Machine = { States: Record<string, { ItemProcessor?: Machine; Branches?: Machine[] }> };
    const walk = (states: Machine['States']) => {
      for (const [name, state] of Object.entries(states)) {
        all.push(name);
        if (state.ItemProcessor) walk(state.ItemProcessor.States);
        for (const branch of state.Branches ?? []) walk(branch.States);
      }
    };
    walk(definition.States as never);
    expect(all.length).toBeGreaterThan(25);
    expect(all.filter((s) => !visited.has(s))).toEqual([]);
  });
});
