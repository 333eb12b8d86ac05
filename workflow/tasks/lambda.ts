import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { productionClientFactory } from '../aws/client-factory';
import { DynamoLedger } from '../ledger/dynamo-ledger';
import { createLogger } from '../log';
import { pagingFromEnv } from '../paging/production';
import { systemClock } from '../ports';
import { createTicketSink, TicketSettingsSchema } from '../ticket-sinks';
import { cachedCredentials, loadJiraCredentials } from '../ticket-sinks/jira/secret';
import type { TaskRun, WorkflowTaskDeps } from './deps';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

let deps: WorkflowTaskDeps | undefined;

/**
 * The function's own principal (its execution role's assumed-role ARN), asked once per container: STS
 * GetCallerIdentity needs no permission and answers even under an explicit deny (STS API Reference). The Lambda
 * environment names the function, not its role, so this is the one reliable source. A failed call is retried on the
 * next use (the promise is dropped), and fails the task: evidence is never recorded with a guessed writer.
 */
function callerIdentity(): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= new STSClient({})
      .send(new GetCallerIdentityCommand({}))
      .then((out) => {
        if (!out.Arn) throw new Error('sts:GetCallerIdentity returned no Arn');
        return out.Arn;
      })
      .catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
    return pending;
  };
}

/**
 * The sink `TICKETS` selects (JSON, validated at deploy time; the ledger sink when unset), its credentials read from
 * the `TICKET_SECRET_ARN` secret once per container, at the first ticket call.
 */
function productionTicketSink(ledger: WorkflowTaskDeps['ledger'], log: WorkflowTaskDeps['log']) {
  const settings = TicketSettingsSchema.parse(
    process.env.TICKETS ? JSON.parse(process.env.TICKETS) : undefined,
  );
  const secretArn = process.env.TICKET_SECRET_ARN;
  return createTicketSink(settings, {
    ledger,
    clock: systemClock,
    log,
    ...(secretArn
      ? { credentials: cachedCredentials(() => loadJiraCredentials(new SecretsManagerClient({}), secretArn)) }
      : {}),
  });
}

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
    ticketSink: productionTicketSink(ledger, log),
    evidenceS3: new S3Client({}),
    evidenceWriter: callerIdentity(),
  };
  const paging = pagingFromEnv();
  if (paging) deps.paging = paging;
  return deps;
}

/** Wraps a task's `run` as a Lambda handler. Errors propagate with their names (the Retry/Catch contract). */
export function lambdaHandler<O>(run: TaskRun<O>): (event: unknown) => Promise<O> {
  return (event: unknown) => run(productionDeps(), event);
}
