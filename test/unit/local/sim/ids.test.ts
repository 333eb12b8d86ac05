import { IdGenerator, seededRandom } from '../../../../local/sim/ids';

describe('deterministic ids and randomness', () => {
  it('counts ids per prefix in EC2, IAM and UUID formats', () => {
    const ids = new IdGenerator();
    expect([ids.ec2('sg'), ids.ec2('sg'), ids.ec2('i')]).toEqual([
      'sg-00000000000000001',
      'sg-00000000000000002',
      'i-00000000000000001',
    ]);
    expect(ids.iam('AKIA')).toMatch(/^AKIA[0-9A-Z]{16}$/);
    expect(ids.uuid('cmd')).toBe('00000000-0000-4000-8000-000000000001');
    expect([ids.ip('10.0.1'), ids.ip('10.0.1')]).toEqual(['10.0.1.10', '10.0.1.11']);
  });

  it('fails when an address pool is exhausted', () => {
    const ids = new IdGenerator();
    expect(() => {
      for (let i = 0; i < 300; i++) ids.ip('10.0.9');
    }).toThrow('exhausted');
  });

  it('repeats the same sequence for the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const seq = (r: () => number) => Array.from({ length: 5 }, r);
    const first = seq(a);
    expect(seq(b)).toEqual(first);
    expect(seq(c)).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
