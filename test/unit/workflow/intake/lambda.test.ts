import pino from 'pino';
import { RoutingPolicySchema, WorkflowSettingsSchema } from '../../../../workflow/config';
import { handleIntakeEvent, jsonEnv, productionIntakeDeps } from '../../../../workflow/intake/lambda';
import { SfnExecutions } from '../../../../workflow/intake/sfn-executions';
import { DynamoLedger } from '../../../../workflow/ledger/dynamo-ledger';
import { makeDeps } from './fakes';
import { fixture, setPath } from './fixtures';

/** A logger whose records land in `lines`. */
function capturingLogger(lines: Array<Record<string, unknown>>) {
  return pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
}

describe('intake Lambda (EventBridge target)', () => {
  it('records a poison event, logs it as an error and returns normally (no EventBridge retry)', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const deps = { ...makeDeps(), log: capturingLogger(lines) };
    const summary = await handleIntakeEvent(fixture('gd-eventbridge-pascal-trojan-ec2-droppoint.json'), deps);

    expect(summary.results).toEqual([
      {
        outcome: 'rejected',
        route: 'ignore',
        error: { field: 'detail.Id', message: expect.stringMatching(/PascalCase/) },
      },
    ]);
    expect(deps.ledger.rejected).toHaveLength(1);
    expect(
      lines.some((l) => l.level === 50 && l.field === 'detail.Id' && l.msg === 'intake rejected an event'),
    ).toBe(true);
  });

  it('summarizes an opened incident with its execution', async () => {
    const deps = makeDeps();
    const event = fixture('gd-eventbridge-ec2-backdoor-cc-activity-b-dns-minimal.json');
    setPath(event, 'detail.service.additionalInfo', {});
    const summary = await handleIntakeEvent(event, deps);
    expect(summary.results).toEqual([
      {
        outcome: 'opened',
        route: 'contain-ec2',
        incidentId: expect.stringMatching(/^inc-[0-9a-f]{16}$/),
        executionArn: expect.stringContaining(':execution:'),
      },
    ]);
  });

  it('fails on an infrastructure error so EventBridge retries (and finally dead-letters)', async () => {
    const deps = makeDeps();
    deps.ledger.failNext = new Error('DynamoDB unavailable');
    await expect(
      handleIntakeEvent(fixture('gd-eventbridge-ec2-backdoor-cc-activity-b-dns-minimal.json'), deps),
    ).rejects.toThrow('DynamoDB unavailable');
  });
});

describe('intake Lambda configuration', () => {
  it('fails at cold start naming a missing variable', () => {
    expect(() => productionIntakeDeps({ STATE_MACHINE_ARN: 'arn' })).toThrow('TABLE_NAME');
  });

  it('builds DynamoDB and Step Functions adapters and reads the optional JSON settings', () => {
    const deps = productionIntakeDeps({
      TABLE_NAME: 'airlock-ledger',
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:airlock',
      ROUTING_POLICY: JSON.stringify({ containMinSeverity: 8, allowSampleFindings: true }),
    });
    expect(deps.ledger).toBeInstanceOf(DynamoLedger);
    expect(deps.executions).toBeInstanceOf(SfnExecutions);
    expect(deps.policy).toEqual(
      RoutingPolicySchema.parse({ containMinSeverity: 8, allowSampleFindings: true }),
    );
    expect(deps.settings).toEqual(WorkflowSettingsSchema.parse({}));
  });

  it('rejects a ROUTING_POLICY that is not JSON, or not a policy, naming the variable', () => {
    expect(() => jsonEnv({ ROUTING_POLICY: '{nope' }, 'ROUTING_POLICY', RoutingPolicySchema)).toThrow(
      'environment variable ROUTING_POLICY is not valid JSON',
    );
    expect(() =>
      jsonEnv({ ROUTING_POLICY: '{"containMinSeverity":"high"}' }, 'ROUTING_POLICY', RoutingPolicySchema),
    ).toThrow(/ROUTING_POLICY: containMinSeverity/);
    expect(jsonEnv({}, 'WORKFLOW_SETTINGS', WorkflowSettingsSchema)).toEqual(
      WorkflowSettingsSchema.parse({}),
    );
  });

  it('also reads the AIRLOCK_-prefixed names the stack sets', () => {
    const names = ['ROUTING_POLICY', 'AIRLOCK_ROUTING_POLICY'];
    const env = { AIRLOCK_ROUTING_POLICY: '{"reviewMinSeverity":5}' };
    expect(jsonEnv(env, names, RoutingPolicySchema).reviewMinSeverity).toBe(5);
    expect(() => jsonEnv({ AIRLOCK_ROUTING_POLICY: '[' }, names, RoutingPolicySchema)).toThrow(
      'environment variable AIRLOCK_ROUTING_POLICY is not valid JSON',
    );
  });
});
