/**
 * The parts of a lesson the fidelity check compares: fenced code blocks,
 * ATX headings and link targets. Line-based and code-aware, like the content
 * module's readers: nothing inside fenced code (``` or ~~~, three or more, any
 * indentation; an unclosed fence runs to the end) counts as a heading or a
 * link, and inline code spans are never searched for links. Setext headings
 * and indented (4-space) code blocks are not recognised; lessons use neither.
 */

export interface CodeBlock {
  /** 1-based position among the document's fenced code blocks. */
  index: number;
  /** The fence's language tag as written, lower-cased ('' when none). */
  lang: string;
  /** The code lines between the fences, as written. */
  lines: string[];
}

export interface Heading {
  level: number;
  text: string;
}

export interface MarkdownStructure {
  codeBlocks: CodeBlock[];
  headings: Heading[];
  /** Link and image targets in order of first appearance, de-duplicated. */
  links: string[];
  /** The text outside fenced code, with inline code spans blanked. */
  prose: string;
}

const FENCE_OPEN = /^\s*(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^\s*(`{3,}|~{3,})\s*$/;
const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FRONT_MATTER_OPEN = /^---[ \t]*$/;
const FRONT_MATTER_CLOSE = /^(?:---|\.\.\.)[ \t]*$/;

/** `\r\n`/`\r` → `\n`, byte-order mark dropped. */
export function normaliseNewlines(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** The text without a leading YAML front matter block (`---` … `---`), if it has one. */
export function stripFrontMatter(text: string): string {
  const lines = normaliseNewlines(text).split('\n');
  if (!FRONT_MATTER_OPEN.test(lines[0] ?? '')) return lines.join('\n');
  const close = lines.findIndex((line, i) => i > 0 && FRONT_MATTER_CLOSE.test(line));
  return close < 0 ? lines.join('\n') : lines.slice(close + 1).join('\n');
}

/** The language tag of a fence's info string: its first word, lower-cased, without `{…}` attributes. */
function languageOf(info: string): string {
  const first = info.trim().split(/\s+/)[0] ?? '';
  return first.replace(/\{.*$/, '').replace(/^\./, '').toLowerCase();
}

/** [start, end) offsets of the inline code spans in a text (CommonMark backtick runs of equal length). */
function inlineCodeSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const run = /`+/g;
  let match: RegExpExecArray | null;
  while ((match = run.exec(text)) !== null) {
    const start = match.index;
    const length = match[0].length;
    const closer = new RegExp(`(?<!\`)\`{${length}}(?!\`)`, 'g');
    closer.lastIndex = start + length;
    const close = closer.exec(text);
    if (close === null) continue; // a lone backtick run is literal text
    spans.push([start, close.index + length]);
    run.lastIndex = close.index + length;
  }
  return spans;
}

function blankInlineCode(text: string): string {
  let out = '';
  let at = 0;
  for (const [start, end] of inlineCodeSpans(text)) {
    out += text.slice(at, start) + text.slice(start, end).replace(/[^\n]/g, ' ');
    at = end;
  }
  return out + text.slice(at);
}

/** Splits the document into fenced code blocks and prose lines. */
function scan(text: string): { codeBlocks: CodeBlock[]; proseLines: string[] } {
  const lines = stripFrontMatter(text).split('\n');
  const codeBlocks: CodeBlock[] = [];
  const proseLines: string[] = [];
  let open: { char: string; length: number; block: CodeBlock } | undefined;
  for (const line of lines) {
    if (open) {
      const close = FENCE_CLOSE.exec(line);
      if (close && close[1][0] === open.char && close[1].length >= open.length) {
        open = undefined;
      } else {
        open.block.lines.push(line);
      }
      proseLines.push('');
      continue;
    }
    const fence = FENCE_OPEN.exec(line);
    // A backtick fence's info string may not contain a backtick (that is inline code).
    if (fence && !(fence[1][0] === '`' && fence[2].includes('`'))) {
      const block: CodeBlock = { index: codeBlocks.length + 1, lang: languageOf(fence[2]), lines: [] };
      codeBlocks.push(block);
      open = { char: fence[1][0], length: fence[1].length, block };
      proseLines.push('');
      continue;
    }
    proseLines.push(line);
  }
  return { codeBlocks, proseLines };
}

/** Drops a closing `)` the URL does not open, and trailing punctuation (GFM's autolink rule). */
function trimBareUrl(url: string): string {
  let out = url.replace(/[.,:;!?'"*_~]+$/, '');
  while (out.endsWith(')') && (out.match(/\(/g)?.length ?? 0) < (out.match(/\)/g)?.length ?? 0)) {
    out = out.slice(0, -1).replace(/[.,:;!?'"*_~]+$/, '');
  }
  return out;
}

/** The target of an inline link starting just after `](`, or undefined. */
function inlineTarget(text: string, from: number): string | undefined {
  let i = from;
  while (text[i] === ' ' || text[i] === '\t' || text[i] === '\n') i++;
  if (text[i] === '<') {
    const end = text.indexOf('>', i + 1);
    if (end < 0) return undefined;
    const target = text.slice(i + 1, end);
    return target.includes('\n') ? undefined : target;
  }
  let depth = 0;
  let target = '';
  for (; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      target += text[i + 1];
      i++;
      continue;
    }
    if (/\s/.test(ch)) break;
    if (ch === '(') depth++;
    if (ch === ')') {
      if (depth === 0) break;
      depth--;
    }
    target += ch;
  }
  return target === '' ? undefined : target;
}

/** Link and image targets of the prose: `[t](x)`, `![a](x)`, `[r]: x`, `<https://…>` and bare URLs. */
function linkTargets(prose: string): string[] {
  const found: string[] = [];
  const add = (target: string | undefined): void => {
    if (target !== undefined && target.trim() !== '' && !found.includes(target.trim())) found.push(target.trim());
  };
  const withoutCode = blankInlineCode(prose);
  // Inline links and images.
  for (let at = withoutCode.indexOf(']('); at >= 0; at = withoutCode.indexOf('](', at + 2)) {
    add(inlineTarget(withoutCode, at + 2));
  }
  // Reference definitions.
  for (const match of withoutCode.matchAll(/^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*<?([^\s>]+)>?/gm)) add(match[1]);
  // Autolinks.
  for (const match of withoutCode.matchAll(/<((?:https?|ftp):\/\/[^\s<>]+|mailto:[^\s<>]+)>/gi)) add(match[1]);
  // Bare URLs (GFM autolink literals), outside the forms above.
  const rest = withoutCode.replace(/\]\([^)\n]*\)?|<(?:https?|ftp):\/\/[^\s<>]+>/gi, ' ');
  for (const match of rest.matchAll(/(?<![\w/(<])https?:\/\/[^\s<>\]]+/gi)) add(trimBareUrl(match[0]));
  return found;
}

function headingsOf(proseLines: readonly string[]): Heading[] {
  const headings: Heading[] = [];
  for (const line of proseLines) {
    const match = ATX_HEADING.exec(line);
    if (match) headings.push({ level: match[1].length, text: (match[2] ?? '').trim() });
  }
  return headings;
}

/** The code blocks, headings and link targets of a Markdown document (front matter ignored). */
export function parseMarkdown(text: string): MarkdownStructure {
  const { codeBlocks, proseLines } = scan(text);
  const prose = proseLines.join('\n');
  return { codeBlocks, headings: headingsOf(proseLines), links: linkTargets(prose), prose: blankInlineCode(prose) };
}
