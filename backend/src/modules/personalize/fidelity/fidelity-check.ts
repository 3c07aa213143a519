import { canonicalLanguage, normaliseWhitespace, significantCodeLines } from './code-lines';
import { normaliseNewlines, parseMarkdown, stripFrontMatter, type CodeBlock, type Heading } from './markdown-structure';

/**
 * The fidelity check run on every rewrite before it is cached (issue:
 * "Fidelity check on every rewrite …"). It proves the rewrite kept what the
 * prompt says must be kept — code, links, headings — and that its length is
 * sane. The result is stored with the cached row; a failing rewrite is retried
 * once with `failures` passed to the prompt as `previousFailures`.
 */

export interface FidelityResult {
  passed: boolean;
  failures: string[];
  metrics: {
    codeBlocks: { expected: number; found: number };
    links: { expected: number; found: number };
    headings: { expected: number; found: number };
    lengthRatio: number;
  };
}

export interface FidelityOptions {
  /** The rewrite's language; Urdu headings are translated, so only their counts are compared. Default 'en'. */
  language?: 'en' | 'ur';
}

/**
 * Length bounds, as rewrite/original characters (front matter excluded).
 *
 * - Minimum 0.5: every code block, link, heading and fact must be kept and the
 *   profile rules mostly add explanation, so even the most concise rewrite (an
 *   advanced learner, basics skipped) stays near the original's length. Under
 *   half means content was dropped or the answer was cut off (token limit).
 * - Maximum 3.0: a beginner rewrite adds comments, definitions, analogies and
 *   examples, which can double a lesson; an Urdu rewrite is of similar length
 *   in characters. More than three times points to runaway generation
 *   (repetition, unrelated material) and costs the reader and the token budget.
 */
export const MIN_LENGTH_RATIO = 0.5;
export const MAX_LENGTH_RATIO = 3.0;

/** The heading levels whose counts a rewrite may not reduce. */
const COUNTED_HEADING_LEVELS = [2, 3] as const;

/** Opening lines of chatty answers ("Sure, here is the rewritten lesson:"), English and Urdu. */
const PREAMBLE_PATTERNS: readonly RegExp[] = [
  /^(?:sure|certainly|of course|absolutely|okay|ok|alright|great|no problem)\s*[,.!:;—-]/i,
  /^(?:here is|here's|here are|below is|below you will find|following is)\b.*(?:rewrit|personali[sz]|adapt|tailor|version|lesson|:\s*$)/i,
  /^i(?:'ve| have| will|'ll)?\s+(?:rewritten|rewrote|adapted|personali[sz]ed|tailored|rewrite|adapt)\b/i,
  /^as requested\b/i,
  /^(?:یقیناً|یقینا|ضرور|جی ہاں|یہ رہا|یہ رہی|یہ رہے|لیجیے|لیجئے)/,
];

const WRAPPING_FENCE_OPEN = /^(`{3,}|~{3,})[ \t]*(?:markdown|md)[ \t]*$/i;
const WRAPPING_FENCE_CLOSE = /^(`{3,}|~{3,})[ \t]*$/;

/**
 * Cleans a model's answer before the check: newlines normalised, a single
 * ```markdown / ```md (or ~~~) fence wrapped around the whole answer removed,
 * the lesson markers removed if the model echoed them around its answer,
 * trimmed.
 */
export function normaliseRewrite(text: string): string {
  let out = normaliseNewlines(text).trim();
  const markers = /^<<<LESSON[ \t]*\n([\s\S]*)\n[ \t]*LESSON>>>$/.exec(out);
  if (markers) out = markers[1].trim();
  const lines = out.split('\n');
  const open = WRAPPING_FENCE_OPEN.exec(lines[0] ?? '');
  const close = lines.length >= 2 ? WRAPPING_FENCE_CLOSE.exec(lines[lines.length - 1]) : null;
  if (open && close && close[1][0] === open[1][0] && close[1].length >= open[1].length) {
    out = lines.slice(1, -1).join('\n').trim();
  }
  return out;
}

function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function quoteShort(text: string, max = 60): string {
  const line = normaliseWhitespace(text);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

// ---------------------------------------------------------------------------
// Code blocks
// ---------------------------------------------------------------------------

/** How many of `needle`'s lines match, in order, within `haystack` (greedy = longest matchable prefix). */
function matchedPrefix(needle: readonly string[], haystack: readonly string[]): number {
  let n = 0;
  for (const line of haystack) {
    if (n < needle.length && line === needle[n]) n++;
  }
  return n;
}

function checkCodeBlocks(original: readonly CodeBlock[], rewrite: readonly CodeBlock[], failures: string[]): number {
  const candidates = rewrite.map((block) => ({
    lang: canonicalLanguage(block.lang),
    lines: significantCodeLines(block.lang, block.lines),
  }));
  let found = 0;
  for (const block of original) {
    const lang = canonicalLanguage(block.lang);
    const expected = significantCodeLines(block.lang, block.lines);
    // An untagged block may come back tagged; a tagged one must keep its language.
    const sameLanguage = candidates.filter((c) => lang === '' || c.lang === lang);
    let best = -1;
    for (const candidate of sameLanguage) {
      best = Math.max(best, matchedPrefix(expected, candidate.lines));
      if (best === expected.length) break;
    }
    if (best === expected.length) {
      found++;
      continue;
    }
    const label = `code block ${block.index} (${block.lang === '' ? 'no language' : block.lang}) is missing or changed`;
    failures.push(best < 0 ? label : `${label}: line "${quoteShort(expected[best])}" not found`);
  }
  return found;
}

// ---------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------

function comparableTarget(target: string): string {
  const clean = target.replace(/[\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g, '').trim();
  return clean.length > 1 ? clean.replace(/\/+$/, '') : clean;
}

function checkLinks(original: readonly string[], rewrite: readonly string[], failures: string[]): number {
  const present = new Set(rewrite.map(comparableTarget));
  let found = 0;
  for (const target of original) {
    if (present.has(comparableTarget(target))) found++;
    else failures.push(`link ${target} is missing`);
  }
  return found;
}

// ---------------------------------------------------------------------------
// Headings
// ---------------------------------------------------------------------------

function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map((word) => (word.length > 3 ? word.replace(/s$/, '') : word));
}

/** Words longer than three letters (all words if there are none). */
function significantWords(text: string): string[] {
  const all = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const long = all.filter((word) => word.length > 3);
  return [...new Set(words((long.length > 0 ? long : all).join(' ')))];
}

function countByLevel(headings: readonly Heading[], level: number): number {
  return headings.filter((heading) => heading.level === level).length;
}

function checkHeadings(original: readonly Heading[], rewrite: readonly Heading[], language: 'en' | 'ur', failures: string[]): number {
  for (const level of COUNTED_HEADING_LEVELS) {
    const expected = countByLevel(original, level);
    const actual = countByLevel(rewrite, level);
    if (actual < expected) failures.push(`the rewrite has ${actual} level-${level} headings, the original ${expected}`);
  }

  if (language === 'ur') {
    // Headings are translated: only their number per level can be compared.
    let found = 0;
    for (let level = 1; level <= 6; level++) found += Math.min(countByLevel(original, level), countByLevel(rewrite, level));
    return found;
  }

  const rewriteWords = rewrite.map((heading) => new Set(words(heading.text)));
  let found = 0;
  for (const heading of original) {
    const wanted = significantWords(heading.text);
    const needed = Math.ceil(wanted.length / 2);
    const kept = wanted.length === 0 || rewriteWords.some((set) => wanted.filter((word) => set.has(word)).length >= needed);
    if (kept) found++;
    else failures.push(`heading '${quoteShort(heading.text)}' (level ${heading.level}) is missing`);
  }
  return found;
}

// ---------------------------------------------------------------------------
// Preamble
// ---------------------------------------------------------------------------

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? '').trim();
}

function looksLikePreamble(line: string): boolean {
  const plain = line.replace(/^[*_#>\s]+/, '');
  return PREAMBLE_PATTERNS.some((pattern) => pattern.test(plain));
}

// ---------------------------------------------------------------------------
// The check
// ---------------------------------------------------------------------------

/**
 * Compares a rewrite (already passed through normaliseRewrite) with the
 * original lesson. Fails, with one short, specific message per problem, when
 * a fenced code block's code, a link target or a heading is missing, when the
 * length is out of bounds, when the rewrite is empty or opens with a preamble.
 * Nothing inside fenced code counts as a heading or a link.
 */
export function checkFidelity(original: string, rewrite: string, options: FidelityOptions = {}): FidelityResult {
  const language = options.language ?? 'en';
  const originalBody = stripFrontMatter(original).trim();
  const rewriteBody = stripFrontMatter(rewrite).trim();
  const before = parseMarkdown(originalBody);
  const after = parseMarkdown(rewriteBody);

  const failures: string[] = [];
  const codeFound = checkCodeBlocks(before.codeBlocks, after.codeBlocks, failures);
  const linksFound = checkLinks(before.links, after.links, failures);
  const headingsFound = checkHeadings(before.headings, after.headings, language, failures);

  const originalLength = codePointLength(originalBody);
  const rewriteLength = codePointLength(rewriteBody);
  const lengthRatio = originalLength === 0 ? (rewriteLength === 0 ? 1 : MAX_LENGTH_RATIO) : rewriteLength / originalLength;
  if (originalLength > 0 && rewriteLength > 0) {
    if (lengthRatio < MIN_LENGTH_RATIO) {
      failures.push(
        `rewrite is ${Math.floor(lengthRatio * 100)}% of the original's length (minimum ${Math.round(MIN_LENGTH_RATIO * 100)}%)`,
      );
    } else if (lengthRatio > MAX_LENGTH_RATIO) {
      failures.push(
        `rewrite is ${Math.ceil(lengthRatio * 100)}% of the original's length (maximum ${Math.round(MAX_LENGTH_RATIO * 100)}%)`,
      );
    }
  }

  const opening = firstLine(rewriteBody);
  if (opening !== '' && looksLikePreamble(opening) && !looksLikePreamble(firstLine(originalBody))) {
    failures.unshift('the answer has a preamble');
  }

  const metrics: FidelityResult['metrics'] = {
    codeBlocks: { expected: before.codeBlocks.length, found: codeFound },
    links: { expected: before.links.length, found: linksFound },
    headings: { expected: before.headings.length, found: headingsFound },
    lengthRatio: Math.round(lengthRatio * 1000) / 1000,
  };

  // An empty answer fails for that one reason; listing every missing part would only add noise.
  if (rewriteBody === '') return { passed: false, failures: ['the rewrite is empty'], metrics };
  return { passed: failures.length === 0, failures, metrics };
}
