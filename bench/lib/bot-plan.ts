import type { DeferredEvent } from '../../bot/deferred';
import type { BotDeps } from '../../bot/deps';
import { createLambdaHandler, type LambdaBotOptions } from '../../bot/lambda';
import { SimulatedAws } from '../../local/sim/clients';
import { applyEstate } from '../../local/sim/estate-apply';
import { demoEstate } from '../../local/sim/estate-file';
import { WorkflowSettingsSchema } from '../../workflow/config';
import { planEc2Containment } from '../../workflow/domain/ec2/plan';
import type { Planner } from '../../workflow/domain/plan';

/** The demo estate's web server in its home account (local/sim/estates/demo.json). */
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const INSTANCE = 'i-0a000000000000101';

/**
 * AWS latencies injected into the simulated clients, as seen from a Lambda function in the same region:
 * STS AssumeRole into the member account, each EC2/IAM/SSM Describe call, and the Lambda Invoke (InvocationType
 * Event) the acknowledgement makes to hand the work over.
 */
export const PLAN_LATENCIES = { assumeRoleMs: 250, callMs: 120, invokeMs: 40 } as const;

export interface PlanSamples {
  /** From the signed request to the Lambda's acknowledgement ("Checking …"), ms. */
  ack: number[];
  /** From the signed request to the plan's answer accepted at response_url (the deferred invocation done), ms. */
  answer: number[];
  awsCallsPerPlan: number;
  latencies: typeof PLAN_LATENCIES;
  what: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * `/ir isolate <id> --plan` through the production Lambda handler, warm, with the real planner
 * (planEc2Containment) on the simulator's SDK clients (the demo estate) behind injected latencies. The
 * self-invocation is queued in-process (Lambda's asynchronous invocation of a warm container; a cold one adds its
 * init). `deps` are the bench's; `handlerOptions` the rest of the Lambda options.
 */
export async function measurePlan(options: {
  runs: number;
  warmup: number;
  deps: BotDeps;
  handlerOptions: Omit<LambdaBotOptions, 'deps'>;
  event: (text: string) => unknown;
  answered: () => number;
}): Promise<PlanSamples> {
  const sim = new SimulatedAws({ homeAccountId: ACCOUNT, region: REGION });
  applyEstate(sim, demoEstate());
  sim.faults.latency({ ms: PLAN_LATENCIES.callMs });
  const settings = WorkflowSettingsSchema.parse({});
  const planner: Planner = async (target) => {
    await sleep(PLAN_LATENCIES.assumeRoleMs);
    return planEc2Containment(sim.clients(target), target, settings);
  };
  const deps: BotDeps = {
    ...options.deps,
    planner,
    scope: { homeAccountId: ACCOUNT, defaultRegion: REGION },
  };
  let pending: Promise<unknown> | undefined;
  const handle = createLambdaHandler(() => ({
    ...options.handlerOptions,
    deps: async () => deps,
    invokeSelf: async (event: DeferredEvent) => {
      await sleep(PLAN_LATENCIES.invokeMs);
      const delivered = JSON.parse(JSON.stringify(event)) as DeferredEvent;
      pending = new Promise((resolve) => setImmediate(resolve)).then(() => handle(delivered as never, {}));
    },
  }));
  const acks: number[] = [];
  const answers: number[] = [];
  let calls = 0;
  for (let i = 0; i < options.warmup + options.runs; i += 1) {
    const before = options.answered();
    const callsBefore = sim.calls().length;
    const event = options.event(`isolate ${INSTANCE} --plan`);
    const started = performance.now();
    const res = (await handle(event as never, {})) as { statusCode: number; body: string };
    const ackMs = performance.now() - started;
    if (res.statusCode !== 200 || !res.body.includes(`Checking \`${INSTANCE}\``)) {
      throw new Error(`--plan ack: ${res.statusCode} ${res.body.slice(0, 300)}`);
    }
    await pending;
    const answerMs = performance.now() - started;
    if (options.answered() !== before + 1) throw new Error('--plan: no answer reached response_url');
    calls = sim.calls().length - callsBefore;
    if (i >= options.warmup) {
      acks.push(ackMs);
      answers.push(answerMs);
    }
  }
  return {
    ack: acks,
    answer: answers,
    awsCallsPerPlan: calls + 1,
    latencies: PLAN_LATENCIES,
    what: `/ir isolate ${INSTANCE} --plan through the warm Lambda handler: real planner on simulated clients (demo estate), AssumeRole ${PLAN_LATENCIES.assumeRoleMs} ms + ${PLAN_LATENCIES.callMs} ms per call, Lambda Invoke (Event) ${PLAN_LATENCIES.invokeMs} ms; answer = the deferred invocation's POST to response_url accepted`,
  };
}
