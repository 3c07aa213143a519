// Heading anchor ids are part of the contract: the server stores them with a
// lesson's headings and search results link to `/lessons/<slug>#<anchor>`, and
// the web app gives the rendered headings the same ids. One implementation,
// shared by both, so the two can never disagree.

/**
 * GitHub's heading slug (as github-slugger computes it): lowercase; every
 * character that is not a letter, mark, number, connector (`_`), space or `-`
 * removed; each space → `-`. Unicode letters are kept (`Привет мир` →
 * `привет-мир`).
 */
export function slugifyHeading(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Dedupes anchor ids within one document the way GitHub does: `intro`, `intro-1`, `intro-2`. */
export class HeadingSlugger {
  private readonly occurrences = new Map<string, number>();

  slug(text: string): string {
    return this.claim(slugifyHeading(text));
  }

  /** Registers an id (an explicit `{#id}`, a server-given or a computed slug), deduping it. */
  claim(base: string): string {
    let id = base;
    while (this.occurrences.has(id)) {
      const count = (this.occurrences.get(base) ?? 0) + 1;
      this.occurrences.set(base, count);
      id = `${base}-${count}`;
    }
    this.occurrences.set(id, 0);
    return id;
  }
}

/** A Docusaurus explicit id at the end of a heading: `## Title {#my-id}`. */
export const EXPLICIT_HEADING_ID = /[ \t]*\{#([^\s{}]+)\}[ \t]*$/;

/**
 * Inline code spans in `text` as [start, end) offsets: a run of N backticks up
 * to the next run of exactly N backticks in the same paragraph.
 */
export function inlineCodeSpans(text: string): [number, number][] {
  const runs = [...text.matchAll(/`+/g)].map((m) => ({ start: m.index, length: m[0].length }));
  const spans: [number, number][] = [];
  for (let i = 0; i < runs.length; i++) {
    const open = runs[i];
    if (open.start > 0 && text[open.start - 1] === '\\') continue;
    for (let j = i + 1; j < runs.length; j++) {
      const between = text.slice(open.start + open.length, runs[j].start);
      if (/\n[ \t]*\n/.test(between)) break;
      if (runs[j].length === open.length) {
        spans.push([open.start, runs[j].start + runs[j].length]);
        i = j;
        break;
      }
    }
  }
  return spans;
}

/** Heading source → the text a reader sees: images → alt text, links → their text, tags and emphasis marks dropped. */
export function headingPlainText(raw: string): string {
  let text = '';
  let at = 0;
  for (const [start, end] of inlineCodeSpans(raw)) {
    text += stripInlineMarkup(raw.slice(at, start)) + codeSpanContent(raw.slice(start, end));
    at = end;
  }
  text += stripInlineMarkup(raw.slice(at));
  return text.replace(/\s+/g, ' ').trim();
}

/** `` `x` `` → `x`; one space on each side is dropped when both are there (CommonMark). */
function codeSpanContent(span: string): string {
  const inner = span.replace(/^`+|`+$/g, '');
  return inner.length > 2 && inner.startsWith(' ') && inner.endsWith(' ') && inner.trim() !== '' ? inner.slice(1, -1) : inner;
}

function stripInlineMarkup(text: string): string {
  let out = text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1')
    .replace(/<\/?[A-Za-z][^>]*>/g, '');
  for (let previous = ''; previous !== out;) {
    previous = out;
    out = out.replace(/(\*\*?|~~)(?=\S)(.*?\S)\1/g, '$2').replace(/(^|[^\p{L}\p{N}_])(__?)(?=\S)(.*?\S)\2(?![\p{L}\p{N}_])/gu, '$1$3');
  }
  return out.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}
