import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { RoutingPolicySchema, WorkflowSettingsSchema } from '../config';
import { writeIncidentReport } from '../domain/incident/report/write';
import { DynamoLedger } from '../ledger/dynamo-ledger';
import { createLogger } from '../log';
import { systemClock } from '../ports';
import { type AcceptResult, acceptEventAll, type IntakeDeps } from './service';
import { SfnExecutions } from './sfn-executions';

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

/**
 * An optional JSON environment variable, validated (with defaults) by `schema`; a bad value fails with its name.
 * `names`: accepted spellings, first set wins (the stack passes `AIRLOCK_`-prefixed names).
 */
export function jsonEnv<T>(env: Env, names: string | readonly string[], schema: z.ZodType<T>): T {
  const candidates = typeof names === 'string' ? [names] : names;
  const name = candidates.find((n) => env[n]) ?? candidates[0] ?? 'JSON';
  const text = env[name];
  let value: unknown = {};
  if (text) {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new Error(`environment variable ${name} is not valid JSON`, { cause: error });
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `environment variable ${name}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

let deps: IntakeDeps | undefined;

/**
 * Production deps, built once per container: TABLE_NAME, STATE_MACHINE_ARN, and the optional JSON
 * ROUTING_POLICY (or AIRLOCK_ROUTING_POLICY) and WORKFLOW_SETTINGS (or AIRLOCK_WORKFLOW_SETTINGS).
 */
export function productionIntakeDeps(env: Env = process.env): IntakeDeps {
  if (deps) return deps;
  const ledger = new DynamoLedger({
    doc: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    tableName: required(env, 'TABLE_NAME'),
  });
  const settings = jsonEnv(env, ['WORKFLOW_SETTINGS', 'AIRLOCK_WORKFLOW_SETTINGS'], WorkflowSettingsSchema);
  const s3 = new S3Client({});
  deps = {
    ledger,
    executions: new SfnExecutions({
      client: new SFNClient({}),
      stateMachineArn: required(env, 'STATE_MACHINE_ARN'),
    }),
    policy: jsonEnv(env, ['ROUTING_POLICY', 'AIRLOCK_ROUTING_POLICY'], RoutingPolicySchema),
    settings,
    clock: systemClock,
    log: createLogger('airlock-intake'),
    // An IGNORED incident closes at intake: its report goes where WriteReport puts every other one.
    writeReport: (incidentId) =>
      writeIncidentReport(
        {
          ledger,
          s3,
          clock: systemClock,
          evidenceBucket: settings.evidenceBucket,
          retentionDays: settings.reportRetentionDays,
          lockMode: settings.reportLockMode,
        },
        incidentId,
      ),
  };
  return deps;
}

export interface IntakeSummary {
  results: Array<
    Pick<AcceptResult, 'outcome' | 'executionArn' | 'error'> & { incidentId?: string; route: string }
  >;
}

/**
 * The EventBridge target. A rejected (invalid) event is recorded in the ledger and the handler returns normally,
 * so EventBridge does not retry a poison event; it is logged as an error for the alarm. Ledger or Step Functions
 * failures throw, so EventBridge retries and finally sends the event to the DLQ.
 */
export async function handleIntakeEvent(event: unknown, intake: IntakeDeps): Promise<IntakeSummary> {
  const results = await acceptEventAll(event, intake);
  for (const result of results) {
    if (result.outcome === 'rejected') {
      intake.log.error(
        { field: result.error?.field, reason: result.error?.message },
        'intake rejected an event',
      );
    }
  }
  return {
    results: results.map(
      (r) =>
        Object.fromEntries(
          Object.entries({
            outcome: r.outcome,
            route: r.decision.route,
            incidentId: r.incident?.incidentId,
            executionArn: r.executionArn,
            error: r.error,
          }).filter(([, v]) => v !== undefined),
        ) as IntakeSummary['results'][number],
    ),
  };
}

export function handler(event: unknown): Promise<IntakeSummary> {
  return handleIntakeEvent(event, productionIntakeDeps());
}
