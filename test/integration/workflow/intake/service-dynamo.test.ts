import { RoutingPolicySchema, WorkflowSettingsSchema } from '../../../../workflow/config';
import { acceptEvent } from '../../../../workflow/intake/service';
import { createLogger } from '../../../../workflow/log';
import type { Executions } from '../../../../workflow/ports';
import { type TestClock, testClock, useDynalite } from '../../../helpers/dynalite';
import { fixture, setPath } from '../../../unit/workflow/intake/fixtures';

/** Step Functions' execution-name semantics: same name + same input while running → the same execution. */
class NamedExecutions implements Executions {
  readonly calls: string[] = [];
  readonly executions = new Map<string, string>();

  async start(params: { name: string; input: unknown }) {
    this.calls.push(params.name);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const executionArn = `arn:aws:states:us-east-1:000000000000:execution:airlock:${params.name}`;
    const text = JSON.stringify(params.input);
    const existing = this.executions.get(params.name);
    if (existing === undefined) {
      this.executions.set(params.name, text);
      return { executionArn, alreadyRunning: false };
    }
    if (existing === text) return { executionArn, alreadyRunning: true };
    throw Object.assign(new Error(`Execution Already Exists: '${executionArn}'`), {
      name: 'ExecutionAlreadyExists',
    });
  }

  async sendTaskSuccess(): Promise<void> {}
  async sendTaskFailure(): Promise<void> {}
}

const db = useDynalite();

function highSeverity(findingId: string, instanceId = 'i-0123456789abcdef0') {
  const event = fixture('gd-eventbridge-ec2-backdoor-cc-activity-b-dns-minimal.json');
  setPath(event, 'detail.id', findingId);
  setPath(event, 'detail.resource.instanceDetails.instanceId', instanceId);
  setPath(event, 'detail.service.additionalInfo', {});
  return event;
}

describe('intake service on the real DynamoLedger (dynalite)', () => {
  let clock: TestClock;
  let deps: Parameters<typeof acceptEvent>[1] & { executions: NamedExecutions };

  beforeEach(async () => {
    clock = testClock('2026-03-01T12:00:00.000Z');
    deps = {
      ledger: await db.freshLedger(clock),
      executions: new NamedExecutions(),
      policy: RoutingPolicySchema.parse({}),
      settings: WorkflowSettingsSchema.parse({}),
      clock,
      log: createLogger('intake-it', { level: 'silent' }),
      scope: {
        homeAccountId: '123456789012',
        allowedAccountIds: [],
        allowedRegions: [],
        responderRoleName: 'AirlockResponder',
      },
      defaultRegion: 'us-west-2',
    };
  });

  it('opens, absorbs the repeat, attaches another finding: one execution', async () => {
    const opened = await acceptEvent(highSeverity('f1'), deps);
    const repeat = await acceptEvent(highSeverity('f1'), deps);
    const attached = await acceptEvent(highSeverity('f2'), deps);

    expect([opened.outcome, repeat.outcome, attached.outcome]).toEqual(['opened', 'repeat', 'attached']);
    expect(new Set([repeat.incident?.incidentId, attached.incident?.incidentId])).toEqual(
      new Set([opened.incident?.incidentId]),
    );
    expect(deps.executions.calls).toEqual([opened.incident?.incidentId]);
    const stored = await deps.ledger.getIncident(opened.incident?.incidentId as string);
    expect(stored?.executionArn).toBe(opened.executionArn);
    expect(stored?.findingCount).toBe(2);
  });

  it('delivers one finding five times at once: one incident, one execution, every answer names it', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => acceptEvent(highSeverity('storm'), deps)));
    expect(results.filter((r) => r.outcome === 'opened')).toHaveLength(1);
    expect(new Set(results.map((r) => r.incident?.incidentId)).size).toBe(1);
    expect(deps.executions.executions.size).toBe(1);
    expect(await deps.ledger.listOpenIncidents()).toHaveLength(1);
  });

  it('records an ignored finding as IGNORED without holding the instance', async () => {
    const low = highSeverity('low');
    setPath(low, 'detail.severity', 2);
    const ignored = await acceptEvent(low, deps);
    expect(ignored.outcome).toBe('ignored');
    expect((await deps.ledger.getIncident(ignored.incident?.incidentId as string))?.status).toBe('IGNORED');
    expect((await acceptEvent(highSeverity('high'), deps)).outcome).toBe('opened');
  });

  it('keeps a rejected event in the ledger with its reason and field', async () => {
    const raw = fixture('gd-eventbridge-pascal-trojan-ec2-blackholetraffic.json');
    const result = await acceptEvent(raw, deps);
    expect(result.outcome).toBe('rejected');
    const [kept] = await deps.ledger.listRejectedEvents();
    expect(kept).toMatchObject({ field: 'detail.Id', reason: result.error?.message });
    expect(kept?.raw).toEqual(raw);
  });

  it('re-isolates an instance manually after its previous manual incident closed', async () => {
    const request = { kind: 'manual', instanceId: 'i-0123456789abcdef0', requesterSlackUserId: 'U1' };
    const first = await acceptEvent(request, deps);
    expect((await acceptEvent(request, deps)).outcome).toBe('repeat');
    await deps.ledger.setStatus(first.incident?.incidentId as string, 'RESOLVED');
    clock.advance(60_000);
    const second = await acceptEvent(request, deps);
    expect(second.outcome).toBe('opened');
    expect(second.incident?.incidentId).not.toBe(first.incident?.incidentId);
    expect(deps.executions.executions.size).toBe(2);
  });
});
