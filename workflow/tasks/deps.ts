import type { S3Client } from '@aws-sdk/client-s3';
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
  /** PagerDuty paging (the Page task); unset = paging off. */
  paging?: Paging;
}

/** A task: parse input, call the domain with injected clients, return typed output. */
export type TaskRun<O = unknown> = (deps: WorkflowTaskDeps, input: unknown) => Promise<O>;
