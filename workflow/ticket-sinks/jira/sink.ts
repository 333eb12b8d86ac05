import { TicketConfigError, TicketLookupPendingError, TicketThrottledError } from '../../errors';
import type { Ledger } from '../../ledger/ledger';
import type { AuditEvent, IncidentRecord } from '../../ledger/types';
import type { Logger } from '../../log';
import type { Clock } from '../../ports';
import type { TicketRef, TicketSink, TicketUpdate, TicketUpdateResult } from '../../tickets';
import { TICKET_AUDIT } from '../audit';
import { type Block, incidentLabel, oneLine, ticketBody, ticketSummary, toAdf } from '../content';
import type { JiraSettings } from '../settings';
import type { JiraCall } from './client';

export interface JiraSinkDeps {
  ledger: Ledger;
  clock: Clock;
  log: Logger;
  call: JiraCall;
  settings: JiraSettings;
  /** `https://<workspace>.slack.com`: the ticket links the incident's thread when set. */
  slackWorkspaceUrl?: string;
}

/** The marker that makes a comment findable again on a retry: the incident and the outcome it records. */
export function commentMarker(incidentId: string, outcome: string): string {
  return `[airlock:${incidentId}:${outcome}]`;
}

const sameName = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();

/**
 * Tickets in Jira Cloud, through jira.js. Idempotent:
 * - open: the key recorded in the ledger first; else a search by the incident's label; else (recording the intent
 *   in the ledger first) one create. When an earlier create may have gone through (intent, no answer recorded) and
 *   search does not show it, nothing is created until `searchSettleSeconds` have passed (Jira's index is eventually
 *   consistent); see docs/DEPLOY.md for the risk that remains.
 * - update: each outcome's comment once (the ledger's record, else the marker in the issue's comments, which are
 *   read directly, not through search); the transition only when the issue is not in the target status yet.
 */
export class JiraTicketSink implements TicketSink {
  readonly name = 'jira';
  constructor(private readonly deps: JiraSinkDeps) {}

  browseUrl(key: string): string {
    return `${this.deps.settings.baseUrl}/browse/${encodeURIComponent(key)}`;
  }

  private async audit(incidentId: string, action: string, detail: Record<string, unknown>): Promise<void> {
    await this.deps.ledger.appendAudit({
      incidentId,
      at: this.deps.clock.now().toISOString(),
      actor: 'workflow',
      action,
      detail: { sink: this.name, ...detail },
    });
  }

  private async findByLabel(incidentId: string): Promise<{ id: string; key: string } | undefined> {
    const { projectKey } = this.deps.settings;
    const jql = `project = "${projectKey}" AND labels = "${incidentLabel(incidentId)}" ORDER BY created ASC`;
    const found = await this.deps.call(`search for the ticket of ${incidentId}`, (jira) =>
      jira.issueSearch.searchAndReconsileIssuesUsingJql({ jql, fields: ['summary'], maxResults: 5 }),
    );
    const issues = (found.issues ?? []).filter((i): i is typeof i & { id: string; key: string } =>
      Boolean(i.id && i.key),
    );
    if (issues.length > 1) {
      this.deps.log.warn(
        { incidentId, keys: issues.map((i) => i.key) },
        'more than one Jira issue for one incident',
      );
    }
    const first = issues[0];
    return first ? { id: first.id, key: first.key } : undefined;
  }

  private async record(incident: IncidentRecord, issue: { id: string; key: string }, action: string) {
    const url = this.browseUrl(issue.key);
    await this.deps.ledger.update(incident.incidentId, { ticket: { id: issue.key, url, sink: this.name } });
    await this.audit(incident.incidentId, action, { ticketId: issue.key, issueId: issue.id, url });
    return { ticketId: issue.key, url };
  }

  /** The latest create intent not followed by an answer (opened, or refused: nothing created). */
  private unansweredIntent(audit: AuditEvent[]): AuditEvent | undefined {
    let pending: AuditEvent | undefined;
    for (const e of audit) {
      if (e.action === TICKET_AUDIT.createIntent && e.detail?.sink === this.name) pending = e;
      if (
        (e.action === TICKET_AUDIT.createRefused || e.action === TICKET_AUDIT.opened) &&
        e.detail?.sink === this.name
      )
        pending = undefined;
    }
    return pending;
  }

  async open(incident: IncidentRecord): Promise<TicketRef> {
    const { incidentId } = incident;
    if (incident.ticket?.sink === this.name)
      return { ticketId: incident.ticket.id, url: this.browseUrl(incident.ticket.id) };

    const found = await this.findByLabel(incidentId);
    const audit = await this.deps.ledger.listAudit(incidentId);
    const intent = this.unansweredIntent(audit);
    if (found) return this.record(incident, found, intent ? TICKET_AUDIT.adopted : TICKET_AUDIT.opened);

    if (intent) {
      const ageMs = this.deps.clock.now().getTime() - Date.parse(intent.at);
      const settleMs = this.deps.settings.searchSettleSeconds * 1000;
      if (ageMs < settleMs) {
        throw new TicketLookupPendingError(
          `an earlier create for ${incidentId} got no answer and Jira's search does not show it yet: ` +
            `looking again before creating (${Math.ceil((settleMs - ageMs) / 1000)} s left)`,
        );
      }
      this.deps.log.warn(
        { incidentId, intentAt: intent.at },
        'earlier create not found after the settle time: creating',
      );
    }

    const attempt = audit.filter((e) => e.action === TICKET_AUDIT.createIntent).length + 1;
    await this.audit(incidentId, TICKET_AUDIT.createIntent, { attempt, label: incidentLabel(incidentId) });
    const { settings } = this.deps;
    const severity = incident.request.severity.label;
    const labels = ['airlock', incidentLabel(incidentId)];
    if (settings.severity.field === 'label') labels.push(`severity-${severity.toLowerCase()}`);
    let created: { id?: string; key?: string };
    try {
      created = await this.deps.call(`create the ticket of ${incidentId}`, (jira) =>
        jira.issues.createIssue({
          fields: {
            project: { key: settings.projectKey },
            issuetype: { name: settings.issueType },
            summary: ticketSummary(incident),
            description: toAdf(ticketBody(incident, this.deps.slackWorkspaceUrl)),
            labels,
            ...(settings.severity.field === 'priority'
              ? { priority: { name: settings.severity.priorities[severity] } }
              : {}),
          },
        }),
      );
    } catch (error) {
      // A refusal (4xx) or a rate limit (429) created nothing: the next attempt may create at once. A 5xx or a
      // lost connection may have created it: the intent stays unanswered, and the next attempt looks first.
      if (error instanceof TicketConfigError || error instanceof TicketThrottledError) {
        await this.audit(incidentId, TICKET_AUDIT.createRefused, { attempt, error: error.message });
      }
      throw error;
    }
    if (!created.id || !created.key)
      throw new TicketConfigError(`Jira created the ticket of ${incidentId} but sent no key`);
    return this.record(incident, { id: created.id, key: created.key }, TICKET_AUDIT.opened);
  }

  async update(incident: IncidentRecord, update: TicketUpdate): Promise<TicketUpdateResult> {
    const { incidentId } = incident;
    const { ticketId: key } = await this.open(incident);
    const audit = await this.deps.ledger.listAudit(incidentId);
    const marker = commentMarker(incidentId, update.outcome);

    let commented = false;
    const recorded = audit.some(
      (e) =>
        e.action === TICKET_AUDIT.commented &&
        e.detail?.ticketId === key &&
        e.detail?.outcome === update.outcome,
    );
    if (!recorded) {
      const existing = await this.deps.call(`read the comments of ${key}`, (jira) =>
        // Newest first: people may have commented since, Airlock's own comment is recent.
        jira.issueComments.getComments({ issueIdOrKey: key, maxResults: 100, orderBy: '-created' }),
      );
      const already = (existing.comments ?? []).find((c) => JSON.stringify(c.body ?? '').includes(marker));
      let commentId = already?.id;
      if (!already) {
        const blocks: Block[] = [
          { kind: 'paragraph', spans: [{ text: oneLine(update.title) || update.outcome }] },
          ...(update.lines.length
            ? [{ kind: 'list' as const, items: update.lines.map((l) => [{ text: oneLine(l) || '-' }]) }]
            : []),
          { kind: 'paragraph', spans: [{ text: marker }] },
        ];
        const comment = await this.deps.call(`comment on ${key}`, (jira) =>
          jira.issueComments.addComment({ issueIdOrKey: key, body: toAdf(blocks) }),
        );
        commentId = comment.id;
        commented = true;
      }
      await this.audit(incidentId, TICKET_AUDIT.commented, {
        ticketId: key,
        outcome: update.outcome,
        commentId,
        ...(already ? { found: true } : {}),
      });
    }

    const target = this.deps.settings.statuses[update.outcome];
    const issue = await this.deps.call(`read the status of ${key}`, (jira) =>
      jira.issues.getIssue({ issueIdOrKey: key, fields: ['status'] }),
    );
    const current = (issue.fields as { status?: { name?: string } } | undefined)?.status?.name;
    if (sameName(current, target)) return { ticketId: key, commented, status: current, transitioned: false };

    const { transitions = [] } = await this.deps.call(`list the transitions of ${key}`, (jira) =>
      jira.issues.getTransitions({ issueIdOrKey: key }),
    );
    const transition = transitions.find((t) => sameName(t.to?.name, target));
    if (!transition?.id) {
      const reachable = transitions.map((t) => t.to?.name).filter(Boolean);
      throw new TicketConfigError(
        `no transition moves ${key} from "${current ?? '?'}" to "${target}" (the ${update.outcome} status in the ` +
          `ticket config); reachable: ${reachable.length ? reachable.join(', ') : 'none'}`,
      );
    }
    await this.deps.call(`move ${key} to ${target}`, (jira) =>
      jira.issues.doTransition({ issueIdOrKey: key, transition: { id: transition.id } }),
    );
    await this.audit(incidentId, TICKET_AUDIT.transitioned, {
      ticketId: key,
      outcome: update.outcome,
      from: current,
      to: transition.to?.name ?? target,
    });
    return { ticketId: key, commented, status: transition.to?.name ?? target, transitioned: true };
  }
}
