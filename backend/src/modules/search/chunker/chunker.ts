import { createHash } from 'node:crypto';
import { extractHeadings, fencedLineMask, headingPlainText, normalizeNewlines } from '@lectern/content';
import { estimateTokens } from './tokens';

export interface ChunkerOptions {
  /** Upper bound of a chunk, in estimated tokens; only a code block longer than this makes a longer chunk. */
  maxTokens: number;
  /** Prose repeated from the end of the previous chunk of the same section, in estimated tokens. */
  overlapTokens: number;
}

/** Changing these changes chunk hashes, and so re-embeds the whole book. */
export const CHUNKER_DEFAULTS: ChunkerOptions = { maxTokens: 400, overlapTokens: 48 };

/** One searchable passage of a lesson. */
export interface LessonChunk {
  /** 0-based order within the lesson. */
  position: number;
  /** Headings above the passage, outermost first ([] for the introduction). */
  headingPath: string[];
  /** The nearest heading ('' for the introduction). */
  heading: string;
  /** That heading's anchor id, as the renderer computes it ('' for the introduction). */
  anchor: string;
  /** Plain text: inline Markdown removed, code kept line for line. */
  text: string;
  tokenCount: number;
  /** SHA-256 of the lesson title, the heading path and the text: what is embedded. */
  hash: string;
}

/** A piece that is never cut: a whole code block, a paragraph, or a sentence (or run of words) of a long paragraph. */
interface Unit {
  text: string;
  tokens: number;
  code: boolean;
  /** How it joins the unit before it in a chunk. */
  join: string;
}

interface Section {
  path: string[];
  heading: string;
  anchor: string;
  from: number;
  to: number;
}

const ATX_HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE = /^\s*(`{3,}|~{3,})/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
const SENTINELS = /[\uE000\uE001]/g;
/** After a sentence's end mark (Latin, Urdu/Arabic, CJK) and white space, or at a line break. */
const SENTENCE_BREAK = /(?<=[.!?؟۔。！？])\s+|\n+/u;

/**
 * Cuts a lesson's Markdown into search chunks: one run per heading section
 * (the heading path kept with each chunk, anchors identical to the rendered
 * headings), packed up to `maxTokens` from whole paragraphs, a long paragraph
 * split at sentences (at words if a sentence alone is too long), with
 * `overlapTokens` of prose repeated at the start of the next chunk of the same
 * section. A fenced code block is never cut and never overlapped: one longer
 * than `maxTokens` is a chunk of its own.
 */
export function chunkLesson(markdown: string, lessonTitle: string, options: ChunkerOptions = CHUNKER_DEFAULTS): LessonChunk[] {
  const source = normalizeNewlines(markdown);
  const lines = source.split('\n');
  const fenced = fencedLineMask(lines);
  const chunks: LessonChunk[] = [];
  for (const section of sections(source, lines)) {
    const units = sectionUnits(lines, fenced, section, options);
    for (const packed of pack(units, options)) {
      const text = packed.map((u, i) => (i === 0 ? u.text : u.join + u.text)).join('');
      chunks.push({
        position: chunks.length,
        headingPath: section.path,
        heading: section.heading,
        anchor: section.anchor,
        text,
        tokenCount: estimateTokens(text),
        hash: chunkHash(lessonTitle, section.path, text),
      });
    }
  }
  return chunks;
}

export function chunkHash(lessonTitle: string, headingPath: readonly string[], text: string): string {
  return createHash('sha256')
    .update(JSON.stringify([lessonTitle, headingPath, text]))
    .digest('hex');
}

/** What the embedding model reads for a chunk: where it sits in the book, then its text. */
export function embeddingInput(lessonTitle: string, headingPath: readonly string[], text: string): string {
  return [lessonTitle, ...headingPath].join(' › ') + '\n\n' + text;
}

/** The lesson split at its headings; each section spans the lines after its heading up to the next one. */
function sections(source: string, lines: readonly string[]): Section[] {
  const result: Section[] = [];
  const stack: Array<{ level: number; text: string }> = [];
  let current: Omit<Section, 'to'> = { path: [], heading: '', anchor: '', from: 0 };
  for (const heading of extractHeadings(source)) {
    const start = heading.line - 1;
    let end = start;
    if (!ATX_HEADING.test(lines[start] ?? '')) {
      // A setext heading: its text runs down to the underline.
      while (end < lines.length - 1 && !SETEXT_UNDERLINE.test(lines[end])) end += 1;
    }
    result.push({ ...current, to: start });
    while (stack.length > 0 && stack[stack.length - 1].level >= heading.level) stack.pop();
    stack.push({ level: heading.level, text: heading.text });
    current = { path: stack.map((h) => h.text), heading: heading.text, anchor: heading.id, from: end + 1 };
  }
  result.push({ ...current, to: lines.length });
  return result;
}

/** A section's body as units: whole code blocks, paragraphs, and sentences of paragraphs too long for one chunk. */
function sectionUnits(lines: readonly string[], fenced: readonly boolean[], section: Section, options: ChunkerOptions): Unit[] {
  const units: Unit[] = [];
  let i = section.from;
  while (i < section.to) {
    if (fenced[i]) {
      let j = i;
      while (j < section.to && fenced[j]) j += 1;
      const text = codeText(lines.slice(i, j));
      if (text !== '') units.push({ text, tokens: estimateTokens(text), code: true, join: '\n\n' });
      i = j;
    } else if (lines[i].trim() === '') {
      i += 1;
    } else {
      let j = i;
      while (j < section.to && !fenced[j] && lines[j].trim() !== '') j += 1;
      const text = proseText(lines.slice(i, j));
      if (text !== '') units.push(...proseUnits(text, options.maxTokens));
      i = j;
    }
  }
  return units;
}

/** Code lines as written, without their fence lines. */
function codeText(lines: readonly string[]): string {
  const kept: string[] = [];
  let fence: { char: string; length: number } | undefined;
  for (const line of lines) {
    const marker = FENCE.exec(line)?.[1];
    if (!fence && marker) {
      fence = { char: marker[0], length: marker.length };
      continue;
    }
    if (fence && marker && marker[0] === fence.char && marker.length >= fence.length && line.trim() === marker) {
      fence = undefined;
      continue;
    }
    kept.push(line.replace(SENTINELS, ''));
  }
  while (kept.length > 0 && kept[kept.length - 1].trim() === '') kept.pop();
  while (kept.length > 0 && kept[0].trim() === '') kept.shift();
  return kept.join('\n');
}

/** A paragraph, list, table, quote or admonition as readable text: markup dropped, one line per source line. */
function proseText(lines: readonly string[]): string {
  const out: string[] = [];
  for (const raw of lines) {
    let line = raw;
    if (/^\s*:::/.test(line)) line = line.replace(/^\s*:::+\s*[\w-]*\s*/, ''); // ":::note Title" → "Title"
    if (TABLE_SEPARATOR.test(line) && line.includes('-')) continue;
    line = line
      .replace(/^\s*(?:>\s?)+/, '')
      .replace(/^\s*\|\s*/, '')
      .replace(/\s*\|\s*$/, '');
    const text = headingPlainText(line).replace(SENTINELS, '');
    if (text !== '') out.push(text);
  }
  return out.join('\n');
}

/** One unit when the paragraph fits a chunk; its sentences (or runs of words) otherwise. */
function proseUnits(text: string, maxTokens: number): Unit[] {
  const tokens = estimateTokens(text);
  if (tokens <= maxTokens) return [{ text, tokens, code: false, join: '\n\n' }];
  const pieces = text
    .split(SENTENCE_BREAK)
    .filter((s) => s.trim() !== '')
    .flatMap((sentence) => (estimateTokens(sentence) <= maxTokens ? [sentence] : splitWords(sentence, maxTokens)));
  return pieces.map((piece, i) => ({ text: piece, tokens: estimateTokens(piece), code: false, join: i === 0 ? '\n\n' : ' ' }));
}

/** Runs of whole words within the bound; a single over-long "word" (no spaces, e.g. CJK) is cut by characters. */
function splitWords(sentence: string, maxTokens: number): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const word of sentence.split(/\s+/).filter(Boolean)) {
    const candidate = current ? `${current} ${word}` : word;
    if (estimateTokens(candidate) <= maxTokens) {
      current = candidate;
      continue;
    }
    if (current) pieces.push(current);
    current = '';
    if (estimateTokens(word) <= maxTokens) {
      current = word;
      continue;
    }
    let rest = [...word];
    while (rest.length > 0) {
      let take = rest.length;
      while (take > 1 && estimateTokens(rest.slice(0, take).join('')) > maxTokens) take = Math.floor(take * 0.9);
      pieces.push(rest.slice(0, take).join(''));
      rest = rest.slice(take);
    }
  }
  if (current) pieces.push(current);
  return pieces;
}

/** Greedy packing of a section's units into chunks, each after the first opening with the previous chunk's closing prose. */
function pack(units: readonly Unit[], options: ChunkerOptions): Unit[][] {
  const chunks: Unit[][] = [];
  let current: Unit[] = [];
  let tokens = 0;
  for (const unit of units) {
    if (current.length > 0 && tokens + unit.tokens > options.maxTokens) {
      chunks.push(current);
      const overlap = overlapFrom(current[current.length - 1], options.overlapTokens);
      current = [];
      tokens = 0;
      if (overlap && overlap.tokens + unit.tokens <= options.maxTokens) {
        current.push(overlap);
        tokens = overlap.tokens;
      }
    }
    current.push(unit);
    tokens += unit.tokens;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The closing sentences of a prose unit, up to `budget` tokens (the closing words when no whole sentence fits); never code. */
function overlapFrom(last: Unit, budget: number): Unit | undefined {
  if (last.code || budget <= 0) return undefined;
  const sentences = last.text.split(SENTENCE_BREAK).filter((s) => s.trim() !== '');
  let text = '';
  for (let i = sentences.length - 1; i >= 0; i -= 1) {
    const candidate = text ? `${sentences[i]} ${text}` : sentences[i];
    if (estimateTokens(candidate) > budget) break;
    text = candidate;
  }
  if (text === '') {
    const words = last.text.split(/\s+/).filter(Boolean);
    for (let i = words.length - 1; i >= 0; i -= 1) {
      const candidate = text ? `${words[i]} ${text}` : words[i];
      if (estimateTokens(candidate) > budget) break;
      text = candidate;
    }
  }
  return text === '' ? undefined : { text, tokens: estimateTokens(text), code: false, join: '\n\n' };
}
