import { ACTIONS } from '../../../../bot/ids';
import { escalationDm } from '../../../../bot/messages/escalation-dm';
import { evidenceManifest } from '../../../../bot/messages/evidence-manifest';
import { failureNotice } from '../../../../bot/messages/failure-notice';
import { reviewNotice } from '../../../../bot/messages/review-notice';
import { stepReply } from '../../../../bot/messages/step-reply';
import { approvalIdFor } from '../../../../workflow/intake/ids';
import type { EvidenceItem } from '../../../../workflow/ledger/types';
import { makeIncident, makeRequest } from '../../../helpers/fake-ledger';
import { allText, buttons, expectValidMessage } from './expect-valid';

const now = new Date('2026-11-22T13:00:00.000Z');

function evidence(n: number): EvidenceItem[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i % 2 ? `snap-0${i.toString(16).padStart(16, '0')}` : `s3://airlock-evidence/inc/${i}/metadata.json`,
    kind: i % 2 ? ('snapshot' as const) : ('instance-metadata' as const),
    sha256: 'ab'.repeat(32),
    at: '2026-11-22T08:02:00.000Z',
  }));
}

describe('stepReply', () => {
  it('says what was done, the ids and how long it took', () => {
    const m = stepReply({
      name: 'isolate-network',
      status: 'ok',
      summary: 'eni-0aaa: sg-0web, sg-0ssh → sg-0iso (allow-all first)',
      startedAt: '2026-11-22T08:01:10.000Z',
      endedAt: '2026-11-22T08:01:12.300Z',
      ids: ['eni-0aaa1111bbbb2222c', 'sg-0iso'],
    });
    expectValidMessage(m);
    const text = allText(m);
    expect(text).toContain('Isolated the network');
    expect(text).not.toContain('isolate-network');
    expect(text).toContain('`sg-0iso`');
    expect(text).toContain('2.3 s');
  });

  it('stays within limits with 500 ids and a huge summary', () => {
    const m = stepReply({
      name: 'snapshot-volumes',
      status: 'failed',
      summary: 'y'.repeat(20_000),
      startedAt: '2026-11-22T08:01:10.000Z',
      endedAt: '2026-11-22T08:03:10.000Z',
      ids: Array.from({ length: 500 }, (_, i) => `snap-${i}`),
    });
    expectValidMessage(m);
    expect(allText(m)).toMatch(/\+\d+ more/);
  });
});

describe('reviewNotice', () => {
  it('has a Contain now button with a confirm dialog carrying only the incident id', () => {
    const incident = makeIncident({
      route: 'review',
      status: 'NOTIFIED',
      request: makeRequest({ severity: { value: 5, label: 'MEDIUM' } }),
    });
    const m = reviewNotice(incident);
    expectValidMessage(m);
    const [b] = buttons(m);
    expect(b?.action_id).toBe(ACTIONS.containNow);
    expect(b?.confirm).toBeDefined();
    expect(JSON.parse(String(b?.value))).toEqual({ i: incident.incidentId });
    expect(allText(m)).toContain('MEDIUM 5.0');
  });

  it('replaces the button with who pressed it', () => {
    const incident = makeIncident({ route: 'review', status: 'NOTIFIED' });
    const m = reviewNotice(incident, {
      by: 'U0RESP2',
      at: '2026-11-22T09:30:00.000Z',
      incidentId: 'inc-0123456789abcdef',
    });
    expect(buttons(m)).toHaveLength(0);
    expect(allText(m)).toContain('Contain now pressed by <@U0RESP2> at 09:30 UTC');
  });

  it('offers no button for resources that are not EC2 instances', () => {
    const request = makeRequest({
      resource: { kind: 'iam-access-key', rawType: 'AccessKey', accessKeyId: 'AKIAEXAMPLE' },
    });
    expect(buttons(reviewNotice(makeIncident({ route: 'review', request })))).toHaveLength(0);
  });
});

describe('evidenceManifest', () => {
  it('lists every id with its sha256', () => {
    const m = evidenceManifest(makeIncident({ evidence: evidence(3) }));
    expectValidMessage(m);
    const text = allText(m);
    expect(text).toContain('3 items');
    expect(text).toContain('snap-00000000000000001');
    expect(text).toContain(`sha256 \`${'ab'.repeat(32)}\``);
  });

  it('stays under 50 blocks and 3000 chars per section with 300 items', () => {
    const m = evidenceManifest(makeIncident({ evidence: evidence(300) }));
    expectValidMessage(m);
    expect(allText(m)).toContain('300 items');
  });
});

describe('failureNotice', () => {
  it('mentions the SOC lead (a page) and names the failed step', () => {
    const incident = makeIncident({
      status: 'FAILED',
      failure: {
        step: 'isolate-network',
        error: 'VerificationFailedError',
        cause: 'eni-0aaa still carries sg-0web',
      },
      steps: [
        {
          name: 'record-pre-state',
          status: 'ok',
          summary: 'recorded',
          startedAt: '2026-11-22T08:01:00Z',
          endedAt: '2026-11-22T08:01:01Z',
        },
      ],
    });
    const m = failureNotice(incident, 'U0LEAD');
    expectValidMessage(m);
    const text = allText(m);
    expect(text).toContain('<@U0LEAD>');
    expect(text).toContain('isolate-network');
    expect(text).toContain('record-pre-state');
  });
});

describe('escalationDm', () => {
  it('carries the summary, the unreviewed evidence with its age and the same Approve/Reject buttons', () => {
    const incident = makeIncident({
      status: 'ESCALATED',
      containedAt: '2026-11-22T08:03:00.000Z',
      evidence: evidence(2),
    });
    const approval = {
      approvalId: approvalIdFor(incident.incidentId, 'escalation'),
      incidentId: incident.incidentId,
      taskToken: 'AQtoken+/=',
      kind: 'escalation' as const,
      createdAt: '2026-11-22T12:03:00.000Z',
      expiresAt: '2026-11-22T16:03:00.000Z',
    };
    const m = escalationDm(incident, approval, incident.evidence, now);
    expectValidMessage(m);
    const text = allText(m);
    expect(text).toContain('Unreviewed evidence');
    expect(text).toContain('taken 4 h 58 min ago');
    expect(text).toContain('123456789012 / us-east-1');
    expect(buttons(m).map((b) => b.action_id)).toEqual([ACTIONS.approve, ACTIONS.reject]);
    expect(JSON.stringify(m)).not.toContain('AQtoken');
  });

  it('links to the incident thread (§3)', () => {
    const incident = makeIncident({ status: 'ESCALATED' });
    const approval = {
      approvalId: approvalIdFor(incident.incidentId, 'escalation'),
      incidentId: incident.incidentId,
      taskToken: 't',
      kind: 'escalation' as const,
      createdAt: '2026-11-22T12:03:00.000Z',
      expiresAt: '2026-11-22T16:03:00.000Z',
    };
    const url = 'https://airlock-drill.slack.com/archives/C0SOC/p1700000000000100';
    const m = escalationDm(incident, approval, [], now, { threadUrl: url });
    expect(allText(m)).toContain(`<${url}|incident thread>`);
  });

  it('stays within limits with 300 evidence items', () => {
    const incident = makeIncident({ evidence: evidence(300) });
    const approval = {
      approvalId: approvalIdFor(incident.incidentId, 'escalation'),
      incidentId: incident.incidentId,
      taskToken: 't',
      kind: 'escalation' as const,
      createdAt: '2026-11-22T12:03:00.000Z',
      expiresAt: '2026-11-22T16:03:00.000Z',
    };
    const m = escalationDm(incident, approval, incident.evidence, now);
    expectValidMessage(m);
    expect(buttons(m)).toHaveLength(2);
  });
});
