import type { S3Client } from '@aws-sdk/client-s3';
import type { MetricsLogger } from 'aws-embedded-metrics';
import type { ClientFactory } from '../aws/clients';
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../log';
import type { Paging } from '../paging/page';
import type { Clock } from '../ports';
import type { TicketSink } from '../tickets';

/** What every workflow task is given. Production builds it from env once per container; drills from local/. */
export interface WorkflowTaskDeps {
  ledger: Ledger;
  clients: ClientFactory;
  clock: Clock;
  log: Logger;
  ticketSink: TicketSink;
  /** S3 in Airlock's own account, for the evidence bucket (evidence never lands in the compromised account). */
  evidenceS3: S3Client;
  /**
   * The principal evidenceS3 acts as (Airlock's task role), recorded as the writer of every evidence item. AWS:
   * STS GetCallerIdentity once per container; drills: the simulated home caller. Unset: the writer is unrecorded.
   */
  evidenceWriter?: () => Promise<string>;
  /**
   * A fresh EMF metrics logger per use. Unset: aws-embedded-metrics' logger for the detected environment (in Lambda,
   * stdout, which CloudWatch Logs turns into metrics). Drills pass one whose sink is the task logger.
   */
  metrics?: () => MetricsLogger;
  /** PagerDuty paging (the Page task); unset = paging off. */
  paging?: Paging;
}

/** A task: parse input, call the domain with injected clients, return typed output. */
export type TaskRun<O = unknown> = (deps: WorkflowTaskDeps, input: unknown) => Promise<O>;
