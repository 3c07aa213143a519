import { createHash } from 'node:crypto';
import { headings, normalizeNewlines, parseMarkdown, plainText, type Nodes, type Root, type RootContent } from '@lectern/markdown';
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
  blocks: RootContent[];
}

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
  const { root } = parseMarkdown(normalizeNewlines(markdown));
  const chunks: LessonChunk[] = [];
  for (const section of sections(root)) {
    const units = sectionUnits(section, options);
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

/** Top-level blocks of the lesson grouped by heading: each section holds the blocks after its heading up to the next one. */
function sections(root: Root): Section[] {
  const all = headings(root);
  const byNode = new Map(all.map((h) => [h.node, h]));
  const result: Section[] = [];
  const stack: Array<{ level: number; text: string }> = [];
  let current: Section = { path: [], heading: '', anchor: '', blocks: [] };
  for (const node of root.children) {
    const heading = node.type === 'heading' ? byNode.get(node) : undefined;
    if (!heading) {
      current.blocks.push(node);
      continue;
    }
    result.push(current);
    while (stack.length > 0 && stack[stack.length - 1].level >= heading.level) stack.pop();
    stack.push({ level: heading.level, text: heading.text });
    current = { path: stack.map((h) => h.text), heading: heading.text, anchor: heading.id, blocks: [] };
  }
  result.push(current);
  return result;
}

/** A section's body as units: whole code blocks, paragraphs, and sentences of paragraphs too long for one chunk. HTML (component placeholders, tab frames) is not searchable text. */
function sectionUnits(section: Section, options: ChunkerOptions): Unit[] {
  const units: Unit[] = [];
  for (const block of section.blocks) {
    if (block.type === 'code') {
      const text = trimBlankLines(block.value);
      if (text !== '') units.push({ text, tokens: estimateTokens(text), code: true, join: '\n\n' });
    } else if (block.type === 'list' || block.type === 'blockquote' || block.type === 'containerDirective') {
      // Each paragraph of a list, quote or admonition is a unit; code inside stays code.
      for (const inner of flattenBlocks(block)) {
        if (inner.type === 'code') {
          const text = trimBlankLines(inner.value);
          if (text !== '') units.push({ text, tokens: estimateTokens(text), code: true, join: '\n\n' });
        } else {
          const text = proseText(inner);
          if (text !== '') units.push(...proseUnits(text, options.maxTokens));
        }
      }
    } else {
      const text = proseText(block);
      if (text !== '') units.push(...proseUnits(text, options.maxTokens));
    }
  }
  return units;
}

/** The leaf blocks (paragraphs, code, tables) of a container, in order. */
function flattenBlocks(node: RootContent): RootContent[] {
  if (node.type === 'list' || node.type === 'listItem' || node.type === 'blockquote' || node.type === 'containerDirective') {
    return (node.children as RootContent[]).flatMap(flattenBlocks);
  }
  return [node];
}

function trimBlankLines(code: string): string {
  const lines = code.split('\n');
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  return lines.join('\n');
}

/** A paragraph or table as readable text: markup dropped; a table one line per row, cells joined by " | ". */
function proseText(node: RootContent): string {
  if (node.type === 'html' || node.type === 'thematicBreak' || node.type === 'definition' || node.type === 'yaml') return '';
  if (node.type === 'table') {
    return node.children.map((row) => row.children.map((cell) => plainText(cell).trim()).join(' | ')).join('\n');
  }
  return plainText(node as Nodes)
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
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
