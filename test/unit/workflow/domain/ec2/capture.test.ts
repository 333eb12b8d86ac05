import { isCapturePoll, sequentialDepth } from '../../../../../bench/lib/isolation';
import { evidenceKeyArn } from '../../../../../local/sim/evidence-access';
import { DEMO } from '../../../../../local/sim/seed';
import { WorkflowSettingsSchema } from '../../../../../workflow/config';
import { captureVolatileEvidence, volatileKey } from '../../../../../workflow/domain/ec2/capture';
import { putEvidenceObject } from '../../../../../workflow/domain/ec2/evidence';
import { FakeLedger, makeIncident } from '../../../../helpers/fake-ledger';
import { demoSim, HOME } from '../../../local/sim/helpers';

const incidentId = 'inc-0123456789abcdef';
const BUCKET = DEMO.buckets.evidence;
const config = WorkflowSettingsSchema.parse({ evidenceBucket: BUCKET });

function setup() {
  const s = demoSim();
  const ledger = new FakeLedger();
  ledger.seedIncident(makeIncident({ incidentId }));
  const ctx = { ledger, now: () => new Date(s.clock.t), sleep: async () => {}, evidenceS3: s.clients.s3 };
  return { ...s, ledger, ctx };
}

describe('captureVolatileEvidence', () => {
  it('lands every section through presigned URLs and records each SHA-256 in the manifest', async () => {
    const { sim, clients, ledger, ctx } = setup();
    const result = await captureVolatileEvidence(
      clients,
      ctx,
      { incidentId, instanceId: DEMO.instances.web1 },
      config,
    );
    expect(result.output.status).toBe('captured');
    const objects = sim.model.state.buckets[BUCKET]?.objects ?? {};
    const evidence = (await ledger.getIncident(incidentId))?.evidence ?? [];
    for (const section of ['processes', 'connections', 'users', 'modules'] as const) {
      const stored = objects[volatileKey(incidentId, section)];
      expect(stored?.kmsKeyId).toBe(evidenceKeyArn(HOME));
      const sha = Buffer.from(stored?.checksumSha256 ?? '', 'base64').toString('hex');
      expect(evidence).toContainEqual(
        expect.objectContaining({
          id: `s3://${BUCKET}/${volatileKey(incidentId, section)}`,
          kind: 'volatile',
          sha256: sha,
          // Custody: the version that was read and hashed, and its lock as S3 answered it (the bucket default).
          s3VersionId: stored?.versionId,
          retention: { mode: 'GOVERNANCE', retainUntil: stored?.retention?.retainUntil },
        }),
      );
      expect(stored?.versionId).toEqual(expect.any(String));
    }
    expect(sim.calls({ operation: 'SendCommand' })[0]?.input).toMatchObject({
      DocumentName: 'Airlock-Capture',
    });
    expect(sim.calls({ operation: 'SendCommand' })[0]?.input).not.toHaveProperty('OutputS3BucketName');
  });

  it('makes its independent calls together: 3 rounds besides the polls, one GetObject per section, no HEAD', async () => {
    const { sim, clients, ctx } = setup();
    sim.faults.latency({ ms: 20 });
    const result = await captureVolatileEvidence(
      clients,
      ctx,
      { incidentId, instanceId: DEMO.instances.web1 },
      config,
    );
    expect(result.output.status).toBe('captured');
    expect(result.output.objects?.map((o) => o.section)).toEqual([
      'processes',
      'connections',
      'users',
      'modules',
    ]);
    const calls = sim.calls().filter((c) => !isCapturePoll(c));
    // DescribeInstanceInformation ‖ ListCommands, SendCommand, ListObjectsV2 ‖ the GetObjects.
    expect(sequentialDepth(calls)).toBe(3);
    expect(sim.calls({ operation: 'GetObject' })).toHaveLength(4);
    expect(sim.calls({ operation: 'HeadObject' })).toEqual([]);
  });

  it('keeps the sections that landed and names the one that did not; its read beside the listing is discarded', async () => {
    const { sim, clients, ledger, ctx } = setup();
    const bucket = sim.model.state.buckets[BUCKET];
    if (!bucket) throw new Error('no evidence bucket');
    bucket.policy = JSON.stringify({
      Statement: [
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${BUCKET}/${volatileKey(incidentId, 'modules')}`,
        },
      ],
    });
    const result = await captureVolatileEvidence(
      clients,
      ctx,
      { incidentId, instanceId: DEMO.instances.web1 },
      config,
    );
    expect(result.status).toBe('failed');
    expect(result.output.missing).toEqual(['modules']);
    expect(result.output.objects?.map((o) => o.section)).toEqual(['processes', 'connections', 'users']);
    const read = sim
      .calls({ operation: 'GetObject' })
      .find((c) => JSON.stringify(c.input).includes('modules'));
    expect(read?.error).toBeDefined();
    const evidence = (await ledger.getIncident(incidentId))?.evidence ?? [];
    expect(evidence.map((e) => e.id).sort()).toEqual(
      ['connections', 'processes', 'users'].map(
        (section) => `s3://${BUCKET}/${volatileKey(incidentId, section as 'users')}`,
      ),
    );
  });

  it('fails as "Capture failed" with no evidence when the uploads are refused', async () => {
    const { sim, clients, ledger, ctx } = setup();
    const bucket = sim.model.state.buckets[BUCKET];
    if (!bucket) throw new Error('no evidence bucket');
    bucket.policy = JSON.stringify({
      Statement: [
        { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
      ],
    });
    const result = await captureVolatileEvidence(
      clients,
      ctx,
      { incidentId, instanceId: DEMO.instances.web1 },
      config,
    );
    expect(result.status).toBe('failed');
    expect(result.summary).toMatch(
      /^Capture failed: command Failed; no object for processes, connections, users, modules; curl: \(22\) .*403/,
    );
    expect((await ledger.getIncident(incidentId))?.evidence ?? []).toEqual([]);
  });

  it('rejects memoryCapture at config validation (AVML writes the image to the instance disk first)', () => {
    expect(() => WorkflowSettingsSchema.parse({ memoryCapture: true })).toThrow(
      /memoryCapture is not supported/,
    );
  });
});

describe('putEvidenceObject', () => {
  it('writes the first object although a HEAD of the missing key would answer 403, under the bucket key', async () => {
    const { sim, clients } = setup();
    const item = await putEvidenceObject(
      clients.s3,
      BUCKET,
      'incidents/inc-1/m.json',
      new TextEncoder().encode('{}'),
      'instance-metadata',
      'application/json',
      new Date(),
      { writerPrincipal: 'arn:aws:sts::111122223333:assumed-role/airlock-workflow/task' },
    );
    expect(item.sha256).toMatch(/^[0-9a-f]{64}$/);
    const stored = sim.model.state.buckets[BUCKET]?.objects['incidents/inc-1/m.json'];
    expect(stored?.kmsKeyId).toBe(evidenceKeyArn(HOME));
    // No check-before-write HEAD: the PutObject comes first; the one HEAD reads back the version it created.
    const calls = sim.calls({ service: 's3' }).map((c) => c.operation);
    expect(calls).toEqual(['PutObject', 'HeadObject']);
    expect(sim.calls({ operation: 'HeadObject' })[0]?.input).toMatchObject({ VersionId: stored?.versionId });
    // Chain of custody: the version S3 answered, the writer, the retention read back.
    expect(item).toMatchObject({
      s3VersionId: stored?.versionId,
      writerPrincipal: 'arn:aws:sts::111122223333:assumed-role/airlock-workflow/task',
      retention: { mode: 'GOVERNANCE', retainUntil: stored?.retention?.retainUntil },
    });
    expect(item.s3VersionId).toEqual(expect.any(String));
  });

  it('on a retry (412) reports the stored object, never overwrites it', async () => {
    const { sim, clients } = setup();
    const first = await putEvidenceObject(
      clients.s3,
      BUCKET,
      'incidents/inc-1/m.json',
      new TextEncoder().encode('one'),
      'other',
      'text/plain',
      new Date(),
    );
    const again = await putEvidenceObject(
      clients.s3,
      BUCKET,
      'incidents/inc-1/m.json',
      new TextEncoder().encode('two'),
      'other',
      'text/plain',
      new Date(),
    );
    expect(again.sha256).toBe(first.sha256);
    expect(again.s3VersionId).toBe(first.s3VersionId);
    expect(again.retention).toEqual(first.retention);
    expect(
      new TextDecoder().decode(sim.model.state.buckets[BUCKET]?.objects['incidents/inc-1/m.json']?.body),
    ).toBe('one');
  });
});
