import { resourceName } from '../intake/resource-name';
import type { SeverityLabel } from '../intake/types';
import type { IncidentRecord } from '../ledger/types';
import { slackThreadUrl } from '../slack-thread';
import {
  DEDUP_KEY_MAX,
  type EnqueueRequest,
  type EventAction,
  type PagerSeverity,
  SUMMARY_MAX,
} from './events-v2';

/** Why Airlock pages: the runbook's moments. `resolved` closes the page (approved or restored). */
export const PAGE_EVENTS = ['opened', 'escalated', 'failed', 'unresolved', 'resolved'] as const;
export type PageEvent = (typeof PAGE_EVENTS)[number];

/**
 * Finding severity → PagerDuty severity. GuardDuty's bands (Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical
 * 9.0–10.0) and Security Hub's labels arrive as one label (workflow/intake/severity.ts). A failed containment
 * (Compensate ran) is critical whatever the finding: the instance may be half-contained.
 */
const SEVERITY: Record<SeverityLabel, PagerSeverity> = {
  CRITICAL: 'critical',
  HIGH: 'error',
  MEDIUM: 'warning',
  LOW: 'info',
  INFORMATIONAL: 'info',
};

export function pagerSeverity(label: SeverityLabel, event: PageEvent): PagerSeverity {
  return event === 'failed' ? 'critical' : SEVERITY[label];
}

/**
 * Plain text for PagerDuty: no control characters (newlines and tabs become spaces), runs of spaces collapsed,
 * cut to `max` characters (by code point, with an ellipsis).
 */
export function plainText(value: string, max: number): string {
  const spaced = [...value].map((c) => (isControl(c.codePointAt(0) ?? 0) ? ' ' : c)).join('');
  const clean = spaced.replace(/\s+/g, ' ').trim();
  const chars = [...clean];
  if (chars.length <= max) return clean;
  return `${chars.slice(0, max - 1).join('')}…`;
}

/** C0 and C1 control characters (and DEL). */
const isControl = (code: number) => code < 0x20 || (code >= 0x7f && code <= 0x9f);

const HEADLINE: Record<PageEvent, string> = {
  opened: 'contained',
  escalated: 'approval timed out, escalated to the SOC lead',
  failed: 'containment FAILED, compensation ran',
  unresolved: 'nobody decided: contained, unresolved',
  resolved: 'decided',
};

export interface PageContext {
  /** `https://<workspace>.slack.com`, when configured: the thread link. */
  slackWorkspaceUrl?: string | undefined;
  /** The evidence bucket: the incident's evidence lives under s3://<bucket>/incidents/<id>/. */
  evidenceBucket?: string | undefined;
  now: Date;
}

/** The incident's Slack thread permalink for the page's links (shared with the ticket's). */
export const threadLink = slackThreadUrl;

/** The Events v2 event for one moment of an incident. `dedup_key` is the incident id: one PagerDuty alert per incident. */
export function buildPageEvent(
  incident: IncidentRecord,
  event: PageEvent,
  routingKey: string,
  context: PageContext,
): EnqueueRequest {
  const dedupKey = plainText(incident.incidentId, DEDUP_KEY_MAX);
  const action: EventAction = event === 'resolved' ? 'resolve' : 'trigger';
  if (action === 'resolve') return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey };
  const request = incident.request;
  const resource = resourceName(incident.request.resource);
  const thread = threadLink(incident, context.slackWorkspaceUrl);
  const evidence = context.evidenceBucket
    ? `s3://${context.evidenceBucket}/incidents/${incident.incidentId}/`
    : undefined;
  const summary = plainText(
    `Airlock ${incident.incidentId}: ${HEADLINE[event]}: ${request.severity.label} ${request.type} on ${resource} (${request.accountId}/${request.region})`,
    SUMMARY_MAX,
  );
  const text = (value: string | undefined, max = 1024) =>
    value === undefined ? undefined : plainText(value, max);
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary,
      source: plainText(`aws:${request.accountId}:${request.region}:${resource}`, 255),
      severity: pagerSeverity(request.severity.label, event),
      timestamp: context.now.toISOString(),
      component: plainText(request.resource.rawType, 255),
      group: plainText(`aws:${request.accountId}`, 255),
      class: plainText(request.type, 255),
      custom_details: {
        airlock_event: event,
        incident_id: incident.incidentId,
        status: incident.status,
        finding: {
          id: text(request.findingId),
          type: text(request.type),
          title: text(request.title),
          severity: `${request.severity.label} (${request.severity.value})`,
          source: request.source,
          account: request.accountId,
          region: text(request.region, 64),
          ...(request.findingArn ? { arn: text(request.findingArn) } : {}),
        },
        resource: { kind: request.resource.kind, id: text(resource), type: text(request.resource.rawType) },
        ...(incident.slack
          ? {
              slack_thread: {
                channel: incident.slack.channel,
                ts: incident.slack.ts,
                ...(thread ? { url: thread } : {}),
              },
            }
          : {}),
        ...(evidence ? { evidence_manifest: evidence, evidence_items: incident.evidence.length } : {}),
      },
    },
    ...(thread ? { links: [{ href: thread, text: 'Incident thread in Slack' }] } : {}),
    client: 'Airlock',
  };
}
