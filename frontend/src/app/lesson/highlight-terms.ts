/** Words a search highlights nothing for. */
const STOP_WORDS = new Set(
  (
    'a an and are as at be but by can do does for from has have how in into is it its not of on or so than that the their then there ' +
    'these this those to was were what when where which who why will with you your'
  ).split(' '),
);

/** Endings dropped so that a word matches its family ("balancing" → "balanc": balance, balanced). */
const SUFFIXES = ['ing', 'ed', 'es', 's', 'ly'];

/** Terms highlighted at most. */
const MAX_TERMS = 8;

/**
 * The stems of a search query's words worth highlighting: letters and digits,
 * at least 3 characters (2 with a digit: "3d"), stop words dropped, common
 * endings removed while at least 4 characters stay; lower-cased, distinct.
 */
export function searchTerms(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms: string[] = [];
  for (const word of words) {
    if (STOP_WORDS.has(word) || (word.length < 3 && !/\p{N}/u.test(word)) || word.length < 2) continue;
    let stem = word;
    for (const suffix of SUFFIXES) {
      if (stem.endsWith(suffix) && stem.length - suffix.length >= 4) {
        stem = stem.slice(0, -suffix.length);
        break;
      }
    }
    if (!terms.includes(stem)) terms.push(stem);
    if (terms.length === MAX_TERMS) break;
  }
  return terms;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const HEADING = /^H[1-6]$/;

function headingLevel(element: Element): number {
  return HEADING.test(element.tagName) ? Number(element.tagName[1]) : 0;
}

/**
 * The part of the rendered lesson a result points at: from the heading with
 * id `sectionId` to the next heading of the same or a higher level; without
 * one, the introduction (up to the first heading).
 */
function sectionRange(container: HTMLElement, sectionId: string | null): { start: Element | null; end: Element | null } | null {
  const headings = Array.from(container.querySelectorAll('h1, h2, h3, h4, h5, h6'));
  if (!sectionId) return { start: null, end: headings[0] ?? null };
  const index = headings.findIndex((h) => h.id === sectionId);
  if (index < 0) return null;
  const start = headings[index];
  const level = headingLevel(start);
  const end = headings.slice(index + 1).find((h) => headingLevel(h) <= level) ?? null;
  return { start, end };
}

function inRange(node: Node, range: { start: Element | null; end: Element | null }): boolean {
  if (range.start && !(range.start.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING) && !range.start.contains(node)) return false;
  if (range.end && !(range.end.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_PRECEDING)) return false;
  return true;
}

/**
 * Wraps the words of `terms` (see searchTerms: a word starting with a term
 * matches) in `<mark class="search-hit">` in the text of one section of the
 * rendered lesson (the heading `sectionId`'s, the introduction without one),
 * or in the whole lesson when the section has none of them. Only text nodes
 * are split: no markup is parsed, so nothing the page did not have can
 * appear. Buttons (Copy) are left alone. Returns the marks, in order.
 */
export function highlightTerms(container: HTMLElement, terms: readonly string[], sectionId: string | null): HTMLElement[] {
  if (terms.length === 0) return [];
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${terms.map(escapeRegExp).join('|')})[\\p{L}\\p{N}]*`, 'giu');
  const range = sectionRange(container, sectionId);
  const marks = range ? wrap(container, pattern, (node) => inRange(node, range)) : [];
  return marks.length ? marks : wrap(container, pattern, () => true);
}

function wrap(container: HTMLElement, pattern: RegExp, accept: (node: Node) => boolean): HTMLElement[] {
  const doc = container.ownerDocument;
  const walker = doc.createTreeWalker(container, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) =>
      node.parentElement?.closest('button, mark, script, style') || !accept(node) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const nodes: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node as Text);
  const marks: HTMLElement[] = [];
  for (const node of nodes) {
    const text = node.data;
    pattern.lastIndex = 0;
    const matches = Array.from(text.matchAll(pattern));
    if (matches.length === 0) continue;
    const fragment = doc.createDocumentFragment();
    let at = 0;
    for (const match of matches) {
      const index = match.index ?? 0;
      if (index > at) fragment.append(text.slice(at, index));
      const mark = doc.createElement('mark');
      mark.className = 'search-hit';
      mark.dataset['testid'] = 'search-hit';
      mark.textContent = match[0];
      fragment.append(mark);
      marks.push(mark);
      at = index + match[0].length;
    }
    if (at < text.length) fragment.append(text.slice(at));
    node.replaceWith(fragment);
  }
  return marks;
}
