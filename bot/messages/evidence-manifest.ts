import type { EvidenceItem, IncidentRecord } from '../../workflow/ledger/types';
import { context, escapeMrkdwn, linesToSections, message, type SlackMessage, section } from './blocks';
import { hhmm } from './format';

export function evidenceLine(item: EvidenceItem): string {
  const sha = item.sha256 ? ` sha256 \`${item.sha256}\`` : '';
  return `• ${item.kind} \`${escapeMrkdwn(item.id)}\`${sha} (${hhmm(item.at)})`;
}

/** The evidence manifest posted in the thread once containment is verified: every id with its sha256. */
export function evidenceManifest(incident: IncidentRecord): SlackMessage {
  const items = incident.evidence;
  const title = `:card_index_dividers: *Evidence manifest* for \`${incident.incidentId}\`: ${items.length} item${items.length === 1 ? '' : 's'}`;
  const blocks = [
    section(title),
    ...(items.length
      ? linesToSections(
          items.map(evidenceLine),
          45,
          (n) => `_+${n} more: see \`/ir status ${incident.incidentId}\`_`,
        )
      : [section('_No evidence was collected._')]),
    context(['Snapshots and objects are tagged with the incident id; sha256 is of the stored object.']),
  ];
  return message(
    `Evidence manifest for ${incident.incidentId}: ${escapeMrkdwn(items.map((i) => i.id).join(', '))}`,
    blocks,
  );
}
