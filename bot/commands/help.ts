import type { SlackMessage } from '../messages/blocks';
import { usage } from '../messages/usage';

/** `/ir help`, and the answer to anything `/ir` does not know. */
export function helpCommand(problem?: string): SlackMessage {
  return usage(problem);
}
