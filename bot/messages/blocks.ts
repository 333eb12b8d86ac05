import type { Button, ConfirmationDialog, KnownBlock, SectionBlock } from '@slack/web-api';

/** A message as every builder returns it: fallback text (notifications, screen readers) plus Block Kit blocks. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Block Kit limits Airlock stays under (docs.slack.dev reference; bolt-js#2509 for the practical cap). */
export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  fields: 10,
  fieldText: 2000,
  /** chat.update / chat.postMessage top-level text. */
  text: 4000,
  /** Airlock's own budget for a whole message's JSON: well under msg_blocks_too_long. */
  messageChars: 12000,
} as const;

/** Cuts text to `max` characters, ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function header(text: string): KnownBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true },
  };
}

export function section(text: string, extra: Partial<SectionBlock> = {}): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) }, ...extra };
}

export function fields(pairs: [label: string, value: string][]): SectionBlock {
  return {
    type: 'section',
    fields: pairs.slice(0, LIMITS.fields).map(([label, value]) => ({
      type: 'mrkdwn',
      text: truncate(`*${label}*\n${value}`, LIMITS.fieldText),
    })),
  };
}

export function context(texts: string[]): KnownBlock {
  return {
    type: 'context',
    elements: texts
      .slice(0, 10)
      .map((text) => ({ type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) })),
  };
}

export function divider(): KnownBlock {
  return { type: 'divider' };
}

export function confirmDialog(
  title: string,
  text: string,
  confirm: string,
  deny = 'Cancel',
): ConfirmationDialog {
  return {
    title: { type: 'plain_text', text: truncate(title, 100) },
    text: { type: 'mrkdwn', text: truncate(text, 300) },
    confirm: { type: 'plain_text', text: truncate(confirm, 30) },
    deny: { type: 'plain_text', text: truncate(deny, 30) },
  };
}

export function button(options: {
  text: string;
  actionId: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm: ConfirmationDialog;
}): Button {
  if (options.value.length > LIMITS.buttonValue)
    throw new Error(`button value exceeds ${LIMITS.buttonValue} chars`);
  return {
    type: 'button',
    text: { type: 'plain_text', text: truncate(options.text, LIMITS.buttonText), emoji: true },
    action_id: options.actionId,
    value: options.value,
    ...(options.style ? { style: options.style } : {}),
    confirm: options.confirm,
  };
}

/**
 * Splits lines into as few sections as fit the section text limit, keeping at most `maxBlocks` sections and
 * `maxChars` characters in all (cards stay small: Slack rejects long messages well under the documented limits);
 * what does not fit is summarized as "+N more".
 */
export function linesToSections(
  lines: string[],
  maxBlocks: number,
  more = (n: number) => `_+${n} more_`,
  maxChars = 8000,
): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let current = '';
  let used = 0;
  let total = 0;
  const budget = LIMITS.sectionText - 80;
  for (const line of lines) {
    const piece = truncate(line, budget);
    if (total + piece.length > maxChars) break;
    if (current && current.length + 1 + piece.length > budget) {
      if (blocks.length + 1 >= maxBlocks) break;
      blocks.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${piece}` : piece;
    used += 1;
    total += piece.length + 1;
  }
  const rest = lines.length - used;
  if (rest > 0) current = current ? `${current}\n${more(rest)}` : more(rest);
  if (current) blocks.push(section(current));
  return blocks;
}

/** Final guard every builder passes its result through: the limits hold by construction, this keeps them held. */
export function message(text: string, blocks: KnownBlock[]): SlackMessage {
  const capped = blocks.length > LIMITS.blocks ? blocks.slice(0, LIMITS.blocks) : blocks;
  return { text: truncate(text, LIMITS.text), blocks: capped };
}
