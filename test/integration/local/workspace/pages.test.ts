import { startOfflineStack } from '../../../../local/runtime/stack';
import type { OfflineStack } from '../../../../local/runtime/types';
import { fromOfflineStack } from '../../../../local/workspace/offline';
import type { PagesView } from '../../../../local/workspace/pages';
import { startWorkspace, type Workspace } from '../../../../local/workspace/server';
import { createLogger } from '../../../../workflow/log';

/** The workspace's Pages panel data: a drill injected through the workspace pages the fake PagerDuty for real. */

let stack: OfflineStack | undefined;
let workspace: Workspace | undefined;
afterEach(async () => {
  await workspace?.close();
  await stack?.close();
  workspace = undefined;
  stack = undefined;
});

async function start(paging: boolean) {
  const log = createLogger('test', { level: 'silent' });
  stack = await startOfflineStack({
    slackRateLimit: false,
    timeScale: 0,
    log,
    ...(paging ? {} : { paging: false }),
  });
  workspace = await startWorkspace({ stack: fromOfflineStack(stack), port: 0, log, debounceMs: 10 });
  return { stack, workspace };
}

const get = async (w: Workspace, path: string) => {
  const response = await fetch(new URL(path, w.url));
  return { status: response.status, body: (await response.json()) as PagesView };
};

describe('workspace GET /api/pages', () => {
  it('shows the alert the on-call received for an incident injected through the workspace', async () => {
    const { stack, workspace } = await start(true);
    expect((await get(workspace, '/api/pages')).body).toEqual({
      enabled: true,
      alerts: [],
      requests: { total: 0, accepted: 0, rateLimited: 0, serverErrors: 0, refused: 0 },
    });
    const injected = await fetch(new URL('/api/inject', workspace.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sample: 'ec2-high-web1', fresh: true }),
    });
    const { results } = (await injected.json()) as {
      results: { incidentId: string; executionArn: string }[];
    };
    const [result] = results;
    if (!result) throw new Error('nothing injected');
    await stack.engine.waitForTask(result.executionArn, { stateName: 'RequestApproval', timeoutMs: 20_000 });
    const { status, body } = await get(workspace, '/api/pages');
    expect(status).toBe(200);
    expect(body.requests).toMatchObject({ total: 1, accepted: 1 });
    expect(body.alerts).toEqual([
      expect.objectContaining({
        dedupKey: result.incidentId,
        status: 'triggered',
        severity: 'error',
        events: [expect.objectContaining({ action: 'trigger', airlockEvent: 'opened' })],
      }),
    ]);
    expect(body.alerts[0]?.summary).toContain(result.incidentId);
  });

  it('says paging is off when the drill runs without a routing key', async () => {
    const { workspace } = await start(false);
    expect((await get(workspace, '/api/pages')).body).toMatchObject({ enabled: false, alerts: [] });
  });

  it('refuses anything but GET', async () => {
    const { workspace } = await start(true);
    const response = await fetch(new URL('/api/pages', workspace.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(405);
  });
});
