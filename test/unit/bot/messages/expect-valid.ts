import type { SlackMessage } from '../../../../bot/messages/blocks';
import { blocksProblem, SLACK_LIMITS } from '../../../../local/slack/block-limits';

/** Every builder's output must pass Slack's documented Block Kit limits (the fake API enforces the same). */
export function expectValidMessage(m: SlackMessage): void {
  expect(blocksProblem(m.blocks)).toBeUndefined();
  expect(m.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(m.text.length).toBeGreaterThan(0);
  expect(m.text.length).toBeLessThanOrEqual(SLACK_LIMITS.updateText);
  // Slack fails long messages (msg_blocks_too_long) well under the documented limits: keep every message small.
  expect(JSON.stringify(m.blocks).length).toBeLessThan(16_000);
}

/** All mrkdwn/plain text of a message, joined: for content assertions. */
export function allText(m: SlackMessage): string {
  const out: string[] = [m.text];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' && typeof x === 'string') out.push(x);
        else walk(x);
      }
    }
  };
  walk(m.blocks);
  return out.join('\n');
}

/** The buttons of a message (actions blocks). */
export function buttons(m: SlackMessage): Array<Record<string, unknown>> {
  return m.blocks
    .filter((b) => b.type === 'actions')
    .flatMap((b) => ('elements' in b ? (b.elements as unknown as Array<Record<string, unknown>>) : []));
}
