import type { ReportStorage } from '../../bot/report/stored';
import type { SlackSettings } from '../../workflow/config';
import type { AcceptResult } from '../../workflow/intake/service';
import type { Ledger } from '../../workflow/ledger/ledger';
import type { LocalEngine } from '../engine/engine';
import type { EventListener, StatusListener } from '../engine/types';
import type { FakeSlackApi } from '../slack/fake-api';
import type { FakePagerDuty } from '../vendors/pagerduty/fake-events-api';
import type { EstateState } from './estate';

/**
 * The part of the OfflineStack (local/runtime/types.ts) the drill workspace uses. An OfflineStack satisfies it
 * (see `fromOfflineStack`); unit tests pass a small fake.
 */
export interface WorkspaceStack {
  clock: { now(): Date; readonly scale: number; fastForward(ms: number): Promise<number> };
  ledger: Pick<
    Ledger,
    'getIncident' | 'listOpenIncidents' | 'listAudit' | 'getApproval' | 'listClosedIncidents'
  >;
  /** The evidence bucket's reports (the Report view reads them); unset = no reports in this drill. */
  reports?: Pick<ReportStorage, 's3' | 'evidenceBucket'>;
  engine: Pick<LocalEngine, 'list' | 'describe' | 'history' | 'transitionCount'> & EngineEvents;
  slack: FakeSlackApi;
  /** The fake PagerDuty the drill pages (unset when paging is off). */
  pagerDuty?: Pick<FakePagerDuty, 'alerts' | 'requests'>;
  /** A plain-data copy of the simulated estate. */
  estate(): EstateState;
  bot: { url: string; signingSecret: string };
  settings: { slack: SlackSettings; homeAccountId: string; region: string };
  inject(raw: unknown): Promise<AcceptResult[]>;
}

/** The engine's live feed (history events and status changes), which the workspace relays to the page. */
export interface EngineEvents {
  on(event: 'event', listener: EventListener): unknown;
  on(event: 'status', listener: StatusListener): unknown;
  off(event: 'event' | 'status', listener: EventListener | StatusListener): unknown;
}
