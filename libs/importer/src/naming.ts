/**
 * Names and slugs shared by the book-source readers.
 */

/** A URL-safe slug: lowercase ASCII letters and digits in dash-separated groups. */
export const URL_SAFE_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Turns any text into a URL-safe slug: accents dropped (`é` → `e`), lowercase,
 * every run of other characters → one dash, no leading or trailing dash.
 * Text without any ASCII letter or digit gives ''.
 */
export function toUrlSlug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const NUMBER_PREFIX = /^(\d+)\s*[-_.]+\s*(?=\S)/;
const VERSION_OR_DATE = /^\d+[-_.]\d+(?:[-_.\s]|$)/;

/**
 * Splits a Docusaurus-style number prefix off a file or folder name:
 * `01-intro` → { number: 1, rest: 'intro' }. Names without one (or that would
 * be empty without it) come back unchanged.
 */
export function splitNumberPrefix(name: string): { number?: number; rest: string } {
  // Docusaurus leaves version- and date-like names alone (`1.1-intro`, `2021-11-notes`).
  if (VERSION_OR_DATE.test(name)) return { rest: name };
  const match = NUMBER_PREFIX.exec(name);
  if (!match) return { rest: name };
  return { number: Number(match[1]), rest: name.slice(match[0].length) };
}

/** The file name without its extension: `01-intro.mdx` → `01-intro`. */
export function stripExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** A folder or file name as a label: number prefix stripped, dashes and underscores → spaces, first letter capitalised. */
export function prettifyName(name: string): string {
  const words = splitNumberPrefix(stripExtension(name))
    .rest.replace(/[-_]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Makes `wanted` unique among `taken` (which it then joins): first as is, then
 * with `prefix-` in front, then with `-2`, `-3`, … appended.
 */
export function uniqueSlug(wanted: string, taken: Set<string>, prefix?: string): string {
  const candidates = [wanted, ...(prefix && prefix !== wanted ? [`${prefix}-${wanted}`] : [])];
  let chosen = candidates.find((c) => !taken.has(c));
  for (let n = 2; chosen === undefined; n++) {
    const candidate = `${candidates[candidates.length - 1]}-${n}`;
    if (!taken.has(candidate)) chosen = candidate;
  }
  taken.add(chosen);
  return chosen;
}
