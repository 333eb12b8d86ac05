import { parseApprovalValue } from '../../../../bot/actions/button-value';
import { ACTIONS } from '../../../../bot/ids';
import { approvalMessage, approvalView } from '../../../../bot/messages/approval';
import { approvalIdFor } from '../../../../workflow/intake/ids';
import type { ApprovalRecord } from '../../../../workflow/ledger/types';
import { makeIncident } from '../../../helpers/fake-ledger';
import { allText, buttons, expectValidMessage } from './expect-valid';

const incident = makeIncident({ status: 'AWAITING_APPROVAL' });
const token = `AQ${'x+/='.repeat(300)}`;
const pending: ApprovalRecord = {
  approvalId: approvalIdFor(incident.incidentId, 'primary'),
  incidentId: incident.incidentId,
  taskToken: token,
  kind: 'primary',
  requesterSlackUserId: 'U0RESP1',
  createdAt: '2026-11-22T08:03:00.000Z',
  expiresAt: '2026-11-22T12:03:00.000Z',
};

describe('approvalMessage', () => {
  it('has Approve and Reject buttons, both with confirm dialogs, whose value is only {i, a}', () => {
    const m = approvalMessage(pending, incident);
    expectValidMessage(m);
    const bs = buttons(m);
    expect(bs.map((b) => b.action_id)).toEqual([ACTIONS.approve, ACTIONS.reject]);
    for (const b of bs) {
      expect(b.confirm).toMatchObject({
        title: expect.anything(),
        confirm: expect.anything(),
        deny: expect.anything(),
      });
      expect(JSON.parse(String(b.value))).toEqual({ i: incident.incidentId, a: pending.approvalId });
      expect(parseApprovalValue(String(b.value))).toEqual({
        incidentId: incident.incidentId,
        approvalId: pending.approvalId,
      });
      expect(String(b.value)).not.toContain('AQ');
      expect((b.text as { text: string }).text.length).toBeLessThanOrEqual(75);
    }
    expect(JSON.stringify(m)).not.toContain(token);
  });

  it('says who requested it and that they cannot approve it under four-eyes', () => {
    expect(allText(approvalMessage(pending, incident))).toContain(
      'requested by <@U0RESP1>, who cannot approve it',
    );
    expect(allText(approvalMessage(pending, incident, undefined, { fourEyes: false }))).not.toContain(
      'cannot approve',
    );
  });

  it('renders "Approved by <@U> at HH:MM UTC" with the buttons removed after a decision', () => {
    const decided = {
      ...pending,
      decision: 'approve' as const,
      decidedBy: 'U0RESP2',
      decidedAt: '2026-11-22T09:17:30.000Z',
    };
    const m = approvalMessage(decided, incident);
    expectValidMessage(m);
    expect(buttons(m)).toHaveLength(0);
    expect(allText(m)).toContain('Approved by <@U0RESP2> at 09:17 UTC');
  });

  it('renders a rejection with who and when', () => {
    const decided = {
      ...pending,
      decision: 'reject' as const,
      decidedBy: 'U0LEAD',
      decidedAt: '2026-11-22T10:00:00.000Z',
    };
    expect(allText(approvalMessage(decided, incident))).toContain('Rejected by <@U0LEAD> at 10:00 UTC');
  });

  it('renders "This approval expired at … (escalated to <@lead>)" once escalated', () => {
    const expired = { ...pending, expiredAt: '2026-11-22T12:03:00.000Z', escalatedTo: 'U0LEAD' };
    const m = approvalMessage(expired, incident);
    expect(buttons(m)).toHaveLength(0);
    expect(allText(m)).toContain('This approval expired at 12:03 UTC (escalated to <@U0LEAD>)');
  });

  it('treats a pending approval past its deadline as expired when given the time', () => {
    expect(approvalView(pending, incident, new Date('2026-11-22T12:03:00.000Z'))).toBe('expired');
    expect(approvalView(pending, incident, new Date('2026-11-22T12:02:59.000Z'))).toBe('pending');
  });

  it('renders the escalation kind as an escalation', () => {
    const escalation = {
      ...pending,
      kind: 'escalation' as const,
      approvalId: approvalIdFor(incident.incidentId, 'escalation'),
    };
    const m = approvalMessage(escalation, incident);
    expect(allText(m)).toContain('Escalated');
    expect(buttons(m)).toHaveLength(2);
  });
});
