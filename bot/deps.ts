import type { WebClient } from '@slack/web-api';
import type { SlackSettings } from '../workflow/config';
import type { Planner } from '../workflow/domain/plan';
import type { Ledger } from '../workflow/ledger/ledger';
import type { RequestNonces } from '../workflow/ledger/request-nonces';
import type { IncidentRecord } from '../workflow/ledger/types';
import type { Logger } from '../workflow/log';
import type { Clock, Executions } from '../workflow/ports';
import type { PagingStatus } from './commands/help';
import type { Defer } from './deferred';
import type { ReportStorage } from './report/stored';
import type { PostPacer, TakeOptions } from './tasks/pace';

/** What a responder asks for with `/ir isolate` (or the review notice's "Contain now" button). */
export interface ManualIsolateRequest {
  instanceId: string;
  accountId: string;
  region: string;
  reason?: string;
  /** The Slack user who asked: recorded as the requester (four-eyes). */
  requesterSlackUserId: string;
  /** Set when the request comes from a review notice's "Contain now" button. */
  fromIncidentId?: string;
}

/**
 * What the single intake path answered. `opened`: new incident, execution started. `repeat`/`attached`: the
 * resource already has an open incident (returned). `rejected`: the request was invalid (`error` names the field).
 * `ignored`: recorded but routed to ignore.
 */
export interface StartIncidentResult {
  outcome: 'opened' | 'repeat' | 'attached' | 'rejected' | 'ignored';
  incident?: IncidentRecord;
  error?: { message: string; field: string };
}

export type StartIncident = (request: ManualIsolateRequest) => Promise<StartIncidentResult>;

/**
 * `/ir release` after the last timer: a separate execution of the same state machine, named
 * `<incidentId>-release`, that enters at Restore (the same states Reject runs) and closes the incident RESTORED.
 */
export type ReleaseIncident = (
  incident: IncidentRecord,
  releasedBy: string,
  releasedAt: string,
) => Promise<{ executionArn: string; alreadyRunning: boolean }>;

/** Everything the Bolt listeners need, injected (production: DynamoDB + Step Functions; offline: dynalite + engine). */
export interface BotDeps {
  ledger: Ledger;
  executions: Executions;
  startIncident: StartIncident;
  /** Starts the release execution; unset where the deployment does not wire it (release is then refused). */
  releaseIncident?: ReleaseIncident;
  planner: Planner;
  settings: SlackSettings;
  /**
   * Where `/ir isolate` (and `--plan`) may act: the home account plus allowedAccountIds; allowedRegions, or every
   * region of the partition when none are listed. Unset lists = the home account only, any region of its partition.
   */
  scope: {
    homeAccountId: string;
    defaultRegion: string;
    allowedAccountIds?: string[];
    allowedRegions?: string[];
  };
  clock: Clock;
  log: Logger;
  /** Requests already acted on (the door refuses replays); the HTTP bot keeps them in memory when unset. */
  nonces?: RequestNonces;
  /**
   * Where slow work goes after an immediate acknowledgement (bot/deferred.ts); unset = done before the
   * acknowledgement. Set by the receiver: bot/lambda.ts (asynchronous self-invocation), bot/http.ts (in-process).
   */
  defer?: Defer;
  /** Paces `/ir report`'s uploads to a thread with the workflow's posts; unset = unpaced. */
  pacer?: PostPacer;
  /** The evidence bucket's reports (`/ir report` reads, regenerates and uploads them); unset = not configured. */
  reports?: ReportStorage;
  /** Whether the on-call is paged through PagerDuty (`/ir help` says so); unset = not said. */
  paging?: PagingStatus;
}

/** What every bot task (Notify, RequestApproval, Escalate) is given. */
export interface BotTaskDeps {
  ledger: Ledger;
  slack: WebClient;
  /** Every chat.postMessage waits for its channel's slot (Slack: ~1 msg/s per channel). */
  pacer: PostPacer;
  /** Overrides the pacer's wait for this task's posts (set by Notify for posts that may be deferred). */
  postWait?: TakeOptions;
  settings: SlackSettings;
  clock: Clock;
  log: Logger;
  /** The evidence bucket's reports (the final Notify shares them); unset = not configured. */
  reports?: ReportStorage;
}
