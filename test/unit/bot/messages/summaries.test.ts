import { listSummary } from '../../../../bot/messages/list-summary';
import { planMessage } from '../../../../bot/messages/plan';
import { statusSummary } from '../../../../bot/messages/status-summary';
import { usage } from '../../../../bot/messages/usage';
import type { ContainmentPlan } from '../../../../workflow/domain/plan';
import { approvalIdFor } from '../../../../workflow/intake/ids';
import { makeIncident, makeRequest } from '../../../helpers/fake-ledger';
import { allText, expectValidMessage } from './expect-valid';

const now = new Date('2026-11-22T09:00:00.000Z');
const opts = { socLeadUserId: 'U0LEAD', teamDomain: 'airlock-drill' };

describe('statusSummary', () => {
  it('shows status, steps with times, evidence ids, who decided and time-to-contain', () => {
    const incident = makeIncident({
      status: 'RESOLVED',
      containedAt: '2026-11-22T08:02:30.000Z',
      slack: { channel: 'C0SOCINCIDENTS', ts: '1700000000.000100' },
      steps: [
        {
          name: 'isolate-network',
          status: 'ok',
          summary: 'isolated',
          startedAt: '2026-11-22T08:01:10.000Z',
          endedAt: '2026-11-22T08:01:12.000Z',
          ids: ['sg-0iso'],
        },
        {
          name: 'capture-volatile-evidence',
          status: 'skipped',
          summary: 'not SSM-managed',
          startedAt: '2026-11-22T08:01:05.000Z',
          endedAt: '2026-11-22T08:01:05.100Z',
        },
      ],
      evidence: [
        {
          id: 'snap-0123456789abcdef0',
          kind: 'snapshot',
          sha256: 'cd'.repeat(32),
          at: '2026-11-22T08:02:00.000Z',
        },
      ],
    });
    const approval = {
      approvalId: approvalIdFor(incident.incidentId, 'primary'),
      incidentId: incident.incidentId,
      taskToken: 't',
      kind: 'primary' as const,
      createdAt: '2026-11-22T08:03:00.000Z',
      expiresAt: '2026-11-22T12:03:00.000Z',
      decision: 'approve' as const,
      decidedBy: 'U0RESP2',
      decidedAt: '2026-11-22T08:20:00.000Z',
    };
    const m = statusSummary(incident, [approval], now, opts);
    expectValidMessage(m);
    const text = allText(m);
    expect(text).toContain('Resolved');
    expect(text).toContain('Isolated the network');
    expect(text).not.toContain('isolate-network');
    expect(text).toContain('08:01 UTC (2.0 s)');
    expect(text).toContain('snap-0123456789abcdef0');
    expect(text).toContain('approved by <@U0RESP2> at 08:20 UTC');
    expect(text).toContain('1 min 30 s');
    expect(text).toContain('https://airlock-drill.slack.com/archives/C0SOCINCIDENTS/p1700000000000100');
  });

  it('says when approval was not requested yet', () => {
    expect(allText(statusSummary(makeIncident(), [], now, opts))).toContain('Approval: not requested yet');
  });
});

describe('listSummary', () => {
  it('lists status, age, resource and whom each incident waits on', () => {
    const a = makeIncident({ status: 'AWAITING_APPROVAL', createdAt: '2026-11-22T08:00:00.000Z' });
    const b = makeIncident({
      incidentId: 'inc-00000000000000bb',
      status: 'ESCALATED',
      createdAt: '2026-11-22T04:00:00.000Z',
      request: makeRequest({
        resource: { kind: 'ec2-instance', rawType: 'Instance', instanceId: 'i-0bbbbbbbbbbbbbbbb' },
      }),
    });
    const m = listSummary([a, b], now, opts);
    expectValidMessage(m);
    const text = allText(m);
    expect(text).toContain('2 open incidents');
    expect(text.indexOf('i-0bbbbbbbbbbbbbbbb')).toBeLessThan(text.indexOf('i-0abc1234def567890'));
    expect(text).toContain('5 h old');
    expect(text).toContain('a responder (Approve/Reject in the thread)');
    expect(text).toContain('<@U0LEAD> (escalated)');
  });

  it('says so when nothing is open', () => {
    expect(listSummary([], now, opts).text).toBe('No open incidents.');
  });

  it('stays within limits with 500 open incidents', () => {
    const many = Array.from({ length: 500 }, (_, i) =>
      makeIncident({ incidentId: `inc-${i.toString(16).padStart(16, '0')}` }),
    );
    const m = listSummary(many, now, opts);
    expectValidMessage(m);
    expect(allText(m)).toMatch(/\+\d+ more/);
  });
});

describe('planMessage', () => {
  const plan: ContainmentPlan = {
    instanceId: 'i-0abc1234def567890',
    accountId: '123456789012',
    region: 'us-east-1',
    networkInterfaces: [
      { networkInterfaceId: 'eni-0aaa', vpcId: 'vpc-01', from: ['sg-0web', 'sg-0ssh'], to: 'sg-0iso' },
    ],
    volumesToSnapshot: [{ volumeId: 'vol-0a', deviceName: '/dev/xvda', sizeGiB: 8 }],
    credentials: {
      fromProfileArn: 'arn:aws:iam::123456789012:instance-profile/web',
      toProfileName: 'airlock-forensic',
      roleName: 'web',
      denyPolicyName: 'airlock-deny-i-0abc',
      sharedWithInstances: ['i-0other'],
    },
    autoScalingGroup: 'web-asg',
    targetGroups: [
      { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/abc', port: 80 },
    ],
    elasticIps: ['eipalloc-0abc'],
    terminationProtection: { from: false, to: true },
    shutdownBehavior: { from: 'terminate', to: 'stop' },
    ssmManaged: true,
    warnings: ['the role is shared with 1 other instance'],
  };

  it('says exactly what would change and that nothing was changed', () => {
    const m = planMessage(plan);
    expectValidMessage(m);
    const text = allText(m);
    for (const s of [
      'eni-0aaa',
      'sg-0web',
      'sg-0iso',
      'vol-0a',
      'airlock-forensic',
      'airlock-deny-i-0abc',
      'web-asg',
      'targetgroup/web/abc',
      'eipalloc-0abc',
      'i-0other',
      'shared with 1 other instance',
    ]) {
      expect(text).toContain(s);
    }
    expect(text).toContain('nothing has been changed');
  });
});

describe('usage', () => {
  it('lists every subcommand and states the problem when given one', () => {
    const m = usage('Unknown subcommand `frobnicate`.');
    expectValidMessage(m);
    const text = allText(m);
    for (const s of [
      '/ir isolate &lt;instance-id&gt;',
      '/ir status',
      '/ir list',
      '/ir help',
      'frobnicate',
      '--plan',
    ])
      expect(text).toContain(s);
  });
});
