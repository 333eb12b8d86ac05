import { BOT, TEAM, USERS } from '../../../local/slack/fake-api';
import { blockActionPayload, postSigned, signRequest, slashCommandBody } from '../../helpers/slack';
import { closeSharedDynamo, type Harness, SIGNING_SECRET, startHarness } from './harness';

const INSTANCE = 'i-0abc1234def567890';
const now = () => Math.floor(Date.now() / 1000);

describe('the door (§5): what mature Slack apps check before any listener runs', () => {
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

  async function expectNothingDone(): Promise<void> {
    expect(h.executions.started).toHaveLength(0);
    expect(await h.ledger.listOpenIncidents()).toHaveLength(0);
  }

  it('rejects a timestamp more than 5 minutes in the future, and accepts one just inside either edge', async () => {
    const body = () => slashCommandBody({ text: `isolate ${INSTANCE}` });
    const future = await postSigned(h.bot.url, body(), {
      secret: SIGNING_SECRET,
      timestamp: now() + 5 * 60 + 30,
    });
    expect(future.status).toBe(401);
    const past = await postSigned(h.bot.url, body(), {
      secret: SIGNING_SECRET,
      timestamp: now() - 5 * 60 - 30,
    });
    expect(past.status).toBe(401);
    await expectNothingDone();
    const insideFuture = await postSigned(h.bot.url, slashCommandBody({ text: 'help' }), {
      secret: SIGNING_SECRET,
      timestamp: now() + 5 * 60 - 30,
    });
    expect(insideFuture.status).toBe(200);
    const insidePast = await postSigned(h.bot.url, slashCommandBody({ text: 'help' }), {
      secret: SIGNING_SECRET,
      timestamp: now() - 5 * 60 + 30,
    });
    expect(insidePast.status).toBe(200);
  });

  it('rejects a replayed slash command: the same signed request acts once', async () => {
    const body = slashCommandBody({ text: `isolate ${INSTANCE}` });
    const headers = signRequest(SIGNING_SECRET, body, now());
    const first = await postSigned(h.bot.url, body, { secret: SIGNING_SECRET, omitSignature: true, headers });
    expect(first.status).toBe(200);
    expect(h.executions.started).toHaveLength(1);
    // The incident closes (e.g. rejected and restored), then the captured request is replayed.
    const incidentId = h.executions.started[0]?.name as string;
    await h.ledger.setStatus(incidentId, 'RESTORED');
    h.executions.started.length = 0;
    const replay = await postSigned(h.bot.url, body, {
      secret: SIGNING_SECRET,
      omitSignature: true,
      headers,
    });
    expect(replay.status).toBe(401);
    expect(h.executions.started).toHaveLength(0);
    expect(await h.ledger.listOpenIncidents()).toHaveLength(0);
    // The same trigger_id under a fresh timestamp is a replay too.
    const again = await postSigned(h.bot.url, body, { secret: SIGNING_SECRET, timestamp: now() + 1 });
    expect(again.status).toBe(401);
    expect(h.executions.started).toHaveLength(0);
  });

  it('rejects another workspace or another app (403), and logs it', async () => {
    const otherTeam = await postSigned(
      h.bot.url,
      slashCommandBody({ text: `isolate ${INSTANCE}`, teamId: 'T0EVIL' }),
      { secret: SIGNING_SECRET },
    );
    expect(otherTeam.status).toBe(403);
    const otherApp = await postSigned(
      h.bot.url,
      slashCommandBody({ text: `isolate ${INSTANCE}`, appId: 'A0EVIL' }),
      { secret: SIGNING_SECRET },
    );
    expect(otherApp.status).toBe(403);
    const payload = {
      ...blockActionPayload({ actionId: 'airlock_approve', value: '{}' }),
      team: { id: 'T0EVIL' },
    };
    const click = await postSigned(
      h.bot.url,
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      {
        secret: SIGNING_SECRET,
      },
    );
    expect(click.status).toBe(403);
    await expectNothingDone();
    expect(TEAM.id).not.toBe('T0EVIL');
    expect(BOT.appId).not.toBe('A0EVIL');
  });

  it('fails a signed body of null or payload=null with 400, and keeps serving', async () => {
    const json = await postSigned(h.bot.url, 'null', {
      secret: SIGNING_SECRET,
      headers: { 'content-type': 'application/json' },
    });
    expect(json.status).toBe(400);
    const form = await postSigned(h.bot.url, 'payload=null', { secret: SIGNING_SECRET });
    expect(form.status).toBe(400);
    const garbage = await postSigned(h.bot.url, 'payload=%7Bnot-json', { secret: SIGNING_SECRET });
    expect(garbage.status).toBe(400);
    const still = await postSigned(h.bot.url, slashCommandBody({ text: 'help', userId: USERS.responder }), {
      secret: SIGNING_SECRET,
    });
    expect(still.status).toBe(200);
  });
});
