import type { StepRecord } from '../../workflow/ledger/types';
import { context, escapeMrkdwn, message, type SlackMessage, section, truncate } from './blocks';
import { between, duration, hhmm } from './format';
import { stepTitle } from './step-names';
import { mrkdwnLink } from './ticket-link';

const STEP_EMOJI: Record<StepRecord['status'], string> = {
  ok: ':white_check_mark:',
  skipped: ':fast_forward:',
  failed: ':x:',
};

const MAX_IDS_CHARS = 2500;

/** One threaded reply per runbook step: what was done, the ids it touched, how long it took. */
export function stepReply(step: StepRecord): SlackMessage {
  const took = duration(between(step.startedAt, step.endedAt));
  const ids = step.ids ?? [];
  const shown: string[] = [];
  let length = 0;
  for (const id of ids) {
    const piece = `\`${escapeMrkdwn(truncate(id, 300))}\``;
    if (length + piece.length + 1 > MAX_IDS_CHARS) break;
    shown.push(piece);
    length += piece.length + 1;
  }
  if (shown.length < ids.length) shown.push(`+${ids.length - shown.length} more`);
  const links = (step.links ?? []).map((l) => mrkdwnLink(l.url, truncate(l.text, 100))).join(' ');
  const blocks = [
    section(
      `${STEP_EMOJI[step.status]} *${escapeMrkdwn(stepTitle(step.name, step.status))}*: ${escapeMrkdwn(truncate(step.summary, 1500))}${links ? ` ${links}` : ''}`,
    ),
  ];
  if (shown.length) blocks.push(section(shown.join(' ')));
  return message(
    `${escapeMrkdwn(stepTitle(step.name, step.status))} · ${escapeMrkdwn(truncate(step.summary, 300))} (${took})`,
    [...blocks, context([`took ${took} · finished ${hhmm(step.endedAt)}`])],
  );
}
