import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DrillDecision, runDrill } from '../../../../local/runtime/drill';
import type { OfflineStack } from '../../../../local/runtime/types';
import type { ServiceName } from '../../../../local/sim';
import { configureAwsRetry } from '../../../../workflow/aws/call';

/**
 * Under 30% injected throttling on EC2, IAM and SSM, every path ends in the same final state as without faults:
 * the same incident status, execution status and states, and the same estate, field for field. The per-call
 * retry is cut to 2 attempts so that throttling also reaches the state machine's Retry (whole-task re-runs).
 */

// Two full drills per test (or a drill and its release), on a machine that may be busy.
jest.setTimeout(30_000);

const SAMPLES = join(__dirname, '../../../../local/workspace/samples');
const load = (name: string): unknown => JSON.parse(readFileSync(join(SAMPLES, name), 'utf8'));
const START = new Date('2026-11-02T03:00:00.000Z');
const THROTTLED: ServiceName[] = ['ec2', 'iam', 'ssm'];

interface Outcome {
  incidentId?: string;
  status: string;
  executionStatus?: string;
  statesVisited: string[];
  stack: OfflineStack;
}

async function drill(event: unknown, decision: DrillDecision, seed?: number): Promise<Outcome> {
  return runDrill({
    event,
    decision,
    keepOpen: true,
    // The same virtual instant for both runs: the seeded estate (boot log, evidence) is then byte-identical.
    stack: { startAt: START },
    prepare: (stack) => {
      if (seed === undefined) return;
      THROTTLED.forEach((service, i) => {
        stack.sim.faults.throttle({ service, rate: 0.3, seed: seed + i });
      });
    },
  });
}

/** The incident as the ledger ends it: status, decision, steps and evidence (times aside). */
async function ledgerView(run: Outcome) {
  const incident = await run.stack.ledger.getIncident(run.incidentId ?? '');
  return {
    status: incident?.status,
    approval: incident?.approval?.state,
    decidedBy: incident?.approval?.decidedBy,
    steps: incident?.steps.map((s) => `${s.name}:${s.status}:${(s.ids ?? []).join(',')}`).sort(),
    evidence: incident?.evidence.map((e) => `${e.id}:${e.sha256 ?? ''}`).sort(),
  };
}

beforeAll(() => configureAwsRetry({ baseDelayMs: 0, maxDelayMs: 0, maxAttempts: 2 }));
afterAll(() => configureAwsRetry({ baseDelayMs: 100, maxDelayMs: 5_000, maxAttempts: 4 }));

let throttled = 0;
let stateRetries = 0;

describe('30% throttling on EC2, IAM and SSM', () => {
  const cases: [string, DrillDecision, string][] = [
    ['ec2-high-web1.json', 'approve', 'RESOLVED'],
    ['ec2-high-asg1.json', 'reject', 'RESTORED'],
    ['ec2-high-web1.json', 'timeout', 'ESCALATED_UNRESOLVED'],
    ['iam-high-ci-deployer.json', 'approve', 'RESOLVED'],
    ['iam-high-ci-deployer.json', 'reject', 'RESTORED'],
    ['s3-high-public-assets.json', 'approve', 'RESOLVED'],
    ['s3-high-public-assets.json', 'reject', 'RESTORED'],
  ];
  it.each(cases)(
    '%s, %s: same final state as without faults',
    async (sample, decision, status) => {
      const event = load(sample);
      const clean = await drill(event, decision);
      const faulty = await drill(event, decision, 7);
      try {
        expect(clean.status).toBe(status);
        expect({
          status: faulty.status,
          execution: faulty.executionStatus,
          states: faulty.statesVisited,
        }).toEqual({
          status: clean.status,
          execution: clean.executionStatus,
          states: clean.statesVisited,
        });
        // The incident report records the run's own history (the retries a throttled run made are in its ledger), so
        // its bytes differ by design; every other object and resource is the same.
        expect(
          faulty.stack.sim
            .diff(clean.stack.sim.snapshot(), faulty.stack.sim.snapshot())
            .filter(
              (line) =>
                !/^buckets\.airlock-evidence\.(objects|versions)\."incidents\/[^/]+\/report\//.test(line),
            ),
        ).toEqual([]);
        expect(await ledgerView(faulty)).toEqual(await ledgerView(clean));
        throttled += faulty.stack.sim.faults.stats().throttle;
        const arn = faulty.stack.engine.list()[0]?.executionArn ?? '';
        stateRetries += faulty.stack.engine.history(arn).filter((e) => e.type === 'StateRetried').length;
      } finally {
        await Promise.all([clean.stack.close(), faulty.stack.close()]);
      }
      // Two whole drills, one of them under throttling with retries: more than the 5 s default on a shared machine.
    },
    20_000,
  );

  it('injected throttles that reached the state machine', () => {
    expect(throttled).toBeGreaterThan(20);
    expect(stateRetries).toBeGreaterThan(0);
  });
});
