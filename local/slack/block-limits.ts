/**
 * The Block Kit limits the fake Web API enforces, as Slack documents them, so a builder that breaks one fails
 * offline the way it would fail in a real workspace (`invalid_blocks`, `msg_too_long`).
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  postText: 40000,
  updateText: 4000,
} as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (v: unknown): string | undefined =>
  isObj(v) && typeof v.text === 'string' ? v.text : undefined;

/** Returns a description of the first violation, or undefined when the blocks are valid. */
export function blocksProblem(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return 'blocks is not an array';
  if (blocks.length > SLACK_LIMITS.blocks) return `more than ${SLACK_LIMITS.blocks} blocks`;
  const blockIds = new Set<string>();
  for (const [i, block] of blocks.entries()) {
    if (!isObj(block) || typeof block.type !== 'string') return `block ${i} has no type`;
    if (typeof block.block_id === 'string') {
      if (block.block_id.length > SLACK_LIMITS.blockId) return `block ${i}: block_id too long`;
      if (blockIds.has(block.block_id)) return `block ${i}: duplicate block_id ${block.block_id}`;
      blockIds.add(block.block_id);
    }
    const problem = blockProblem(block);
    if (problem) return `block ${i} (${block.type}): ${problem}`;
  }
  return undefined;
}

function blockProblem(block: Obj): string | undefined {
  switch (block.type) {
    case 'section': {
      const text = textOf(block.text);
      if (text === undefined && !Array.isArray(block.fields)) return 'needs text or fields';
      if (text !== undefined && (text.length === 0 || text.length > SLACK_LIMITS.sectionText))
        return 'text length';
      if (Array.isArray(block.fields)) {
        if (block.fields.length > SLACK_LIMITS.sectionFields) return 'too many fields';
        for (const f of block.fields) {
          const t = textOf(f);
          if (t === undefined || t.length === 0 || t.length > SLACK_LIMITS.fieldText)
            return 'field text length';
        }
      }
      return isObj(block.accessory) ? elementProblem(block.accessory) : undefined;
    }
    case 'header': {
      const text = textOf(block.text);
      if (!isObj(block.text) || block.text.type !== 'plain_text') return 'header text must be plain_text';
      return text && text.length <= SLACK_LIMITS.headerText ? undefined : 'header text length';
    }
    case 'context': {
      if (!Array.isArray(block.elements) || block.elements.length === 0) return 'context needs elements';
      if (block.elements.length > SLACK_LIMITS.contextElements) return 'too many context elements';
      return undefined;
    }
    case 'actions': {
      if (!Array.isArray(block.elements) || block.elements.length === 0) return 'actions needs elements';
      if (block.elements.length > SLACK_LIMITS.actionsElements) return 'too many actions';
      const ids = new Set<string>();
      for (const el of block.elements) {
        if (!isObj(el)) return 'element is not an object';
        const problem = elementProblem(el);
        if (problem) return problem;
        if (typeof el.action_id === 'string') {
          if (ids.has(el.action_id)) return `duplicate action_id ${el.action_id}`;
          ids.add(el.action_id);
        }
      }
      return undefined;
    }
    case 'divider':
    case 'image':
    case 'rich_text':
    case 'markdown':
    case 'input':
    case 'file':
    case 'video':
      return undefined;
    default:
      return `unknown block type ${String(block.type)}`;
  }
}

function elementProblem(el: Obj): string | undefined {
  if (typeof el.action_id === 'string' && el.action_id.length > SLACK_LIMITS.actionId)
    return 'action_id too long';
  if (el.type === 'button') {
    const text = textOf(el.text);
    if (!text || text.length > SLACK_LIMITS.buttonText) return 'button text length';
    if (typeof el.value === 'string' && el.value.length > SLACK_LIMITS.buttonValue)
      return 'button value too long';
    if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') return 'button style';
    if (el.confirm !== undefined) {
      const c = el.confirm;
      if (!isObj(c) || !textOf(c.title) || !textOf(c.text) || !textOf(c.confirm) || !textOf(c.deny)) {
        return 'confirm dialog needs title, text, confirm and deny';
      }
    }
  }
  return undefined;
}
