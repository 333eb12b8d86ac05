import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RoutingPolicySchema, ScopeSchema, WorkflowSettingsSchema } from '../workflow/config';
import type { Planner } from '../workflow/domain/plan';
import { jsonEnv } from '../workflow/intake/lambda';
import { SfnExecutions } from '../workflow/intake/sfn-executions';
import { DynamoLedger } from '../workflow/ledger/dynamo-ledger';
import { DynamoPostSlots } from '../workflow/ledger/post-slots';
import { DynamoRequestNonces } from '../workflow/ledger/request-nonces';
import { createLogger } from '../workflow/log';
import { systemClock } from '../workflow/ports';
import type { BotDeps } from './deps';
import { type Env, reportSettingsFromEnv, requiredEnv, slackSettingsFromEnv } from './env';
import type * as PlannerModule from './production-planner';
import { releaseIncidentVia, startIncidentVia } from './start-incident';
import { ChannelPacer } from './tasks/pace';

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The bot's production deps, from the environment CDK sets: TABLE_NAME, STATE_MACHINE_ARN, HOME_ACCOUNT_ID,
 * ALLOWED_ACCOUNT_IDS, ALLOWED_REGIONS, RESPONDER_ROLE_NAME, DEFAULT_REGION (else AWS_REGION), the SLACK_* settings
 * (bot/env.ts), EVIDENCE_BUCKET and REPORT_RETENTION_DAYS (/ir report), and optional WORKFLOW_SETTINGS / ROUTING_POLICY JSON (validated, with the runbook's defaults).
 */
export function productionBotDeps(env: Env = process.env): BotDeps {
  const log = createLogger('airlock-bot');
  const clock = systemClock;
  const scope = ScopeSchema.parse({
    homeAccountId: requiredEnv(env, 'HOME_ACCOUNT_ID'),
    allowedAccountIds: list(env.ALLOWED_ACCOUNT_IDS),
    allowedRegions: list(env.ALLOWED_REGIONS),
    ...(env.RESPONDER_ROLE_NAME ? { responderRoleName: env.RESPONDER_ROLE_NAME } : {}),
  });
  const defaultRegion = env.DEFAULT_REGION ?? requiredEnv(env, 'AWS_REGION');
  const settings = jsonEnv(env, 'WORKFLOW_SETTINGS', WorkflowSettingsSchema);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const tableName = requiredEnv(env, 'TABLE_NAME');
  const ledger = new DynamoLedger({ doc, tableName, clock });
  const reports = reportSettingsFromEnv(env);
  const executions = new SfnExecutions({
    client: new SFNClient({}),
    stateMachineArn: requiredEnv(env, 'STATE_MACHINE_ARN'),
  });
  // Loaded on the first `--plan`, not at cold start (bot/production-planner.ts).
  let planner: Planner | undefined;
  const loadPlanner = (): Planner => {
    const { productionPlanner } = require('./production-planner') as typeof PlannerModule;
    return productionPlanner(
      {
        homeAccountId: scope.homeAccountId,
        allowedAccountIds: scope.allowedAccountIds,
        responderRoleName: scope.responderRoleName,
      },
      settings,
    );
  };
  const intake = {
    ledger,
    executions,
    policy: jsonEnv(env, 'ROUTING_POLICY', RoutingPolicySchema),
    settings,
    clock,
    log,
    scope,
    defaultRegion,
  };
  return {
    ledger,
    executions,
    startIncident: startIncidentVia(intake),
    releaseIncident: releaseIncidentVia(intake),
    planner: async (target) => {
      planner ??= loadPlanner();
      return planner(target);
    },
    settings: slackSettingsFromEnv(env),
    scope: {
      homeAccountId: scope.homeAccountId,
      defaultRegion,
      allowedAccountIds: scope.allowedAccountIds,
      allowedRegions: scope.allowedRegions,
    },
    clock,
    log,
    nonces: new DynamoRequestNonces({ doc, tableName }),
    // /ir report's uploads wait for the thread's slot like the workflow's posts (one schedule per channel).
    pacer: new ChannelPacer(new DynamoPostSlots({ doc, tableName })),
    ...(reports ? { reports: { s3: new S3Client({}), ...reports } } : {}),
    paging: env.PAGING === 'pagerduty' ? 'pagerduty' : 'off',
  };
}
