import type { KnownBlock } from '@slack/web-api';
import type { IncidentRecord } from '../../workflow/ledger/types';
import { context, escapeMrkdwn, fields, header, message, type SlackMessage, section } from './blocks';
import { accountRegion, plainTitle, resourceLabel, resourceText, severityLabel } from './format';
import { type ContainNowStarted, containNowButton, containNowStartedLine } from './incident-card';

/**
 * A medium-severity finding, posted in the review channel instead of being contained: a responder reads it and
 * may press Contain now (same path and checks as `/ir isolate`). Once pressed, the button is replaced by who did it.
 */
export function reviewNotice(incident: IncidentRecord, started?: ContainNowStarted): SlackMessage {
  const { request } = incident;
  const blocks: KnownBlock[] = [
    header(`Review: ${plainTitle(request.title)}`),
    fields([
      ['Severity', severityLabel(incident)],
      ['Finding type', `\`${escapeMrkdwn(request.type)}\``],
      ['Account / region', accountRegion(incident)],
      ['Resource', resourceLabel(request.resource)],
    ]),
  ];
  if (request.description) blocks.push(section(escapeMrkdwn(request.description)));
  if (started) {
    blocks.push(section(containNowStartedLine(started)));
  } else if (request.resource.kind === 'ec2-instance' && request.resource.instanceId) {
    blocks.push(containNowButton(incident));
  } else {
    blocks.push(
      section('_Contain now is available for EC2 instances; contain this resource from its runbook._'),
    );
  }
  blocks.push(context([`\`${incident.incidentId}\` · ${escapeMrkdwn(incident.routeReason)}`]));
  return message(
    `Review: ${request.severity.label} ${escapeMrkdwn(request.type)} on ${resourceText(request.resource)} (${accountRegion(incident)})`,
    blocks,
  );
}
