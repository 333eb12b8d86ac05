import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { type DrillDecision, runDrill } from '../../../local/runtime/drill';
import type { OfflineStack, TaskInvocation } from '../../../local/runtime/types';
import { HOME_ACCOUNT_ID, HOME_REGION } from '../../../local/sim';
import { configureAwsRetry } from '../../../workflow/aws/call';

/**
 * Issue 17 in the thread, on the offline stack (real definition, WriteReport, the real final Notify, fake Slack):
 * every path ends with its report file in the incident's thread, the very Markdown stored in S3, with the
 * summary; a report that could not be written is said there instead.
 */

const ROOT = join(__dirname, '../../..');
const load = (path: string): unknown => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
const EC2 = load('local/workspace/samples/ec2-high-web1.json');
const ACTOR = load('test/fixtures/gd-eventbridge-ec2-backdoor-denialofservice-tcp.json');

const open: OfflineStack[] = [];
beforeAll(() => configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0 }));
afterAll(async () => {
  configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000 });
  await Promise.all(open.map((s) => s.close()));
});

async function drill(
  event: unknown,
  decision: DrillDecision,
  options: { prepare?: (stack: OfflineStack) => void; onTask?: (t: TaskInvocation) => void } = {},
) {
  let stack: OfflineStack | undefined;
  const result = await runDrill({
    event,
    decision,
    keepOpen: true,
    ...(options.onTask ? { stack: { onTask: options.onTask } } : {}),
    prepare: (s) => {
      stack = s;
      open.push(s);
      options.prepare?.(s);
    },
  });
  if (!result.incidentId || !stack) throw new Error('the drill opened no incident');
  const incident = await stack.ledger.getIncident(result.incidentId);
  if (!incident?.slack) throw new Error('the incident has no Slack thread');
  return { result, stack, incidentId: result.incidentId, slack: incident.slack };
}

type Run = Awaited<ReturnType<typeof drill>>;

/** The thread's report file: shared once, in the card's thread, byte for byte the stored Markdown. */
async function expectReportInThread(run: Run, status: string): Promise<void> {
  const files = run.stack.slack.sharedFiles(run.slack.channel);
  expect(files.map((f) => f.name)).toEqual([`${run.incidentId}-report-v1.md`]);
  expect(files[0]?.shared?.threadTs).toBe(run.slack.ts);
  const written = (await run.stack.ledger.listAudit(run.incidentId)).filter(
    (e) => e.action === 'report-written',
  );
  const detail = written.at(-1)?.detail as { bucket: string; markdownKey: string };
  const { s3 } = await run.stack.sim.clientFactory()({ accountId: HOME_ACCOUNT_ID, region: HOME_REGION });
  const out = await s3.send(new GetObjectCommand({ Bucket: detail.bucket, Key: detail.markdownKey }));
  const stored = Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
  expect(files[0]?.bytes?.equals(stored)).toBe(true);
  const reply = run.stack.slack.thread(run.slack.channel, run.slack.ts).find((m) => m.files?.length);
  expect(reply?.text).toContain(`*Incident report v1* for \`${run.incidentId}\`: *${status}*`);
}

describe('drill: the report in the incident thread, on every path', () => {
  it('approve: RESOLVED', async () => {
    const run = await drill(EC2, 'approve');
    await expectReportInThread(run, 'RESOLVED');
  });

  it('reject: RESTORED', async () => {
    const run = await drill(EC2, 'reject');
    await expectReportInThread(run, 'RESTORED');
  });

  it('timeout: ESCALATED_UNRESOLVED', async () => {
    const run = await drill(EC2, 'timeout');
    await expectReportInThread(run, 'ESCALATED_UNRESOLVED');
  });

  it('failure: FAILED', async () => {
    const run = await drill(EC2, 'approve', {
      prepare: (stack) =>
        stack.sim.faults.failNth({
          service: 'ec2',
          operation: 'CreateTags',
          n: 1,
          error: 'UnauthorizedOperation',
        }),
    });
    expect(run.result.status).toBe('FAILED');
    await expectReportInThread(run, 'FAILED');
  });

  it('notify-only: NOTIFIED, under the review notice (phase report)', async () => {
    const run = await drill(ACTOR, 'approve');
    expect(run.result.status).toBe('NOTIFIED');
    await expectReportInThread(run, 'NOTIFIED');
  });

  it('a report that could not be written: the thread says why and names /ir report; nothing is uploaded', async () => {
    let stack: OfflineStack | undefined;
    const run = await drill(EC2, 'approve', {
      prepare: (s) => {
        stack = s;
      },
      onTask: (t) => {
        if (t.key === 'CloseIncident')
          stack?.sim.faults.error5xx({ service: 's3', operation: 'PutObject', rate: 1 });
      },
    });
    expect(run.result.status).toBe('RESOLVED');
    expect(run.stack.slack.sharedFiles()).toEqual([]);
    const notice = run.stack.slack
      .thread(run.slack.channel, run.slack.ts)
      .filter((m) => m.text.startsWith('No incident report was written'));
    expect(notice).toHaveLength(1);
    expect(JSON.stringify(notice[0]?.blocks)).toContain(`/ir report ${run.incidentId}`);
  });
});
