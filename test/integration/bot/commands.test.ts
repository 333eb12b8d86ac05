import { CHANNELS, TEAM, USERS } from '../../../local/slack/fake-api';
import { incidentIdFor } from '../../../workflow/intake/ids';
import { ackText, closeSharedDynamo, type Harness, startHarness } from './harness';

const INSTANCE = 'i-0abc1234def567890';

describe('/ir over HTTP (signed requests, real Bolt app, fake Slack API, DynamoLedger on dynalite)', () => {
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

  it('isolate: opens an incident through intake, starts the execution, answers ephemerally with the incident id', async () => {
    const res = await h.command(`isolate ${INSTANCE} reason beaconing to a C2 domain`);
    expect(res.status).toBe(200);
    const body = res.json as { response_type: string };
    expect(body.response_type).toBe('ephemeral');
    expect(h.executions.started).toHaveLength(1);
    const incidentId = h.executions.started[0]?.name as string;
    expect(incidentId).toMatch(/^inc-[0-9a-f]{16}$/);
    expect(ackText(res)).toContain(incidentId);
    expect(ackText(res)).toContain(`<#${CHANNELS.soc}>`);
    const incident = await h.ledger.getIncident(incidentId);
    expect(incident?.route).toBe('contain-ec2');
    expect(incident?.request.requester).toEqual({
      slackUserId: USERS.responder,
      reason: 'beaconing to a C2 domain',
    });
    expect(incident?.request.accountId).toBe('123456789012');
    expect(incident?.request.region).toBe('us-east-1');
    // Nothing is posted to channels by the command itself: the card is the workflow's Notify task.
    expect(h.fake.calls('chat.postMessage')).toHaveLength(0);
    expect(res.ms).toBeLessThan(3000);
  });

  it('isolate: honours account and region', async () => {
    const res = await h.command(`isolate ${INSTANCE} account 210987654321 region eu-west-1`);
    expect(res.status).toBe(200);
    const incident = await h.ledger.getIncident(h.executions.started[0]?.name as string);
    expect(incident?.request.accountId).toBe('210987654321');
    expect(incident?.request.region).toBe('eu-west-1');
  });

  it('rejects an invalid instance id, naming the field and starting nothing', async () => {
    const res = await h.command('isolate i-12');
    expect(res.status).toBe(200);
    const text = ackText(res);
    expect(text).toContain('instance-id');
    expect(text).toContain('i-0123456789abcdef0');
    expect(h.executions.started).toHaveLength(0);
  });

  it('rejects an account Airlock may not act in, naming the field, before any AWS call', async () => {
    const res = await h.command(`isolate ${INSTANCE} account 999999999999`);
    expect(ackText(res)).toContain('account 999999999999 is not one Airlock may act in');
    expect(ackText(res)).toContain('Nothing was started');
    expect(h.executions.started).toHaveLength(0);
  });

  it('rejects a non-responder: nothing recorded, nothing started, told whom to ask', async () => {
    const res = await h.command(`isolate ${INSTANCE}`, { userId: USERS.outsider });
    expect(res.status).toBe(200);
    expect(ackText(res)).toContain('not an Airlock responder');
    expect(ackText(res)).toContain(`<@${USERS.lead}>`);
    expect(h.executions.started).toHaveLength(0);
    expect(await h.ledger.listOpenIncidents()).toHaveLength(0);
  });

  it('isolate on an instance with an open incident answers with a link to its thread', async () => {
    await h.command(`isolate ${INSTANCE}`);
    const incidentId = h.executions.started[0]?.name as string;
    // No card yet: says so, with the incident id.
    const early = await h.command(`isolate ${INSTANCE}`, { userId: USERS.responder2 });
    expect(ackText(early)).toContain(incidentId);
    expect(ackText(early)).toContain('not posted yet');
    await h.ledger.update(incidentId, { slack: { channel: CHANNELS.soc, ts: '1700000000.000100' } });
    const res = await h.command(`isolate ${INSTANCE}`, { userId: USERS.responder2 });
    expect(ackText(res)).toContain(
      `https://${TEAM.domain}.slack.com/archives/${CHANNELS.soc}/p1700000000000100`,
    );
    expect(h.executions.started).toHaveLength(1);
  });

  it('isolate --plan says exactly what would change and changes nothing', async () => {
    const res = await h.command(`isolate ${INSTANCE} --plan`);
    const text = ackText(res);
    for (const s of [
      'eni-0aaa1111bbbb2222c',
      'sg-0isolation',
      'vol-0root',
      'airlock-forensic',
      'web-asg',
      'eipalloc-0abc',
      'not SSM-managed',
      'nothing has been changed',
    ]) {
      expect(text).toContain(s);
    }
    expect(h.executions.started).toHaveLength(0);
    expect(await h.ledger.listOpenIncidents()).toHaveLength(0);
  });

  it('isolate --plan for an unknown instance says it was not found', async () => {
    const res = await h.command('isolate i-0fffffffffffffff0 --plan');
    expect(ackText(res)).toContain('was not found in 123456789012 / us-east-1');
  });

  it('status by incident id and by instance id: status, steps with times, evidence, approval', async () => {
    await h.command(`isolate ${INSTANCE}`);
    const incidentId = h.executions.started[0]?.name as string;
    await h.ledger.recordStep(incidentId, {
      name: 'isolate-network',
      status: 'ok',
      summary: 'eni-0aaa: isolated',
      startedAt: '2026-11-22T08:01:10.000Z',
      endedAt: '2026-11-22T08:01:12.000Z',
      ids: ['sg-0isolation'],
    });
    await h.ledger.addEvidence(incidentId, [
      { id: 'snap-0123456789abcdef0', kind: 'snapshot', at: '2026-11-22T08:02:00.000Z' },
    ]);
    for (const target of [incidentId, INSTANCE]) {
      const text = ackText(await h.command(`status ${target}`));
      expect(text).toContain(incidentId);
      expect(text).toContain('Isolated the network');
      expect(text).toContain('08:01 UTC (2.0 s)');
      expect(text).toContain('snap-0123456789abcdef0');
      expect(text).toContain('Approval: not requested yet');
    }
  });

  it('status for an unknown incident says what to do', async () => {
    const text = ackText(await h.command(`status ${incidentIdFor('nope')}`));
    expect(text).toContain('no incident');
    expect(text).toContain('/ir list');
  });

  it('list shows the open incidents with status, age, resource and whom they wait on', async () => {
    await h.command(`isolate ${INSTANCE}`);
    await h.command('isolate i-0bbbbbbbbbbbbbbbb');
    const text = ackText(await h.command('list'));
    expect(text).toContain('2 open incidents');
    expect(text).toContain(INSTANCE);
    expect(text).toContain('i-0bbbbbbbbbbbbbbbb');
    expect(text).toContain('waiting on the workflow');
  });

  it('help and unknown subcommands answer with the usage', async () => {
    expect(ackText(await h.command('help'))).toContain('/ir isolate &lt;instance-id&gt;');
    expect(ackText(await h.command('HELP'))).toContain('/ir isolate &lt;instance-id&gt;');
    const unknown = ackText(await h.command('frobnicate'));
    expect(unknown).toContain('Unknown subcommand `frobnicate`');
    expect(unknown).toContain('/ir list');
  });

  it('an unexpected failure is answered with an error id only (through response_url)', async () => {
    h.deps.ledger.listOpenIncidents = async () => {
      throw new Error('secret internal detail: table is on fire');
    };
    const res = await h.command('list');
    expect(res.status).toBe(200);
    const [ephemeral] = h.fake.ephemerals(USERS.responder);
    expect(ephemeral?.via).toBe('response_url');
    expect(ephemeral?.text).toMatch(/Error id `[0-9a-f]{8}`/);
    expect(ephemeral?.text).not.toContain('on fire');
  });
});
