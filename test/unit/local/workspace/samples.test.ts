import { DEMO } from '../../../../local/sim';
import { asNewFinding, loadSamples } from '../../../../local/workspace/samples';
import { RoutingPolicySchema } from '../../../../workflow/config';
import { normalizeAll } from '../../../../workflow/intake/normalize';
import { route } from '../../../../workflow/intake/route';

const policy = RoutingPolicySchema.parse({});

function outcome(event: unknown): string {
  const [first] = normalizeAll(event, { now: new Date('2026-01-15T10:05:00Z') });
  if (!first) return 'none';
  if (first.status === 'accepted') return route(first.request, policy).route;
  if (first.status === 'invalid') return `invalid:${first.error.field}`;
  return first.status;
}

describe('bundled samples', () => {
  const samples = loadSamples();

  it('route as their index says, under the default policy (not sample findings)', () => {
    const routes = Object.fromEntries(samples.map((s) => [s.id, outcome(s.event)]));
    expect(routes).toEqual({
      'ec2-high-web1': 'contain-ec2',
      'ec2-high-asg1': 'contain-ec2',
      'ec2-medium-batch1': 'review',
      'iam-high-ci-deployer': 'contain-iam',
      's3-high-public-assets': 'contain-s3',
      'ec2-low-asg2': 'ignore',
      'invalid-pascal-case': 'invalid:detail.Id',
    });
    // What the Inject panel says to expect names the same route (or "rejected").
    for (const s of samples) {
      const said = routes[s.id]?.startsWith('invalid') ? 'rejected' : routes[s.id];
      expect(s.expect.split(':')[0]).toBe(said);
    }
  });

  it('target the demo estate ids', () => {
    const text = JSON.stringify(samples.map((s) => s.event));
    for (const id of [
      DEMO.instances.web1,
      DEMO.instances.webAsg1,
      DEMO.instances.batch1,
      DEMO.user.accessKeyId,
      DEMO.buckets.publicAssets,
    ]) {
      expect(text).toContain(id);
    }
    for (const s of samples) expect(JSON.stringify(s.event)).toContain(DEMO.accountId);
  });

  it('asNewFinding gives a new event id and finding id, leaving the original untouched', () => {
    const sample = samples[0];
    if (!sample) throw new Error('no samples');
    const before = JSON.stringify(sample.event);
    const fresh = asNewFinding(sample.event, 'abc') as { id: string; detail: { id: string } };
    const original = sample.event as { id: string; detail: { id: string } };
    expect(fresh.detail.id).toBe(`${original.detail.id}-abc`);
    expect(fresh.id).not.toBe(original.id);
    expect(JSON.stringify(sample.event)).toBe(before);
    expect(outcome(fresh)).toBe('contain-ec2');
  });
});
