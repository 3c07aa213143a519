import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import { LEARNING_GOALS, type LearningGoal } from '@lectern/api-types';
import { headings, parseMarkdown, type Nodes, type ParsedMarkdown } from '@lectern/markdown';
import {
  BookSourceError,
  type LayerDef,
  type LayerId,
  type SourceBook,
  type SourceChapter,
  type SourceLesson,
  type SourcePart,
  type SourceProblem,
} from './book-source.types';
import { loadSidebars, type SiteConfig } from './docusaurus/author-code';
import { planBook, type CategoryMeta, type PlanDoc, type PlannedDoc, type PlannedItem } from './docusaurus/plan';
import { shapeBook } from './docusaurus/shape';
import { transformDoc } from './docusaurus/transform';
import type { ReadFormatResult } from './lectern-format';
import { AssetCollector } from './assets';
import { expandLayerRange, isLayerId, isLearningGoal, readLessonFields, textValue } from './lesson-fields';
import { estimateReadingMinutes, firstH1, readFrontMatter, rewriteImage, rewriteLink } from './lesson-text';
import { prettifyName, splitNumberPrefix, stripExtension, toUrlSlug, uniqueSlug } from './naming';
import { formatProblems } from './validate-book';
import { isRecord, parseYaml } from './yaml-source';

/**
 * A Docusaurus docs tree read as a Lectern book, in stages (IMPORT.md):
 * scan (files, `_category_` files, the sidebars file evaluated in a child
 * process, `docs.exclude` from the site config) → parse (each doc once through
 * @lectern/markdown) → plan (the Docusaurus rules, docusaurus/plan.ts) →
 * shape (parts, chapters, groups: docusaurus/shape.ts) → transform (MDX →
 * Lectern Markdown: docusaurus/transform.ts).
 *
 * The author's front matter is theirs: Lectern reads only Docusaurus's keys
 * (id, title, sidebar_label, sidebar_position, slug, draft, unlisted,
 * hide_title) and its own fields under a `lectern:` key (type, layer, goals,
 * prerequisites, estimatedMinutes). A broken `lectern:` field is a warning
 * and is ignored; a doc whose front matter is not YAML is read without it.
 * Layers exist only when `lectern.yaml` declares them; otherwise the book has
 * none and a lesson gets the first layer only if declared.
 */

export const OVERRIDES_FILE = 'lectern.yaml';
const CATEGORY_FILES = ['_category_.json', '_category_.yml', '_category_.yaml'];
const DOC_FILE = /\.mdx?$/i;

/** The docs root of a Docusaurus tree in `dir` (relative: `docs` or ''), or undefined if `dir` does not look like one. */
export async function findDocsRoot(dir: string, site?: SiteConfig): Promise<string | undefined> {
  const configured = site?.docsPath;
  if (configured && (await isDirectory(join(dir, configured))) && (await scanForDocs(join(dir, configured))).docs) return configured;
  if ((await isDirectory(join(dir, 'docs'))) && (await scanForDocs(join(dir, 'docs'))).docs) return 'docs';
  const here = await scanForDocs(dir);
  return here.docs && (here.categories || here.frontMatter) ? '' : undefined;
}

interface ScannedDoc {
  /** Relative to the docs root. */
  rel: string;
  /** Relative to the book folder (for messages). */
  path: string;
  parsed: ParsedMarkdown;
  front: Record<string, unknown>;
  lectern: Record<string, unknown>;
  lineOfKey(key: string): number | undefined;
}

/** Reads the Docusaurus tree whose docs root is `docsRel` (relative to `dir`). */
export async function readDocusaurusBook(dir: string, docsRel: string, site?: SiteConfig, siteProblems: readonly SourceProblem[] = []): Promise<ReadFormatResult> {
  const problems: SourceProblem[] = [...siteProblems];
  const overrides = await readOverrides(dir);

  // scan + parse
  const { docs, categories } = await scanDocs(dir, docsRel, problems);
  const sidebars = await loadSidebars(dir, problems, undefined, site?.sidebarPath);
  const exclude = site?.exclude ?? [];

  // plan
  const plan = planBook({
    docs: docs.map((d): PlanDoc => ({ path: d.rel, front: d.front, firstHeading: firstH1(d.parsed.root) })),
    categories,
    sidebars,
    exclude,
  });
  for (const problem of plan.problems) {
    if (problem.kind === 'excluded') continue; // the author excluded them on purpose
    problems.push({ path: problem.path === 'sidebars' ? 'sidebars' : posix.join(docsRel, problem.path), message: problem.message });
  }
  const meta = await bookMetadata(dir, overrides, site);
  const shaped = shapeBook(plan.items, meta.title);
  const byRel = new Map(docs.map((d) => [d.rel, d]));

  // slugs
  const partSlugs = new Set<string>();
  const chapterSlugs = new Set<string>();
  const lessonSlugs = new Set<string>();
  const lessonSlugOf = new Map<string, string>();
  let chapterNumber = 0;
  const planned = shaped.map((part, i) => {
    const number = i + 1;
    const slug = uniqueSlug(slugFrom(part.slugSource, part.title) || `part-${number}`, partSlugs);
    const chapters = part.chapters.map((chapter, j) => {
      chapterNumber++;
      const chapterSlug = uniqueSlug(slugFrom(chapter.slugSource, chapter.title) || `chapter-${chapterNumber}`, chapterSlugs, slug);
      const lessons = chapter.lessons.map(({ doc, groups }) => {
        const lessonSlug = uniqueSlug(lessonSlugBase(doc) || `lesson-${lessonSlugs.size + 1}`, lessonSlugs, chapterSlug);
        lessonSlugOf.set(doc.path, lessonSlug);
        return { doc, groups, slug: lessonSlug };
      });
      return { number: chapterNumber, localNumber: j + 1, slug: chapterSlug, title: chapter.title, overview: chapter.overview, lessons };
    });
    return { number, slug, title: part.title, implicit: part.implicit, overview: part.overview, chapters };
  });

  // transform
  const linkIndex = buildLinkIndex(planned.flatMap((p) => p.chapters.flatMap((c) => c.lessons.map((l) => ({ doc: l.doc, slug: l.slug })))), docsRel);
  const goals = overrides.goals ?? [...LEARNING_GOALS];
  const layers = overrides.layers ?? [];
  const components = new Map<string, { count: number; first: { path: string; line: number } }>();
  const assets = new AssetCollector(dir, ['static'], docsRel);
  const parts: SourcePart[] = planned.map((part) => {
    const override = overrides.parts.get(part.slug);
    const layer = override?.layer ?? (layers.length > 0 ? layers[0].id : null);
    return {
      number: part.number,
      slug: part.slug,
      title: override?.title ?? part.title,
      layer,
      ...(override?.weeks !== undefined && { weeks: override.weeks }),
      ...(override?.transitionCheck !== undefined && { transitionCheck: override.transitionCheck }),
      ...(part.implicit && { implicit: true }),
      ...(part.overview && { overview: lessonSlugOf.get(part.overview.path) }),
      chapters: part.chapters.map(
        (chapter): SourceChapter => ({
          number: chapter.number,
          localNumber: chapter.localNumber,
          slug: chapter.slug,
          title: chapter.title,
          prerequisites: [],
          ...(chapter.overview && { overview: lessonSlugOf.get(chapter.overview.path) }),
          lessons: chapter.lessons.map(({ doc, groups, slug }) => {
            if (doc.generated) return buildGeneratedIndex(doc, doc.generated, slug, groups, layer, layers, goals, lessonSlugOf);
            const scanned = byRel.get(doc.path);
            if (!scanned) throw new Error(`planned doc ${doc.path} was not scanned`);
            return buildLesson(scanned, doc, slug, groups, layer, layers, goals, linkIndex, problems, components, assets);
          }),
        }),
      ),
    };
  });
  const allSlugs = new Set(parts.flatMap((p) => p.chapters.flatMap((c) => c.lessons.map((l) => l.slug))));
  for (const lesson of parts.flatMap((p) => p.chapters.flatMap((c) => c.lessons))) {
    const unknown = lesson.prerequisites.filter((slug) => !allSlugs.has(slug));
    if (unknown.length === 0) continue;
    problems.push({ path: lesson.sourcePath, message: `lectern.prerequisites: ${unknown.map((u) => `"${u}"`).join(', ')} is not a lesson of this book; ignored` });
    lesson.prerequisites = lesson.prerequisites.filter((slug) => allSlugs.has(slug));
  }
  for (const [name, { count, first }] of components) {
    problems.push({
      path: first.path,
      line: first.line,
      message: `component <${name}> is not supported: shown as a labelled placeholder with its text only (${count} use${count === 1 ? '' : 's'} in the book)`,
    });
  }
  if (plan.readingOrder.length === 0) throw new BookSourceError(`"${dir}" has no documents to import (every doc is excluded, a draft, or not in the sidebars file)`, problems);
  return { book: { ...meta, layers, ...(overrides.glossary && { glossary: overrides.glossary }), parts, assets: [...assets.assets.values()] }, problems };
}

function slugFrom(folderPath: string, title: string): string {
  if (folderPath !== '') return toUrlSlug(splitNumberPrefix(posix.basename(folderPath)).rest);
  return toUrlSlug(title);
}


// ---------------------------------------------------------------------------
// Scan

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function listDir(path: string): Promise<Dirent[]> {
  try {
    return await readdir(path, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** Does the tree hold docs, `_category_` files, docs with front matter? */
async function scanForDocs(dir: string): Promise<{ docs: boolean; categories: boolean; frontMatter: boolean }> {
  const found = { docs: false, categories: false, frontMatter: false };
  const walk = async (path: string, depth: number): Promise<void> => {
    for (const entry of await listDir(path)) {
      if (CATEGORY_FILES.includes(entry.name)) found.categories = true;
      if (entry.name.startsWith('.') || entry.name.startsWith('_') || entry.name === 'node_modules') continue;
      if (entry.isDirectory() && depth < 8) await walk(join(path, entry.name), depth + 1);
      else if (entry.isFile() && DOC_FILE.test(entry.name)) {
        found.docs = true;
        if (!found.frontMatter) found.frontMatter = /^(?:\uFEFF)?---[ \t]*\r?\n/.test(await readFile(join(path, entry.name), 'utf8'));
      }
    }
  };
  await walk(dir, 0);
  return found;
}

async function scanDocs(
  bookDir: string,
  docsRel: string,
  problems: SourceProblem[],
): Promise<{ docs: ScannedDoc[]; categories: Map<string, CategoryMeta> }> {
  const docs: ScannedDoc[] = [];
  const categories = new Map<string, CategoryMeta>();
  const walk = async (rel: string): Promise<void> => {
    const entries = (await listDir(join(bookDir, docsRel, rel))).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const path = posix.join(docsRel, childRel);
      if (entry.isFile() && CATEGORY_FILES.includes(entry.name)) {
        categories.set(rel, await readCategory(bookDir, path, problems));
      } else if (entry.name.startsWith('.') || entry.name === 'node_modules') {
        continue;
      } else if (entry.isDirectory()) {
        await walk(childRel);
      } else if (entry.isFile() && DOC_FILE.test(entry.name)) {
        const doc = await readDoc(bookDir, path, childRel, problems);
        if (doc) docs.push(doc);
      }
    }
  };
  await walk('');
  return { docs, categories };
}

async function readDoc(bookDir: string, path: string, rel: string, problems: SourceProblem[]): Promise<ScannedDoc | undefined> {
  const text = await readFile(join(bookDir, path), 'utf8');
  const parsed = parseMarkdown(text, { mdx: /\.mdx$/i.test(path) || /^\s*(?:import|export)\s/m.test(text) || /<[A-Z]/.test(text) });
  for (const problem of parsed.problems) problems.push({ path, line: problem.line, message: problem.message });
  const read = readFrontMatter(parsed);
  let front: Record<string, unknown> = {};
  let lineOfKey: (key: string) => number | undefined = () => undefined;
  if (!read.ok && read.kind === 'yaml') {
    problems.push({ path, line: read.line, message: `${read.message}; the doc is skipped (Docusaurus cannot build it either)` });
    return undefined;
  } else if (!read.ok) {
    problems.push({ path, line: read.line, message: `${read.message}; the doc is read without it` });
  } else {
    front = read.data;
    lineOfKey = read.lineOfKey;
  }
  const lectern = isRecord(front.lectern) ? front.lectern : {};
  if (front.lectern !== undefined && !isRecord(front.lectern)) {
    problems.push({ path, line: lineOfKey('lectern'), message: '"lectern" must be a mapping of Lectern\'s lesson fields; it is ignored' });
  }
  return { rel, path, parsed, front, lectern, lineOfKey };
}

async function readCategory(bookDir: string, path: string, problems: SourceProblem[]): Promise<CategoryMeta> {
  const text = await readFile(join(bookDir, path), 'utf8');
  let value: unknown;
  let lineOf: (key: string) => number | undefined = () => undefined;
  if (path.endsWith('.json')) {
    try {
      value = JSON.parse(text) as unknown;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const line = /line (\d+)/.exec(message)?.[1] ?? lineOfJsonPosition(text, message);
      problems.push({ path, line: line !== undefined ? Number(line) : undefined, message: `not valid JSON (${message}); its label and position are ignored` });
      return {};
    }
  } else {
    const parsed = parseYaml(text);
    if (!parsed.ok) {
      problems.push({ path, line: parsed.problems[0].line, message: `${parsed.problems[0].message}; its label and position are ignored` });
      return {};
    }
    value = parsed.value;
    lineOf = (key) => parsed.lineOf([key]);
  }
  if (!isRecord(value)) {
    problems.push({ path, message: 'must be an object with "label" and "position"; it is ignored' });
    return {};
  }
  const category: CategoryMeta = { file: path };
  const label = textValue(value.label);
  if (label) category.label = label;
  else if (value.label !== undefined) problems.push({ path, line: lineOf('label'), message: '"label" must be a string; it is ignored' });
  if (typeof value.position === 'number' && Number.isFinite(value.position)) category.position = value.position;
  else if (value.position !== undefined) problems.push({ path, line: lineOf('position'), message: '"position" must be a number; it is ignored' });
  if (typeof value.collapsed === 'boolean') category.collapsed = value.collapsed;
  if (isRecord(value.link)) {
    if (value.link.type === 'doc' && typeof value.link.id === 'string') category.link = { type: 'doc', id: value.link.id };
    else if (value.link.type === 'generated-index') {
      category.link = {
        type: 'generated-index',
        ...(textValue(value.link.title) && { title: textValue(value.link.title) }),
        ...(textValue(value.link.description) && { description: textValue(value.link.description) }),
        ...(textValue(value.link.slug) && { slug: textValue(value.link.slug) }),
      };
    } else problems.push({ path, line: lineOf('link'), message: '"link" must be { type: doc, id } or { type: generated-index }; it is ignored' });
  }
  return category;
}

function lineOfJsonPosition(text: string, message: string): string | undefined {
  const position = /position (\d+)/.exec(message)?.[1];
  return position === undefined ? undefined : String(text.slice(0, Number(position)).split('\n').length);
}

// ---------------------------------------------------------------------------
// Lessons

function lessonSlugBase(doc: PlannedDoc): string {
  const fromSlug = doc.slug
    ?.split('/')
    .filter((segment) => segment !== '')
    .pop();
  if (fromSlug) return toUrlSlug(fromSlug);
  const parts = doc.id.split('/');
  const leaf = parts.pop() ?? doc.id;
  // An index page takes its folder's name (`line-follower/index.md` → line-follower).
  if (/^(?:index|readme)$/i.test(leaf) && parts.length > 0) return toUrlSlug(parts[parts.length - 1]);
  return toUrlSlug(leaf);
}

function buildLesson(
  scanned: ScannedDoc,
  doc: PlannedDoc,
  slug: string,
  groups: string[],
  partLayer: string | null,
  layers: readonly LayerDef[],
  goals: readonly LearningGoal[],
  linkIndex: ReadonlyMap<string, string>,
  problems: SourceProblem[],
  components: Map<string, { count: number; first: { path: string; line: number } }>,
  assets: AssetCollector,
): SourceLesson {
  const { path } = scanned;
  const fields = readLessonFields(scanned.lectern, (key, message) =>
    problems.push({ path, line: scanned.lineOfKey('lectern'), message: `lectern.${key}: ${message}; ignored` }),
  );
  const layerIds = new Set(layers.map((l) => l.id));
  if (fields.layer !== undefined && !layerIds.has(fields.layer)) {
    problems.push({ path, line: scanned.lineOfKey('lectern'), message: `lectern.layer ${fields.layer} is not one of the book's layers; ignored` });
    delete fields.layer;
  }
  const title = fields.title ?? doc.title;
  const refs = { path, links: linkIndex, assets, problems };
  let skippedTitle = false;
  const firstH1 = scanned.parsed.root.children.find((n) => n.type === 'heading');
  const markdown = transformDoc(scanned.parsed, {
    skip: (node: Nodes) => {
      if (skippedTitle || node !== firstH1 || node.type !== 'heading' || node.depth !== 1) return false;
      const text = headings({ type: 'root', children: [node] })[0]?.text ?? '';
      if (doc.hideTitle || text.trim().toLowerCase() === title.trim().toLowerCase()) {
        skippedTitle = true;
        return true;
      }
      return false;
    },
    link: (url, line) => rewriteLink(url, line, refs),
    image: (url, line) => rewriteImage(url, line, refs),
    unknownComponent: (name, line) => {
      const seen = components.get(name);
      if (seen) seen.count++;
      else components.set(name, { count: 1, first: { path, line } });
    },
  });
  const layer = fields.layer ?? firstLayer(partLayer) ?? layers[0]?.id ?? null;
  return {
    slug,
    title,
    type: fields.type ?? 'lesson',
    layer,
    prerequisites: fields.prerequisites ?? [],
    goals: fields.goals ?? [...goals],
    estimatedMinutes: fields.estimatedMinutes ?? estimateReadingMinutes(scanned.parsed.root),
    markdown,
    sourcePath: path,
    groups,
  };
}

/**
 * The page Docusaurus generates for a category linked to a generated index:
 * its description, then each item of the category linked (a sub-category
 * links to its own overview, else to its first page).
 */
function buildGeneratedIndex(
  doc: PlannedDoc,
  generated: NonNullable<PlannedDoc['generated']>,
  slug: string,
  groups: string[],
  partLayer: string | null,
  layers: readonly LayerDef[],
  goals: readonly LearningGoal[],
  lessonSlugOf: ReadonlyMap<string, string>,
): SourceLesson {
  const firstPage = (item: PlannedItem): PlannedDoc | undefined =>
    item.kind === 'doc' ? item : (item.overview ?? item.items.map(firstPage).find((d) => d !== undefined));
  const lines = generated.category.items.flatMap((item) => {
    const target = firstPage(item);
    const targetSlug = target && lessonSlugOf.get(target.path);
    return targetSlug ? [`- [${escapeLinkText(item.label)}](/lessons/${targetSlug})`] : [];
  });
  const markdown = [generated.description, lines.join('\n')].filter((block) => block !== undefined && block.trim() !== '').join('\n\n');
  return {
    slug,
    title: doc.title,
    type: 'lesson',
    layer: firstLayer(partLayer) ?? layers[0]?.id ?? null,
    prerequisites: [],
    goals: [...goals],
    estimatedMinutes: 1,
    markdown: markdown === '' ? '' : `${markdown}\n`,
    sourcePath: generated.file ?? 'sidebars',
    groups,
  };
}

/** The first layer of a part's layer or range; null for a part without one. */
const firstLayer = (partLayer: string | null): LayerId | null => (partLayer === null ? null : (expandLayerRange(partLayer)?.[0] ?? null));

const escapeLinkText = (text: string): string => text.replace(/[[\]\\]/g, '\\$&');

/**
 * Every way a doc can be linked to: its file path; extension-less and
 * number-prefix-free forms (Docusaurus URL-relative links); the absolute file
 * path from the docs root (`/guide/intro.md`) and `@site/…`; its URL route
 * with and without the `/docs` base.
 */
function buildLinkIndex(docs: readonly { doc: PlannedDoc; slug: string }[], docsRel: string): Map<string, string> {
  const index = new Map<string, string>();
  const add = (key: string, slug: string): void => {
    const normalized = key.length > 1 ? key.replace(/\/+$/, '') : key;
    if (!index.has(normalized)) index.set(normalized, slug);
  };
  const bookPath = (doc: PlannedDoc): string => posix.join(docsRel, doc.path);
  for (const { doc, slug } of docs) add(bookPath(doc), slug);
  for (const { doc, slug } of docs) {
    const full = bookPath(doc);
    const dir = posix.dirname(full);
    const name = posix.basename(doc.path);
    const leafId = doc.id.split('/').pop() ?? doc.id;
    const routeDir = posix.dirname(doc.id) === '.' ? '' : posix.dirname(doc.id);
    const strippedDir = [docsRel, routeDir].filter((s) => s !== '').join('/');
    add(posix.join(dir, leafId), slug);
    add(posix.join(dir, stripExtension(name)), slug);
    add(posix.join(strippedDir || '.', leafId), slug);
    add(`/${doc.path}`, slug);
    add(`/${full}`, slug);
    add(`@site/${full}`, slug);
    const isIndex = /^(?:index|readme)$/i.test(leafId);
    const route = doc.slug?.startsWith('/') ? doc.slug : `/${[routeDir, doc.slug ?? (isIndex ? '' : leafId)].filter((s) => s !== '').join('/')}`;
    add(posix.normalize(`/docs${route}`), slug);
    add(posix.normalize(route), slug);
  }
  return index;
}

// ---------------------------------------------------------------------------
// Book metadata and lectern.yaml overrides

interface PartOverride {
  title?: string;
  layer?: string;
  weeks?: string;
  transitionCheck?: string;
}

interface Overrides {
  slug?: string;
  title?: string;
  description?: string;
  version?: string;
  layers?: LayerDef[];
  goals?: LearningGoal[];
  glossary?: string[];
  parts: Map<string, PartOverride>;
}

async function readOverrides(dir: string): Promise<Overrides> {
  let text: string;
  try {
    text = await readFile(join(dir, OVERRIDES_FILE), 'utf8');
  } catch {
    return { parts: new Map() };
  }
  const parsed = parseYaml(text);
  if (!parsed.ok) {
    const problems = parsed.problems.map((p) => ({ path: OVERRIDES_FILE, line: p.line, message: p.message }));
    throw new BookSourceError(`${OVERRIDES_FILE} is not valid YAML:\n${formatProblems(problems)}`, problems);
  }
  const problems: SourceProblem[] = [];
  const fail = (path: (string | number)[], message: string): void => void problems.push({ path: OVERRIDES_FILE, line: parsed.lineOf(path), message });
  const root = parsed.value ?? {};
  const overrides: Overrides = { parts: new Map() };
  if (!isRecord(root)) {
    fail([], 'must be a mapping of "key: value" fields');
    throw new BookSourceError(`${OVERRIDES_FILE} is invalid:\n${formatProblems(problems)}`, problems);
  }
  for (const key of ['slug', 'title', 'description', 'version'] as const) {
    if (root[key] === undefined) continue;
    const value = textValue(root[key]);
    if (value) overrides[key] = value;
    else fail([key], `"${key}" must be a non-empty string`);
  }
  if (root.layers !== undefined) {
    const layers = Array.isArray(root.layers) ? root.layers : [];
    overrides.layers = layers.flatMap((layer: unknown, i) => {
      const id = isRecord(layer) ? textValue(layer.id) : undefined;
      const label = isRecord(layer) ? textValue(layer.label) : undefined;
      if (id !== undefined && isLayerId(id) && label) return [{ id, label }];
      fail(['layers', i], 'each layer needs an "id" (L1, L2, …) and a "label"');
      return [];
    });
    if (!Array.isArray(root.layers)) fail(['layers'], '"layers" must be a list of { id, label }');
  }
  if (root.goals !== undefined) {
    if (Array.isArray(root.goals) && root.goals.length > 0 && root.goals.every(isLearningGoal)) overrides.goals = root.goals;
    else fail(['goals'], `"goals" must be a non-empty list of: ${LEARNING_GOALS.join(', ')}`);
  }
  if (root.glossary !== undefined) {
    if (Array.isArray(root.glossary) && root.glossary.every((t) => typeof t === 'string' && t.trim() !== '')) overrides.glossary = root.glossary.map((t: string) => t.trim());
    else fail(['glossary'], '"glossary" must be a list of terms');
  }
  if (root.parts !== undefined) {
    if (!isRecord(root.parts)) fail(['parts'], '"parts" must map part slugs to { title, layer, weeks, transitionCheck }');
    else {
      for (const [slug, value] of Object.entries(root.parts)) {
        if (!isRecord(value)) {
          fail(['parts', slug], 'must be a mapping');
          continue;
        }
        const part: PartOverride = {};
        for (const key of ['title', 'layer', 'weeks', 'transitionCheck'] as const) {
          if (value[key] === undefined) continue;
          const text = textValue(value[key]);
          if (text) part[key] = text;
          else fail(['parts', slug, key], `"${key}" must be a non-empty string`);
        }
        if (part.layer !== undefined && !expandLayerRange(part.layer)) fail(['parts', slug, 'layer'], `"layer" must be L2 or a range L2-L3, got "${part.layer}"`);
        overrides.parts.set(slug, part);
      }
    }
  }
  if (problems.length > 0) throw new BookSourceError(`${OVERRIDES_FILE} is invalid:\n${formatProblems(problems)}`, problems);
  return overrides;
}

/** Slug, title, description and version: lectern.yaml, else docusaurus.config.*, package.json and the folder name. */
async function bookMetadata(dir: string, overrides: Overrides, site: SiteConfig | undefined): Promise<Omit<SourceBook, 'layers' | 'parts'>> {
  const packageVersion = await readPackageVersion(dir);
  const title = overrides.title ?? site?.title ?? prettifyName(basename(dir));
  return {
    slug: overrides.slug ?? (toUrlSlug(title) || 'book'),
    title,
    description: overrides.description ?? site?.tagline ?? '',
    version: overrides.version ?? packageVersion ?? '1.0.0',
  };
}

async function readFirst(dir: string, names: readonly string[]): Promise<string | undefined> {
  for (const name of names) {
    try {
      return await readFile(join(dir, name), 'utf8');
    } catch {
      // try the next name
    }
  }
  return undefined;
}

async function readPackageVersion(dir: string): Promise<string | undefined> {
  const text = await readFirst(dir, ['package.json']);
  if (text === undefined) return undefined;
  try {
    const json = JSON.parse(text) as unknown;
    return isRecord(json) && typeof json.version === 'string' && json.version !== '' ? json.version : undefined;
  } catch {
    return undefined;
  }
}
