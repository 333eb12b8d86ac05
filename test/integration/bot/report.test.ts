import { createHash } from 'node:crypto';
import type { ReportStorage } from '../../../bot/report/stored';
import * as notify from '../../../bot/tasks/notify';
import { DEMO } from '../../../local/sim/seed';
import { BOT_SCOPES, CHANNELS, USERS } from '../../../local/slack/fake-api';
import { writeIncidentReport } from '../../../workflow/domain/incident/report/write';
import { dedupeKeyFor } from '../../../workflow/intake/ids';
import type { StepRecord } from '../../../workflow/ledger/types';
import { makeRequest } from '../../helpers/requests';
import { demoSim } from '../../unit/local/sim/helpers';
import { ackText, closeSharedDynamo, type Harness, startHarness } from './harness';

const BUCKET = DEMO.buckets.evidence;

function step(name: string, i: number): StepRecord {
  return {
    name,
    status: 'ok',
    summary: `${name} done`,
    startedAt: new Date(Date.UTC(2026, 10, 22, 8, 1, i)).toISOString(),
    endedAt: new Date(Date.UTC(2026, 10, 22, 8, 1, i + 1)).toISOString(),
    ids: [`id-${name}`],
  };
}

/** Issue 17: the report in the incident's thread (final Notify) and `/ir report`, over signed HTTP. */
describe('the incident report in Slack', () => {
  let h: Harness;
  let sim: ReturnType<typeof demoSim>['sim'];
  let reports: ReportStorage;
  beforeEach(async () => {
    const s = demoSim();
    sim = s.sim;
    reports = { s3: s.clients.s3, evidenceBucket: BUCKET, retentionDays: 30 };
    h = await startHarness({ reports, slack: { rateLimit: false } });
  });
  afterEach(async () => {
    await h.close();
  });
  afterAll(async () => {
    await closeSharedDynamo();
  });

  /** An incident with its card posted, contained and closed with `status`. */
  async function closed(status: 'RESOLVED' | 'RESTORED' = 'RESOLVED', findingId = 'finding-1') {
    const request = makeRequest({
      findingId,
      dedupeKey: dedupeKeyFor('123456789012', 'us-east-1', findingId),
      resource: { kind: 'ec2-instance', instanceId: `i-0abc1234def5678${findingId.length}0` },
    });
    const { incident } = await h.ledger.recordIntake(request, { route: 'contain-ec2', reason: 'test' });
    const id = incident.incidentId;
    await notify.run(h.taskDeps(), { incidentId: id, phase: 'opened' });
    await h.ledger.setStatus(id, 'CONTAINING');
    await h.ledger.recordStep(id, step('isolate-network', 0));
    await h.ledger.update(id, {
      containedAt: new Date(Date.parse(incident.detectedAt) + 42_000).toISOString(),
    });
    await h.ledger.setStatus(id, status);
    return id;
  }

  const write = (id: string) =>
    writeIncidentReport(
      { ledger: h.ledger, s3: reports.s3, clock: h.clock, evidenceBucket: BUCKET, retentionDays: 30 },
      id,
    );

  const cardTs = async (id: string) => (await h.ledger.getIncident(id))?.slack?.ts as string;

  it('the final Notify uploads the stored Markdown into the thread once, with the summary, and records the upload', async () => {
    const id = await closed();
    const { stored } = await write(id);
    const out = await notify.run(h.taskDeps(), { incidentId: id, phase: 'resolved' });
    expect(out.report).toBe('uploaded');

    const [file] = h.fake.sharedFiles(CHANNELS.soc);
    const markdown = sim.model.state.buckets[BUCKET]?.objects[stored.markdownKey]?.body as Uint8Array;
    expect(file?.bytes?.equals(Buffer.from(markdown))).toBe(true);
    expect(file?.name).toBe(`${id}-report-v1.md`);
    const reply = h.fake.thread(CHANNELS.soc, await cardTs(id)).find((m) => m.files?.length);
    expect(reply?.threadTs).toBe(await cardTs(id));
    expect(reply?.text).toContain(`*Incident report v1* for \`${id}\`: *RESOLVED*`);
    expect(reply?.text).toContain('Time to contain: 42 s');
    expect(reply?.text).toContain(stored.sha256);
    expect(await h.ledger.listReportShares(id)).toEqual([
      expect.objectContaining({
        sha256: stored.sha256,
        version: 1,
        fileId: file?.id,
        permalink: file?.permalink,
      }),
    ]);
    // The share is kept beside the audit trail: recording it leaves the report (and its hash) as it was.
    const { stored: rewritten } = await write(id);
    expect(rewritten).toMatchObject({ sha256: stored.sha256, version: 1, created: false });

    const again = await notify.run(h.taskDeps(), { incidentId: id, phase: 'resolved' });
    expect(again.report).toBe('already-uploaded');
    expect(h.fake.calls('files.completeUploadExternal')).toHaveLength(1);
  });

  it('says plainly in the thread when no report was written, with the reason and /ir report, once', async () => {
    const id = await closed('RESTORED');
    await h.ledger.appendAudit({
      incidentId: id,
      at: h.clock.now().toISOString(),
      actor: 'workflow',
      action: 'report-failed',
      detail: { error: 'S3ServiceError', cause: 'AccessDenied on PutObject <b>' },
    });
    expect((await notify.run(h.taskDeps(), { incidentId: id, phase: 'report' })).report).toBe(
      'missing-posted',
    );
    expect((await notify.run(h.taskDeps(), { incidentId: id, phase: 'report' })).report).toBe(
      'missing-already-posted',
    );
    const notices = h.fake
      .thread(CHANNELS.soc, await cardTs(id))
      .filter((m) => m.text.startsWith('No incident report'));
    expect(notices).toHaveLength(1);
    const shown = JSON.stringify(notices[0]?.blocks);
    expect(shown).toContain('S3ServiceError: AccessDenied on PutObject &lt;b&gt;');
    expect(shown).toContain(`/ir report ${id}`);
    expect(h.fake.sharedFiles()).toEqual([]);
  });

  it('refuses to upload a stored report whose bytes no longer match the recorded SHA-256', async () => {
    const id = await closed();
    const { stored } = await write(id);
    const object = sim.model.state.buckets[BUCKET]?.objects[stored.key];
    if (!object) throw new Error('report not stored');
    object.body = new TextEncoder().encode('{"tampered":true}');
    const out = await notify.run(h.taskDeps(), { incidentId: id, phase: 'resolved' });
    expect(out.report).toBe('mismatch');
    expect(h.fake.calls('files.getUploadURLExternal')).toHaveLength(0);
    const found = createHash('sha256').update('{"tampered":true}').digest('hex');
    const warning = h.fake
      .thread(CHANNELS.soc, await cardTs(id))
      .find((m) => m.text.includes('does not match'));
    expect(JSON.stringify(warning?.blocks)).toContain(found);
    expect((await h.ledger.listAudit(id)).some((e) => e.action === 'report-upload-refused')).toBe(true);
  });

  it('says once in the thread when Slack refuses the upload for good (no files:write), and the Notify goes on', async () => {
    await h.close();
    h = await startHarness({
      reports,
      slack: { rateLimit: false, scopes: BOT_SCOPES.filter((s) => s !== 'files:write') },
    });
    const id = await closed();
    await write(id);
    expect((await notify.run(h.taskDeps(), { incidentId: id, phase: 'resolved' })).report).toBe(
      'upload-refused',
    );
    expect((await notify.run(h.taskDeps(), { incidentId: id, phase: 'resolved' })).report).toBe(
      'upload-refused',
    );
    const said = h.fake
      .thread(CHANNELS.soc, await cardTs(id))
      .filter((m) => m.text.includes('refused the incident report'));
    expect(said).toHaveLength(1);
    expect(said[0]?.text).toContain('`missing_scope` (the app needs the files:write scope');
    expect(h.fake.sharedFiles()).toEqual([]);
    expect(await h.ledger.listReportShares(id)).toEqual([]);
  });

  describe('/ir report (signed HTTP)', () => {
    it('rejects a malformed id, an unknown incident and one still open, naming the problem', async () => {
      expect(ackText(await h.command('report inc-nothex'))).toContain('is neither an incident id');
      expect(ackText(await h.command('report inc-0123456789abcdef'))).toContain(
        'no incident `inc-0123456789abcdef`',
      );
      const request = makeRequest({ findingId: 'open-1' });
      const { incident } = await h.ledger.recordIntake(request, { route: 'contain-ec2', reason: 'test' });
      const open = ackText(await h.command(`report ${incident.incidentId}`));
      expect(open).toContain('is still open (OPEN)');
      expect(h.fake.sharedFiles()).toEqual([]);
    });

    it('refuses a non-responder exactly like /ir status', async () => {
      const id = await closed();
      const status = ackText(await h.command(`status ${id}`, { userId: USERS.outsider }));
      const report = ackText(await h.command(`report ${id}`, { userId: USERS.outsider }));
      expect(report).toBe(status);
      expect(report).toContain(':no_entry:');
      expect(h.fake.calls('files.getUploadURLExternal')).toHaveLength(0);
    });

    it('answers the asker only with the summary; a changed ledger gives a new version, uploaded to the thread once', async () => {
      const id = await closed();
      await write(id);
      await notify.run(h.taskDeps(), { incidentId: id, phase: 'resolved' });
      expect(h.fake.sharedFiles()).toHaveLength(1);

      // Something happens after the report: a late finding on the closed incident.
      await h.ledger.appendAudit({
        incidentId: id,
        at: h.clock.now().toISOString(),
        actor: 'intake',
        action: 'finding-updated',
        detail: { summary: 'the finding was updated after the close' },
      });
      const response = await h.command(`report ${id}`);
      expect((response.json as { response_type?: string }).response_type).toBe('ephemeral');
      const answer = ackText(response);
      expect(answer).toContain('*Incident report v2*');
      expect(answer).toContain('this is a new version, v2');
      expect(answer).toContain("Posted v2 in the incident's thread");
      const files = h.fake.sharedFiles(CHANNELS.soc);
      expect(files.map((f) => f.name)).toEqual([`${id}-report-v1.md`, `${id}-report-v2.md`]);
      expect(files[1]?.shared?.threadTs).toBe(await cardTs(id));

      const repeat = ackText(await h.command(`report ${id}`));
      expect(repeat).toContain('Unchanged since it was written: v2');
      expect(repeat).toContain("v2 is already in the incident's thread");
      expect(h.fake.sharedFiles()).toHaveLength(2);
    });

    it('finds the report by instance id (its latest incident)', async () => {
      const id = await closed();
      await write(id);
      const incident = await h.ledger.getIncident(id);
      const answer = ackText(await h.command(`report ${incident?.request.resource.instanceId}`));
      expect(answer).toContain(`for \`${id}\``);
    });
  });
});
