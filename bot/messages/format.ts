import { resourceName } from '../../workflow/intake/resource-name';
import type { ResourceRef } from '../../workflow/intake/types';
import type { IncidentRecord, IncidentStatus } from '../../workflow/ledger/types';
import { escapeMrkdwn } from './blocks';

/** `14:05 UTC` */
export function hhmm(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return 'unknown time';
  return `${d.toISOString().slice(11, 16)} UTC`;
}

/** `2026-11-22 14:05:09 UTC` */
export function timestamp(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return 'unknown time';
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A duration a responder reads: `850 ms`, `4.2 s`, `3 min 12 s`, `2 h 5 min`, `3 d 4 h`. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'unknown';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const totalSeconds = Math.round(s);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) {
    const rest = totalSeconds % 60;
    return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    const rest = minutes % 60;
    return rest ? `${hours} h ${rest} min` : `${hours} h`;
  }
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest ? `${days} d ${rest} h` : `${days} d`;
}

export function between(fromIso: string, toIso: string | Date): number {
  const to = typeof toIso === 'string' ? new Date(toIso) : toIso;
  return to.getTime() - new Date(fromIso).getTime();
}

/** Time-to-contain: from when Airlock received the finding (the ledger's detectedAt) to verified containment. */
export function timeToContainMs(incident: IncidentRecord): number | undefined {
  if (!incident.containedAt) return undefined;
  return between(incident.detectedAt, incident.containedAt);
}

export function mention(userId: string): string {
  return `<@${userId}>`;
}

export function channelMention(channelId: string): string {
  return `<#${channelId}>`;
}

/** The one-word name of the resource a finding is about. */
export function resourceId(resource: ResourceRef): string {
  return resourceName(resource);
}

const KIND_LABEL: Record<ResourceRef['kind'], string> = {
  'ec2-instance': 'EC2 instance',
  'iam-access-key': 'IAM access key',
  's3-bucket': 'S3 bucket',
  other: 'resource',
};

/** `` `i-0abc` (EC2 instance) `` */
export function resourceLabel(resource: ResourceRef): string {
  const principal =
    resource.kind === 'iam-access-key' && resource.principalName
      ? ` of ${escapeMrkdwn(resource.principalName)}`
      : '';
  return `\`${escapeMrkdwn(resourceId(resource))}\` (${KIND_LABEL[resource.kind]}${principal})`;
}

export function severityLabel(incident: IncidentRecord): string {
  const { value, label } = incident.request.severity;
  return `${label} ${value.toFixed(1)}`;
}

/** `123456789012 / eu-west-1`, escaped (the region comes from the finding). */
export function accountRegion(incident: IncidentRecord): string {
  return escapeMrkdwn(`${incident.request.accountId} / ${incident.request.region}`);
}

/** The resource's one-word name, escaped for mrkdwn (it comes from the finding): for text fallbacks. */
export function resourceText(resource: ResourceRef): string {
  return escapeMrkdwn(resourceId(resource));
}

/** The reason a responder typed with `/ir isolate … reason …`, escaped; undefined when none was given. */
export function requesterReason(incident: IncidentRecord): string | undefined {
  const reason = incident.request.requester?.reason;
  return reason ? escapeMrkdwn(reason) : undefined;
}

const STATUS_EMOJI: Record<IncidentStatus, string> = {
  OPEN: ':large_yellow_circle:',
  CONTAINING: ':hourglass_flowing_sand:',
  AWAITING_APPROVAL: ':lock:',
  ESCALATED: ':rotating_light:',
  RESOLVED: ':white_check_mark:',
  RESTORED: ':leftwards_arrow_with_hook:',
  ESCALATED_UNRESOLVED: ':warning:',
  NOTIFIED: ':information_source:',
  IGNORED: ':zzz:',
  FAILED: ':x:',
};

/** One line saying where the incident stands: the card, /ir status and /ir list all use it. */
export function statusLine(incident: IncidentRecord, socLeadUserId?: string): string {
  const emoji = STATUS_EMOJI[incident.status];
  const by = incident.approval?.decidedBy ? ` by ${mention(incident.approval.decidedBy)}` : '';
  const ttc = timeToContainMs(incident);
  const contained = ttc !== undefined ? `contained in ${duration(ttc)}` : 'contained';
  switch (incident.status) {
    case 'OPEN':
      return incident.route.startsWith('contain-')
        ? `${emoji} Opened: starting the runbook`
        : `${STATUS_EMOJI.NOTIFIED} ${notifiedLine(incident)}`;
    case 'CONTAINING':
      return ttc !== undefined
        ? `${emoji} ${capitalize(contained)}: finishing the evidence steps, then the approval request`
        : `${emoji} Containing: steps are posted in the thread`;
    case 'AWAITING_APPROVAL':
      return `${emoji} ${capitalize(contained)}: waiting for a responder to approve or reject`;
    case 'ESCALATED': {
      const lead =
        incident.approval?.state === 'escalated' && socLeadUserId ? ` to ${mention(socLeadUserId)}` : '';
      return `${emoji} ${capitalize(contained)}: no answer in time, escalated${lead}`;
    }
    case 'RESOLVED':
      return incident.settled?.how === 'resolve'
        ? `${emoji} Resolved by ${mention(incident.settled.by)} after the last timer; stays contained`
        : `${emoji} Resolved: approved${by}; stays contained`;
    case 'RESTORED':
      return incident.settled?.how === 'release'
        ? `${emoji} Restored: released by ${mention(incident.settled.by)} after the last timer; pre-containment state put back`
        : `${emoji} Restored: rejected as a false positive${by}; pre-containment state put back`;
    case 'ESCALATED_UNRESOLVED':
      return incident.settled?.how === 'release'
        ? `${emoji} Releasing: ${mention(incident.settled.by)} released it; restoring the pre-containment state`
        : `${emoji} Unresolved: nobody answered; stays contained`;
    case 'NOTIFIED':
      return `${emoji} ${notifiedLine(incident)}`;
    case 'IGNORED':
      return `${emoji} Ignored: ${escapeMrkdwn(incident.routeReason)}`;
    case 'FAILED': {
      const step = incident.failure?.step ? ` at ${escapeMrkdwn(incident.failure.step)}` : '';
      return `${emoji} Failed${step}: what succeeded stays in place; on-call paged`;
    }
  }
}

function notifiedLine(incident: IncidentRecord): string {
  switch (incident.route) {
    case 'review':
      return 'Review requested: a responder decides whether to contain';
    case 'ask-before-contain':
      return 'Not contained automatically (protected resource): press Contain now to contain';
    default:
      return 'Notify only: no action taken';
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Who the incident waits on, for /ir list. */
export function waitingOn(incident: IncidentRecord, socLeadUserId: string): string {
  switch (incident.status) {
    case 'OPEN':
    case 'CONTAINING':
      return 'the workflow';
    case 'AWAITING_APPROVAL':
      return 'a responder (Approve/Reject in the thread)';
    case 'ESCALATED':
      return `${mention(socLeadUserId)} (escalated)`;
    case 'ESCALATED_UNRESOLVED':
      return incident.settled
        ? 'the workflow (release)'
        : `a responder (\`/ir resolve\` or \`/ir release\`; the lead is reminded)`;
    default:
      return 'nobody';
  }
}

/** `https://<team>.slack.com/archives/<channel>/p<ts without dot>`: the incident's thread. */
export function threadLink(teamDomain: string, channel: string, ts: string): string {
  return `https://${teamDomain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
}

/** A title for a plain_text header, where mentions do not render: `<@U123>` becomes "a responder". */
export function plainTitle(title: string): string {
  return title.replace(/<@[A-Z0-9]+>/g, 'a responder');
}
