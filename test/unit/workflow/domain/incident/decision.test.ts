import { decisionFromPayload, resolveDecision } from '../../../../../workflow/domain/incident/decision';
import { makeRequest } from '../../../../helpers/requests';
import { makeHarness, seedIncident } from './harness';

describe('decisionFromPayload', () => {
  it('reads an ApprovalOutcome', () => {
    expect(
      decisionFromPayload({
        approvalId: 'apr-1',
        decision: 'approve',
        decidedBy: 'U1',
        decidedAt: '2025-03-01T12:00:00Z',
      }),
    ).toEqual({ approvalId: 'apr-1', decidedBy: 'U1', decidedAt: '2025-03-01T12:00:00Z' });
  });

  it('reads a Catch object whose Cause is the bot’s JSON', () => {
    const cause = JSON.stringify({ approvalId: 'apr-1', decidedBy: 'U2', decidedAt: '2025-03-01T12:01:00Z' });
    expect(decisionFromPayload({ Error: 'DecisionRejected', Cause: cause })).toEqual({
      approvalId: 'apr-1',
      decidedBy: 'U2',
      decidedAt: '2025-03-01T12:01:00Z',
    });
  });

  it('reads a Cause that is a Lambda error JSON wrapping the bot’s JSON', () => {
    const inner = JSON.stringify({ approvalId: 'apr-1', decidedBy: 'U3' });
    const cause = JSON.stringify({ errorType: 'DecisionRejected', errorMessage: inner });
    expect(decisionFromPayload({ Error: 'DecisionRejected', Cause: cause })).toEqual({
      approvalId: 'apr-1',
      decidedBy: 'U3',
    });
  });

  it.each([undefined, null, 'text', 42, { Error: 'X', Cause: 'not json' }, { Error: 'X' }, []])(
    'tolerates %p (nothing known)',
    (payload) => {
      expect(decisionFromPayload(payload)).toEqual({});
    },
  );
});

describe('resolveDecision', () => {
  it('prefers the ledger’s approval record over the payload', async () => {
    const h = makeHarness();
    const { incidentId } = await seedIncident(h, makeRequest(), 'contain-ec2');
    const incident = await h.ledger.getIncident(incidentId);
    await h.ledger.createApproval({
      approvalId: 'apr-1',
      incidentId,
      taskToken: 't',
      kind: 'primary',
      createdAt: '2025-03-01T12:00:00.000Z',
      expiresAt: '2025-03-01T16:00:00.000Z',
    });
    await h.ledger.decide('apr-1', 'approve', 'U-LEDGER', new Date('2025-03-01T12:02:00.000Z'));

    const resolved = await resolveDecision(h.ledger, incident ?? never(), {
      approvalId: 'apr-1',
      decidedBy: 'U-PAYLOAD',
      decidedAt: '2025-03-01T12:09:00.000Z',
    });

    expect(resolved).toEqual({
      approvalId: 'apr-1',
      decidedBy: 'U-LEDGER',
      decidedAt: '2025-03-01T12:02:00.000Z',
    });
  });

  it('falls back to the payload when the ledger has no decision', async () => {
    const h = makeHarness();
    const { incidentId } = await seedIncident(h, makeRequest(), 'contain-ec2');
    const incident = await h.ledger.getIncident(incidentId);

    const resolved = await resolveDecision(h.ledger, incident ?? never(), {
      approvalId: 'apr-9',
      decidedBy: 'U9',
    });

    expect(resolved).toEqual({ approvalId: 'apr-9', decidedBy: 'U9' });
  });
});

function never(): never {
  throw new Error('incident missing');
}
