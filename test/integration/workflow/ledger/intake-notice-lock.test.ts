import { testClock, useDynalite } from '../../../helpers/dynalite';
import { makeDecision, makeRequest } from '../../../helpers/requests';

const db = useDynalite();

const REVIEW = { route: 'review' as const, reason: 'review: severity 5.0 (MEDIUM)' };

describe('DynamoLedger.recordIntake: notice-only findings and the resource lock', () => {
  it('opens a contain incident for a high finding while a review incident of the same instance is open', async () => {
    const ledger = await db.freshLedger(testClock());
    const review = await ledger.recordIntake(makeRequest({ findingId: 'f-medium' }), REVIEW);

    const contain = await ledger.recordIntake(makeRequest({ findingId: 'f-high' }), makeDecision());

    expect(review.outcome).toBe('opened');
    expect(review.incident.status).toBe('OPEN');
    expect(contain.outcome).toBe('opened');
    expect(contain.incident.incidentId).not.toBe(review.incident.incidentId);
    expect(contain.incident.route).toBe('contain-ec2');
    expect((await ledger.findOpenIncidentByResource(contain.incident.request.resourceKey))?.incidentId).toBe(
      contain.incident.incidentId,
    );
  });

  it('attaches a review finding to the open contain incident of its instance (+1 finding)', async () => {
    const ledger = await db.freshLedger(testClock());
    const contain = await ledger.recordIntake(makeRequest({ findingId: 'f-high' }), makeDecision());

    const review = await ledger.recordIntake(makeRequest({ findingId: 'f-medium' }), REVIEW);

    expect(review.outcome).toBe('attached');
    expect(review.incident.incidentId).toBe(contain.incident.incidentId);
    expect(review.incident.findingCount).toBe(2);
  });

  it('closing a review incident leaves the contain incident’s lock in place', async () => {
    const ledger = await db.freshLedger(testClock());
    const review = await ledger.recordIntake(makeRequest({ findingId: 'f-medium' }), REVIEW);
    const contain = await ledger.recordIntake(makeRequest({ findingId: 'f-high' }), makeDecision());

    await ledger.setStatus(review.incident.incidentId, 'NOTIFIED');
    const later = await ledger.recordIntake(makeRequest({ findingId: 'f-high-2' }), makeDecision());

    expect(later.outcome).toBe('attached');
    expect(later.incident.incidentId).toBe(contain.incident.incidentId);
  });
});
