import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { AwsClients, AwsTarget } from '../../../../../workflow/aws/clients';
import { type WorkflowSettings, WorkflowSettingsSchema } from '../../../../../workflow/config';
import type { IncidentRequest, Route } from '../../../../../workflow/intake/types';
import { createLogger } from '../../../../../workflow/log';
import type { WorkflowTaskDeps } from '../../../../../workflow/tasks/deps';
import { LedgerTicketSink } from '../../../../../workflow/ticket-sinks';
import { FakeLedger } from '../../../../helpers/fake-ledger';
import { TEST_REGION } from '../../../../helpers/requests';

/** A clock tests move by hand. Starts at 12:00:00, 2 minutes after the default request's lastSeen (11:58). */
export class ManualClock {
  private t = Date.parse('2025-03-01T12:00:00.000Z');
  now(): Date {
    return new Date(this.t);
  }
  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
}

export interface Harness {
  deps: WorkflowTaskDeps;
  ledger: FakeLedger;
  clock: ManualClock;
  clients: AwsClients;
  /** Every target the task asked the client factory for. */
  targets: AwsTarget[];
  config: WorkflowSettings;
}

/**
 * Deps for a workflow task with an in-memory ledger, the ledger ticket sink and real SDK clients (their `send`
 * is mocked by aws-sdk-client-mock in each test file).
 */
export function makeHarness(): Harness {
  const clock = new ManualClock();
  const ledger = new FakeLedger({ clock });
  const clients = {
    ec2: new EC2Client({ region: TEST_REGION }),
    iam: new IAMClient({ region: TEST_REGION }),
    s3: new S3Client({ region: TEST_REGION }),
    securityhub: new SecurityHubClient({ region: TEST_REGION }),
  } as unknown as AwsClients;
  const targets: AwsTarget[] = [];
  const deps: WorkflowTaskDeps = {
    ledger,
    clients: async (target) => {
      targets.push(target);
      return clients;
    },
    clock,
    log: createLogger('test', { level: 'silent' }),
    ticketSink: new LedgerTicketSink(ledger, clock),
    evidenceS3: new S3Client({ region: TEST_REGION }),
  };
  return { deps, ledger, clock, clients, targets, config: WorkflowSettingsSchema.parse({}) };
}

/** Records the request through the ledger's intake (as production does) and returns the task input base. */
export async function seedIncident(
  h: Harness,
  request: IncidentRequest,
  route: Route,
): Promise<{ incidentId: string; request: IncidentRequest; config: WorkflowSettings }> {
  const { incident } = await h.ledger.recordIntake(request, { route, reason: 'test' });
  return { incidentId: incident.incidentId, request, config: h.config };
}

/** An SDK-shaped throttling error (what IAM, S3 and Security Hub send on rate limits). */
export function throttlingError(name = 'Throttling'): Error {
  return Object.assign(new Error('Rate exceeded'), {
    name,
    $fault: 'client' as const,
    $metadata: { httpStatusCode: 400 },
  });
}

/** Audit actions of an incident, in order. */
export async function auditActions(h: Harness, incidentId: string): Promise<string[]> {
  return (await h.ledger.listAudit(incidentId)).map((e) => e.action);
}
