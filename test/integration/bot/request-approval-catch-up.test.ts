import * as notify from '../../../bot/tasks/notify';
import * as requestApproval from '../../../bot/tasks/request-approval';
import { CHANNELS } from '../../../local/slack/fake-api';
import { readDefinitionTemplate } from '../../../workflow/definition';
import { NotificationError } from '../../../workflow/errors';
import type { StepRecord } from '../../../workflow/ledger/types';
import { makeRequest } from '../../helpers/fake-ledger';
import { closeSharedDynamo, type Harness, HOURS_4, startHarness } from './harness';

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

describe('RequestApproval after a Notify that Slack throttled (storm)', () => {
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

  it('posts the step replies and the evidence manifest a failed Notify left behind, before the buttons, once', async () => {
    const { incident } = await h.ledger.recordIntake(makeRequest(), { route: 'contain-ec2', reason: 'test' });
    const id = incident.incidentId;
    h.fake.setRateLimit(false);
    await notify.run(h.taskDeps(), { incidentId: id, phase: 'opened' });
    for (let i = 0; i < 2; i += 1) await h.ledger.recordStep(id, step(`step-${i}`, i * 2));
    h.fake.fail({ method: 'chat.postMessage', status: 500, times: 3 });
    await expect(
      notify.run(h.taskDeps({ retries: 2 }), { incidentId: id, phase: 'contained' }),
    ).rejects.toBeInstanceOf(NotificationError);

    const input = { incidentId: id, taskToken: 'token-1', timeoutSeconds: HOURS_4 };
    await requestApproval.run(h.taskDeps(), input);
    await requestApproval.run(h.taskDeps(), { ...input, taskToken: 'token-2' });

    const cardTs = (await h.ledger.getIncident(id))?.slack?.ts as string;
    const thread = h.fake.thread(CHANNELS.soc, cardTs);
    const kinds = thread.map((m) =>
      JSON.stringify(m.blocks).includes('airlock_approve') ? 'approval' : m.text.split(' ')[0],
    );
    expect(kinds.slice(0, 2)).toEqual(['step-0', 'step-1']);
    expect(kinds.at(-1)).toBe('approval');
    expect(kinds).toHaveLength(4); // two steps, the manifest, the approval: nothing twice
    const audit = await h.ledger.listAudit(id);
    expect(
      audit.filter((e) => e.action === 'slack-posted' && e.detail?.message === 'evidence-manifest'),
    ).toHaveLength(1);
  });

  it('is retried on NotificationError and ThrottledError by the state machine (Notify states step past)', () => {
    const states = (JSON.parse(readDefinitionTemplate()) as { States: unknown }).States as Record<
      string,
      { Retry?: { ErrorEquals: string[] }[] }
    >;
    for (const name of ['RequestApproval', 'Escalate']) {
      const retried = (states[name]?.Retry ?? []).flatMap((r) => r.ErrorEquals);
      expect({ name, retried }).toEqual({
        name,
        retried: expect.arrayContaining(['NotificationError', 'ThrottledError']),
      });
    }
  });
});
