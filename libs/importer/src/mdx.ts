import { fencedLineMask, inlineCodeSpans } from './markdown';

/**
 * Degrades MDX (Docusaurus `.md`/`.mdx` files) to Markdown Lectern can render:
 *
 * - ESM blocks go: a line starting `import … from '…'` / `import '…'` or
 *   `export const|let|var|function|class|default|{|*` at the start of a block,
 *   up to the next blank line (MDX's own rule).
 * - MDX comments `{/* … *\/}` go.
 * - `<Tabs>` / `</Tabs>` / `</TabItem>` go; `<TabItem value="x" label="Y">`
 *   becomes a bold line `**Y**` (the label, else the value).
 * - `<Admonition type="tip" title="T">…</Admonition>` becomes `:::tip[T]` … `:::`.
 * - Any other capitalised JSX component: self-closing `<Foo />` is dropped,
 *   paired `<Foo>text</Foo>` keeps its inner text. Fragments `<>` go.
 * - Content indented inside a component whose tags sit on their own lines is
 *   dedented, so it does not turn into an indented code block.
 * - Lowercase HTML (`<details>`, `<summary>`, `<br />`) is kept: the web
 *   renderer sanitises HTML. Admonitions (`:::note`, `:::tip[Title]`,
 *   `:::warning Title`) are Markdown to Lectern and are kept as written.
 * - Nothing inside fenced code blocks or inline code is touched; runs of blank
 *   lines left behind are collapsed to one.
 */
export function degradeMdx(markdown: string): string {
  const lines = dedentComponentBlocks(markdown.split('\n'));
  const fenced = fencedLineMask(lines);
  const out: string[] = [];
  let chunk: string[] = [];
  const flush = (): void => {
    if (chunk.length > 0) out.push(...degradeProse(chunk.join('\n')).split('\n'));
    chunk = [];
  };
  lines.forEach((line, i) => {
    if (fenced[i]) {
      flush();
      out.push(line);
    } else {
      chunk.push(line);
    }
  });
  flush();
  return collapseBlankLines(out).join('\n');
}

// ---------------------------------------------------------------------------

const PLACEHOLDER = /\uE001(\d+)\uE002/g;

/** Prose between code fences: inline code is set aside, the MDX syntax degraded, the code put back. */
function degradeProse(text: string): string {
  const codes: string[] = [];
  let hidden = '';
  let at = 0;
  for (const [start, end] of inlineCodeSpans(text)) {
    hidden += `${text.slice(at, start)}\uE001${codes.length}\uE002`;
    codes.push(text.slice(start, end));
    at = end;
  }
  hidden += text.slice(at);
  const degraded = replaceJsxTags(removeMdxComments(removeEsmBlocks(hidden)));
  return degraded.replace(PLACEHOLDER, (_, n: string) => codes[Number(n)] ?? '');
}

const IMPORT_START = /^import\s*(?:[\w$*{]|['"])/;
const EXPORT_START = /^export\s+(?:default\b|const\b|let\b|var\b|function\b|async\s+function\b|class\b|\{|\*)/;

function removeEsmBlocks(text: string): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const atBlockStart = i === 0 || lines[i - 1].trim() === '';
    if (!atBlockStart || !(IMPORT_START.test(lines[i]) || EXPORT_START.test(lines[i]))) {
      kept.push(lines[i]);
      continue;
    }
    let end = i;
    while (end + 1 < lines.length && lines[end + 1].trim() !== '') end++;
    const block = lines.slice(i, end + 1).join('\n');
    const isImport = IMPORT_START.test(lines[i]);
    if (isImport && !/(?:\bfrom\s*|^import\s*)['"][^'"\n]+['"]/m.test(block)) {
      kept.push(lines[i]);
      continue;
    }
    i = end;
  }
  return kept.join('\n');
}

function removeMdxComments(text: string): string {
  return text.replace(/\{\/\*[\s\S]*?\*\/\}/g, '');
}

// ---------------------------------------------------------------------------
// JSX tags

interface JsxTag {
  /** '' for a fragment. */
  name: string;
  closing: boolean;
  selfClosing: boolean;
  attributes: Map<string, string>;
  start: number;
  end: number;
}

interface Replacement {
  /** When the tag shares its line with other text. */
  inline: string;
  /** When the tag is alone on its line: the line becomes this. */
  block: string;
}

const DROP: Replacement = { inline: '', block: '' };

function replacementFor(tag: JsxTag): Replacement {
  switch (tag.name) {
    case 'TabItem': {
      if (tag.closing) return DROP;
      const label = tag.attributes.get('label') ?? tag.attributes.get('value') ?? 'Tab';
      return { inline: `\n\n**${label}**\n\n`, block: `\n**${label}**\n` };
    }
    case 'Admonition': {
      if (tag.closing) return { inline: '\n:::\n\n', block: ':::' };
      const type = tag.attributes.get('type') ?? 'note';
      const title = tag.attributes.get('title');
      const open = `:::${type}${title ? `[${title}]` : ''}`;
      return tag.selfClosing ? DROP : { inline: `\n\n${open}\n`, block: open };
    }
    default:
      return DROP;
  }
}

function replaceJsxTags(text: string): string {
  let out = '';
  let at = 0;
  let search = 0;
  for (;;) {
    const lt = text.indexOf('<', search);
    if (lt < 0) break;
    const tag = parseJsxTag(text, lt);
    if (!tag) {
      search = lt + 1;
      continue;
    }
    const lineStart = text.lastIndexOf('\n', lt - 1) + 1;
    const newline = text.indexOf('\n', tag.end);
    const lineEnd = newline < 0 ? text.length : newline;
    const alone = lineStart >= at && text.slice(lineStart, lt).trim() === '' && text.slice(tag.end, lineEnd).trim() === '';
    const replacement = replacementFor(tag);
    if (alone) {
      out += text.slice(at, lineStart) + replacement.block;
      at = lineEnd;
    } else {
      out += text.slice(at, lt) + replacement.inline;
      at = tag.end;
    }
    search = at;
  }
  return out + text.slice(at);
}

const TAG_NAME = /[A-Z][\w.]*/y;
const ATTRIBUTE_NAME = /[A-Za-z_$][\w$:.-]*/y;
const MAX_TAG_LENGTH = 4000;

/** Parses a capitalised JSX tag (or fragment) starting at `<`, or returns undefined if it is not one. */
function parseJsxTag(text: string, start: number): JsxTag | undefined {
  let i = start + 1;
  const closing = text[i] === '/';
  if (closing) i++;
  let name = '';
  if (text[i] !== '>') {
    TAG_NAME.lastIndex = i;
    const match = TAG_NAME.exec(text);
    if (!match) return undefined;
    name = match[0];
    i += name.length;
    if (!/[\s/>]/.test(text[i] ?? '')) return undefined;
  }
  const attributes = new Map<string, string>();
  const limit = Math.min(text.length, start + MAX_TAG_LENGTH);
  while (i < limit) {
    const space = /\s*/y;
    space.lastIndex = i;
    const gap = space.exec(text)?.[0] ?? '';
    if (/\n[ \t]*\n/.test(gap)) return undefined;
    i += gap.length;
    if (text[i] === '>') return { name, closing, selfClosing: false, attributes, start, end: i + 1 };
    if (text.startsWith('/>', i) && !closing) return { name, closing, selfClosing: true, attributes, start, end: i + 2 };
    if (closing || name === '') return undefined;
    if (text[i] === '{') {
      const end = skipBraces(text, i, limit);
      if (end < 0) return undefined;
      i = end;
      continue;
    }
    ATTRIBUTE_NAME.lastIndex = i;
    const attribute = ATTRIBUTE_NAME.exec(text);
    if (!attribute) return undefined;
    i += attribute[0].length;
    const afterName = /\s*=\s*/y;
    afterName.lastIndex = i;
    const equals = afterName.exec(text);
    if (!equals) {
      attributes.set(attribute[0], 'true');
      continue;
    }
    i += equals[0].length;
    const quote = text[i];
    if (quote === '"' || quote === "'") {
      const close = text.indexOf(quote, i + 1);
      if (close < 0 || close >= limit) return undefined;
      attributes.set(attribute[0], text.slice(i + 1, close));
      i = close + 1;
    } else if (quote === '{') {
      const end = skipBraces(text, i, limit);
      if (end < 0) return undefined;
      attributes.set(attribute[0], expressionValue(text.slice(i + 1, end - 1)));
      i = end;
    } else {
      return undefined;
    }
  }
  return undefined;
}

/** Index just past the `}` matching the `{` at `start` (quotes inside skipped), or -1. */
function skipBraces(text: string, start: number, limit: number): number {
  let depth = 0;
  for (let i = start; i < limit; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      const close = text.indexOf(c, i + 1);
      if (close < 0) return -1;
      i = close;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** `{'x'}`, `{"x"}` and `` {`x`} `` are the string x; any other expression is kept as written. */
function expressionValue(expression: string): string {
  const literal = /^\s*(["'`])([^"'`]*)\1\s*$/.exec(expression);
  return literal ? literal[2] : expression.trim();
}

// ---------------------------------------------------------------------------
// Layout

const OPEN_TAG_ALONE = /^[ \t]*<([A-Z][\w.]*)(?:\s[^<>]*)?>[ \t]*$/;

/**
 * For each capitalised component whose opening and closing tags sit alone on
 * their lines, removes the indentation its content has in common (MDX allows
 * indenting it; Markdown would read 4 spaces as code).
 */
function dedentComponentBlocks(input: readonly string[]): string[] {
  const lines = [...input];
  const fenced = fencedLineMask(lines);
  const isOpen = (line: string, name?: string): string | undefined => {
    const match = OPEN_TAG_ALONE.exec(line);
    if (!match || /\/>[ \t]*$/.test(line) || (name !== undefined && match[1] !== name)) return undefined;
    return match[1];
  };
  for (let i = 0; i < lines.length; i++) {
    const name = fenced[i] ? undefined : isOpen(lines[i]);
    if (name === undefined) continue;
    const closeTag = new RegExp(`^[ \\t]*</${name.replace(/\./g, '\\.')}>[ \\t]*$`);
    let depth = 0;
    let close = -1;
    for (let j = i + 1; j < lines.length && close < 0; j++) {
      if (fenced[j]) continue;
      if (isOpen(lines[j], name) !== undefined) depth++;
      else if (closeTag.test(lines[j])) {
        if (depth === 0) close = j;
        else depth--;
      }
    }
    if (close < 0) continue;
    const indents = lines
      .slice(i + 1, close)
      .filter((line) => line.trim() !== '')
      .map((line) => /^[ \t]*/.exec(line)?.[0].length ?? 0);
    const common = indents.length > 0 ? Math.min(...indents) : 0;
    if (common === 0) continue;
    const indent = new RegExp(`^[ \\t]{0,${common}}`);
    for (let j = i + 1; j < close; j++) lines[j] = lines[j].replace(indent, '');
  }
  return lines;
}

/** Outside code: whitespace-only lines emptied, no leading blank lines, never two blank lines in a row. */
function collapseBlankLines(lines: readonly string[]): string[] {
  const fenced = fencedLineMask(lines);
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (fenced[i]) {
      out.push(line);
      return;
    }
    const blank = line.trim() === '';
    if (blank && (out.length === 0 || out[out.length - 1] === '')) return;
    out.push(blank ? '' : line);
  });
  return out;
}
