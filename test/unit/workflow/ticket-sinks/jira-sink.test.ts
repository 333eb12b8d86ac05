import { FakeJira } from '../../../../local/vendors/jira/fake-jira';
import {
  TicketConfigError,
  TicketLookupPendingError,
  TicketThrottledError,
  TicketUnavailableError,
} from '../../../../workflow/errors';
import type { IncidentRecord } from '../../../../workflow/ledger/types';
import { createLogger } from '../../../../workflow/log';
import { createTicketSink, type JiraTicketSink } from '../../../../workflow/ticket-sinks';
import { TicketSettingsSchema } from '../../../../workflow/ticket-sinks/settings';
import { FakeLedger } from '../../../helpers/fake-ledger';
import { makeRequest } from '../../../helpers/requests';
import { ManualClock } from '../domain/incident/harness';

const log = createLogger('test', { level: 'silent' });

interface Rig {
  jira: FakeJira;
  ledger: FakeLedger;
  clock: ManualClock;
  sink: JiraTicketSink;
  incident: () => Promise<IncidentRecord>;
  incidentId: string;
  sleeps: number[];
}

const rigs: FakeJira[] = [];
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((j) => j.stop()));
});

async function rig(
  options: {
    searchLagMs?: number;
    settle?: number;
    statuses?: Record<string, string>;
    severity?: unknown;
  } = {},
): Promise<Rig> {
  const clock = new ManualClock();
  const jira = await new FakeJira({ clock, searchLagMs: options.searchLagMs ?? 0 }).start();
  rigs.push(jira);
  const ledger = new FakeLedger({ clock });
  const request = makeRequest({
    title: 'Crypto mining *bold* _x_ <!channel> {code}\nsecond line',
  });
  const { incident } = await ledger.recordIntake(request, { route: 'contain-ec2', reason: 'test' });
  await ledger.update(incident.incidentId, { slack: { channel: 'C0SOC00001', ts: '1741000000.000100' } });
  const settings = TicketSettingsSchema.parse({
    sink: 'jira',
    jira: {
      baseUrl: jira.baseUrl,
      projectKey: 'SEC',
      ...(options.settle ? { searchSettleSeconds: options.settle } : {}),
      ...(options.statuses ? { statuses: options.statuses } : {}),
      ...(options.severity ? { severity: options.severity } : {}),
      slackWorkspaceUrl: 'https://acme.slack.com',
    },
  });
  const sleeps: number[] = [];
  const sink = createTicketSink(settings, {
    ledger,
    clock,
    log,
    credentials: async () => jira.credentials,
    jira: { strict: true, sleep: async (ms) => void sleeps.push(ms) },
  }) as JiraTicketSink;
  return {
    jira,
    ledger,
    clock,
    sink,
    incidentId: incident.incidentId,
    incident: async () => (await ledger.getIncident(incident.incidentId)) as IncidentRecord,
    sleeps,
  };
}

const creates = (j: FakeJira) => j.calls(/^POST \/rest\/api\/3\/issue$/);
const comments = (j: FakeJira) => j.calls(/^POST \/rest\/api\/3\/issue\/[^/]+\/comment$/);
const actions = async (r: Rig) => (await r.ledger.listAudit(r.incidentId)).map((e) => e.action);

describe('the Jira ticket sink (jira.js against the fake Jira)', () => {
  it('opens one issue: summary, labels with the incident id, priority, ADF description with the thread link', async () => {
    const r = await rig();

    const ref = await r.sink.open(await r.incident());

    expect(ref).toEqual({ ticketId: 'SEC-1', url: `${r.jira.baseUrl}/browse/SEC-1` });
    const issue = r.jira.issues.get('SEC-1');
    expect(issue?.labels).toEqual(['airlock', `airlock-${r.incidentId}`]);
    expect(issue?.priority).toBe('High');
    expect(issue?.summary).toMatch(/^Airlock HIGH: /);
    expect(issue?.summary).not.toMatch(/\n/);
    const description = JSON.stringify(issue?.description);
    // Finding text travels as ADF text nodes, never parsed as markup.
    expect(description).toContain('Crypto mining *bold* _x_ <!channel> {code} second line');
    expect(description).toContain('"href":"https://acme.slack.com/archives/C0SOC00001/p1741000000000100"');
    expect((await r.incident()).ticket).toEqual({
      id: 'SEC-1',
      url: `${r.jira.baseUrl}/browse/SEC-1`,
      sink: 'jira',
    });
    expect(await actions(r)).toEqual(expect.arrayContaining(['ticket-create-intent', 'ticket-opened']));
  });

  it('returns the recorded ticket on a re-run: no search, no second create', async () => {
    const r = await rig();
    await r.sink.open(await r.incident());
    const before = r.jira.calls().length;

    const again = await r.sink.open(await r.incident());

    expect(again.ticketId).toBe('SEC-1');
    expect(r.jira.calls().length).toBe(before);
    expect(creates(r.jira)).toHaveLength(1);
  });

  it('never opens a second ticket across a crash between the create and the ledger record', async () => {
    // Jira's search shows a new issue only after 30 s (eventually consistent), unless reconciled by id.
    const r = await rig({ searchLagMs: 30_000, settle: 120 });
    const realUpdate = r.ledger.update.bind(r.ledger);
    const crash = jest.spyOn(r.ledger, 'update').mockImplementationOnce(async () => {
      throw new Error('Lambda crashed after the create');
    });
    await expect(r.sink.open(await r.incident())).rejects.toThrow('Lambda crashed');
    crash.mockImplementation(realUpdate);
    expect(r.jira.issues.size).toBe(1);

    // The retry a second later: the create intent has no answer and search does not show the issue yet.
    r.clock.advance(1);
    await expect(r.sink.open(await r.incident())).rejects.toBeInstanceOf(TicketLookupPendingError);
    // Once the index caught up, the retry adopts the issue the first attempt created.
    r.clock.advance(40);
    const ref = await r.sink.open(await r.incident());

    expect(ref.ticketId).toBe('SEC-1');
    expect(creates(r.jira)).toHaveLength(1);
    expect(r.jira.issues.size).toBe(1);
    expect(await actions(r)).toContain('ticket-adopted');
  });

  it('documents the residual risk: an index slower than the settle time lets a retry create a second issue', async () => {
    const r = await rig({ searchLagMs: 600_000, settle: 60 });
    jest.spyOn(r.ledger, 'update').mockImplementationOnce(async () => {
      throw new Error('crash');
    });
    await expect(r.sink.open(await r.incident())).rejects.toThrow('crash');
    r.clock.advance(61);

    await r.sink.open(await r.incident());

    expect(r.jira.issues.size).toBe(2);
  });

  it('treats a 5xx on the create as "may have been created": looks again before creating', async () => {
    const r = await rig();
    r.jira.inject({ status: 500, times: 1, match: /^POST \/rest\/api\/3\/issue$/ });

    await expect(r.sink.open(await r.incident())).rejects.toBeInstanceOf(TicketUnavailableError);
    await expect(r.sink.open(await r.incident())).rejects.toBeInstanceOf(TicketLookupPendingError);
    r.clock.advance(121);
    await r.sink.open(await r.incident());

    expect(creates(r.jira)).toHaveLength(2);
    expect(r.jira.issues.size).toBe(1);
  });

  it('waits out a short Retry-After in place, once, and goes on', async () => {
    const r = await rig();
    r.jira.inject({ status: 429, times: 1, retryAfter: 2, match: /^POST \/rest\/api\/3\/issue$/ });

    const ref = await r.sink.open(await r.incident());

    expect(ref.ticketId).toBe('SEC-1');
    expect(r.sleeps).toEqual([2000]);
    expect(creates(r.jira).map((c) => c.status)).toEqual([429, 201]);
  });

  it('fails with TicketThrottledError for a long Retry-After; the retry creates at once (a 429 created nothing)', async () => {
    const r = await rig();
    r.jira.inject({ status: 429, times: 1, retryAfter: 30, match: /^POST \/rest\/api\/3\/issue$/ });

    const error = await r.sink.open(await r.incident()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TicketThrottledError);
    expect((error as Error).message).toBe(
      `Jira rate-limited create the ticket of ${r.incidentId} (429, Retry-After 30 s)`,
    );
    expect(r.sleeps).toEqual([]);
    const ref = await r.sink.open(await r.incident());

    expect(ref.ticketId).toBe('SEC-1');
    expect(await actions(r)).toContain('ticket-create-refused');
  });

  it('fails with TicketUnavailableError (retried) when Jira cannot be reached, before anything is created', async () => {
    const r = await rig();
    await r.jira.stop();

    await expect(r.sink.open(await r.incident())).rejects.toBeInstanceOf(TicketUnavailableError);
    expect(await actions(r)).not.toContain('ticket-create-intent');
  });

  it('fails with one clear TicketConfigError on bad credentials (401), never naming the token', async () => {
    const r = await rig();
    const sink = createTicketSink(
      TicketSettingsSchema.parse({ sink: 'jira', jira: { baseUrl: r.jira.baseUrl, projectKey: 'SEC' } }),
      {
        ledger: r.ledger,
        clock: r.clock,
        log,
        credentials: async () => ({ email: 'a@b.co', apiToken: 'wrong' }),
      },
    );

    const error = await sink.open(await r.incident()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TicketConfigError);
    expect((error as Error).message).toMatch(/refused the credentials .* \(401\)/);
    expect((error as Error).message).not.toContain('wrong');
  });

  it("fails with TicketConfigError naming Jira's words for a project that does not exist", async () => {
    const r = await rig();
    const sink = createTicketSink(
      TicketSettingsSchema.parse({ sink: 'jira', jira: { baseUrl: r.jira.baseUrl, projectKey: 'NOPE' } }),
      { ledger: r.ledger, clock: r.clock, log, credentials: async () => r.jira.credentials },
    );

    await expect(sink.open(await r.incident())).rejects.toThrow(
      /Jira refused search for the ticket of .* \(400\): The value 'NOPE' does not exist for the field 'project'\./,
    );
  });

  it('fails with TicketConfigError for an issue type the project does not have; the retry may create', async () => {
    const r = await rig();
    const sink = createTicketSink(
      TicketSettingsSchema.parse({
        sink: 'jira',
        jira: { baseUrl: r.jira.baseUrl, projectKey: 'SEC', issueType: 'Epic' },
      }),
      { ledger: r.ledger, clock: r.clock, log, credentials: async () => r.jira.credentials },
    );

    await expect(sink.open(await r.incident())).rejects.toThrow(
      /\(400\): issuetype: Specify a valid issue type/,
    );
    expect(r.jira.issues.size).toBe(0);
    expect(await actions(r)).toContain('ticket-create-refused');
  });

  it('clips a long finding title into a one-line summary Jira accepts (at most 254 characters)', async () => {
    const r = await rig();
    const incident = await r.incident();
    const long = {
      ...incident,
      request: { ...incident.request, type: `Trojan:EC2/${'x'.repeat(400)}\nnext` },
    };

    await r.sink.open(long);

    const summary = r.jira.issues.get('SEC-1')?.summary ?? '';
    expect([...summary]).toHaveLength(254);
    expect(summary.endsWith('…')).toBe(true);
  });

  it('sets severity as a label instead of a priority when configured', async () => {
    const r = await rig({ severity: { field: 'label' } });

    await r.sink.open(await r.incident());

    expect(r.jira.issues.get('SEC-1')?.priority).toBeUndefined();
    expect(r.jira.issues.get('SEC-1')?.labels).toContain('severity-high');
  });

  it('comments once per outcome and moves the ticket to the mapped status; a re-run changes nothing', async () => {
    const r = await rig();
    await r.sink.open(await r.incident());
    const update = {
      outcome: 'resolved' as const,
      title: 'Approved by Slack user U1',
      lines: ['Contained.'],
    };

    const first = await r.sink.update(await r.incident(), update);
    const again = await r.sink.update(await r.incident(), update);

    expect(first).toEqual({ ticketId: 'SEC-1', commented: true, status: 'Done', transitioned: true });
    expect(again).toEqual({ ticketId: 'SEC-1', commented: false, status: 'Done', transitioned: false });
    const issue = r.jira.issues.get('SEC-1');
    expect(issue?.comments).toHaveLength(1);
    expect(JSON.stringify(issue?.comments[0]?.body)).toContain('Approved by Slack user U1');
    expect(issue?.status).toBe('Done');
    expect(issue?.history).toEqual([{ at: expect.any(String), from: 'To Do', to: 'Done' }]);
    expect(r.jira.calls(/^POST .*\/transitions$/)).toHaveLength(1);
  });

  it('adds no second comment when the comment landed but its ledger record did not (crash)', async () => {
    const r = await rig();
    await r.sink.open(await r.incident());
    const realAudit = r.ledger.appendAudit.bind(r.ledger);
    const spy = jest.spyOn(r.ledger, 'appendAudit').mockImplementation(async (event) => {
      if (event.action === 'ticket-commented') throw new Error('crash after the comment');
      return realAudit(event);
    });
    const update = { outcome: 'unresolved' as const, title: 'Nobody decided', lines: [] };
    await expect(r.sink.update(await r.incident(), update)).rejects.toThrow('crash after the comment');
    spy.mockImplementation(realAudit);

    const result = await r.sink.update(await r.incident(), update);

    expect(result.commented).toBe(false);
    expect(comments(r.jira)).toHaveLength(1);
    expect(r.jira.issues.get('SEC-1')?.status).toBe('In Progress');
  });

  it('fails with TicketConfigError when no transition reaches the mapped status', async () => {
    const r = await rig({ statuses: { failed: 'Escalated' } });
    await r.sink.open(await r.incident());

    await expect(
      r.sink.update(await r.incident(), { outcome: 'failed', title: 'Containment failed', lines: [] }),
    ).rejects.toThrow(
      /no transition moves SEC-1 from "To Do" to "Escalated" .* reachable: In Progress, Done/,
    );
  });

  it('opens the ticket first when an update finds none (the open failed earlier)', async () => {
    const r = await rig();

    const result = await r.sink.update(await r.incident(), { outcome: 'failed', title: 'Failed', lines: [] });

    expect(result.ticketId).toBe('SEC-1');
    expect(creates(r.jira)).toHaveLength(1);
  });
});
