import type { WebClient } from '@slack/web-api';
import type { SlackSettings } from '../workflow/config';
import type { ApprovalRecord, Decision } from '../workflow/ledger/types';
import type { Logger } from '../workflow/log';
import type { Clock } from '../workflow/ports';

export const GROUP_CACHE_TTL_MS = 5 * 60_000;
/** A failed group lookup (free plan, missing scope) is retried at most this often. */
const GROUP_FAILURE_TTL_MS = 60_000;

export type Refusal = { ok: false; reason: 'not-a-responder' | 'four-eyes'; message: string };
export type Verdict = { ok: true } | Refusal;

/**
 * Who may act: the SOC lead always; the responders listed in settings; members of the responder user group
 * (usergroups.users.list, cached 5 minutes per container; a paid-plan feature, so the plain list always works).
 */
export class Authorizer {
  private group: { members: ReadonlySet<string>; until: number } | undefined;
  private inflight: Promise<ReadonlySet<string>> | undefined;

  constructor(
    private readonly settings: SlackSettings,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async isResponder(userId: string, client: WebClient): Promise<boolean> {
    if (userId === this.settings.socLeadUserId) return true;
    if (this.settings.responderUserIds.includes(userId)) return true;
    if (!this.settings.responderGroupId) return false;
    const members = await this.groupMembers(client);
    return members.has(userId);
  }

  /** The responder check plus four-eyes: the requester of an `/ir isolate` may not approve it themselves. */
  async mayDecide(
    userId: string,
    decision: Decision,
    approval: ApprovalRecord,
    client: WebClient,
  ): Promise<Verdict> {
    return this.verdict(userId, decision, approval, await this.isResponder(userId, client));
  }

  /** mayDecide, for a caller that looked up `isResponder` already (in parallel with its own reads). */
  verdict(userId: string, decision: Decision, approval: ApprovalRecord, responder: boolean): Verdict {
    if (!responder) return refuseNotResponder(this.settings);
    if (decision === 'approve' && this.settings.fourEyes && approval.requesterSlackUserId === userId) {
      return {
        ok: false,
        reason: 'four-eyes',
        message:
          'You requested this isolation, so someone else must approve it (four-eyes). ' +
          'Ask another responder, or Reject if it was a mistake.',
      };
    }
    return { ok: true };
  }

  /**
   * Ending an unresolved incident from Slack, under the approval rules: resolve keeps it contained as Approve
   * does (four-eyes: not by the one who requested the isolation), release restores it as Reject does.
   */
  settleVerdict(
    userId: string,
    how: 'resolve' | 'release',
    requesterSlackUserId: string | undefined,
    responder: boolean,
  ): Verdict {
    if (!responder) return refuseNotResponder(this.settings);
    if (how === 'resolve' && this.settings.fourEyes && requesterSlackUserId === userId) {
      return {
        ok: false,
        reason: 'four-eyes',
        message:
          'You requested this isolation, so someone else must resolve it (four-eyes). ' +
          'Ask another responder, or release it if it was a mistake.',
      };
    }
    return { ok: true };
  }

  private async groupMembers(client: WebClient): Promise<ReadonlySet<string>> {
    const now = this.clock.now().getTime();
    if (this.group && this.group.until > now) return this.group.members;
    this.inflight ??= this.fetchGroup(client, now).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetchGroup(client: WebClient, now: number): Promise<ReadonlySet<string>> {
    const usergroup = this.settings.responderGroupId;
    try {
      const result = await client.usergroups.users.list({ usergroup: usergroup ?? '' });
      const members = new Set(result.users ?? []);
      this.group = { members, until: now + GROUP_CACHE_TTL_MS };
      return members;
    } catch (error) {
      // plan_upgrade_required on free workspaces, missing usergroups:read, or Slack being down:
      // fall back to the plain list (deny), and do not hammer a Tier 2 method.
      this.log.warn({ err: error, usergroup }, 'responder group lookup failed; using responderUserIds only');
      const members = new Set<string>();
      this.group = { members, until: now + GROUP_FAILURE_TTL_MS };
      return members;
    }
  }
}

export function refuseNotResponder(settings: SlackSettings): Refusal {
  return {
    ok: false,
    reason: 'not-a-responder',
    message: `You are not an Airlock responder, so Airlock did nothing. Ask <@${settings.socLeadUserId}> to add you to the responders.`,
  };
}
