// Heading anchor ids, computed exactly as the server does
// (backend/src/modules/content/source/markdown.ts), so a heading without a
// server-given id still gets the id search results link to.

/**
 * GitHub's heading slug: lowercase; every character that is not a letter,
 * mark, number, connector (`_`), space or `-` removed; each space → `-`.
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

  /** Registers an id (explicit, server-given or computed), deduping it. */
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

/** Heading source → the text a reader sees: images → alt, links → their text, tags, emphasis and code marks dropped. */
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

function inlineCodeSpans(text: string): [number, number][] {
  const runs = [...text.matchAll(/`+/g)].map((m) => ({ start: m.index, length: m[0].length }));
  const spans: [number, number][] = [];
  for (let i = 0; i < runs.length; i++) {
    const open = runs[i];
    if (open.start > 0 && text[open.start - 1] === '\\') continue;
    for (let j = i + 1; j < runs.length; j++) {
      if (runs[j].length === open.length) {
        spans.push([open.start, runs[j].start + runs[j].length]);
        i = j;
        break;
      }
    }
  }
  return spans;
}

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
  for (let previous = ''; previous !== out; ) {
    previous = out;
    out = out
      .replace(/(\*\*?|~~)(?=\S)(.*?\S)\1/g, '$2')
      .replace(/(^|[^\p{L}\p{N}_])(__?)(?=\S)(.*?\S)\2(?![\p{L}\p{N}_])/gu, '$1$3');
  }
  return out.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}
