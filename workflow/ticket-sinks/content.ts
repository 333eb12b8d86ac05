import { resourceName } from '../intake/resource-name';
import type { IncidentRecord } from '../ledger/types';
import { slackThreadUrl } from '../slack-thread';

/**
 * Jira refuses a summary with "Summary must be less than 255 characters."; integrations report 255 refused too, so
 * Airlock stays at 254 (local/vendors/jira/README.md).
 */
export const SUMMARY_MAX = 254;

/** Text from a finding, made one line: control characters (newlines included) become spaces. */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is removed
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** At most `max` characters (code points), with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The issue summary: severity, finding type and resource, one line, at most SUMMARY_MAX characters. */
export function ticketSummary(incident: IncidentRecord): string {
  const { request } = incident;
  return clip(
    oneLine(`Airlock ${request.severity.label}: ${request.type} on ${resourceName(request.resource)}`),
    SUMMARY_MAX,
  );
}

/** Labels carry no spaces in Jira: the incident's own label is how a retry finds the ticket. */
export function incidentLabel(incidentId: string): string {
  return `airlock-${incidentId.replace(/\s+/g, '-')}`;
}

/** The incident's Slack thread permalink for the ticket (shared with the page's). */
export const threadUrl = slackThreadUrl;

/** A piece of text, optionally a link: sinks render these safely for their target (ADF text nodes, plain text). */
export interface Span {
  text: string;
  href?: string;
}
export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; spans: Span[] }
  | { kind: 'list'; items: Span[][] };

/** The ticket's body as structured blocks: finding, resource, steps taken, evidence manifest, thread link. */
export function ticketBody(incident: IncidentRecord, slackWorkspaceUrl?: string): Block[] {
  const { request } = incident;
  const t = (text: string): Span => ({ text: oneLine(text) || '-' });
  const thread = threadUrl(incident, slackWorkspaceUrl);
  const blocks: Block[] = [
    { kind: 'heading', text: 'Finding' },
    {
      kind: 'list',
      items: [
        [t(`Title: ${request.title}`)],
        [t(`Type: ${request.type}`)],
        [t(`Severity: ${request.severity.label} ${request.severity.value.toFixed(1)}`)],
        [t(`Source: ${request.source}, finding ${request.findingId}`)],
        [t(`Account / region: ${request.accountId} / ${request.region}`)],
        [t(`Resource: ${resourceName(request.resource)} (${request.resource.kind})`)],
        [t(`Airlock incident: ${incident.incidentId}`)],
      ],
    },
    { kind: 'heading', text: 'Steps taken' },
    incident.steps.length
      ? {
          kind: 'list',
          items: incident.steps.map((s) => [t(`${s.name} [${s.status}]: ${clip(s.summary, 500)}`)]),
        }
      : { kind: 'paragraph', spans: [t('No steps recorded yet.')] },
    { kind: 'heading', text: 'Evidence manifest' },
    incident.evidence.length
      ? {
          kind: 'list',
          items: incident.evidence.map((e) => [
            t(`${e.kind}: ${e.id}${e.sha256 ? ` sha256 ${e.sha256}` : ''}`),
          ]),
        }
      : { kind: 'paragraph', spans: [t('No evidence recorded.')] },
    { kind: 'heading', text: 'Slack thread' },
    {
      kind: 'paragraph',
      spans: thread
        ? [{ text: 'Open the incident thread', href: thread }]
        : incident.slack
          ? [t(`Channel ${incident.slack.channel}, message ${incident.slack.ts}`)]
          : [t('Not posted yet.')],
    },
  ];
  return blocks;
}

/** An ADF text node: text from a finding is a JSON string value, never parsed as markup. Empty text is not allowed. */
function adfText(span: Span): Record<string, unknown> {
  return {
    type: 'text',
    text: span.text || '-',
    ...(span.href ? { marks: [{ type: 'link', attrs: { href: span.href } }] } : {}),
  };
}

/** Atlassian Document Format (version 1) for blocks. */
export function toAdf(blocks: Block[]): { type: 'doc'; version: 1; content: Record<string, unknown>[] } {
  const paragraph = (spans: Span[]) => ({ type: 'paragraph', content: spans.map(adfText) });
  return {
    type: 'doc',
    version: 1,
    content: blocks.map((b) => {
      switch (b.kind) {
        case 'heading':
          return { type: 'heading', attrs: { level: 3 }, content: [adfText({ text: b.text })] };
        case 'paragraph':
          return paragraph(b.spans);
        case 'list':
          return {
            type: 'bulletList',
            content: b.items.map((item) => ({ type: 'listItem', content: [paragraph(item)] })),
          };
      }
      return paragraph([{ text: '-' }]);
    }),
  };
}
