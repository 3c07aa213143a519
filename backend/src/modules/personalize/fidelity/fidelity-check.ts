import { canonicalLanguage, normaliseWhitespace, significantCodeLines } from './code-lines';
import {
  INVISIBLES,
  normaliseNewlines,
  readStructure,
  stripFrontMatter,
  type CodeBlock,
  type Heading,
  type HtmlElement,
  type MarkdownStructure,
  type NumberToken,
} from './markdown-structure';

/**
 * The fidelity check run on every rewrite before it is cached (v2, issue 18).
 * It compares the rewrite's Markdown syntax tree with the lesson's and proves
 * the rewrite kept what the prompt says must be kept: the facts (numbers with
 * their units, inline code such as formulas, table rows), the boxes, links,
 * images, code and headings; that an Urdu rewrite is written in Urdu; that it
 * adds no active content (images, iframes, form controls, links to new
 * hosts); and that its length is sane. Honest rewriting is tolerated:
 * paraphrased or re-levelled headings, code blocks split into steps, added
 * comments, anchors and examples. Every failure is one short sentence, passed
 * to the retry prompt as `previousFailures`.
 */

export interface FidelityCount {
  expected: number;
  found: number;
}

export interface FidelityResult {
  passed: boolean;
  failures: string[];
  metrics: {
    codeBlocks: FidelityCount;
    links: FidelityCount;
    headings: FidelityCount;
    numbers: FidelityCount;
    inlineCode: FidelityCount;
    tableRows: FidelityCount;
    admonitions: FidelityCount;
    images: FidelityCount;
    lengthRatio: number;
    /** Urdu rewrites: the share of prose letters in Arabic script (0–1). */
    urduShare?: number;
  };
}

export interface FidelityOptions {
  /** The rewrite's language: Urdu headings are matched by position, and the prose must be in Urdu script. Default 'en'. */
  language?: 'en' | 'ur';
}

/**
 * Length bounds, as rewrite/original characters (front matter excluded).
 *
 * - Minimum 0.5: every fact, code block, link and heading must be kept and the
 *   profile rules mostly add explanation, so even the most concise rewrite
 *   stays near the original's length. Under half means content was dropped.
 * - Maximum 3.0: a beginner rewrite adds comments, definitions, analogies and
 *   examples, which can double a lesson. More than three times points to
 *   runaway generation and costs the reader and the token budget.
 */
export const MIN_LENGTH_RATIO = 0.5;
export const MAX_LENGTH_RATIO = 3.0;

/** An Urdu rewrite: at least this share of its prose letters are in Arabic script (technical terms stay in English). */
export const MIN_URDU_SHARE = 0.6;
/** An Urdu rewrite's paragraph with at least this many Latin letters … */
const ENGLISH_PARAGRAPH_LETTERS = 80;
/** … and under this share of Arabic-script letters was left in English. */
const ENGLISH_PARAGRAPH_URDU_SHARE = 0.2;

/** At most this many items are named in one failure message. */
const MAX_NAMED = 6;

/** HTML elements a rewrite may not add: they load, run or ask for something. */
const ACTIVE_TAGS = new Set([
  'img',
  'picture',
  'source',
  'video',
  'audio',
  'track',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'script',
  'style',
  'link',
  'meta',
  'base',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'svg',
  'math',
  'portal',
]);

// ---------------------------------------------------------------------------
// Cleaning the model's answer
// ---------------------------------------------------------------------------

/** What normaliseRewrite removed from an answer (recorded with the rewrite). */
export type RewriteCleanup = 'lesson-markers' | 'wrapping-fence' | 'chatty-opening';

export interface NormalisedRewrite {
  text: string;
  removed: RewriteCleanup[];
}

/**
 * An opening line that talks about the answer instead of being part of the
 * lesson: "Here is this lesson, adapted for you.", "Sure! I've rewritten the
 * lesson:", "یہ رہا آپ کے لیے سبق". A casual opening that is part of the
 * lesson ("Alright, let's see how robots sense.") is not one.
 */
const PREAMBLE_PATTERNS: readonly RegExp[] = [
  /^(?:(?:sure|certainly|of course|absolutely|okay|ok|great|no problem)\b[\s,.!:;—-]*)?(?:here is|here's|here are|below is|below you will find|following is|what follows is)\b.*(?:rewrit|personali[sz]|adapt|tailor|version|lesson|for you|:\s*$)/i,
  /^(?:(?:sure|certainly|of course|absolutely|okay|ok|great)\b[\s,.!:;—-]*)?i(?:'ve| have| will|'ll)?\s+(?:rewritten|rewrote|adapted|personali[sz]ed|tailored|rewrite|adapt)\b/i,
  /^(?:sure|certainly|of course|absolutely|okay|ok|no problem)[\s!.,:]*$/i,
  /^as requested\b/i,
  /^(?:یقیناً|یقینا|ضرور|جی ہاں)[\s،!.:]*$/,
  /^(?:(?:یقیناً|یقینا|ضرور|جی ہاں)[\s،!.:]*)?(?:یہ رہا|یہ رہی|یہ رہے|لیجیے|لیجئے|ذیل میں)/,
];

function looksLikePreamble(line: string): boolean {
  const plain = line.replace(/^[*_>\s]+/, '').replace(/[*_\s]+$/, '');
  return PREAMBLE_PATTERNS.some((pattern) => pattern.test(plain));
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? '').trim();
}

const WRAPPING_FENCE_OPEN = /^(`{3,}|~{3,})[ \t]*(?:markdown|md|mdx)?[ \t]*$/i;
const WRAPPING_FENCE_CLOSE = /^(`{3,}|~{3,})[ \t]*$/;

function unwrapFence(text: string): string | undefined {
  const lines = text.split('\n');
  if (lines.length < 3) return undefined;
  const open = WRAPPING_FENCE_OPEN.exec(lines[0]);
  const close = WRAPPING_FENCE_CLOSE.exec(lines[lines.length - 1]);
  if (!open || !close || close[1][0] !== open[1][0] || close[1].length < open[1].length) return undefined;
  const inner = lines.slice(1, -1);
  // A bare ``` pair is a wrapper only when no line inside closes it early (else it is the lesson's own first code block).
  const closesEarly = inner.some((line) => {
    const fence = WRAPPING_FENCE_CLOSE.exec(line.trim());
    return fence !== null && fence[1][0] === open[1][0] && fence[1].length >= open[1].length;
  });
  if (closesEarly && !/markdown|md/i.test(lines[0])) return undefined;
  return inner.join('\n').trim();
}

/**
 * Cleans a model's answer before the check, recording what it removed:
 * newlines normalised; the lesson markers, if the model echoed them around its
 * answer; a Markdown fence wrapped around the whole answer; ONE chatty opening
 * line ("Here is this lesson, adapted for you."), before or inside the fence,
 * unless the lesson itself opens with that line. A second chatty line is left
 * for the check to reject.
 */
export function normaliseRewrite(answer: string, original = ''): NormalisedRewrite {
  const removed: RewriteCleanup[] = [];
  let text = normaliseNewlines(answer).trim();
  const originalFirst = firstLine(stripFrontMatter(original));
  const dropChattyLine = (): void => {
    if (removed.includes('chatty-opening')) return;
    const lines = text.split('\n');
    const at = lines.findIndex((line) => line.trim() !== '');
    if (at < 0) return;
    const line = lines[at].trim();
    if (line.startsWith('#') || !looksLikePreamble(line) || line === originalFirst) return;
    text = lines
      .slice(at + 1)
      .join('\n')
      .trim();
    removed.push('chatty-opening');
  };
  const markers = /^<<<LESSON[ \t]*\n([\s\S]*)\n[ \t]*LESSON>>>$/.exec(text);
  if (markers) {
    text = markers[1].trim();
    removed.push('lesson-markers');
  }
  const unfenced = unwrapFence(text);
  if (unfenced !== undefined) {
    text = unfenced;
    removed.push('wrapping-fence');
  } else {
    dropChattyLine();
    const inner = unwrapFence(text);
    if (inner !== undefined) {
      text = inner;
      removed.push('wrapping-fence');
    }
  }
  dropChattyLine();
  return { text, removed };
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function quoteShort(text: string, max = 60): string {
  const line = normaliseWhitespace(text);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function nameSome(items: readonly string[]): string {
  const shown = items.slice(0, MAX_NAMED).join(', ');
  return items.length > MAX_NAMED ? `${shown} and ${items.length - MAX_NAMED} more` : shown;
}

/** Multiset containment: the items of `expected` not matched one-to-one in `found`. */
function unmatched<T>(expected: readonly T[], found: readonly T[], key: (item: T) => string): T[] {
  const bag = new Map<string, number>();
  for (const item of found) bag.set(key(item), (bag.get(key(item)) ?? 0) + 1);
  const missing: T[] = [];
  for (const item of expected) {
    const k = key(item);
    const n = bag.get(k) ?? 0;
    if (n > 0) bag.set(k, n - 1);
    else missing.push(item);
  }
  return missing;
}

// ---------------------------------------------------------------------------
// Code blocks
// ---------------------------------------------------------------------------

interface Candidate {
  lang: string;
  lines: string[];
  used: boolean;
}

function sameLanguage(original: string, rewrite: string): boolean {
  // An untagged block may come back tagged; a tagged one must keep its language.
  return original === '' || original === rewrite;
}

function equalLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}

/** How many of `needle`'s lines occur, in order, within `haystack`, and the first haystack line that is not one of them. */
function alignment(needle: readonly string[], haystack: readonly string[]): { matched: number; extra: string | undefined } {
  let n = 0;
  let extra: string | undefined;
  for (const line of haystack) {
    if (n < needle.length && line === needle[n]) n++;
    else extra ??= line;
  }
  return { matched: n, extra };
}

/**
 * Every original block must come back with exactly its significant lines
 * (comments aside), in one block or split over consecutive blocks of the
 * same language; a line inserted into it, changed or missing fails it.
 * Added blocks (new examples) are free.
 */
function checkCodeBlocks(original: readonly CodeBlock[], rewrite: readonly CodeBlock[], failures: string[]): number {
  const candidates: Candidate[] = rewrite.map((block) => ({
    lang: canonicalLanguage(block.lang),
    lines: significantCodeLines(block.lang, block.lines),
    used: false,
  }));
  let found = 0;
  for (const block of original) {
    const lang = canonicalLanguage(block.lang);
    const expected = significantCodeLines(block.lang, block.lines);
    let match: number[] | undefined;
    for (let start = 0; start < candidates.length && !match; start++) {
      if (candidates[start].used || !sameLanguage(lang, candidates[start].lang)) continue;
      const lines: string[] = [];
      for (let end = start; end < candidates.length; end++) {
        const c = candidates[end];
        if (c.used || !sameLanguage(lang, c.lang) || (end > start && c.lang !== candidates[start].lang)) break;
        lines.push(...c.lines);
        if (lines.length > expected.length || !equalLines(lines, expected.slice(0, lines.length))) break;
        if (lines.length === expected.length) {
          match = Array.from({ length: end - start + 1 }, (_, i) => start + i);
          break;
        }
      }
    }
    if (match) {
      for (const i of match) candidates[i].used = true;
      found++;
      continue;
    }
    const label = `code block ${block.index} (${block.lang === '' ? 'no language' : block.lang})`;
    const same = candidates.filter((c) => sameLanguage(lang, c.lang));
    if (same.length === 0) {
      failures.push(`${label} is missing or changed`);
      continue;
    }
    // The closest block (or run of blocks) of that language, to name what differs.
    let best = { matched: -1, extra: undefined as string | undefined };
    for (let start = 0; start < same.length; start++) {
      const lines = same.slice(start).flatMap((c) => c.lines);
      const a = alignment(expected, lines.slice(0, Math.max(expected.length * 2, expected.length + 10)));
      if (a.matched > best.matched) best = a;
      const single = alignment(expected, same[start].lines);
      if (single.matched > best.matched || (single.matched === best.matched && single.matched === expected.length)) best = single;
    }
    if (best.matched >= expected.length && best.extra !== undefined) {
      failures.push(`${label} has a line that is not in the lesson: "${quoteShort(best.extra)}"`);
    } else {
      failures.push(`${label} is missing or changed: line "${quoteShort(expected[Math.max(0, best.matched)] ?? '')}" not found`);
    }
  }
  return found;
}

// ---------------------------------------------------------------------------
// Links and images
// ---------------------------------------------------------------------------

interface Target {
  raw: string;
  /** Scheme ('' for a relative target), lower-cased. */
  scheme: string;
  host: string;
  /** Path (and query), normalised: no `./`, no trailing slash. */
  path: string;
  fragment: string;
}

function parseTarget(raw: string): Target {
  const clean = raw.replace(INVISIBLES, '').trim();
  const hashAt = clean.indexOf('#');
  const fragment = hashAt >= 0 ? clean.slice(hashAt + 1) : '';
  const base = hashAt >= 0 ? clean.slice(0, hashAt) : clean;
  const absolute = /^([a-z][a-z0-9+.-]*):(\/\/)?([^/?#]*)(.*)$/i.exec(base);
  if (absolute && (absolute[2] !== undefined || !/^[a-z]$/i.test(absolute[1]))) {
    const scheme = absolute[1].toLowerCase();
    const web = scheme === 'http' || scheme === 'https';
    return {
      raw,
      scheme: web ? 'https' : scheme,
      host: absolute[2] === undefined ? '' : absolute[3].toLowerCase().replace(/^www\./, ''),
      path: absolute[2] === undefined ? `${absolute[3]}${absolute[4]}` : (absolute[4] || '/').replace(/\/+$/, '') || '/',
      fragment,
    };
  }
  const path = base
    .replace(/^(?:\.\/)+/, '')
    .replace(/\/\.\//g, '/')
    .replace(/\/+$/, '');
  return { raw, scheme: '', host: '', path, fragment };
}

/**
 * Whether a rewrite's target is the original's: the same target, optionally
 * with an anchor added (an original anchor must stay), an absolute form of a
 * root-relative or relative path, or http ↔ https, `www.`, a trailing slash.
 */
function sameTarget(original: Target, rewrite: Target): boolean {
  if (original.fragment !== '' && original.fragment !== rewrite.fragment) return false;
  if (original.scheme !== '') return original.scheme === rewrite.scheme && original.host === rewrite.host && original.path === rewrite.path;
  if (rewrite.scheme === '') return original.path === rewrite.path || (original.path === '' && rewrite.path === '');
  if (rewrite.scheme !== 'https') return false;
  // An absolute form of a relative target: the same path at the end of the URL.
  const tail = original.path.replace(/^(?:\.\.\/)+/, '').replace(/^\/+/, '');
  return tail !== '' && (rewrite.path === `/${tail}` || rewrite.path.endsWith(`/${tail}`));
}

function matchTargets(original: readonly string[], rewrite: readonly string[]): { found: number; missing: string[]; extra: Target[] } {
  const pool = rewrite.map((raw) => ({ target: parseTarget(raw), used: false }));
  const missing: string[] = [];
  let found = 0;
  for (const raw of original) {
    const target = parseTarget(raw);
    const hit =
      pool.find((c) => !c.used && sameTarget(target, c.target) && c.target.fragment === target.fragment) ??
      pool.find((c) => !c.used && sameTarget(target, c.target));
    if (hit) {
      hit.used = true;
      found++;
    } else {
      missing.push(raw);
    }
  }
  return { found, missing, extra: pool.filter((c) => !c.used).map((c) => c.target) };
}

function checkLinks(before: MarkdownStructure, after: MarkdownStructure, failures: string[]): { links: number; images: number } {
  const links = matchTargets(before.links, after.links);
  for (const target of links.missing) failures.push(`link ${target} is missing`);
  const images = matchTargets(before.images, after.images);
  for (const target of images.missing) failures.push(`image ${target} is missing`);

  // Active content: a rewrite may not add images, nor links to hosts or schemes the lesson does not use.
  const knownHosts = new Set([...before.links, ...before.images].map(parseTarget).map((t) => `${t.scheme}://${t.host}`));
  const originalImages = before.images.map(parseTarget);
  for (const image of images.extra) {
    if (originalImages.some((target) => sameTarget(target, image))) continue; // the lesson's own image, shown again
    failures.push(`the rewrite adds an image the lesson does not have (${quoteShort(image.raw)})`);
  }
  const newHosts: string[] = [];
  for (const link of links.extra) {
    if (link.scheme === '' || knownHosts.has(`${link.scheme}://${link.host}`)) continue;
    const label = link.host === '' ? `${link.scheme}:` : link.host;
    if (!newHosts.includes(label)) newHosts.push(label);
  }
  if (newHosts.length > 0) failures.push(`the rewrite links to sites the lesson does not link to: ${nameSome(newHosts)}`);
  return { links: links.found, images: images.found };
}

function elementLabel(element: HtmlElement): string {
  if (element.tag === 'input' && element.type === 'password') return 'a password field';
  if (element.tag === 'input' || element.tag === 'textarea' || element.tag === 'select') return `a form field (<${element.tag}>)`;
  if (element.tag === 'button') return 'a button';
  if (element.tag === 'form') return 'a form';
  if (element.tag === 'iframe' || element.tag === 'frame') return 'an embedded page (<iframe>)';
  if (element.tag === 'script') return 'a script';
  return `a <${element.tag}> element`;
}

function checkActiveHtml(before: readonly HtmlElement[], after: readonly HtmlElement[], failures: string[]): void {
  const key = (e: HtmlElement): string => `${e.tag}|${e.tag === 'input' ? e.type : ''}`;
  const added = unmatched(
    after.filter((e) => ACTIVE_TAGS.has(e.tag)),
    before.filter((e) => ACTIVE_TAGS.has(e.tag)),
    key,
  ).filter((e) => e.tag !== 'img' || e.target === ''); // an <img src> is reported with the images
  const labels = [...new Set(added.map(elementLabel))];
  if (labels.length > 0) failures.push(`the rewrite adds ${nameSome(labels)} that the lesson does not have`);
}

// ---------------------------------------------------------------------------
// Facts: numbers, inline code, table rows, admonitions
// ---------------------------------------------------------------------------

function checkNumbers(before: readonly NumberToken[], after: readonly NumberToken[], language: 'en' | 'ur', failures: string[]): number {
  const exact = (t: NumberToken): string => `${t.value}|${t.unit}`;
  let missing = unmatched(before, after, exact);
  if (missing.length > 0) {
    // Second chance, one to one with what is left: a number the lesson wrote without a unit may
    // gain one ("3 axes" → "3-axis"), and Urdu may write the unit in Urdu (the number stays).
    const left = unmatched(after, before, exact);
    const pool = new Map<string, NumberToken[]>();
    for (const t of left) pool.set(t.value, [...(pool.get(t.value) ?? []), t]);
    missing = missing.filter((t) => {
      const same = pool.get(t.value) ?? [];
      const at = same.findIndex((c) => t.unit === '' || (language === 'ur' && c.unit === ''));
      if (at < 0) return true;
      same.splice(at, 1);
      return false;
    });
  }
  if (missing.length > 0) failures.push(`numbers missing or changed: ${nameSome(missing.map((t) => `"${t.text}"`))}`);
  return before.length - missing.length;
}

function checkInlineCode(before: readonly string[], after: readonly string[], failures: string[]): number {
  const missing = unmatched(before, after, (code) => code);
  if (missing.length > 0)
    failures.push(`inline code missing or changed: ${nameSome(missing.map((code) => `\`${quoteShort(code, 50)}\``))}`);
  return before.length - missing.length;
}

function checkTables(before: MarkdownStructure, after: MarkdownStructure, failures: string[]): number {
  const withFacts = before.tableRows.filter((row) => row.signature !== '');
  const missing = unmatched(withFacts, after.tableRows, (row) => row.signature);
  for (const row of missing.slice(0, MAX_NAMED)) {
    failures.push(`table ${row.table}, row ${row.row} is missing or its numbers or code changed: "${quoteShort(row.text, 80)}"`);
  }
  if (missing.length > MAX_NAMED) failures.push(`${missing.length - MAX_NAMED} more table rows are missing or changed`);
  if (after.tableRows.length < before.tableRows.length) {
    failures.push(`the rewrite's tables have ${after.tableRows.length} rows, the lesson's ${before.tableRows.length}`);
  }
  return Math.min(after.tableRows.length, before.tableRows.length - missing.length);
}

function checkAdmonitions(before: readonly string[], after: readonly string[], failures: string[]): number {
  const missing = unmatched(before, after, (name) => name);
  const counts = new Map<string, number>();
  for (const name of missing) counts.set(name, (counts.get(name) ?? 0) + 1);
  for (const [name, n] of counts) {
    failures.push(
      `${n === 1 ? 'a' : n} :::${name} box${n === 1 ? ' is' : 'es are'} missing (the lesson has ${before.filter((b) => b === name).length})`,
    );
  }
  return before.length - missing.length;
}

// ---------------------------------------------------------------------------
// Headings
// ---------------------------------------------------------------------------

const STOP_WORDS = new Set(
  'a an and are as at be but by for from has have how in into is it its of on or that the this to was what when where which why with you your'.split(
    ' ',
  ),
);

/** A light English stemmer: enough to match "Sensors" with "sensor", "Sensing" with "sense". */
export function stem(word: string): string {
  let w = word.toLowerCase();
  for (const suffix of ['ations', 'ation', 'ings', 'ing', 'ments', 'ment', 'ness', 'ies', 'es', 'ed', 'ly', 's']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = suffix === 'ies' ? `${w.slice(0, -3)}y` : w.slice(0, -suffix.length);
      break;
    }
  }
  return w.length > 4 && w.endsWith('e') ? w.slice(0, -1) : w;
}

function stems(text: string): string[] {
  const all = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((word) => !STOP_WORDS.has(word));
  return [...new Set(all.map(stem))];
}

/** How well a rewrite heading matches an original one: the share of the original's words it has (0 when under half). */
function headingScore(original: readonly string[], rewrite: ReadonlySet<string>): number {
  // Words only: a section number ("3. Grounding" / "Part 3") says nothing about the topic.
  const words = original.filter((word) => /\p{L}/u.test(word));
  if (words.length === 0) return 0;
  const shared = words.filter((word) => rewrite.has(word)).length;
  return shared >= Math.ceil(words.length / 2) ? shared / words.length + shared / Math.max(rewrite.size, 1) : 0;
}

/**
 * Headings are matched in order: first by stemmed words (at least half of the
 * original's, the best-scoring order-preserving pairing), then by position —
 * an original heading with no word match is kept if the rewrite has an
 * unmatched heading in the same place (between the same matched neighbours):
 * a paraphrase or a translation. Levels may change. Returns, per original
 * heading, the index of its rewrite heading (undefined when missing).
 */
function checkHeadings(original: readonly Heading[], rewrite: readonly Heading[], failures: string[]): Array<number | undefined> {
  const a = original.map((h) => stems(h.text));
  const b = rewrite.map((h) => new Set(stems(h.text)));
  const n = a.length;
  const m = b.length;
  const score = a.map((words) => b.map((set) => headingScore(words, set)));
  // Heaviest common subsequence of word-matching headings.
  const best: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const pair = score[i][j] > 0 ? score[i][j] + best[i + 1][j + 1] : 0;
      best[i][j] = Math.max(pair, best[i + 1][j], best[i][j + 1]);
    }
  }
  const pairs: Array<[number, number]> = [];
  for (let i = 0, j = 0; i < n && j < m;) {
    if (score[i][j] > 0 && best[i][j] === score[i][j] + best[i + 1][j + 1]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (best[i + 1][j] >= best[i][j + 1]) i++;
    else j++;
  }
  const matchedTo: Array<number | undefined> = new Array<number | undefined>(n).fill(undefined);
  for (const [i, j] of pairs) matchedTo[i] = j;
  const anchors: Array<[number, number]> = [[-1, -1], ...pairs, [n, m]];
  for (let k = 0; k + 1 < anchors.length; k++) {
    const unmatchedOriginal = anchors[k + 1][0] - anchors[k][0] - 1;
    const freeRewrite = anchors[k + 1][1] - anchors[k][1] - 1;
    const kept = Math.min(unmatchedOriginal, freeRewrite);
    for (let x = 0; x < kept; x++) matchedTo[anchors[k][0] + 1 + x] = anchors[k][1] + 1 + x;
    for (let i = anchors[k][0] + 1 + kept; i < anchors[k + 1][0]; i++) {
      failures.push(`heading '${quoteShort(original[i].text)}' (level ${original[i].level}) is missing`);
    }
  }
  return matchedTo;
}

/** Sections of at least this many characters are compared by length. */
const SECTION_MIN_LENGTH = 400;
/** A section under this share of the lesson's section lost content (a deleted paragraph, a dropped list). */
export const MIN_SECTION_RATIO = 0.7;

/**
 * The text under each heading (and before the first), paired through the
 * heading match: a section much shorter than the lesson's lost content even
 * where no fact, code or link shows it. Used for Urdu, where words cannot be
 * compared.
 */
function checkSections(
  originalBody: string,
  rewriteBody: string,
  before: readonly Heading[],
  after: readonly Heading[],
  matchedTo: ReadonlyArray<number | undefined>,
  failures: string[],
): void {
  const short: string[] = [];
  for (let i = -1; i < before.length; i++) {
    if (i >= 0 && matchedTo[i] === undefined) continue;
    const start = i < 0 ? 0 : before[i].offset;
    const end = before[i + 1]?.offset ?? originalBody.length;
    let next = i + 1;
    while (next < before.length && matchedTo[next] === undefined) next++;
    const rewriteStart = i < 0 ? 0 : after[matchedTo[i] as number].offset;
    const rewriteEnd = next < before.length ? after[matchedTo[next] as number].offset : rewriteBody.length;
    // Sections whose following heading is missing are merged with the next one: compare like with like.
    const originalEnd = next < before.length ? before[next].offset : originalBody.length;
    const originalLength = codePointLength(originalBody.slice(start, Math.max(end, originalEnd)));
    if (originalLength < SECTION_MIN_LENGTH) continue;
    const rewriteLength = codePointLength(rewriteBody.slice(rewriteStart, Math.max(rewriteStart, rewriteEnd)));
    if (rewriteLength / originalLength < MIN_SECTION_RATIO) {
      short.push(i < 0 ? 'the introduction' : `'${quoteShort(before[i].text, 40)}'`);
    }
  }
  if (short.length > 0) failures.push(`sections are much shorter than the lesson's, content is missing: ${nameSome(short)}`);
}

// ---------------------------------------------------------------------------
// Prose: deleted paragraphs (English), Urdu script (Urdu)
// ---------------------------------------------------------------------------

const DISTINCTIVE_MIN_LENGTH = 5;
/** A lesson paragraph whose distinctive words mostly vanished from the rewrite was dropped. */
const MIN_DISTINCTIVE_KEPT = 0.5;
const MIN_DISTINCTIVE_WORDS = 4;

function checkParagraphs(before: MarkdownStructure, after: MarkdownStructure, failures: string[]): void {
  const paragraphs = before.blocks.filter((b) => b.kind === 'paragraph').map((b) => ({ text: b.text, words: stems(b.text) }));
  const frequency = new Map<string, number>();
  for (const p of paragraphs) for (const word of p.words) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  const rewriteWords = new Set(after.blocks.flatMap((b) => stems(b.text)));
  const dropped: string[] = [];
  for (const p of paragraphs) {
    const distinctive = p.words.filter((w) => w.length >= DISTINCTIVE_MIN_LENGTH && (frequency.get(w) ?? 0) <= 1 && !/^\d/.test(w));
    if (distinctive.length < MIN_DISTINCTIVE_WORDS) continue;
    const kept = distinctive.filter((w) => rewriteWords.has(w)).length;
    if (kept / distinctive.length < MIN_DISTINCTIVE_KEPT) dropped.push(`'${quoteShort(p.text, 50)}'`);
  }
  if (dropped.length > 0) failures.push(`paragraphs of the lesson are missing: ${nameSome(dropped)}`);
}

function letterCounts(text: string): { arabic: number; latin: number } {
  return {
    arabic: (text.match(/\p{Script=Arabic}/gu) ?? []).filter((c) => /\p{L}/u.test(c)).length,
    latin: (text.match(/\p{Script=Latin}/gu) ?? []).length,
  };
}

function checkUrdu(after: MarkdownStructure, failures: string[]): number {
  let arabic = 0;
  let latin = 0;
  const english: string[] = [];
  for (const block of after.blocks) {
    const counts = letterCounts(block.text);
    arabic += counts.arabic;
    latin += counts.latin;
    if (
      block.kind === 'paragraph' &&
      counts.latin >= ENGLISH_PARAGRAPH_LETTERS &&
      counts.arabic / (counts.arabic + counts.latin) < ENGLISH_PARAGRAPH_URDU_SHARE
    ) {
      english.push(`'${quoteShort(block.text, 50)}'`);
    }
  }
  const share = arabic + latin === 0 ? 1 : arabic / (arabic + latin);
  if (share < MIN_URDU_SHARE) {
    failures.push(
      `the rewrite is not in Urdu: ${Math.floor(share * 100)}% of its prose letters are Urdu (minimum ${Math.round(MIN_URDU_SHARE * 100)}%)`,
    );
  } else if (english.length > 0) {
    failures.push(`paragraphs are still in English: ${nameSome(english)}`);
  }
  return Math.round(share * 1000) / 1000;
}

// ---------------------------------------------------------------------------
// The check
// ---------------------------------------------------------------------------

/**
 * Compares a rewrite (already passed through normaliseRewrite) with the
 * original lesson. Fails, with one short, specific message per problem, when
 * a fact, code line, box, link, image or heading is missing or changed, when
 * active content or links to new sites were added, when an Urdu rewrite is
 * not in Urdu, when the length is out of bounds, or when the answer is empty
 * or opens with a preamble.
 */
export function checkFidelity(original: string, rewrite: string, options: FidelityOptions = {}): FidelityResult {
  const language = options.language ?? 'en';
  const originalBody = stripFrontMatter(original).trim();
  const rewriteBody = stripFrontMatter(rewrite).trim();
  const before = readStructure(originalBody);
  const after = readStructure(rewriteBody);

  const failures: string[] = [];
  const numbersFound = checkNumbers(before.numbers, after.numbers, language, failures);
  const inlineFound = checkInlineCode(before.inlineCode, after.inlineCode, failures);
  const rowsFound = checkTables(before, after, failures);
  const boxesFound = checkAdmonitions(before.admonitions, after.admonitions, failures);
  const codeFound = checkCodeBlocks(before.codeBlocks, after.codeBlocks, failures);
  const linked = checkLinks(before, after, failures);
  checkActiveHtml(before.html, after.html, failures);
  const headingMatch = checkHeadings(before.headings, after.headings, failures);
  const headingsFound = headingMatch.filter((j) => j !== undefined).length;
  let urduShare: number | undefined;
  if (language === 'ur') {
    urduShare = checkUrdu(after, failures);
    checkSections(originalBody, rewriteBody, before.headings, after.headings, headingMatch, failures);
  } else {
    checkParagraphs(before, after, failures);
  }

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
  if (opening !== '' && !opening.startsWith('#') && looksLikePreamble(opening) && !looksLikePreamble(firstLine(originalBody))) {
    failures.unshift('the answer has a preamble');
  }

  const metrics: FidelityResult['metrics'] = {
    codeBlocks: { expected: before.codeBlocks.length, found: codeFound },
    links: { expected: before.links.length, found: linked.links },
    headings: { expected: before.headings.length, found: headingsFound },
    numbers: { expected: before.numbers.length, found: numbersFound },
    inlineCode: { expected: before.inlineCode.length, found: inlineFound },
    tableRows: { expected: before.tableRows.length, found: rowsFound },
    admonitions: { expected: before.admonitions.length, found: boxesFound },
    images: { expected: before.images.length, found: linked.images },
    lengthRatio: Math.round(lengthRatio * 1000) / 1000,
    ...(urduShare === undefined ? {} : { urduShare }),
  };

  // An empty answer fails for that one reason; listing every missing part would only add noise.
  if (rewriteBody === '') return { passed: false, failures: ['the rewrite is empty'], metrics };
  return { passed: failures.length === 0, failures, metrics };
}
