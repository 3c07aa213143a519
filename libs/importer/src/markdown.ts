import { EXPLICIT_HEADING_ID, HeadingSlugger, headingPlainText, inlineCodeSpans, slugifyHeading } from '@lectern/api-types';
import { posix } from 'node:path';
import type { SourceProblem } from './book-source.types';
import { isRecord, parseYaml } from './yaml-source';

/**
 * Markdown helpers shared by the book-source readers (and, for headings, by
 * the web renderer and search, which must compute the same anchor ids).
 *
 * Everything here is line-based and code-aware: fenced code blocks (``` or
 * ~~~, any indentation) and inline code spans are never rewritten. Indented
 * (4-space) code blocks are not recognised; MDX has none and our lessons use
 * fences.
 */

/** `\r\n` and `\r` → `\n`, byte-order mark dropped. */
export function normalizeNewlines(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

// ---------------------------------------------------------------------------
// Front matter
// ---------------------------------------------------------------------------

export type FrontMatterResult =
  | {
      ok: true;
      /** The front matter's keys and values ({} when the file has none). */
      data: Record<string, unknown>;
      /** The file without its front matter. */
      body: string;
      /** File line (1-based) of the body's first line. */
      bodyLine: number;
      /** File line of a top-level front matter key, for messages. */
      lineOfKey(key: string): number | undefined;
    }
  | { ok: false; line: number; message: string };

const FRONT_MATTER_OPEN = /^---[ \t]*$/;
const FRONT_MATTER_CLOSE = /^(?:---|\.\.\.)[ \t]*$/;

/**
 * Splits `---\n<yaml>\n---\n` off the top of a Markdown file and parses the
 * YAML. A file without front matter is fine (empty data, body from line 1); an
 * unclosed block, a YAML error or a front matter that is not a mapping is a
 * failure with the file line it is on.
 */
export function splitFrontMatter(text: string): FrontMatterResult {
  const lines = normalizeNewlines(text).split('\n');
  if (!FRONT_MATTER_OPEN.test(lines[0] ?? '')) {
    return { ok: true, data: {}, body: lines.join('\n'), bodyLine: 1, lineOfKey: () => undefined };
  }
  const close = lines.findIndex((line, i) => i > 0 && FRONT_MATTER_CLOSE.test(line));
  if (close < 0) return { ok: false, line: 1, message: 'front matter starts with "---" but has no closing "---" line' };

  const parsed = parseYaml(lines.slice(1, close).join('\n'), 2);
  if (!parsed.ok) {
    const first = parsed.problems[0];
    return { ok: false, line: first.line ?? 1, message: `front matter: ${first.message}` };
  }
  const value = parsed.value ?? {};
  if (!isRecord(value)) return { ok: false, line: 2, message: 'front matter must be a YAML mapping of "key: value" lines' };
  return {
    ok: true,
    data: value,
    body: lines.slice(close + 1).join('\n'),
    bodyLine: close + 2,
    lineOfKey: (key) => parsed.lineOf([key]),
  };
}

// ---------------------------------------------------------------------------
// Code awareness
// ---------------------------------------------------------------------------

const FENCE_OPEN = /^\s*(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^\s*(`{3,}|~{3,})\s*$/;

/** For each line: is it part of a fenced code block (fence lines included)? An unclosed fence runs to the end. */
export function fencedLineMask(lines: readonly string[]): boolean[] {
  const mask: boolean[] = [];
  let fence: { char: string; length: number } | undefined;
  for (const line of lines) {
    if (fence) {
      mask.push(true);
      const close = FENCE_CLOSE.exec(line);
      if (close && close[1][0] === fence.char && close[1].length >= fence.length) fence = undefined;
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    const isFence = open !== null && !(open[1][0] === '`' && open[2].includes('`'));
    if (open && isFence) fence = { char: open[1][0], length: open[1].length };
    mask.push(isFence);
  }
  return mask;
}


/** A character that never occurs in Markdown syntax, used to blank out code. */
export const CODE_MASK = '\uE000';

/**
 * The text with every character of fenced code and inline code replaced by
 * CODE_MASK (newlines kept): same length, same offsets, same lines, so a
 * pattern found in the mask can be edited in the original.
 */
export function maskCode(markdown: string): string {
  const lines = markdown.split('\n');
  const fenced = fencedLineMask(lines);
  const withoutFences = lines.map((line, i) => (fenced[i] ? CODE_MASK.repeat(line.length) : line)).join('\n');
  let masked = '';
  let at = 0;
  for (const [start, end] of inlineCodeSpans(withoutFences)) {
    masked += withoutFences.slice(at, start) + withoutFences.slice(start, end).replace(/[^\n]/g, CODE_MASK);
    at = end;
  }
  return masked + withoutFences.slice(at);
}

// ---------------------------------------------------------------------------
// Reading time
// ---------------------------------------------------------------------------

/**
 * Words of prose (outside fenced code): runs of letters and digits, joined by
 * apostrophes or dashes. Link destinations and HTML tags are not words.
 */
export function countWords(markdown: string): number {
  const lines = markdown.split('\n');
  const fenced = fencedLineMask(lines);
  const prose = lines
    .filter((_, i) => !fenced[i])
    .join('\n')
    .replace(/\]\([^)\s]*(?:\s+"[^"]*")?\)/g, ']')
    .replace(/<\/?[A-Za-z][^<>]*>/g, ' ');
  return prose.match(/[\p{L}\p{N}]+(?:['’_-][\p{L}\p{N}]+)*/gu)?.length ?? 0;
}

/** Non-blank lines inside fenced code blocks (the fence lines themselves excluded). */
export function countCodeLines(markdown: string): number {
  const lines = markdown.split('\n');
  const fenced = fencedLineMask(lines);
  let count = 0;
  let inside = false;
  lines.forEach((line, i) => {
    if (!fenced[i]) {
      inside = false;
      return;
    }
    const isFenceLine = !inside ? FENCE_OPEN.test(line) : FENCE_CLOSE.test(line);
    if (isFenceLine) inside = !inside;
    else if (line.trim() !== '') count++;
  });
  return count;
}

export const PROSE_WORDS_PER_MINUTE = 200;
export const CODE_LINES_PER_MINUTE = 10;

/** Reading time in whole minutes: prose at 200 words a minute plus code at 10 lines a minute, at least 1. */
export function estimateReadingMinutes(markdown: string): number {
  const minutes = countWords(markdown) / PROSE_WORDS_PER_MINUTE + countCodeLines(markdown) / CODE_LINES_PER_MINUTE;
  return Math.max(1, Math.round(minutes));
}

// ---------------------------------------------------------------------------
// Headings and anchor ids
// ---------------------------------------------------------------------------

export interface MarkdownHeading {
  level: number;
  /** The heading as plain text (links, emphasis and code marks removed). */
  text: string;
  /** Anchor id: GitHub-style slug, or an explicit Docusaurus `{#id}`. */
  id: string;
  /** Line (1-based) within the Markdown given. */
  line: number;
}

// The anchor algorithm is shared with the web app (search deep links must match rendered ids).
export { HeadingSlugger, headingPlainText, inlineCodeSpans, slugifyHeading };

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const NOT_PARAGRAPH = /^\s*(?:[-*+][ \t]|\d+[.)][ \t]|>|#|\||:::|<|`{3}|~{3}|$)/;

/** Headings (ATX `## x` and setext underlined) outside code, with GitHub-style anchor ids. */
export function extractHeadings(markdown: string): MarkdownHeading[] {
  const lines = markdown.split('\n');
  const fenced = fencedLineMask(lines);
  const slugger = new HeadingSlugger();
  const headings: MarkdownHeading[] = [];
  const add = (level: number, raw: string, line: number): void => {
    const explicit = EXPLICIT_HEADING_ID.exec(raw);
    const text = headingPlainText(explicit ? raw.slice(0, explicit.index) : raw);
    headings.push({ level, text, id: explicit ? slugger.claim(explicit[1]) : slugger.slug(text), line });
  };
  lines.forEach((line, i) => {
    if (fenced[i]) return;
    const atx = ATX_HEADING.exec(line);
    if (atx) {
      add(atx[1].length, atx[2] ?? '', i + 1);
      return;
    }
    const underline = SETEXT_UNDERLINE.exec(line);
    if (!underline || i === 0) return;
    const paragraph = paragraphEndingAt(lines, fenced, i - 1);
    if (paragraph) add(underline[1].startsWith('=') ? 1 : 2, paragraph.text, paragraph.line);
  });
  return headings;
}

/** The paragraph whose last line is `end`, if that is plain paragraph text (for setext headings). */
function paragraphEndingAt(lines: readonly string[], fenced: readonly boolean[], end: number): { text: string; line: number } | undefined {
  let start = end;
  while (start > 0 && !fenced[start - 1] && lines[start - 1].trim() !== '') start--;
  const paragraph = lines.slice(start, end + 1);
  if (fenced[end] || paragraph.some((line) => NOT_PARAGRAPH.test(line) || ATX_HEADING.test(line) || SETEXT_UNDERLINE.test(line))) {
    return undefined;
  }
  return { text: paragraph.map((line) => line.trim()).join(' '), line: start + 1 };
}

/** The first heading's text: the first H1 if there is one, else the first heading of any level. */
export function firstHeading(markdown: string): string | undefined {
  const headings = extractHeadings(markdown);
  return (headings.find((h) => h.level === 1) ?? headings[0])?.text || undefined;
}

/** The first H1's text, if any. */
export function firstH1(markdown: string): string | undefined {
  return extractHeadings(markdown).find((h) => h.level === 1)?.text || undefined;
}

/** No leading blank lines, no trailing whitespace, one final newline (none for an empty body). */
export function tidyBody(markdown: string): string {
  const trimmed = markdown.replace(/^(?:[ \t]*\n)+/, '').trimEnd();
  return trimmed === '' ? '' : `${trimmed}\n`;
}

const normalizeTitle = (title: string): string => title.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * Drops a leading `# Title` when it repeats the lesson title (Lectern shows
 * the title itself); blank lines after it go too. Anything else is unchanged.
 */
export function stripDuplicateTitle(markdown: string, title: string): string {
  const lines = markdown.split('\n');
  const first = lines.findIndex((line) => line.trim() !== '');
  if (first < 0) return markdown;
  const atx = ATX_HEADING.exec(lines[first]);
  if (!atx || atx[1].length !== 1) return markdown;
  const raw = (atx[2] ?? '').replace(EXPLICIT_HEADING_ID, '');
  if (normalizeTitle(headingPlainText(raw)) !== normalizeTitle(title)) return markdown;
  let next = first + 1;
  while (next < lines.length && lines[next].trim() === '') next++;
  return lines.slice(next).join('\n');
}

// ---------------------------------------------------------------------------
// Links between lessons
// ---------------------------------------------------------------------------

/**
 * Where lesson links point. Keys are book-relative file paths
 * (`part-1/ch01-x/01-y.md`), or, for site-absolute links, paths starting with
 * `/` or `@site/` (`/docs/intro`); values are lesson slugs.
 */
export type LessonLinkIndex = ReadonlyMap<string, string>;

export type LinkTarget =
  /** Not a link to rewrite: an absolute URL, `mailto:`, an in-page `#anchor`, an asset. */
  | { kind: 'other' }
  | { kind: 'lesson'; slug: string; anchor?: string }
  /** Looks like a link to a Markdown document, but no lesson is there. */
  | { kind: 'missing'; target: string };

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const DOC_EXTENSION = /\.mdx?$/i;

/** Resolves a link destination written in the book-relative file `fromPath`. */
export function resolveLessonLink(href: string, fromPath: string, index: LessonLinkIndex): LinkTarget {
  const trimmed = href.trim();
  if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('//') || URL_SCHEME.test(trimmed)) return { kind: 'other' };
  const hash = trimmed.indexOf('#');
  const anchor = hash >= 0 ? trimmed.slice(hash + 1) : undefined;
  const pathPart = safeDecode((hash >= 0 ? trimmed.slice(0, hash) : trimmed).replace(/\?.*$/, ''));
  if (pathPart === '') return { kind: 'other' };

  const absolute = pathPart.startsWith('/') || pathPart.startsWith('@site/');
  const resolved = absolute
    ? posix.normalize(pathPart).replace(/\/+$/, '') || '/'
    : posix.normalize(posix.join(posix.dirname(fromPath), pathPart)).replace(/\/+$/, '');
  const hasExtension = /\.[A-Za-z0-9]+$/.test(posix.basename(resolved));
  const candidates = hasExtension
    ? [resolved]
    : [resolved, `${resolved}.md`, `${resolved}.mdx`, `${resolved}/index.md`, `${resolved}/index.mdx`, `${resolved}/README.md`];
  const slug = candidates.map((key) => index.get(key)).find((s) => s !== undefined);
  if (slug !== undefined) return { kind: 'lesson', slug, anchor: anchor || undefined };

  const looksLikeDoc = DOC_EXTENSION.test(resolved) || (!absolute && !hasExtension);
  return looksLikeDoc ? { kind: 'missing', target: resolved } : { kind: 'other' };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `[text](destination "title")`; group 3 is the destination. Images (`![`) are matched to be skipped. */
const INLINE_LINK =
  /(!?)\[((?:\\.|[^[\]\\]|\[(?:\\.|[^[\]\\])*\])*)\]\([ \t]*(<[^<>\n]*>|(?:\\.|[^\s()\\]|\((?:\\.|[^\s()\\])*\))+)(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\)/dg;
/** `[label]: destination` reference definitions; group 2 is the destination. */
const REFERENCE_DEFINITION = /^ {0,3}\[((?:\\.|[^[\]\\])+)\]:[ \t]*(<[^<>\n]*>|\S+)/dgm;

export interface RewriteLinksOptions {
  /** File line of the Markdown's first line, so problems point at file lines (default 1). */
  firstLine?: number;
}

export interface RewriteLinksResult {
  markdown: string;
  /** Links to Markdown files that are not lessons of the book (the link is left as written). */
  problems: SourceProblem[];
}

/**
 * Rewrites links to other lessons (`../ch02-x/03-y.md`, `./foo.mdx#section`,
 * Docusaurus doc links) into `/lessons/<slug>`, keeping the `#anchor`.
 * Absolute URLs, `mailto:`, in-page anchors, images and asset links are left
 * alone, as is everything in code. A link to a Markdown file that is not a
 * lesson is reported (with its line) and left as written.
 */
export function rewriteLessonLinks(
  markdown: string,
  fromPath: string,
  index: LessonLinkIndex,
  options: RewriteLinksOptions = {},
): RewriteLinksResult {
  const masked = maskCode(markdown);
  const firstLine = options.firstLine ?? 1;
  const edits: { start: number; end: number; text: string }[] = [];
  const problems: SourceProblem[] = [];

  const consider = (destination: [number, number] | undefined): void => {
    if (!destination) return;
    const [start, end] = destination;
    const written = markdown.slice(start, end);
    const href = written.startsWith('<') ? written.slice(1, -1) : written;
    const target = resolveLessonLink(href, fromPath, index);
    if (target.kind === 'lesson') {
      edits.push({ start, end, text: `/lessons/${target.slug}${target.anchor ? `#${target.anchor}` : ''}` });
    } else if (target.kind === 'missing') {
      const line = firstLine + (markdown.slice(0, start).match(/\n/g)?.length ?? 0);
      problems.push({
        path: fromPath,
        line,
        message: `link "${href}" does not point at a lesson of this book (it resolves to ${target.target}, which is not an imported lesson)`,
      });
    }
  };

  for (const match of masked.matchAll(INLINE_LINK)) {
    if (match[1] !== '' || match[3] === undefined) continue;
    consider(match.indices?.[3]);
  }
  for (const match of masked.matchAll(REFERENCE_DEFINITION)) {
    if (match[1].startsWith('^')) continue;
    consider(match.indices?.[2]);
  }

  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const edit of edits) {
    out += markdown.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return { markdown: out + markdown.slice(at), problems };
}
