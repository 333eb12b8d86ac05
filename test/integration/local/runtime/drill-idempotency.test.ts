import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIONS } from '../../../../bot/ids';
import {
  approvalMessage,
  clickApproval,
  type DrillDecision,
  runDrill,
  waitForNewApprovalMessage,
} from '../../../../local/runtime/drill';
import type { OfflineStack, TaskInvocation } from '../../../../local/runtime/types';
import { USERS } from '../../../../local/slack/workspace';
import { configureAwsRetry } from '../../../../workflow/aws/call';
import { TASKS, type TaskKey } from '../../../../workflow/tasks/catalog';

/**
 * Every task, on every path, is run a second time with the same input right after it succeeds — as a Lambda
 * retried after a lost response would be — before the engine moves on. The second run must change nothing: no
 * mutating AWS call, no estate difference, no second Slack post, no new approval, step or evidence record.
 */

const SAMPLES = join(__dirname, '../../../../local/workspace/samples');
const load = (name: string): unknown => JSON.parse(readFileSync(join(SAMPLES, name), 'utf8'));

type Path = 'approve' | 'reject' | 'escalate-approve' | 'compensate';

interface Rerun {
  key: TaskKey;
  problems: string[];
}

const reran: Rerun[] = [];

/**
 * The Parallel states' branches (CaptureAndPrepare, then Contain): each group's tasks, and the last task of each
 * of its branches.
 */
const PARALLEL_GROUPS: { tasks: Set<TaskKey>; lasts: TaskKey[] }[] = [
  {
    tasks: new Set<TaskKey>(['CaptureVolatileEvidence', 'PrepareIsolation']),
    lasts: ['CaptureVolatileEvidence', 'PrepareIsolation'],
  },
  {
    tasks: new Set<TaskKey>(['RevokeInstanceCredentials', 'ProtectEvidence', 'IsolateNetwork']),
    lasts: ['RevokeInstanceCredentials', 'IsolateNetwork'],
  },
];

function postCount(stack: OfflineStack): number {
  return stack.slack.calls().filter((c) => c.method === 'chat.postMessage').length;
}

async function ledgerView(stack: OfflineStack, incidentId: string) {
  const incident = await stack.ledger.getIncident(incidentId);
  return {
    status: incident?.status,
    approvalId: incident?.approval?.approvalId,
    steps: incident?.steps.map((s) => `${s.name}:${s.status}`),
    evidence: incident?.evidence.map((e) => e.id),
  };
}

/** Runs the task again with the same input and reports every second change it made. */
async function rerun(stack: OfflineStack, task: TaskInvocation): Promise<void> {
  if (task.error) return;
  const incidentId = (task.input as { incidentId?: string }).incidentId ?? '';
  const before = stack.sim.snapshot();
  const mutations = stack.sim.mutations().length;
  const posts = postCount(stack);
  const ledgerBefore = await ledgerView(stack, incidentId);
  const problems: string[] = [];
  try {
    await stack.tasks[task.key](task.input);
  } catch (error) {
    problems.push(`second run threw ${(error as Error).name}: ${(error as Error).message}`);
  }
  const again = stack.sim.mutations().slice(mutations);
  if (again.length)
    problems.push(`mutating calls: ${again.map((c) => `${c.service}:${c.operation}`).join(', ')}`);
  problems.push(...stack.sim.diff(before, stack.sim.snapshot()).map((line) => `estate: ${line}`));
  if (postCount(stack) !== posts) problems.push(`${postCount(stack) - posts} more chat.postMessage`);
  const ledgerAfter = await ledgerView(stack, incidentId);
  if (JSON.stringify(ledgerAfter) !== JSON.stringify(ledgerBefore))
    problems.push(`ledger: ${JSON.stringify(ledgerBefore)} → ${JSON.stringify(ledgerAfter)}`);
  reran.push({ key: task.key, problems });
}

async function runTwice(event: unknown, path: Path): Promise<{ status: string; keys: Set<TaskKey> }> {
  const pending = new Set<Promise<void>>();
  const settled = async () => {
    while (pending.size) await Promise.all([...pending]);
  };
  let current: OfflineStack | undefined;
  const deferred: TaskInvocation[] = [];
  const from = reran.length;
  const decision: DrillDecision = 'none';
  const run = await runDrill({
    event,
    decision,
    keepOpen: true,
    stack: {
      onTask: (task) => {
        if (!current) throw new Error('task before the stack was ready');
        const stack = current;
        // A Parallel state's branches run side by side: a re-run there would be charged with the other branch's
        // calls. Their re-runs wait until every branch is done (each branch's last task), or the next task after them.
        const group = PARALLEL_GROUPS.find((g) => g.tasks.has(task.key));
        if (group) {
          deferred.push(task);
          const ended = new Set(deferred.map((t) => t.key));
          if (!group.lasts.every((k) => ended.has(k))) return;
        }
        const p = (async () => {
          const earlier = deferred.splice(0);
          for (const t of earlier) await rerun(stack, t);
          if (!earlier.includes(task)) await rerun(stack, task);
        })();
        pending.add(p);
        return p.finally(() => pending.delete(p));
      },
    },
    prepare: (stack) => {
      current = stack;
      if (path === 'compensate')
        stack.sim.faults.failNth({
          service: 'ec2',
          operation: 'CreateTags',
          n: 1,
          error: 'UnauthorizedOperation',
        });
    },
  });
  const { stack } = run;
  try {
    const arn = stack.engine.list()[0]?.executionArn ?? '';
    const incidentId = run.incidentId ?? '';
    if (path !== 'compensate') {
      const ref = await approvalMessage(stack, incidentId);
      await settled();
      if (path === 'escalate-approve') {
        await stack.clock.fastForward(stack.settings.workflow.approvalTimeoutSeconds * 1000);
        const latest = await waitForNewApprovalMessage(stack, incidentId, ref);
        await settled();
        const approval = await stack.ledger.getApproval(
          (await stack.ledger.getIncident(incidentId))?.approval?.approvalId ?? '',
        );
        await clickApproval(
          stack,
          approval?.slack?.find((r) => r.channel.startsWith('D')) ?? latest,
          ACTIONS.approve,
          USERS.lead,
        );
      } else {
        await clickApproval(
          stack,
          ref,
          path === 'approve' ? ACTIONS.approve : ACTIONS.reject,
          USERS.responder,
        );
      }
    }
    await stack.engine.waitForStatus(arn, (d) => d.status !== 'RUNNING', { timeoutMs: 20_000 });
    await settled();
    const status = (await stack.ledger.getIncident(incidentId))?.status ?? '?';
    return { status, keys: new Set(reran.slice(from).map((r) => r.key)) };
  } finally {
    await stack.close();
  }
}

beforeAll(() => configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0 }));
afterAll(() => configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000 }));

describe('re-running any task with the same input makes no second change', () => {
  const cases: [string, string, Path, string][] = [
    ['EC2', 'ec2-high-web1.json', 'approve', 'RESOLVED'],
    ['EC2', 'ec2-high-asg1.json', 'reject', 'RESTORED'],
    ['EC2', 'ec2-high-web1.json', 'escalate-approve', 'RESOLVED'],
    ['EC2', 'ec2-high-web1.json', 'compensate', 'FAILED'],
    ['IAM', 'iam-high-ci-deployer.json', 'approve', 'RESOLVED'],
    ['IAM', 'iam-high-ci-deployer.json', 'reject', 'RESTORED'],
    ['S3', 's3-high-public-assets.json', 'approve', 'RESOLVED'],
    ['S3', 's3-high-public-assets.json', 'reject', 'RESTORED'],
  ];
  it.each(cases)('%s %s, %s path', async (_kind, sample, path, status) => {
    const from = reran.length;
    const result = await runTwice(load(sample), path);
    expect(result.status).toBe(status);
    const failures = reran.slice(from).filter((r) => r.problems.length);
    expect(failures).toEqual([]);
  });

  it('covered every task of the catalog', () => {
    const keys = new Set(reran.map((r) => r.key));
    expect(Object.keys(TASKS).filter((k) => !keys.has(k as TaskKey))).toEqual([]);
  });
});
