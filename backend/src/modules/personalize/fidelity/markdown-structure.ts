import type { Nodes, Parents, Root } from 'mdast';
import { parseMarkdown } from './parse';

/**
 * The parts of a lesson the fidelity check compares, read from the Markdown
 * syntax tree (mdast, see ./parse): nothing inside code counts as prose, a
 * heading or a link, and inline code is its own kind of part.
 */

export interface CodeBlock {
  /** 1-based position among the document's code blocks. */
  index: number;
  /** The fence's language tag, lower-cased, without `{…}` attributes ('' when none). */
  lang: string;
  /** The code lines, as written. */
  lines: string[];
}

export interface Heading {
  level: number;
  text: string;
  /** Offset of the heading in the parsed text. */
  offset: number;
}

export interface TableRow {
  /** 1-based table number and row number (the header row is row 1). */
  table: number;
  row: number;
  /** The row's cell text, for messages. */
  text: string;
  /** The number tokens and inline code of the row's cells, sorted and joined: what must survive. */
  signature: string;
}

/** A raw HTML (or MDX JSX) element found outside code. */
export interface HtmlElement {
  tag: string;
  /** `type` attribute (an input's), lower-cased, or ''. */
  type: string;
  /** `src`, `href`, `data` or `action` attribute, or ''. */
  target: string;
}

export interface MarkdownStructure {
  codeBlocks: CodeBlock[];
  headings: Heading[];
  /** Link targets (inline, autolink, bare URL, reference definition, HTML `<a href>`), in order, repeats kept. */
  links: string[];
  /** Image sources (Markdown images and HTML `<img src>`), in order, repeats kept. */
  images: string[];
  /** Inline code spans, whitespace-normalised, repeats kept. */
  inlineCode: string[];
  /** Number tokens of the prose (numbers, with their unit when one follows), repeats kept. */
  numbers: NumberToken[];
  tableRows: TableRow[];
  /** Names of the admonitions (`:::note` → 'note'), repeats kept. */
  admonitions: string[];
  /** HTML and MDX JSX elements outside code. */
  html: HtmlElement[];
  /** The prose text of every paragraph, heading and table cell (inline code and URLs left out). */
  blocks: ProseBlock[];
}

export interface ProseBlock {
  kind: 'paragraph' | 'heading' | 'cell';
  text: string;
}

export interface NumberToken {
  /** As written (for messages). */
  text: string;
  /** The number, normalised: ASCII digits, no thousands separators. */
  value: string;
  /** The unit, lower-cased and singular ('' when none). */
  unit: string;
}

const FRONT_MATTER_OPEN = /^---[ \t]*$/;
const FRONT_MATTER_CLOSE = /^(?:---|\.\.\.)[ \t]*$/;
/** Zero-width characters and Unicode direction marks (a model writing Urdu may sprinkle them). */
export const INVISIBLES = /[\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g;

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

/** The language tag of a code node: its first word, lower-cased, without `{…}` attributes. */
function languageOf(lang: string | null | undefined): string {
  const first = (lang ?? '').trim().split(/\s+/)[0] ?? '';
  return first.replace(/\{.*$/, '').replace(/^\./, '').toLowerCase();
}

// ---------------------------------------------------------------------------
// Numbers with units
// ---------------------------------------------------------------------------

/** Eastern Arabic and Urdu (extended) digits → ASCII; Arabic decimal and thousands separators too. */
function asciiDigits(text: string): string {
  return text
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/\u066B/g, '.')
    .replace(/\u066C/g, ',');
}

/**
 * Units recognised after a number (case-insensitive, whole words; symbols
 * directly). Plurals fold to the singular ("bits" → "bit").
 */
const UNIT_WORDS = [
  'bits?',
  'bytes?',
  '[kmgt]i?b(?:ps)?',
  '[kmg]?bit/s',
  '[kmg]?hz',
  'fps',
  'tops',
  't?flops',
  '[kcmµu]?m(?:/s(?:²|2|\\^2)?)?',
  'km/h',
  'm/s',
  '[mµun]?s',
  'min(?:utes?)?',
  'seconds?',
  'hours?',
  'hrs?',
  'days?',
  'weeks?',
  'ms',
  'kg',
  'mg',
  'g',
  'n(?:·?m)?',
  'nm',
  'k?w(?:h)?',
  'mah',
  'm?v',
  'm?a',
  'rad(?:/s)?',
  'deg(?:rees?)?(?:/s)?',
  'dof',
  'px',
  'pixels?',
  'mp',
  'k',
  'x',
  'percent',
  'met(?:er|re)s?',
  'kilo(?:gram|met(?:er|re))s?',
  'centimet(?:er|re)s?',
  'millimet(?:er|re)s?',
  'milliseconds?',
  'kilohertz',
  'hertz',
  'volts?',
  'watts?',
  'amps?',
  'newtons?',
  'joints?',
  'steps?',
  'cores?',
  'gb',
];
const SYMBOL_UNITS = '°(?:/s|c|f)?|%|‰|×|x(?![\\p{L}\\p{N}])';
const NUMBER_TOKEN = new RegExp(
  `(?<![\\p{L}\\p{N}_.,])(?<!\\p{L}-)(\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.(\\d+))?(?:(?:\\s?(${SYMBOL_UNITS}))|(?:[ \\u00A0-]?(${UNIT_WORDS.join('|')})(?![\\p{L}\\p{N}])))?`,
  'giu',
);

function singularUnit(unit: string): string {
  const lower = unit.toLowerCase().replace(/\s+/g, '');
  if (
    /^(?:bits|bytes|minutes|seconds|hours|hrs|days|weeks|degrees|pixels|percents|volts|watts|amps|newtons|joints|steps|cores)$/.test(lower)
  )
    return lower.replace(/s$/, '');
  if (/^(?:met(?:er|re)|kilo(?:gram|met(?:er|re))|centimet(?:er|re)|millimet(?:er|re)|millisecond)s$/.test(lower))
    return lower.slice(0, -1);
  return lower;
}

/** Names with digits in them: models and versions ("RT-2", "π0", "GR00T N1"), kept as they are. */
const NUMBERED_NAME = /(?<![\p{L}\p{N}_])\p{L}+-?\d[\p{L}\p{N}]*/gu;

/**
 * The number tokens of a prose text: "a 17-bit encoder at 1,000 Hz" → 17 bit,
 * 1000 hz; and the names with digits ("RT-2" → rt-2, unit '#name').
 */
export function numberTokens(text: string): NumberToken[] {
  const out: NumberToken[] = [];
  for (const match of text.matchAll(NUMBERED_NAME)) out.push({ text: match[0], value: match[0].toLowerCase(), unit: '#name' });
  for (const match of asciiDigits(text).matchAll(NUMBER_TOKEN)) {
    const whole = match[1].replace(/,/g, '');
    const value = match[2] === undefined ? whole : `${whole}.${match[2]}`;
    out.push({ text: match[0].trim(), value, unit: singularUnit(match[3] ?? match[4] ?? '') });
  }
  return out;
}

// ---------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------

const TAG = /<([a-zA-Z][\w:-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*\/?>/g;

function attribute(attributes: string, name: string): string {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i').exec(attributes);
  return (match?.[1] ?? match?.[2] ?? match?.[3] ?? '').trim();
}

function htmlElements(html: string): HtmlElement[] {
  const out: HtmlElement[] = [];
  for (const match of html.matchAll(TAG)) {
    const attributes = match[2] ?? '';
    out.push({
      tag: match[1].toLowerCase(),
      type: attribute(attributes, 'type').toLowerCase(),
      target:
        attribute(attributes, 'src') || attribute(attributes, 'href') || attribute(attributes, 'data') || attribute(attributes, 'action'),
    });
  }
  return out;
}

interface JsxAttribute {
  type: string;
  name?: string;
  value?: unknown;
}

function jsxElement(node: { name?: string | null; attributes?: JsxAttribute[] }): HtmlElement {
  const value = (name: string): string => {
    const found = (node.attributes ?? []).find((a) => a.type === 'mdxJsxAttribute' && a.name === name);
    return typeof found?.value === 'string' ? found.value : '';
  };
  return {
    tag: (node.name ?? '').toLowerCase(),
    type: value('type').toLowerCase(),
    target: value('src') || value('href') || value('data') || value('action'),
  };
}

// ---------------------------------------------------------------------------
// The walk
// ---------------------------------------------------------------------------

/** Prose text of a node: text and link text, inline code and raw HTML left out (a space in their place). */
function proseText(node: Nodes): string {
  switch (node.type) {
    case 'text':
      return node.value;
    case 'inlineCode':
    case 'html':
    case 'code':
    case 'image':
      return ' ';
    case 'break':
      return '\n';
    case 'link':
      // A bare URL's text is the URL itself: not prose.
      if (node.children.length === 1 && node.children[0].type === 'text' && node.url.endsWith(node.children[0].value)) return ' ';
      return node.children.map(proseText).join('');
    case 'textDirective':
      // `3:1` parses as a text directive named "1": give the text back.
      return `:${node.name}${node.children.map(proseText).join('')}`;
    default:
      return 'children' in node ? (node.children as Nodes[]).map(proseText).join('') : '';
  }
}

/** All text of a node, inline code included (for headings and table rows). */
function fullText(node: Nodes): string {
  if (node.type === 'inlineCode') return node.value;
  if (node.type === 'text') return node.value;
  if (node.type === 'textDirective') return `:${node.name}${node.children.map(fullText).join('')}`;
  return 'children' in node ? (node.children as Nodes[]).map(fullText).join('') : '';
}

function inlineCodeOf(node: Nodes, out: string[]): void {
  if (node.type === 'inlineCode') out.push(normaliseInline(node.value));
  else if ('children' in node) for (const child of node.children as Nodes[]) inlineCodeOf(child, out);
}

/** Inline code compared: invisibles dropped, whitespace collapsed. */
export function normaliseInline(text: string): string {
  return text.replace(INVISIBLES, '').replace(/\s+/g, ' ').trim();
}

/** The parts of a Markdown document (front matter ignored). */
export function readStructure(text: string): MarkdownStructure {
  const tree: Root = parseMarkdown(stripFrontMatter(text));
  const s: MarkdownStructure = {
    codeBlocks: [],
    headings: [],
    links: [],
    images: [],
    inlineCode: [],
    numbers: [],
    tableRows: [],
    admonitions: [],
    html: [],
    blocks: [],
  };
  let tables = 0;

  const addProse = (node: Nodes, kind: ProseBlock['kind']): void => {
    const prose = proseText(node);
    if (prose.trim() !== '') s.blocks.push({ kind, text: prose });
    // Headings are matched as headings (a paraphrase may drop "2" from "Bridging sensors to ROS 2").
    if (kind !== 'heading') s.numbers.push(...numberTokens(prose));
  };

  const visit = (node: Nodes): void => {
    switch (node.type) {
      case 'code':
        s.codeBlocks.push({ index: s.codeBlocks.length + 1, lang: languageOf(node.lang), lines: node.value.split('\n') });
        return;
      case 'inlineCode':
        s.inlineCode.push(normaliseInline(node.value));
        return;
      case 'html':
        for (const element of htmlElements(node.value)) {
          s.html.push(element);
          if (element.tag === 'img' && element.target !== '') s.images.push(element.target);
          if (element.tag === 'a' && element.target !== '') s.links.push(element.target);
        }
        return;
      case 'link':
      case 'definition':
        s.links.push(node.url);
        break;
      case 'image':
        s.images.push(node.url);
        return;
      case 'heading':
        s.headings.push({ level: node.depth, text: normaliseInline(fullText(node)), offset: node.position?.start.offset ?? 0 });
        addProse(node, 'heading');
        break;
      case 'paragraph':
        addProse(node, 'paragraph');
        break;
      case 'table':
        tables++;
        node.children.forEach((row, i) => {
          const tokens: string[] = [];
          for (const cell of row.children) {
            addProse(cell, 'cell');
            for (const n of numberTokens(proseText(cell))) tokens.push(`${n.value}${n.unit}`);
            inlineCodeOf(cell, tokens);
          }
          s.tableRows.push({
            table: tables,
            row: i + 1,
            text: normaliseInline(row.children.map((cell) => fullText(cell)).join(' | ')),
            signature: tokens.sort().join(' '),
          });
        });
        break;
      case 'containerDirective':
        s.admonitions.push(node.name.toLowerCase());
        break;
      default: {
        const mdx = node as unknown as { type: string; name?: string | null; attributes?: JsxAttribute[] };
        if (mdx.type === 'mdxJsxFlowElement' || mdx.type === 'mdxJsxTextElement') {
          const element = jsxElement(mdx);
          s.html.push(element);
          if (element.tag === 'img' && element.target !== '') s.images.push(element.target);
          if (element.tag === 'a' && element.target !== '') s.links.push(element.target);
        }
      }
    }
    if ('children' in node) {
      for (const child of (node as Parents).children) {
        // Paragraph content was read as a whole by addProse; still walk it for inline code, links and images.
        visit(child as Nodes);
      }
    }
  };
  visit(tree);
  return s;
}
