/**
 * Checks an Atlassian Document Format document the way Jira's v3 API does before it stores it: a `doc` of
 * version 1 whose content is block nodes, inline nodes only inside paragraphs/headings, text nodes with non-empty
 * text, marks from the known set. Returns the first problem, or undefined. (README.md cites the ADF structure page.)
 */

const BLOCKS = new Set([
  'paragraph',
  'heading',
  'bulletList',
  'orderedList',
  'codeBlock',
  'blockquote',
  'rule',
  'panel',
  'table',
  'mediaSingle',
]);
const INLINE = new Set(['text', 'hardBreak', 'mention', 'emoji', 'inlineCard', 'date', 'status']);
const MARKS = new Set(['strong', 'em', 'code', 'link', 'strike', 'underline', 'subsup', 'textColor']);

type Node = Record<string, unknown>;
const isObject = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

function inline(nodes: unknown, where: string): string | undefined {
  if (nodes === undefined) return undefined;
  if (!Array.isArray(nodes)) return `${where}.content must be an array`;
  for (const [i, n] of nodes.entries()) {
    if (!isObject(n) || typeof n.type !== 'string' || !INLINE.has(n.type))
      return `${where}.content[${i}] is not an inline node`;
    if (n.type === 'text') {
      if (typeof n.text !== 'string' || n.text.length === 0)
        return `${where}.content[${i}].text must be a non-empty string`;
      if (n.marks !== undefined) {
        if (!Array.isArray(n.marks)) return `${where}.content[${i}].marks must be an array`;
        for (const m of n.marks) {
          if (!isObject(m) || typeof m.type !== 'string' || !MARKS.has(m.type))
            return `${where}.content[${i}] has an unknown mark`;
          if (m.type === 'link' && !(isObject(m.attrs) && typeof m.attrs.href === 'string'))
            return `${where}.content[${i}] link without href`;
        }
      }
    }
  }
  return undefined;
}

function block(n: unknown, where: string): string | undefined {
  if (!isObject(n) || typeof n.type !== 'string') return `${where} is not a node`;
  switch (n.type) {
    case 'paragraph':
      return inline(n.content, where);
    case 'heading': {
      const level = isObject(n.attrs) ? n.attrs.level : undefined;
      if (typeof level !== 'number' || level < 1 || level > 6) return `${where}.attrs.level must be 1 to 6`;
      return inline(n.content, where);
    }
    case 'bulletList':
    case 'orderedList': {
      if (!Array.isArray(n.content) || n.content.length === 0) return `${where}.content must list items`;
      for (const [i, item] of n.content.entries()) {
        if (
          !isObject(item) ||
          item.type !== 'listItem' ||
          !Array.isArray(item.content) ||
          item.content.length === 0
        )
          return `${where}.content[${i}] must be a listItem with content`;
        for (const [j, inner] of item.content.entries()) {
          const problem = block(inner, `${where}.content[${i}].content[${j}]`);
          if (problem) return problem;
        }
      }
      return undefined;
    }
    case 'codeBlock':
    case 'blockquote':
    case 'rule':
    case 'panel':
    case 'table':
    case 'mediaSingle':
      return undefined;
    default:
      return BLOCKS.has(n.type) ? undefined : `${where} has unknown type ${n.type}`;
  }
}

export function adfProblem(doc: unknown): string | undefined {
  if (!isObject(doc)) return 'not an object';
  if (doc.type !== 'doc') return 'type must be doc';
  if (doc.version !== 1) return 'version must be 1';
  if (!Array.isArray(doc.content)) return 'content must be an array';
  for (const [i, n] of doc.content.entries()) {
    const problem = block(n, `content[${i}]`);
    if (problem) return problem;
  }
  return undefined;
}

/** The text of a document, for the fake's read-only issue page (each block one line). */
export function adfLines(doc: unknown): { text: string; href?: string }[][] {
  const lines: { text: string; href?: string }[][] = [];
  const walk = (n: unknown, prefix: string) => {
    if (!isObject(n)) return;
    if (n.type === 'paragraph' || n.type === 'heading') {
      const spans = (Array.isArray(n.content) ? n.content : []).filter(isObject).map((t) => {
        const link = Array.isArray(t.marks)
          ? t.marks.find((m) => isObject(m) && m.type === 'link')
          : undefined;
        const href = isObject(link) && isObject(link.attrs) ? String(link.attrs.href) : undefined;
        return { text: typeof t.text === 'string' ? t.text : '', ...(href ? { href } : {}) };
      });
      lines.push(prefix ? [{ text: prefix }, ...spans] : spans);
      return;
    }
    if (Array.isArray(n.content)) for (const c of n.content) walk(c, n.type === 'listItem' ? '• ' : prefix);
  };
  walk(doc, '');
  return lines;
}
