import { createHmac, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VirtualClock } from '../../../../local/engine/clock';
import type {
  EventListener,
  ExecutionDescription,
  ExecutionSummary,
  HistoryEvent,
  StatusListener,
} from '../../../../local/engine/types';
import { DEMO, SimulatedAws, seedDemoEstate } from '../../../../local/sim';
import { BOT, CHANNELS, FakeSlackApi, USERS } from '../../../../local/slack/fake-api';
import { ec2StateNow } from '../../../../local/workspace/estate';
import type { WorkspaceStack } from '../../../../local/workspace/port';
import { loadSamples } from '../../../../local/workspace/samples';
import { startWorkspace, type Workspace } from '../../../../local/workspace/server';
import { SlackSettingsSchema } from '../../../../workflow/config';
import type { AcceptResult } from '../../../../workflow/intake/service';
import { FakeLedger } from '../../../helpers/fake-ledger';
import { makeRequest } from '../../../helpers/requests';

const SECRET = 'drill-test-secret';

interface BotRequest {
  body: string;
  fields: URLSearchParams;
  signatureOk: boolean;
}

/** Stands in for the bot: verifies Slack's signature, records the request, acknowledges like /ir does. */
async function startFakeBot(): Promise<{ url: string; requests: BotRequest[]; server: Server }> {
  const requests: BotRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const ts = String(req.headers['x-slack-request-timestamp']);
      const expected = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
      const given = String(req.headers['x-slack-signature']);
      const signatureOk =
        expected.length === given.length &&
        timingSafeEqual(Buffer.from(expected), Buffer.from(given)) &&
        Math.abs(Date.now() / 1000 - Number(ts)) < 300 &&
        req.headers['content-type'] === 'application/x-www-form-urlencoded';
      const fields = new URLSearchParams(body);
      requests.push({ body, fields, signatureOk });
      if (!signatureOk) {
        res.writeHead(401).end();
        return;
      }
      if (fields.has('command')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ response_type: 'ephemeral', text: `pong: ${fields.get('text')}` }));
        return;
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, requests, server };
}

class FakeEngine {
  readonly emitter = new EventEmitter();
  executions: ExecutionDescription[] = [];
  histories = new Map<string, HistoryEvent[]>();

  list(): ExecutionSummary[] {
    return this.executions.map(({ executionArn, stateMachineArn, name, status, startDate }) => ({
      executionArn,
      stateMachineArn,
      name,
      status,
      startDate,
    }));
  }
  describe(arn: string): ExecutionDescription {
    const found = this.executions.find((e) => e.executionArn === arn);
    if (!found) throw new Error(`no execution ${arn}`);
    return found;
  }
  history(arn: string): HistoryEvent[] {
    return this.histories.get(arn) ?? [];
  }
  transitionCount(arn: string): number {
    return this.history(arn).filter((e) => e.type === 'StateEntered').length;
  }
  on(event: 'event', listener: EventListener): this;
  on(event: 'status', listener: StatusListener): this;
  on(event: 'event' | 'status', listener: EventListener | StatusListener): this {
    this.emitter.on(event, listener);
    return this;
  }
  off(event: 'event' | 'status', listener: EventListener | StatusListener): this {
    this.emitter.off(event, listener);
    return this;
  }
}

describe('drill workspace server (fake stack)', () => {
  let slack: FakeSlackApi;
  let bot: Awaited<ReturnType<typeof startFakeBot>>;
  let workspace: Workspace;
  let ledger: FakeLedger;
  let engine: FakeEngine;
  let sim: SimulatedAws;
  let clock: VirtualClock;
  const injected: unknown[] = [];
  const samples = loadSamples();

  beforeAll(async () => {
    clock = new VirtualClock({ start: Date.parse('2026-01-15T10:00:00Z') });
    slack = await new FakeSlackApi({ clock, rateLimit: false }).start();
    bot = await startFakeBot();
    ledger = new FakeLedger({ clock });
    engine = new FakeEngine();
    sim = new SimulatedAws({ now: () => clock.now() });
    seedDemoEstate(sim);
    const stack: WorkspaceStack = {
      clock,
      ledger,
      engine,
      slack,
      estate: () => sim.model.state,
      bot: { url: bot.url, signingSecret: SECRET },
      settings: {
        slack: SlackSettingsSchema.parse({
          socChannel: CHANNELS.soc,
          reviewChannel: CHANNELS.review,
          socLeadUserId: USERS.lead,
          responderUserIds: [USERS.responder, USERS.responder2],
        }),
        homeAccountId: DEMO.accountId,
        region: DEMO.region,
      },
      inject: async (raw): Promise<AcceptResult[]> => {
        injected.push(raw);
        return [
          {
            outcome: 'opened',
            decision: { route: 'contain-ec2', reason: 'contain: severity 8.0 (HIGH) ≥ 7' },
            executionArn: 'arn:aws:states:us-east-1:111122223333:execution:airlock:inc-0000000000000001',
          },
        ];
      },
    };
    workspace = await startWorkspace({ stack, port: 0, samples, debounceMs: 20 });
  });

  afterAll(async () => {
    await workspace.close();
    await slack.stop();
    await new Promise<void>((resolve) => bot.server.close(() => resolve()));
  });

  const url = (path: string) => new URL(path, workspace.url).toString();
  const post = (path: string, body: unknown) =>
    fetch(url(path), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  async function botPost(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const response = await fetch(`${slack.apiUrl}${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BOT.token}` },
      body: JSON.stringify(params),
    });
    return (await response.json()) as Record<string, unknown>;
  }

  it('serves the page and its assets with a restrictive content security policy', async () => {
    const page = await fetch(url('/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<script src="/app.js" defer></script>');
    for (const asset of ['/app.js', '/styles.css']) expect((await fetch(url(asset))).status).toBe(200);
    expect((await fetch(url('/../server.ts'))).status).toBe(404);
  });

  it('shows each user the messages, threads and only their own ephemerals', async () => {
    const parent = await botPost('chat.postMessage', { channel: CHANNELS.soc, text: 'Incident card' });
    await botPost('chat.postMessage', { channel: CHANNELS.soc, text: 'step 1', thread_ts: parent.ts });
    await botPost('chat.postEphemeral', { channel: CHANNELS.soc, user: USERS.outsider, text: 'not you' });

    const responder = (await (await fetch(url(`/api/state?user=${USERS.responder}`))).json()) as {
      users: { id: string; role: string }[];
      messages: Record<string, { ts: string; replyCount: number }[]>;
      threads: Record<string, { text: string }[]>;
      ephemerals: unknown[];
      samples: { id: string }[];
    };
    expect(responder.users.find((u) => u.id === USERS.lead)?.role).toBe('soc-lead');
    expect(responder.users.find((u) => u.id === USERS.outsider)?.role).toBe('outsider');
    const top = responder.messages[CHANNELS.soc]?.find((m) => m.ts === parent.ts);
    expect(top?.replyCount).toBe(1);
    expect(responder.threads[`${CHANNELS.soc}/${String(parent.ts)}`]?.map((m) => m.text)).toEqual(['step 1']);
    expect(responder.ephemerals).toEqual([]);
    expect(responder.samples.map((s) => s.id)).toContain('ec2-high-web1');

    const outsider = (await (await fetch(url(`/api/state?user=${USERS.outsider}`))).json()) as {
      ephemerals: { text: string }[];
    };
    expect(outsider.ephemerals.map((e) => e.text)).toEqual(['not you']);
  });

  it('sends /ir signed exactly as Slack does and shows the acknowledgement to that user only', async () => {
    const response = await post('/api/slash', {
      userId: USERS.responder2,
      channelId: CHANNELS.soc,
      text: 'list',
    });
    expect(response.status).toBe(200);
    const sent = bot.requests.at(-1);
    expect(sent?.signatureOk).toBe(true);
    expect(Object.fromEntries(sent?.fields ?? [])).toMatchObject({
      command: '/ir',
      text: 'list',
      user_id: USERS.responder2,
      user_name: 'sam.second',
      channel_id: CHANNELS.soc,
      channel_name: 'soc-incidents',
      team_id: 'T0AIRLOCK',
      team_domain: 'airlock-drill',
    });
    expect(sent?.fields.get('response_url')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/response\//);
    expect(sent?.fields.get('trigger_id')).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
    expect(slack.ephemerals(USERS.responder2).map((e) => e.text)).toContain('pong: list');
    expect(slack.ephemerals(USERS.responder).map((e) => e.text)).not.toContain('pong: list');
  });

  it('sends a click as a signed block_actions payload carrying the message as Slack holds it', async () => {
    const parent = await botPost('chat.postMessage', { channel: CHANNELS.soc, text: 'card' });
    const blocks = [
      {
        type: 'actions',
        block_id: 'airlock_approval',
        elements: [
          {
            type: 'button',
            action_id: 'airlock_approve',
            value: '{"i":"inc-1","a":"apr-1"}',
            text: { type: 'plain_text', text: 'Approve' },
          },
        ],
      },
    ];
    const reply = await botPost('chat.postMessage', {
      channel: CHANNELS.soc,
      thread_ts: parent.ts,
      text: 'needs a decision',
      blocks,
    });
    const response = await post('/api/click', {
      userId: USERS.responder,
      channelId: CHANNELS.soc,
      messageTs: reply.ts,
      actionId: 'airlock_approve',
      value: '{"i":"inc-1","a":"apr-1"}',
    });
    expect(response.status).toBe(200);
    const sent = bot.requests.at(-1);
    expect(sent?.signatureOk).toBe(true);
    const payload = JSON.parse(sent?.fields.get('payload') ?? '{}') as Record<string, unknown>;
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: USERS.responder, username: 'rita.responder', team_id: 'T0AIRLOCK' },
      api_app_id: BOT.appId,
      container: { type: 'message', message_ts: reply.ts, channel_id: CHANNELS.soc, is_ephemeral: false },
      channel: { id: CHANNELS.soc, name: 'soc-incidents' },
      message: { ts: reply.ts, thread_ts: parent.ts, blocks, bot_id: BOT.botId },
      actions: [
        {
          action_id: 'airlock_approve',
          block_id: 'airlock_approval',
          value: '{"i":"inc-1","a":"apr-1"}',
          type: 'button',
          text: { type: 'plain_text', text: 'Approve', emoji: true },
        },
      ],
    });
    expect(String(payload.response_url)).toMatch(/\/response\//);
  });

  it('rejects bad input with a 400 naming the field, and never crashes', async () => {
    const cases: [string, unknown, number, string][] = [
      ['/api/slash', { channelId: CHANNELS.soc, text: 'list' }, 400, 'userId'],
      ['/api/slash', { userId: 'nobody', channelId: CHANNELS.soc, text: 'x' }, 400, 'userId'],
      ['/api/slash', { userId: 'U0NOBODY', channelId: CHANNELS.soc, text: 'x' }, 404, 'userId'],
      [
        '/api/click',
        {
          userId: USERS.responder,
          channelId: CHANNELS.soc,
          messageTs: '1700000000.000100',
          actionId: 'a',
          value: 'v',
        },
        404,
        'messageTs',
      ],
      ['/api/inject', { sample: 'ec2-high-web1', event: {} }, 400, 'sample'],
      ['/api/inject', { sample: 'no-such-sample' }, 404, 'sample'],
      ['/api/fast-forward', { seconds: -5 }, 400, 'seconds'],
      ['/api/fast-forward', { seconds: 'soon' }, 400, 'seconds'],
    ];
    for (const [path, body, status, field] of cases) {
      const response = await post(path, body);
      expect({ path, status: response.status }).toEqual({ path, status });
      expect(((await response.json()) as { field: string }).field).toBe(field);
    }
    const notJson = await fetch(url('/api/inject'), {
      method: 'POST',
      body: '{',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    const form = await fetch(url('/api/inject'), {
      method: 'POST',
      body: 'a=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    expect((await fetch(url('/api/incidents/not-an-id'))).status).toBe(400);
    expect((await fetch(url('/api/incidents/inc-0123456789abcdef'))).status).toBe(404);
    expect((await fetch(url('/api/state'), { method: 'POST' })).status).toBe(405);
    expect((await fetch(url('/api/state'))).status).toBe(200);
  });

  it('serves uPlot from node_modules, a file shared in a thread, and the Metrics figures; refuses what is not there', async () => {
    const js = await fetch(url('/vendor/uPlot.iife.min.js'));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(await js.text()).toContain('uPlot');
    expect((await fetch(url('/vendor/uPlot.min.css'))).headers.get('content-type')).toContain('text/css');

    const card = await botPost('chat.postMessage', { channel: CHANNELS.soc, text: 'card with report' });
    const up = await botPost('files.getUploadURLExternal', { filename: 'inc-1-report-v1.md', length: 9 });
    await fetch(String(up.upload_url), { method: 'POST', body: '# Report\n' });
    await botPost('files.completeUploadExternal', {
      files: [{ id: up.file_id }],
      channel_id: CHANNELS.soc,
      thread_ts: card.ts,
      initial_comment: 'the report',
    });
    const state = (await (await fetch(url(`/api/state?user=${USERS.responder}`))).json()) as {
      threads: Record<string, { files?: { id: string; name: string }[] }[]>;
    };
    expect(state.threads[`${CHANNELS.soc}/${card.ts}`]?.[0]?.files).toEqual([
      expect.objectContaining({ id: up.file_id, name: 'inc-1-report-v1.md' }),
    ]);
    const file = (await (await fetch(url(`/api/files/${up.file_id}`))).json()) as { text: string };
    expect(file.text).toBe('# Report\n');
    expect((await fetch(url('/api/files/F0NOTHERE'))).status).toBe(404);
    expect((await fetch(url('/api/files/not-a-file'))).status).toBe(400);

    const metrics = (await (await fetch(url('/api/metrics?window=30d'))).json()) as {
      stats: { window: string; incidents: number; perDay: unknown[] };
      days: unknown[];
    };
    expect(metrics.stats).toMatchObject({ window: '30d', incidents: 0 });
    expect(metrics.days).toHaveLength(metrics.stats.perDay.length);
    expect((await fetch(url('/api/metrics?window=90d'))).status).toBe(400);
    const none = await fetch(url('/api/incidents/inc-0000000000000009/report'));
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: string }).error).toContain(
      'no report for inc-0000000000000009 yet',
    );
  });

  it('rejects requests addressed to another host name (DNS rebinding)', async () => {
    // fetch() may not set Host; node:http can, as a rebinding page's browser would.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request(url('/api/state'), { headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);
  });

  it('injects a bundled sample through the stack, with a fresh finding id on request', async () => {
    const response = await post('/api/inject', { sample: 'ec2-high-web1', fresh: true });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      results: [
        expect.objectContaining({
          outcome: 'opened',
          route: 'contain-ec2',
          reason: expect.stringContaining('contain'),
        }),
      ],
    });
    const sent = injected.at(-1) as { id: string; detail: { id: string } };
    const original = samples.find((s) => s.id === 'ec2-high-web1')?.event as {
      id: string;
      detail: { id: string };
    };
    expect(sent.detail.id).not.toBe(original.detail.id);
    expect(sent.detail.id.startsWith(original.detail.id)).toBe(true);
    expect(sent.id).not.toBe(original.id);
  });

  it('pushes one debounced change event per burst of changes over SSE', async () => {
    // Let earlier tests' changes flush first (debounce 20 ms), so this stream sees only its own burst.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const controller = new AbortController();
    const response = await fetch(url('/api/events'), { signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value } = await reader.read();
        text += decoder.decode(value);
      }
    };
    await readUntil(/event: hello/);
    await botPost('chat.postMessage', { channel: CHANNELS.review, text: 'one' });
    await botPost('chat.postMessage', { channel: CHANNELS.review, text: 'two' });
    await readUntil(/event: change\ndata: .*\n\n/);
    expect(text.match(/event: change/g)).toHaveLength(1);
    expect(text).toContain('"sources":["slack"]');

    const ff = await post('/api/fast-forward', { seconds: 4 * 3600 });
    expect(((await ff.json()) as { clock: { now: string } }).clock.now).toBe('2026-01-15T14:00:00.000Z');
    await readUntil(/"sources":\["clock"\]/);
    controller.abort();
  });

  it('shows an incident: decision, timeline with digests, and the estate before and after', async () => {
    const request = makeRequest({
      accountId: DEMO.accountId,
      region: DEMO.region,
      resource: { instanceId: DEMO.instances.web1, networkInterfaces: [] },
    });
    const { incident } = await ledger.recordIntake(request, { route: 'contain-ec2', reason: 'contain' });
    const target = { accountId: DEMO.accountId, region: DEMO.region, instanceId: DEMO.instances.web1 };
    await ledger.recordPreState(incident.incidentId, ec2StateNow(sim.model.state, target) ?? {});
    const arn = `arn:aws:states:us-east-1:111122223333:execution:airlock:${incident.incidentId}`;
    await ledger.update(incident.incidentId, { executionArn: arn });
    const at = (s: number) => new Date(Date.parse('2026-01-15T10:00:00Z') + s * 1000);
    engine.executions.push({
      executionArn: arn,
      stateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:airlock',
      name: incident.incidentId,
      status: 'RUNNING',
      input: {},
      startDate: at(0),
    });
    engine.histories.set(arn, [
      {
        id: 1,
        type: 'StateEntered',
        timestamp: at(0),
        stateName: 'IsolateNetwork',
        stateType: 'Task',
        input: { a: 1 },
      },
      {
        id: 2,
        type: 'StateExited',
        timestamp: at(2),
        stateName: 'IsolateNetwork',
        stateType: 'Task',
        output: { b: 2 },
      },
    ]);

    // Containment moves the ENI to another group.
    const eni = sim.model.ec2(target).networkInterfaces[DEMO.networkInterfaces.web1];
    if (!eni) throw new Error('demo ENI missing');
    eni.groupIds = [DEMO.securityGroups.app];
    const contained = (await (await fetch(url(`/api/incidents/${incident.incidentId}`))).json()) as {
      estate: {
        identical: boolean;
        rows: { field: string; before: string; after: string; changed: boolean }[];
      };
      execution: {
        transitions: number;
        timeline: { state: string; durationMs: number; inputDigest: string }[];
      };
      approvals: unknown[];
    };
    expect(contained.estate.identical).toBe(false);
    expect(contained.estate.rows).toContainEqual({
      field: `Security groups on ${DEMO.networkInterfaces.web1}`,
      before: `web-sg (${DEMO.securityGroups.web})`,
      after: `app-sg (${DEMO.securityGroups.app})`,
      changed: true,
    });
    expect(contained.execution.timeline).toEqual([
      expect.objectContaining({
        state: 'IsolateNetwork',
        durationMs: 2000,
        inputDigest: expect.stringMatching(/^[0-9a-f]{12}$/),
      }),
    ]);
    expect(contained.execution.transitions).toBe(1);

    eni.groupIds = [DEMO.securityGroups.web];
    const restored = (await (await fetch(url(`/api/incidents/${incident.incidentId}`))).json()) as {
      estate: { identical: boolean; differences: string[] };
    };
    expect(restored.estate).toMatchObject({ identical: true, differences: [] });

    const list = (await (await fetch(url('/api/state'))).json()) as { incidents: { incidentId: string }[] };
    expect(list.incidents.map((i) => i.incidentId)).toContain(incident.incidentId);
  });

  it('summarizes the estate: instances with their ENIs and groups, users with keys, buckets', async () => {
    const estate = (await (await fetch(url('/api/estate'))).json()) as {
      instances: {
        instanceId: string;
        networkInterfaces: { securityGroups: { groupName: string }[] }[];
        autoScalingGroup?: string;
      }[];
      users: { userName: string; accessKeys: { accessKeyId: string; status: string }[] }[];
      buckets: { name: string }[];
    };
    const web1 = estate.instances.find((i) => i.instanceId === DEMO.instances.web1);
    expect(web1?.networkInterfaces[0]?.securityGroups.map((g) => g.groupName)).toEqual(['web-sg']);
    expect(estate.instances.find((i) => i.instanceId === DEMO.instances.webAsg1)?.autoScalingGroup).toBe(
      'web-asg',
    );
    expect(estate.users.find((u) => u.userName === DEMO.user.name)?.accessKeys).toEqual([
      { accessKeyId: DEMO.user.accessKeyId, status: 'Active' },
    ]);
    expect(estate.buckets.map((b) => b.name)).toContain(DEMO.buckets.publicAssets);
  });
});
