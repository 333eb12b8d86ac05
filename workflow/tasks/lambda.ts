import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { productionClientFactory } from '../aws/client-factory';
import { DynamoLedger } from '../ledger/dynamo-ledger';
import { createLogger } from '../log';
import { pagingFromEnv } from '../paging/production';
import { systemClock } from '../ports';
import { LedgerTicketSink } from '../ticket-sinks';
import type { TaskRun, WorkflowTaskDeps } from './deps';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

let deps: WorkflowTaskDeps | undefined;

/** Production deps, built once per Lambda container from the environment CDK sets. */
export function productionDeps(): WorkflowTaskDeps {
  if (deps) return deps;
  const log = createLogger(process.env.AIRLOCK_TASK ?? 'airlock-task');
  const ledger = new DynamoLedger({
    doc: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    tableName: required('TABLE_NAME'),
  });
  deps = {
    ledger,
    clients: productionClientFactory({
      homeAccountId: required('HOME_ACCOUNT_ID'),
      allowedAccountIds: (process.env.ALLOWED_ACCOUNT_IDS ?? '').split(',').filter(Boolean),
      responderRoleName: process.env.RESPONDER_ROLE_NAME ?? 'AirlockResponder',
    }),
    clock: systemClock,
    log,
    ticketSink: new LedgerTicketSink(ledger, systemClock),
    evidenceS3: new S3Client({}),
  };
  const paging = pagingFromEnv();
  if (paging) deps.paging = paging;
  return deps;
}

/** Wraps a task's `run` as a Lambda handler. Errors propagate with their names (the Retry/Catch contract). */
export function lambdaHandler<O>(run: TaskRun<O>): (event: unknown) => Promise<O> {
  return (event: unknown) => run(productionDeps(), event);
}
