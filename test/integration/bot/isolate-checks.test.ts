import { ackText, closeSharedDynamo, type Harness, startHarness } from './harness';

describe('no incident from a typo (§2): /ir isolate checks before it starts anything', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });
  afterAll(async () => {
    await closeSharedDynamo();
  });

  async function expectNothingStarted(): Promise<void> {
    expect(h.executions.started).toHaveLength(0);
    expect(await h.ledger.listOpenIncidents()).toHaveLength(0);
  }

  it('rejects an instance that does not exist: not found in <account>/<region>, nothing started', async () => {
    const res = await h.command('isolate i-0123456789abcdef0');
    expect(res.status).toBe(200);
    expect((res.json as { response_type?: string }).response_type).toBe('ephemeral');
    const text = ackText(res);
    expect(text).toContain('not found in 123456789012/us-east-1');
    expect(text).toContain('nothing was started');
    await expectNothingStarted();
  });

  it('rejects a made-up region, for isolate and for --plan', async () => {
    for (const command of [
      'isolate i-0abc1234def567890 region xx-evil-1',
      'isolate i-0abc1234def567890 region xx-evil-1 --plan',
    ]) {
      const text = ackText(await h.command(command));
      expect(text).toContain('region xx-evil-1 is not one Airlock may act in');
      expect(text).toContain('othing was started');
    }
    await expectNothingStarted();
  });

  it('rejects --plan in an account Airlock may not act in, like isolate does', async () => {
    const text = ackText(await h.command('isolate i-0abc1234def567890 account 999999999999 --plan'));
    expect(text).toContain('account 999999999999 is not one Airlock may act in');
    expect(text).not.toContain('Plan for');
    await expectNothingStarted();
  });

  it('still opens an incident for an instance that exists in an allowed account and region', async () => {
    const res = await h.command('isolate i-0abc1234def567890 account 210987654321 region eu-west-1');
    expect(ackText(res)).toContain('Opened');
    expect(h.executions.started).toHaveLength(1);
  });
});
