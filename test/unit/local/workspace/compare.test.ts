import { DEMO, SimulatedAws, seedDemoEstate } from '../../../../local/sim';
import { compareEstate } from '../../../../local/workspace/compare';
import type { IncidentRecord } from '../../../../workflow/ledger/types';
import { makeRequest } from '../../../helpers/requests';

function incident(preState: Record<string, unknown> | undefined): IncidentRecord {
  return {
    incidentId: 'inc-0000000000000001',
    status: 'AWAITING_APPROVAL',
    route: 'contain-iam',
    routeReason: 'contain',
    request: makeRequest({ accountId: DEMO.accountId, region: DEMO.region }),
    findingCount: 1,
    evidence: [],
    steps: [],
    detectedAt: '2026-01-15T10:00:00.000Z',
    createdAt: '2026-01-15T10:00:00.000Z',
    updatedAt: '2026-01-15T10:00:00.000Z',
    ...(preState ? { preState } : {}),
  };
}

describe('compareEstate', () => {
  let sim: SimulatedAws;
  beforeEach(() => {
    sim = new SimulatedAws({ now: () => new Date('2026-01-15T10:00:00Z') });
    seedDemoEstate(sim);
  });

  it('compares an IAM user pre-state key by key', () => {
    const pre = {
      kind: 'iam-access-key',
      principal: 'user',
      userName: DEMO.user.name,
      accessKeyId: DEMO.user.accessKeyId,
      keys: [{ accessKeyId: DEMO.user.accessKeyId, status: 'Active' }],
    };
    expect(compareEstate(incident(pre), sim.model.state)).toMatchObject({ identical: true, differences: [] });
    const key = sim.model.state.accounts[DEMO.accountId]?.iam.users[DEMO.user.name]?.accessKeys[0];
    if (!key) throw new Error('demo key missing');
    key.status = 'Inactive';
    const contained = compareEstate(incident(pre), sim.model.state);
    expect(contained.identical).toBe(false);
    expect(contained.rows).toEqual([
      {
        field: `Access key ${DEMO.user.accessKeyId} of ${DEMO.user.name}`,
        before: 'Active',
        after: 'Inactive',
        changed: true,
      },
    ]);
  });

  it('compares S3 Block Public Access flags per bucket', () => {
    const off = {
      BlockPublicAcls: false,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    };
    const pre = { kind: 's3-bucket', buckets: [{ name: DEMO.buckets.publicAssets, publicAccessBlock: off }] };
    expect(compareEstate(incident(pre), sim.model.state).identical).toBe(true);
    const bucket = sim.model.state.buckets[DEMO.buckets.publicAssets];
    if (!bucket) throw new Error('demo bucket missing');
    bucket.publicAccessBlock = { ...off, BlockPublicPolicy: true };
    const contained = compareEstate(incident(pre), sim.model.state);
    expect(contained.differences).toEqual([`${DEMO.buckets.publicAssets}: BlockPublicPolicy: off → on`]);
  });

  it('says so when nothing was recorded, or when the pre-state has an unknown shape', () => {
    expect(compareEstate(incident(undefined), sim.model.state)).toMatchObject({ identical: null, rows: [] });
    const odd = compareEstate(incident({ kind: 'eks-cluster', name: 'x' }), sim.model.state);
    expect(odd.identical).toBeNull();
    expect(odd.rows.map((r) => r.field)).toEqual(['kind', 'name']);
  });

  it('reports a resource that disappeared instead of comparing against nothing', () => {
    const pre = {
      kind: 'iam-access-key',
      principal: 'user',
      userName: 'deleted-user',
      accessKeyId: 'AKIAEXAMPLEDELETED00',
      keys: [{ accessKeyId: 'AKIAEXAMPLEDELETED00', status: 'Active' }],
    };
    expect(compareEstate(incident(pre), sim.model.state)).toMatchObject({
      identical: false,
      note: 'The resource is no longer in the estate.',
    });
  });
});
