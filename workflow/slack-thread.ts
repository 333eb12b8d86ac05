import type { IncidentRecord } from './ledger/types';

/**
 * The permalink of an incident's Slack thread (`<workspace>/archives/<channel>/p<ts without the dot>`), when the
 * card has been posted and the workspace URL is configured (`slackWorkspaceUrl`); pages and tickets link it.
 */
export function slackThreadUrl(
  incident: Pick<IncidentRecord, 'slack'>,
  workspaceUrl: string | undefined,
): string | undefined {
  if (!incident.slack || !workspaceUrl) return undefined;
  const { channel, ts } = incident.slack;
  return `${workspaceUrl.replace(/\/+$/, '')}/archives/${encodeURIComponent(channel)}/p${ts.replace('.', '')}`;
}
