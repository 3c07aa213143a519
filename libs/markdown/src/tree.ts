import { EXPLICIT_HEADING_ID, HeadingSlugger } from '@lectern/api-types';
import type { Code, Heading, Image, Link, Nodes, Parent, Root, RootContent, Table } from 'mdast';
import type { ContainerDirective } from 'mdast-util-directive';
import { visit } from 'unist-util-visit';

/**
 * Small pure readers of an mdast tree (from parseMarkdown). Everything that
 * needs to know what is a heading, code, a link or an image asks here.
 */

/** The text a reader sees: images give their alt text, inline code its code; HTML, JSX and expressions give nothing. */
export function plainText(node: Nodes | readonly Nodes[]): string {
  if (Array.isArray(node)) return (node as readonly Nodes[]).map((n) => plainText(n)).join('');
  const one = node as Nodes;
  switch (one.type) {
    case 'text':
    case 'inlineCode':
    case 'code':
      return one.value;
    case 'image':
      return one.alt ?? '';
    case 'html':
    case 'yaml':
    case 'mdxjsEsm':
    case 'mdxFlowExpression':
    case 'mdxTextExpression':
      return '';
    case 'break':
      return ' ';
    default:
      return 'children' in one ? plainText(one.children as Nodes[]) : '';
  }
}

export interface HeadingInfo {
  level: number;
  /** Plain text, without an explicit `{#id}`. */
  text: string;
  /** Anchor id: an explicit Docusaurus `{#id}`, else GitHub's slug (deduped in the document). */
  id: string;
  /** 1-based line. */
  line: number;
  node: Heading;
}

/** Every heading of the document (not those inside code), with the anchor ids the web renderer gives them. */
export function headings(root: Root): HeadingInfo[] {
  const slugger = new HeadingSlugger();
  const found: HeadingInfo[] = [];
  visit(root, 'heading', (node) => {
    const raw = plainText(node).replace(/\s+/g, ' ').trim();
    const explicit = EXPLICIT_HEADING_ID.exec(raw);
    const text = explicit ? raw.slice(0, explicit.index).trim() : raw;
    found.push({ level: node.depth, text, id: explicit ? slugger.claim(explicit[1]) : slugger.slug(text), line: lineOf(node), node });
  });
  return found;
}

export interface CodeBlockInfo {
  lang: string | null;
  /** `title="…"` from the fence's meta. */
  title?: string;
  /** 1-based lines of the shown code to highlight (meta `{1,3-4}` and magic comments). */
  highlightLines: number[];
  /** `showLineNumbers` in the meta. */
  showLineNumbers: boolean;
  /** The code with the magic comment lines removed. */
  code: string;
  line: number;
  node: Code;
}

const MAGIC_NEXT = /^\s*(?:\/\/|#|<!--|\/\*|--|;|%)\s*highlight-next-line\b.*$/;
const MAGIC_START = /^\s*(?:\/\/|#|<!--|\/\*|--|;|%)\s*highlight-start\b.*$/;
const MAGIC_END = /^\s*(?:\/\/|#|<!--|\/\*|--|;|%)\s*highlight-end\b.*$/;

/** Reads a fence's meta and Docusaurus magic comments (`highlight-next-line`, `highlight-start` … `highlight-end`). */
export function codeBlockInfo(node: Code): CodeBlockInfo {
  const meta = node.meta ?? '';
  const title = /\btitle=(?:"([^"]*)"|'([^']*)'|(\S+))/.exec(meta);
  const highlighted = new Set<number>();
  const range = /(?:^|\s)\{([\d,\s-]+)\}/.exec(meta);
  if (range) {
    for (const part of range[1].split(',')) {
      const [from, to] = part.split('-').map((n) => Number(n.trim()));
      if (!Number.isInteger(from)) continue;
      for (let n = from; n <= (Number.isInteger(to) ? to : from); n++) highlighted.add(n);
    }
  }
  const shown: string[] = [];
  let nextLine = false;
  let inRange = false;
  for (const line of node.value.split('\n')) {
    if (MAGIC_NEXT.test(line)) nextLine = true;
    else if (MAGIC_START.test(line)) inRange = true;
    else if (MAGIC_END.test(line)) inRange = false;
    else {
      shown.push(line);
      if (nextLine || inRange) highlighted.add(shown.length);
      nextLine = false;
    }
  }
  return {
    lang: node.lang ?? null,
    ...(title && { title: title[1] ?? title[2] ?? title[3] }),
    highlightLines: [...highlighted].filter((n) => n <= shown.length).sort((a, b) => a - b),
    showLineNumbers: /\bshowLineNumbers\b/.test(meta),
    code: shown.join('\n'),
    line: lineOf(node),
    node,
  };
}

/** Every fenced or indented code block. */
export function codeBlocks(root: Root): CodeBlockInfo[] {
  const found: CodeBlockInfo[] = [];
  visit(root, 'code', (node) => void found.push(codeBlockInfo(node)));
  return found;
}

export interface LinkInfo {
  url: string;
  line: number;
  node: Link;
}

/** Every Markdown link (`[text](url)`, autolinks; reference links resolved by the caller). */
export function links(root: Root): LinkInfo[] {
  const found: LinkInfo[] = [];
  visit(root, 'link', (node) => void found.push({ url: node.url, line: lineOf(node), node }));
  return found;
}

export interface ImageInfo {
  url: string;
  alt: string;
  line: number;
  node: Image;
}

/** Every Markdown image `![alt](url)`. */
export function images(root: Root): ImageInfo[] {
  const found: ImageInfo[] = [];
  visit(root, 'image', (node) => void found.push({ url: node.url, alt: node.alt ?? '', line: lineOf(node), node }));
  return found;
}

/** Every GFM table, as rows of plain-text cells (the header row first). */
export function tables(root: Root): { rows: string[][]; line: number; node: Table }[] {
  const found: { rows: string[][]; line: number; node: Table }[] = [];
  visit(root, 'table', (node) => void found.push({ rows: node.children.map((row) => row.children.map((cell) => plainText(cell).trim())), line: lineOf(node), node }));
  return found;
}

export const ADMONITION_KINDS = ['note', 'tip', 'info', 'warning', 'danger', 'caution', 'important', 'success', 'secondary'] as const;

export interface AdmonitionInfo {
  kind: string;
  /** `:::tip[Title]` or `:::tip Title`. */
  title?: string;
  line: number;
  node: ContainerDirective;
}

/** Docusaurus admonitions (`:::note` … `:::`) read as container directives. */
export function admonitions(root: Root): AdmonitionInfo[] {
  const found: AdmonitionInfo[] = [];
  visit(root, 'containerDirective', (node) => {
    if (!(ADMONITION_KINDS as readonly string[]).includes(node.name)) return;
    found.push({ kind: node.name, ...withTitle(directiveLabel(node)), line: lineOf(node), node });
  });
  return found;
}

/** The `[label]` of a container directive (remark-directive keeps it as a first paragraph flagged `directiveLabel`). */
export function directiveLabel(node: ContainerDirective): string | undefined {
  const first = node.children[0];
  if (first?.type === 'paragraph' && (first.data as { directiveLabel?: boolean } | undefined)?.directiveLabel) {
    return plainText(first).trim() || undefined;
  }
  return undefined;
}

function withTitle(title: string | undefined): { title?: string } {
  return title ? { title } : {};
}

/** The front matter's YAML text and the line its first key is on, when the document starts with `---`. */
export function frontMatter(root: Root): { yaml: string; line: number; endLine: number } | undefined {
  const first = root.children[0];
  if (first?.type !== 'yaml') return undefined;
  return { yaml: first.value, line: lineOf(first) + 1, endLine: first.position?.end.line ?? 1 };
}

/** For each line of the source (index 0 = line 1): is it part of a code block (fences included)? */
export function codeLineMask(root: Root, lineCount: number): boolean[] {
  const mask = new Array<boolean>(lineCount).fill(false);
  visit(root, 'code', (node) => {
    const start = node.position?.start.line ?? 1;
    const end = node.position?.end.line ?? start;
    for (let line = start; line <= end && line <= lineCount; line++) mask[line - 1] = true;
  });
  return mask;
}

/** Words of prose: runs of letters and digits (joined by apostrophes or dashes) outside code, HTML and JSX. */
export function countWords(root: Root): number {
  let count = 0;
  visit(root, (node) => {
    if (node.type === 'text') count += (node as { value: string }).value.match(/[\p{L}\p{N}]+(?:['’_-][\p{L}\p{N}]+)*/gu)?.length ?? 0;
  });
  return count;
}

/** Non-blank lines of code blocks. */
export function countCodeLines(root: Root): number {
  let count = 0;
  visit(root, 'code', (node) => void (count += node.value.split('\n').filter((line) => line.trim() !== '').length));
  return count;
}

/** 1-based line a node starts on (1 when the node has no position). */
export function lineOf(node: { position?: { start: { line: number } } }): number {
  return node.position?.start.line ?? 1;
}

/** True for a node with children. */
export function isParent(node: Nodes | RootContent): node is Parent & Nodes {
  return 'children' in node;
}
