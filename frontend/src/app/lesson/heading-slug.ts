// Heading anchor ids: the algorithm is the server's (shared through
// @lectern/api-types), so a heading without a server-given id still gets the
// id search results link to.

export { HeadingSlugger, slugifyHeading } from '@lectern/api-types';

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
  for (let previous = ''; previous !== out;) {
    previous = out;
    out = out.replace(/(\*\*?|~~)(?=\S)(.*?\S)\1/g, '$2').replace(/(^|[^\p{L}\p{N}_])(__?)(?=\S)(.*?\S)\2(?![\p{L}\p{N}_])/gu, '$1$3');
  }
  return out.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}
