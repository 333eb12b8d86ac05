import { incidentIdFor } from '../../../../workflow/intake/ids';
import { acceptEvent, acceptEventAll, acceptRequest } from '../../../../workflow/intake/service';
import { ExecutionAlreadyExists } from '../../../../workflow/intake/sfn-executions';
import type { ExecutionInput } from '../../../../workflow/tasks/state';
import { makeDeps } from './fakes';
import { fixture, securityHubEvent, setPath } from './fixtures';

/** The minimal C&C fixture (severity 8.7, sample) made real: a high-severity EC2 TARGET finding. */
function highSeverityEc2Event(findingId = '00000000000000000000000000000000', eventId = 'evt-1') {
  const event = fixture('gd-eventbridge-ec2-backdoor-cc-activity-b-dns-minimal.json');
  event.id = eventId;
  setPath(event, 'detail.id', findingId);
  setPath(event, 'detail.service.additionalInfo', { sample: false });
  return event;
}

const manual = (extra: Record<string, unknown> = {}) => ({
  kind: 'manual',
  instanceId: 'i-0123456789abcdef0',
  requesterSlackUserId: 'U0RESPONDER',
  reason: 'beaconing',
  ...extra,
});

describe('acceptEvent: a new finding', () => {
  it('opens an incident and starts exactly one execution named after it, with the ExecutionInput', async () => {
    const deps = makeDeps();
    const result = await acceptEvent(highSeverityEc2Event(), deps);

    expect(result.outcome).toBe('opened');
    expect(result.decision.route).toBe('contain-ec2');
    const incidentId = incidentIdFor('123456789012:us-west-2:00000000000000000000000000000000');
    expect(result.incident?.incidentId).toBe(incidentId);
    expect(deps.executions.starts).toHaveLength(1);
    const [start] = deps.executions.starts;
    expect(start?.name).toBe(incidentId);
    const input = start?.input as ExecutionInput;
    expect(input).toEqual({
      incidentId,
      route: 'contain-ec2',
      request: result.incident?.request,
      config: deps.settings,
    });
    expect(result.executionArn).toBe(`arn:aws:states:us-east-1:000000000000:execution:airlock:${incidentId}`);
    expect(deps.ledger.incidents.get(incidentId)?.executionArn).toBe(result.executionArn);
    expect(deps.ledger.audit.map((e) => [e.actor, e.action])).toEqual([
      ['intake', 'intake-opened'],
      ['intake', 'execution-started'],
    ]);
  });

  it('starts the workflow for review and notify routes too (the workflow posts the notice)', async () => {
    const deps = makeDeps({ allowSampleFindings: true });
    const review = await acceptEvent(fixture('gd-eventbridge-ec2-unauthorizedaccess-toripcaller.json'), deps);
    const notify = await acceptEvent(
      fixture('gd-eventbridge-eks-privesc-privilegedcontainer-SYNTHETIC.json'),
      deps,
    );
    expect([review.outcome, review.decision.route]).toEqual(['opened', 'review']);
    expect([notify.outcome, notify.decision.route]).toEqual(['opened', 'notify']);
    expect(deps.executions.starts.map((s) => (s.input as ExecutionInput).route)).toEqual([
      'review',
      'notify',
    ]);
  });

  it('records an ignored finding, closes it as IGNORED and starts nothing', async () => {
    const deps = makeDeps({ allowSampleFindings: false });
    const result = await acceptEvent(fixture('gd-eventbridge-ec2-unauthorizedaccess-toripcaller.json'), deps);
    expect(result.outcome).toBe('ignored');
    expect(result.decision.reason).toMatch(/^sample: /);
    expect(result.incident?.status).toBe('IGNORED');
    expect(deps.ledger.incidents.size).toBe(1);
    expect(deps.executions.starts).toHaveLength(0);
    expect(deps.ledger.audit.map((e) => e.action)).toEqual(['intake-ignored']);
  });

  it('writes the report of the incident it closed as IGNORED (no execution will), once it is closed', async () => {
    const written: { incidentId: string; status: string | undefined }[] = [];
    const deps = makeDeps({ allowSampleFindings: false });
    deps.writeReport = async (incidentId) => {
      written.push({ incidentId, status: deps.ledger.incidents.get(incidentId)?.status });
    };
    const result = await acceptEvent(fixture('gd-eventbridge-ec2-unauthorizedaccess-toripcaller.json'), deps);
    expect(written).toEqual([{ incidentId: result.incident?.incidentId, status: 'IGNORED' }]);
    expect(deps.ledger.audit.map((e) => e.action)).toEqual(['intake-ignored']);
  });

  it('fails to write an IGNORED report without losing the finding: audited as report-failed, still ignored', async () => {
    const deps = makeDeps({ allowSampleFindings: false });
    deps.writeReport = async () => {
      throw Object.assign(new Error('We encountered an internal error. Please try again.'), {
        name: 'InternalError',
      });
    };
    const result = await acceptEvent(fixture('gd-eventbridge-ec2-unauthorizedaccess-toripcaller.json'), deps);
    expect(result.outcome).toBe('ignored');
    expect(result.incident?.status).toBe('IGNORED');
    const failed = deps.ledger.audit.find((e) => e.action === 'report-failed');
    expect(failed).toMatchObject({
      actor: 'intake',
      detail: { error: 'InternalError', cause: 'We encountered an internal error. Please try again.' },
    });
  });

  it('does not let an ignored finding hold the resource: a later high finding on the instance opens', async () => {
    const deps = makeDeps();
    const low = highSeverityEc2Event('11111111111111111111111111111111');
    setPath(low, 'detail.severity', 2);
    expect((await acceptEvent(low, deps)).outcome).toBe('ignored');
    const high = await acceptEvent(highSeverityEc2Event('22222222222222222222222222222222'), deps);
    expect(high.outcome).toBe('opened');
    expect(deps.executions.starts).toHaveLength(1);
  });
});

describe('acceptEvent: dedupe', () => {
  it('absorbs a repeat of the same finding (new event id, higher count) without a second execution', async () => {
    const deps = makeDeps();
    const first = await acceptEvent(highSeverityEc2Event('a1', 'evt-1'), deps);
    const update = highSeverityEc2Event('a1', 'evt-2');
    setPath(update, 'detail.service.count', 5);
    const repeat = await acceptEvent(update, deps);

    expect(repeat.outcome).toBe('repeat');
    expect(repeat.incident?.incidentId).toBe(first.incident?.incidentId);
    expect(repeat.executionArn).toBe(first.executionArn);
    expect(deps.executions.starts).toHaveLength(1);
    expect(deps.ledger.audit.map((e) => e.action)).toContain('intake-repeat');
  });

  it('attaches a different finding for an instance with an open incident, without a second execution', async () => {
    const deps = makeDeps();
    const first = await acceptEvent(highSeverityEc2Event('a1'), deps);
    const other = await acceptEvent(highSeverityEc2Event('b2'), deps);

    expect(other.outcome).toBe('attached');
    expect(other.incident?.incidentId).toBe(first.incident?.incidentId);
    expect(other.incident?.findingCount).toBe(2);
    expect(deps.executions.starts).toHaveLength(1);
    expect(deps.ledger.audit.filter((e) => e.action === 'intake-attached')).toHaveLength(1);
  });

  it('converges after a crash between recording and StartExecution: the retry starts the one execution', async () => {
    const deps = makeDeps();
    deps.executions.failures.push(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    await expect(acceptEvent(highSeverityEc2Event('a1'), deps)).rejects.toThrow('socket hang up');
    expect(deps.executions.starts).toHaveLength(0);

    const retry = await acceptEvent(highSeverityEc2Event('a1'), deps);
    expect(retry.outcome).toBe('repeat');
    expect(deps.executions.starts).toHaveLength(1);
    expect(retry.executionArn).toBeDefined();
    expect(retry.incident?.executionArn).toBe(retry.executionArn);

    await acceptEvent(highSeverityEc2Event('a1'), deps);
    expect(deps.executions.starts).toHaveLength(1);
  });

  it('treats ExecutionAlreadyExists as the dedupe working: records the execution it names, does not throw', async () => {
    const deps = makeDeps();
    const arn = 'arn:aws:states:us-east-1:000000000000:execution:airlock:existing';
    deps.executions.failures.push(new ExecutionAlreadyExists('exists', arn, 'SUCCEEDED'));
    const result = await acceptEvent(highSeverityEc2Event(), deps);
    expect(result.outcome).toBe('opened');
    expect(result.executionArn).toBe(arn);
    expect(result.incident?.executionArn).toBe(arn);
    expect(deps.ledger.audit.map((e) => e.action)).toContain('execution-exists');
  });
});

describe('acceptEvent: invalid input', () => {
  it('rejects a PascalCase event: kept in the ledger with the raw event, reason and field; nothing opened', async () => {
    const deps = makeDeps();
    const raw = fixture('gd-eventbridge-pascal-unauthorizedaccess-ec2-sshbruteforce.json');
    const result = await acceptEvent(raw, deps);

    expect(result.outcome).toBe('rejected');
    expect(result.error?.field).toBe('detail.Id');
    expect(result.error?.message).toMatch(/GetFindings\/PascalCase/);
    expect(await deps.ledger.listRejectedEvents()).toEqual([
      { rejectedAt: '2026-03-01T12:00:00.000Z', reason: result.error?.message, field: 'detail.Id', raw },
    ]);
    expect(deps.ledger.recordIntakeCalls).toBe(0);
    expect(deps.executions.starts).toHaveLength(0);
  });

  it('fails (for a retry) when the ledger is down, instead of reporting success', async () => {
    const deps = makeDeps();
    deps.ledger.failNext = Object.assign(new Error('ProvisionedThroughputExceeded'), {
      name: 'ThrottledError',
    });
    await expect(acceptEvent(highSeverityEc2Event(), deps)).rejects.toThrow('ProvisionedThroughputExceeded');
    expect(deps.executions.starts).toHaveLength(0);
  });
});

describe('acceptEvent: Security Hub', () => {
  it('answers a control finding as ignored with no incident, no rejection and no execution', async () => {
    const deps = makeDeps();
    const result = await acceptEvent(fixture('sh-eventbridge-imported-fsbp-ec2.7.json'), deps);
    expect(result).toEqual({
      outcome: 'ignored',
      decision: { route: 'ignore', reason: 'Security Hub control finding: not actionable' },
    });
    expect(deps.ledger.recordIntakeCalls).toBe(0);
    expect(deps.ledger.rejected).toHaveLength(0);
  });

  it('handles every finding of a multi-finding event in order', async () => {
    const deps = makeDeps();
    const gd = fixture('sh-asff-bare-guardduty-ec2-sshbruteforce.json');
    setPath(gd, 'Severity', { Label: 'HIGH', Normalized: 80 });
    const control = fixture('sh-asff-bare-control-fsbp-sample.json');
    const broken = fixture('sh-asff-bare-guardduty-ec2-sshbruteforce.json');
    setPath(broken, 'AwsAccountId', '42');
    const results = await acceptEventAll(
      securityHubEvent([gd, control, broken], 'Security Hub Findings - Custom Action'),
      deps,
    );
    expect(results.map((r) => [r.outcome, r.decision.route])).toEqual([
      ['opened', 'contain-ec2'],
      ['ignored', 'ignore'],
      ['rejected', 'ignore'],
    ]);
    expect(results[2]?.error?.field).toBe('detail.findings[2].AwsAccountId');
    expect(deps.ledger.rejected).toHaveLength(1);
    expect(deps.executions.starts).toHaveLength(1);
  });
});

describe('acceptEvent: manual requests (/ir isolate, Contain now)', () => {
  it('opens a contain-ec2 incident with the scope defaults for account and region', async () => {
    const deps = makeDeps();
    const result = await acceptEvent(manual(), deps);
    expect(result.outcome).toBe('opened');
    expect(result.decision.route).toBe('contain-ec2');
    expect(result.incident?.request).toMatchObject({
      source: 'manual',
      findingId: 'manual:i-0123456789abcdef0',
      accountId: '111122223333',
      region: 'eu-west-1',
      requester: { slackUserId: 'U0RESPONDER', reason: 'beaconing' },
    });
    expect(deps.executions.starts).toHaveLength(1);
  });

  it('dedupes the same request while its incident is open', async () => {
    const deps = makeDeps();
    const first = await acceptEvent(manual(), deps);
    const again = await acceptEvent(manual({ requesterSlackUserId: 'U0OTHER' }), deps);
    expect(again.outcome).toBe('repeat');
    expect(again.incident?.incidentId).toBe(first.incident?.incidentId);
    expect(deps.executions.starts).toHaveLength(1);
  });

  it('opens a new incident for the instance once the previous one is closed (deterministic chain of ids)', async () => {
    const deps = makeDeps();
    const first = await acceptEvent(manual(), deps);
    const firstId = first.incident?.incidentId as string;
    await deps.ledger.setStatus(firstId, 'RESOLVED');

    const second = await acceptEvent(manual(), deps);
    expect(second.outcome).toBe('opened');
    expect(second.incident?.request.findingId).toBe(`manual:i-0123456789abcdef0:after:${firstId}`);
    expect(second.incident?.incidentId).not.toBe(firstId);
    expect(deps.executions.starts.map((s) => s.name)).toEqual([firstId, second.incident?.incidentId]);

    const third = await acceptEvent(manual(), deps);
    expect(third.outcome).toBe('repeat');
    expect(third.incident?.incidentId).toBe(second.incident?.incidentId);
  });

  it('attaches to an open GuardDuty incident on the same instance instead of starting another', async () => {
    const deps = makeDeps();
    const event = highSeverityEc2Event();
    setPath(event, 'detail.accountId', '111122223333');
    setPath(event, 'detail.region', 'eu-west-1');
    const gd = await acceptEvent(event, deps);
    const result = await acceptEvent(manual(), deps);
    expect(result.outcome).toBe('attached');
    expect(result.incident?.incidentId).toBe(gd.incident?.incidentId);
    expect(deps.executions.starts).toHaveLength(1);
  });

  it('rejects a bad instance id naming the field instanceId', async () => {
    const deps = makeDeps();
    const result = await acceptEvent(manual({ instanceId: 'i-123' }), deps);
    expect(result.outcome).toBe('rejected');
    expect(result.error).toEqual({ field: 'instanceId', message: expect.stringMatching(/EC2 instance id/) });
    expect(deps.ledger.rejected[0]?.field).toBe('instanceId');
  });

  it('rejects an account outside the scope naming accountId, and a malformed one', async () => {
    const deps = makeDeps();
    expect((await acceptEvent(manual({ accountId: '999999999999' }), deps)).error?.field).toBe('accountId');
    expect((await acceptEvent(manual({ accountId: '12345' }), deps)).error?.field).toBe('accountId');
    expect((await acceptEvent(manual({ accountId: '444455556666' }), deps)).outcome).toBe('opened');
  });

  it('records the Contain-now origin in the audit trail', async () => {
    const deps = makeDeps();
    const result = await acceptEvent(manual({ fromIncidentId: 'inc-0123456789abcdef' }), deps);
    const opened = deps.ledger.audit.find((e) => e.action === 'intake-opened');
    expect(opened?.incidentId).toBe(result.incident?.incidentId);
    expect(opened?.detail).toMatchObject({ fromIncidentId: 'inc-0123456789abcdef', source: 'manual' });
  });
});

describe('acceptRequest', () => {
  it('routes with the caller-supplied protection: ask-before-contain still starts the workflow', async () => {
    const deps = makeDeps();
    const first = await acceptEvent(manual(), makeDeps());
    const request = first.incident?.request;
    if (!request) throw new Error('no request');
    const result = await acceptRequest(request, deps, { protectedResource: true });
    expect(result.outcome).toBe('opened');
    expect(result.decision.route).toBe('ask-before-contain');
    expect(deps.executions.starts.map((s) => (s.input as ExecutionInput).route)).toEqual([
      'ask-before-contain',
    ]);
  });
});
