import { posix } from 'node:path';
import { countCodeLines, countWords, frontMatter, headings, plainText, type Nodes, type ParsedMarkdown, type Root } from '@lectern/markdown';
import type { AssetCollector } from './assets';
import { assetUrl, isFileLink } from './assets';
import type { SourceProblem } from './book-source.types';
import { transformDoc } from './docusaurus/transform';
import { isRecord, parseYaml } from './yaml-source';

/**
 * What both book formats read from a lesson's syntax tree (@lectern/markdown):
 * its front matter, its title heading, its reading time, and its body as
 * Lectern stores it (links between lessons and to the book's files
 * rewritten). Nothing here scans text line by line: code, headings and links
 * are what the tree says they are.
 */

// ---------------------------------------------------------------------------
// Front matter

export type FrontMatterResult =
  | {
      ok: true;
      /** The front matter's keys and values ({} when the file has none). */
      data: Record<string, unknown>;
      /** File line of a top-level front matter key, for messages. */
      lineOfKey(key: string): number | undefined;
    }
  | { ok: false; kind: 'unclosed' | 'yaml' | 'not-mapping'; line: number; message: string };

/**
 * The YAML front matter of a parsed file (the tree's `yaml` node). A file
 * without one is fine (no fields); an unclosed block, a YAML error or a front
 * matter that is not a mapping is a failure with its file line.
 */
export function readFrontMatter(parsed: ParsedMarkdown): FrontMatterResult {
  const block = frontMatter(parsed.root);
  if (!block) {
    const first = parsed.root.children[0];
    // remark reads an unclosed `---` block as a thematic break and text.
    if (first?.type === 'thematicBreak' && first.position?.start.line === 1 && /^---[ \t]*(?:\n|$)/.test(parsed.source)) {
      return { ok: false, kind: 'unclosed', line: 1, message: 'front matter starts with "---" but has no closing "---" line' };
    }
    return { ok: true, data: {}, lineOfKey: () => undefined };
  }
  const parsedYaml = parseYaml(block.yaml, block.line);
  if (!parsedYaml.ok) {
    const first = parsedYaml.problems[0];
    return { ok: false, kind: 'yaml', line: first.line ?? block.line, message: `front matter: ${first.message}` };
  }
  const value = parsedYaml.value ?? {};
  if (!isRecord(value)) return { ok: false, kind: 'not-mapping', line: block.line, message: 'front matter must be a YAML mapping of "key: value" lines' };
  return { ok: true, data: value, lineOfKey: (key) => parsedYaml.lineOf([key]) };
}

// ---------------------------------------------------------------------------
// Title and reading time

/** The title heading's text: the first H1 if there is one, else the first heading of any level. */
export function titleHeading(root: Root): string | undefined {
  const all = headings(root);
  return (all.find((h) => h.level === 1) ?? all[0])?.text || undefined;
}

/** The first H1's text, if any. */
export function firstH1(root: Root): string | undefined {
  return headings(root).find((h) => h.level === 1)?.text || undefined;
}

export const PROSE_WORDS_PER_MINUTE = 200;
export const CODE_LINES_PER_MINUTE = 10;

/** Reading time in whole minutes: prose at 200 words a minute plus code at 10 lines a minute, at least 1. */
export function estimateReadingMinutes(root: Root): number {
  const minutes = countWords(root) / PROSE_WORDS_PER_MINUTE + countCodeLines(root) / CODE_LINES_PER_MINUTE;
  return Math.max(1, Math.round(minutes));
}

const sameTitle = (a: string, b: string): boolean => a.replace(/\s+/g, ' ').trim().toLowerCase() === b.replace(/\s+/g, ' ').trim().toLowerCase();

/** The H1 that opens the body (first node after the front matter), when its text is `title`: Lectern shows the title itself. */
export function leadingTitleHeading(root: Root, title: string): Nodes | undefined {
  const first = root.children.find((node) => node.type !== 'yaml');
  if (first?.type !== 'heading' || first.depth !== 1) return undefined;
  const text = headings({ type: 'root', children: [first] })[0]?.text ?? plainText(first);
  return sameTitle(text, title) ? first : undefined;
}

// ---------------------------------------------------------------------------
// Links between lessons

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

export interface LessonRefs {
  /** The lesson's book-relative path. */
  path: string;
  links: LessonLinkIndex;
  /** The book's files (images, downloads); without it, image and file URLs stay as written. */
  assets?: AssetCollector;
  problems: SourceProblem[];
}

/** The link hook of the transform: lesson links → `/lessons/<slug>#anchor`, file links → asset URLs; broken ones reported. */
export function rewriteLink(url: string, line: number, refs: LessonRefs): string | undefined {
  const { path, problems } = refs;
  const target = resolveLessonLink(url, path, refs.links);
  if (target.kind === 'lesson') return `/lessons/${target.slug}${target.anchor ? `#${target.anchor}` : ''}`;
  if (target.kind === 'other' && refs.assets && isFileLink(url)) {
    const file = refs.assets.resolve(url, path);
    if (file.kind === 'found') return assetUrl(file.asset);
    if (file.kind === 'missing') problems.push({ path, line, message: `linked file "${url}" is missing (looked for ${file.tried})` });
    if (file.kind === 'too-large') problems.push({ path, line, message: `linked file "${url}" is over 20 MB; left as written` });
    return undefined;
  }
  if (target.kind === 'missing') {
    problems.push({ path, line, message: `link "${url}" does not point at a lesson of this book (it resolves to ${target.target}, which is not an imported lesson)` });
  }
  return undefined;
}

/** The image hook of the transform: the book's images → asset URLs; a missing one is reported and left as written. */
export function rewriteImage(url: string, line: number, refs: LessonRefs): string | undefined {
  if (!refs.assets) return undefined;
  const { path, problems } = refs;
  const file = refs.assets.resolve(url, path);
  if (file.kind === 'found') return assetUrl(file.asset);
  if (file.kind === 'missing') problems.push({ path, line, message: `image "${url}" is missing (looked for ${file.tried})` });
  if (file.kind === 'too-large') problems.push({ path, line, message: `image "${url}" is over 20 MB; left as written` });
  return undefined;
}

/**
 * A Lectern-format lesson's body as stored: the tree printed back through the
 * same transform as a Docusaurus doc (front matter dropped, code fences with
 * their titles and highlights, links and images rewritten), without a leading
 * H1 that repeats the title.
 */
export function lessonBody(parsed: ParsedMarkdown, title: string, refs: LessonRefs): string {
  const titleHeadingNode = leadingTitleHeading(parsed.root, title);
  return transformDoc(parsed, {
    skip: (node) => node === titleHeadingNode,
    link: (url, line) => rewriteLink(url, line, refs),
    image: (url, line) => rewriteImage(url, line, refs),
  });
}
