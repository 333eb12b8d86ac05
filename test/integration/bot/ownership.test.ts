import { encodeIncidentValue } from '../../../bot/actions/button-value';
import { ACTIONS, BLOCKS } from '../../../bot/ids';
import { CHANNELS, USERS } from '../../../local/slack/fake-api';
import { ackText, closeSharedDynamo, type Harness, pendingApproval, startHarness } from './harness';

/** Issue 16 §3: ownership and a way out after the last timer, over signed HTTP against the real Bolt app. */
describe('/ir claim, resolve, release, list and status by instance', () => {
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

  const cardOf = async (incidentId: string) => {
    const incident = await h.ledger.getIncident(incidentId);
    const slack = incident?.slack;
    if (!slack) throw new Error('no card');
    return h.fake.message(slack.channel, slack.ts);
  };

  /** An incident contained and then left unresolved after the last timer (the workflow's CloseUnresolved). */
  const unresolved = async (instanceId?: string) => {
    const p = await pendingApproval(h, instanceId);
    await h.ledger.setStatus(p.incidentId, 'ESCALATED_UNRESOLVED');
    return p;
  };

  it('claim: /ir claim sets the owner, shown on the card; a takeover is audited with the previous owner', async () => {
    const p = await pendingApproval(h);
    const first = await h.command(`claim ${p.incidentId}`, { userId: USERS.responder });
    expect(ackText(first)).toContain(`You own \`${p.incidentId}\``);
    expect((await h.ledger.getIncident(p.incidentId))?.owner?.userId).toBe(USERS.responder);
    expect(JSON.stringify((await cardOf(p.incidentId))?.blocks)).toContain(`Owner*\\n<@${USERS.responder}>`);

    await h.command(`claim ${p.incidentId}`, { userId: USERS.responder2 });
    expect((await h.ledger.getIncident(p.incidentId))?.owner?.userId).toBe(USERS.responder2);
    expect(JSON.stringify((await cardOf(p.incidentId))?.blocks)).toContain(`<@${USERS.responder2}>`);
    const audit = await h.ledger.listAudit(p.incidentId);
    expect(audit.find((a) => a.action === 'owner-claimed')).toMatchObject({
      actor: `slack:${USERS.responder}`,
      detail: { owner: USERS.responder },
    });
    expect(audit.find((a) => a.action === 'owner-reassigned')).toMatchObject({
      actor: `slack:${USERS.responder2}`,
      detail: { owner: USERS.responder2, previous: USERS.responder },
    });
  });

  it('claim: the card carries a Claim button; pressing it makes the clicker the owner', async () => {
    const p = await pendingApproval(h);
    const card = await cardOf(p.incidentId);
    const blocks = JSON.stringify(card?.blocks);
    expect(blocks).toContain(ACTIONS.claim);
    expect(blocks).toContain(BLOCKS.ownership);
    await h.click({
      actionId: ACTIONS.claim,
      value: encodeIncidentValue(p.incidentId),
      userId: USERS.responder2,
      channel: CHANNELS.soc,
      messageTs: p.cardTs,
    });
    expect((await h.ledger.getIncident(p.incidentId))?.owner?.userId).toBe(USERS.responder2);
    expect(h.fake.ephemerals(USERS.responder2).at(-1)?.text).toContain('You own');
  });

  it('rejects a claim by a non-responder (command and button): no owner, the click audited', async () => {
    const p = await pendingApproval(h);
    const res = await h.command(`claim ${p.incidentId}`, { userId: USERS.outsider });
    expect(ackText(res)).toContain('not an Airlock responder');
    await h.click({
      actionId: ACTIONS.claim,
      value: encodeIncidentValue(p.incidentId),
      userId: USERS.outsider,
      channel: CHANNELS.soc,
      messageTs: p.cardTs,
    });
    expect((await h.ledger.getIncident(p.incidentId))?.owner).toBeUndefined();
    expect((await h.ledger.listAudit(p.incidentId)).find((a) => a.action === 'claim-refused')).toMatchObject({
      detail: { reason: 'not-a-responder' },
    });
  });

  it('list: shows ESCALATED_UNRESOLVED incidents, which are closed to the workflow but still contained', async () => {
    const p = await unresolved();
    const res = await h.command('list');
    expect(ackText(res)).toContain(p.incidentId);
    expect(ackText(res)).toContain('ESCALATED_UNRESOLVED');
    expect(ackText(res)).toContain('1 open incident');
  });

  it('status by instance: shows the latest incident of the instance even when it is closed', async () => {
    const p = await pendingApproval(h);
    await h.ledger.setStatus(p.incidentId, 'RESTORED');
    const res = await h.command('status i-0abc1234def567890');
    expect(ackText(res)).toContain(p.incidentId);
    expect(ackText(res)).toContain('Restored');
  });

  it('resolve: answers with a confirmed button; the click closes it RESOLVED, the card says who, audited', async () => {
    const p = await unresolved();
    const res = await h.command(`resolve ${p.incidentId}`, { userId: USERS.responder2 });
    const prompt = JSON.stringify((res.json as { blocks: unknown[] }).blocks);
    expect(prompt).toContain(ACTIONS.resolveUnresolved);
    expect(prompt).toContain('"confirm"');
    // Nothing changes before the confirmed click.
    expect((await h.ledger.getIncident(p.incidentId))?.status).toBe('ESCALATED_UNRESOLVED');

    await h.click({
      actionId: ACTIONS.resolveUnresolved,
      value: encodeIncidentValue(p.incidentId),
      userId: USERS.responder2,
      channel: CHANNELS.soc,
    });
    const incident = await h.ledger.getIncident(p.incidentId);
    expect(incident).toMatchObject({ status: 'RESOLVED', settled: { how: 'resolve', by: USERS.responder2 } });
    expect(JSON.stringify((await cardOf(p.incidentId))?.blocks)).toContain(
      `Resolved by <@${USERS.responder2}> after the last timer`,
    );
    expect((await h.ledger.listAudit(p.incidentId)).map((a) => a.action)).toContain(
      'resolved-after-escalation',
    );
    expect(ackText(await h.command('list'))).not.toContain(p.incidentId);
  });

  it('rejects a resolve by the requester under four-eyes, at the command and at the click', async () => {
    const p = await unresolved();
    const res = await h.command(`resolve ${p.incidentId}`, { userId: USERS.responder });
    expect(ackText(res)).toContain('four-eyes');
    await h.click({
      actionId: ACTIONS.resolveUnresolved,
      value: encodeIncidentValue(p.incidentId),
      userId: USERS.responder,
      channel: CHANNELS.soc,
    });
    expect((await h.ledger.getIncident(p.incidentId))?.status).toBe('ESCALATED_UNRESOLVED');
    expect((await h.ledger.listAudit(p.incidentId)).find((a) => a.action === 'settle-refused')).toMatchObject(
      { detail: { reason: 'four-eyes', how: 'resolve' } },
    );
  });

  it('release: starts the <incident>-release execution entering at Restore; a later resolve loses', async () => {
    const p = await unresolved();
    const res = await h.command(`release ${p.incidentId}`, { userId: USERS.responder });
    expect(JSON.stringify((res.json as { blocks: unknown[] }).blocks)).toContain(ACTIONS.releaseUnresolved);
    await h.click({
      actionId: ACTIONS.releaseUnresolved,
      value: encodeIncidentValue(p.incidentId),
      userId: USERS.responder,
      channel: CHANNELS.soc,
    });
    const started = h.executions.started.find((s) => s.name === `${p.incidentId}-release`);
    expect(started?.input).toMatchObject({
      incidentId: p.incidentId,
      route: 'contain-ec2',
      release: { by: USERS.responder },
      decision: { Error: 'DecisionRejected' },
    });
    expect(JSON.stringify(started?.input)).not.toContain(p.token);

    await h.click({
      actionId: ACTIONS.resolveUnresolved,
      value: encodeIncidentValue(p.incidentId),
      userId: USERS.responder2,
      channel: CHANNELS.soc,
    });
    expect((await h.ledger.getIncident(p.incidentId))?.settled).toMatchObject({
      how: 'release',
      by: USERS.responder,
    });
    expect(h.fake.ephemerals(USERS.responder2).at(-1)?.text).toContain('already released');
  });

  it('rejects resolve and release of an incident that is not unresolved (decide with the buttons instead)', async () => {
    const p = await pendingApproval(h);
    const res = await h.command(`release ${p.incidentId}`, { userId: USERS.responder2 });
    expect(ackText(res)).toContain('not ESCALATED_UNRESOLVED');
    expect(h.executions.started.filter((s) => s.name.endsWith('-release'))).toHaveLength(0);
  });
});
