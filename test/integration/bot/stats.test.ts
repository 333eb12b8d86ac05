import { approvalIdFor, dedupeKeyFor } from '../../../workflow/intake/ids';
import { makeRequest } from '../../helpers/requests';
import { ackText, closeSharedDynamo, type Harness, startHarness } from './harness';

const MIN = 60_000;

/** `/ir stats [7d|30d]` over signed HTTP: the SOC's figures from the ledger (socStats), for the asker only. */
describe('/ir stats', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ slack: { rateLimit: false } });
  });
  afterEach(async () => {
    await h.close();
  });
  afterAll(async () => {
    await closeSharedDynamo();
  });

  /** Incident n: contained after n minutes, decided (if at all) 5 minutes after its approval, closed `status`. */
  async function incident(
    n: number,
    status: 'RESOLVED' | 'RESTORED' | 'FAILED',
    decision?: 'approve' | 'reject',
  ) {
    const findingId = `finding-stats-${n}`;
    const request = makeRequest({
      findingId,
      dedupeKey: dedupeKeyFor('123456789012', 'us-east-1', findingId),
      resource: { kind: 'ec2-instance', instanceId: `i-0abc1234def56780${n}` },
    });
    const { incident } = await h.ledger.recordIntake(request, { route: 'contain-ec2', reason: 'test' });
    const id = incident.incidentId;
    const t0 = Date.parse(incident.detectedAt);
    await h.ledger.setStatus(id, 'CONTAINING');
    await h.ledger.update(id, { containedAt: new Date(t0 + n * MIN).toISOString() });
    if (decision) {
      const approvalId = approvalIdFor(id, 'primary');
      await h.ledger.createApproval({
        approvalId,
        incidentId: id,
        kind: 'primary',
        taskToken: `token-${n}`,
        createdAt: new Date(t0 + n * MIN).toISOString(),
        expiresAt: new Date(t0 + 240 * MIN).toISOString(),
      });
      await h.ledger.decide(approvalId, decision, 'U0RESP2', new Date(t0 + (n + 5) * MIN));
    }
    await h.ledger.setStatus(id, status);
    return id;
  }

  it('answers the window figures: incidents by outcome, p50/p90, false-positive rate, escalations and failures', async () => {
    await incident(1, 'RESOLVED', 'approve');
    await incident(2, 'RESTORED', 'reject');
    await incident(3, 'FAILED');
    const response = await h.command('stats');
    expect((response.json as { response_type?: string }).response_type).toBe('ephemeral');
    const answer = ackText(response);
    expect(answer).toContain('*Airlock, last 7d*');
    expect(answer).toContain('Incidents closed: *3* (FAILED 1, RESOLVED 1, RESTORED 1)');
    expect(answer).toContain('Time to contain: p50 2 min, p90 3 min (3 measured)');
    expect(answer).toContain('Time to decision: p50 5 min, p90 5 min (2 measured)');
    expect(answer).toContain('False-positive rate: 50.0 % (1 rejected of 2 decided)');
    expect(answer).toContain('Escalations: 0, failures: 1');
    expect(ackText(await h.command('stats 30d'))).toContain('*Airlock, last 30d*');
  });

  it('counts nothing closed before the window', async () => {
    await incident(1, 'RESOLVED', 'approve');
    h.clock.advance(8 * 24 * 60 * MIN);
    expect(ackText(await h.command('stats 7d'))).toContain('Incidents closed: *0*');
    expect(ackText(await h.command('stats 30d'))).toContain('Incidents closed: *1*');
  });

  it('rejects a window it does not know, or extra words, naming the problem', async () => {
    expect(ackText(await h.command('stats 90d'))).toContain('`90d` is not a window `/ir stats` knows');
    expect(ackText(await h.command('stats 7d please'))).toContain('unexpected `please`');
  });
});
