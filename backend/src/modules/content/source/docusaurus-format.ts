import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import { LEARNING_GOALS, type LearningGoal } from '@lectern/api-types';
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
import type { ReadFormatResult } from './lectern-format';
import { expandLayerRange, isLayerId, isLearningGoal, readLessonFields, textValue, type LessonFields } from './lesson-fields';
import { estimateReadingMinutes, firstH1, rewriteLessonLinks, splitFrontMatter, stripDuplicateTitle, tidyBody } from './markdown';
import { degradeMdx } from './mdx';
import { prettifyName, splitNumberPrefix, stripExtension, toUrlSlug, uniqueSlug } from './naming';
import { formatProblems } from './validate-book';
import { isRecord, parseYaml } from './yaml-source';

/**
 * A Docusaurus docs tree read as a Lectern book.
 *
 * Where: `docs/` under the folder if there is one, else the folder itself.
 * Structure:
 * - each top-level folder is a part; each of its sub-folders is a chapter, and
 *   docs in deeper folders join that chapter (depth-first, in order);
 * - docs directly in a part folder form a chapter of their own, first in the
 *   part, with the part's title and slug;
 * - docs at the root form a first part "Introduction" (slug `introduction`)
 *   with one chapter "Introduction";
 * - folders without any doc are ignored; so are files and folders starting
 *   with `_` or `.` (Docusaurus partials), and docs with `draft: true`.
 * Order: `_category_` `position` / front matter `sidebar_position` first
 * (ascending), then numeric name prefixes (`01-intro.md`), then names; an
 * `index`/`README` doc without a position opens its folder.
 * Titles: `_category_.json`/`.yml` `label`, else the folder name prettified
 * (number prefix stripped, dashes → spaces, first letter capitalised). A doc's
 * title: front matter `title`, else its first `# heading`, else
 * `sidebar_label`, else its id prettified.
 * Slugs: a doc's front matter `slug` (last path segment), else its `id`, else
 * the file name without number prefix and extension (an `index`/`README` doc:
 * its folder's), made URL-safe; on a clash the chapter slug is put in front.
 * Layers: Docusaurus has none. Part n gets layer `L<n>`, capped at L5; the
 * book's layers are the ones used, labelled "Layer n". Goals: all five.
 * Chapter prerequisites: none. A doc's front matter may set Lectern's lesson
 * fields (`type`, `layer`, `goals`, `prerequisites`, `estimatedMinutes`).
 * Optional `lectern.yaml` beside `docs/` overrides the book's `slug`,
 * `title`, `description`, `version`, `layers`, default `goals`, and per part
 * (keyed by part slug) `title`, `layer`, `weeks`, `transitionCheck`.
 * Book title otherwise: `title:` in docusaurus.config.*, else the folder name;
 * description: its `tagline:`; version: package.json's, else 1.0.0.
 * Bodies: links to other docs → `/lessons/<slug>`, MDX degraded (see mdx.ts).
 */

export const OVERRIDES_FILE = 'lectern.yaml';
const CATEGORY_FILES = ['_category_.json', '_category_.yml', '_category_.yaml'];
const DOC_FILE = /\.mdx?$/i;
const INDEX_DOC = /^(?:index|readme)\.mdx?$/i;
const MAX_LAYER = 5;

interface DocFile {
  kind: 'doc';
  name: string;
  /** Book-relative path. */
  path: string;
  position?: number;
  id: string;
  slug?: string;
  sidebarLabel?: string;
  fields: LessonFields;
  body: string;
  bodyLine: number;
}

interface Folder {
  kind: 'folder';
  name: string;
  path: string;
  label?: string;
  position?: number;
  entries: (DocFile | Folder)[];
}

/** The docs root of a Docusaurus tree in `dir` (relative: `docs` or ''), or undefined if `dir` does not look like one. */
export async function findDocsRoot(dir: string): Promise<string | undefined> {
  if ((await isDirectory(join(dir, 'docs'))) && (await scanForDocs(join(dir, 'docs'))).docs) return 'docs';
  const here = await scanForDocs(dir);
  return here.docs && (here.categories || here.frontMatter) ? '' : undefined;
}

/** Reads the Docusaurus tree whose docs root is `docsRel` (relative to `dir`). */
export async function readDocusaurusBook(dir: string, docsRel: string): Promise<ReadFormatResult> {
  const problems: SourceProblem[] = [];
  const overrides = await readOverrides(dir);
  const root = await scanFolder(dir, docsRel, problems);

  const plans = planParts(root);
  const book = await bookMetadata(dir, overrides);
  const partSlugs = new Set<string>();
  const chapterSlugs = new Set<string>();
  const lessonSlugs = new Set<string>();
  let chapterNumber = 0;

  const planned = plans.map((plan, i) => {
    const number = i + 1;
    const slug = uniqueSlug(plan.slugBase || `part-${number}`, partSlugs);
    const override = overrides.parts.get(slug);
    const chapters = plan.chapters.map((chapterPlan, j) => {
      chapterNumber++;
      const chapterSlug = uniqueSlug(chapterPlan.slugBase || `chapter-${chapterNumber}`, chapterSlugs, slug);
      const docs = chapterPlan.docs.map((doc) => ({ doc, slug: uniqueSlug(lessonSlugBase(doc) || `lesson-${lessonSlugs.size + 1}`, lessonSlugs, chapterSlug) }));
      return { number: chapterNumber, localNumber: j + 1, slug: chapterSlug, title: chapterPlan.title, docs };
    });
    return {
      number,
      slug,
      title: override?.title ?? plan.title,
      layer: override?.layer ?? `L${Math.min(number, MAX_LAYER)}`,
      ...(override?.weeks !== undefined && { weeks: override.weeks }),
      ...(override?.transitionCheck !== undefined && { transitionCheck: override.transitionCheck }),
      chapters,
    };
  });

  const linkIndex = buildLinkIndex(
    planned.flatMap((part) => part.chapters.flatMap((chapter) => chapter.docs)),
    docsRel,
  );
  const goals = overrides.goals ?? [...LEARNING_GOALS];
  const parts: SourcePart[] = planned.map(({ chapters, ...part }) => ({
    ...part,
    chapters: chapters.map(
      ({ docs, ...chapter }): SourceChapter => ({
        ...chapter,
        prerequisites: [],
        lessons: docs.map(({ doc, slug }) => buildLesson(doc, slug, part.layer, goals, linkIndex, problems)),
      }),
    ),
  }));
  const layers = overrides.layers ?? layersUsed(parts);
  return { book: { ...book, layers, parts }, problems };
}

// ---------------------------------------------------------------------------
// Detection

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
      if (entry.isDirectory() && depth < 6) await walk(join(path, entry.name), depth + 1);
      else if (entry.isFile() && DOC_FILE.test(entry.name)) {
        found.docs = true;
        if (!found.frontMatter) found.frontMatter = /^(?:\uFEFF)?---[ \t]*\r?\n/.test(await readFile(join(path, entry.name), 'utf8'));
      }
    }
  };
  await walk(dir, 0);
  return found;
}

// ---------------------------------------------------------------------------
// The tree

async function scanFolder(bookDir: string, relPath: string, problems: SourceProblem[]): Promise<Folder> {
  const entries = (await listDir(join(bookDir, relPath))).sort((a, b) => a.name.localeCompare(b.name));
  const children: (DocFile | Folder)[] = [];
  let category: { label?: string; position?: number } = {};
  for (const entry of entries) {
    const path = posix.join(relPath, entry.name);
    if (entry.isFile() && CATEGORY_FILES.includes(entry.name)) {
      category = await readCategory(bookDir, path, problems);
    } else if (entry.name.startsWith('.') || entry.name.startsWith('_') || entry.name === 'node_modules') {
      continue;
    } else if (entry.isDirectory()) {
      const folder = await scanFolder(bookDir, path, problems);
      if (folder.entries.length > 0) children.push(folder);
    } else if (entry.isFile() && DOC_FILE.test(entry.name)) {
      const doc = await readDoc(bookDir, path, problems);
      if (doc) children.push(doc);
    }
  }
  return { kind: 'folder', name: basename(relPath || bookDir), path: relPath, ...category, entries: children.sort(compareEntries) };
}

async function readCategory(bookDir: string, path: string, problems: SourceProblem[]): Promise<{ label?: string; position?: number }> {
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
  const category: { label?: string; position?: number } = {};
  const label = textValue(value.label);
  if (label) category.label = label;
  else if (value.label !== undefined) problems.push({ path, line: lineOf('label'), message: '"label" must be a string; it is ignored' });
  if (typeof value.position === 'number' && Number.isFinite(value.position)) category.position = value.position;
  else if (value.position !== undefined) problems.push({ path, line: lineOf('position'), message: '"position" must be a number; it is ignored' });
  return category;
}

function lineOfJsonPosition(text: string, message: string): string | undefined {
  const position = /position (\d+)/.exec(message)?.[1];
  return position === undefined ? undefined : String(text.slice(0, Number(position)).split('\n').length);
}

async function readDoc(bookDir: string, path: string, problems: SourceProblem[]): Promise<DocFile | undefined> {
  const front = splitFrontMatter(await readFile(join(bookDir, path), 'utf8'));
  if (!front.ok) {
    problems.push({ path, line: front.line, message: `${front.message}; the doc is skipped` });
    return undefined;
  }
  const { data } = front;
  if (data.draft === true) return undefined;
  const fieldProblems: SourceProblem[] = [];
  const fields = readLessonFields(data, (key, message) =>
    fieldProblems.push({ path, line: front.lineOfKey(key), message: `front matter: ${message}; the doc is skipped` }),
  );
  if (fieldProblems.length > 0) {
    problems.push(...fieldProblems);
    return undefined;
  }
  const name = posix.basename(path);
  let position: number | undefined;
  if (typeof data.sidebar_position === 'number' && Number.isFinite(data.sidebar_position)) position = data.sidebar_position;
  else if (data.sidebar_position !== undefined) {
    problems.push({ path, line: front.lineOfKey('sidebar_position'), message: '"sidebar_position" must be a number; it is ignored' });
  }
  if (position === undefined && INDEX_DOC.test(name)) position = Number.NEGATIVE_INFINITY;
  return {
    kind: 'doc',
    name,
    path,
    position,
    id: textValue(data.id) || splitNumberPrefix(stripExtension(name)).rest,
    slug: textValue(data.slug),
    sidebarLabel: textValue(data.sidebar_label) || undefined,
    fields,
    body: front.body,
    bodyLine: front.bodyLine,
  };
}

/** Position (absent last), then numeric name prefix (absent last), then name. */
function compareEntries(a: DocFile | Folder, b: DocFile | Folder): number {
  return (
    compareOptional(a.position, b.position) ||
    compareOptional(namePrefix(a), namePrefix(b)) ||
    a.name.localeCompare(b.name, 'en', { numeric: true })
  );
}

function compareOptional(a: number | undefined, b: number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

function namePrefix(entry: DocFile | Folder): number | undefined {
  return splitNumberPrefix(entry.kind === 'doc' ? stripExtension(entry.name) : entry.name).number;
}

// ---------------------------------------------------------------------------
// Parts, chapters, lessons

interface ChapterPlan {
  title: string;
  slugBase: string;
  docs: DocFile[];
}

interface PartPlan {
  title: string;
  slugBase: string;
  chapters: ChapterPlan[];
}

const folderTitle = (folder: Folder): string => folder.label ?? prettifyName(folder.name);
const folderSlug = (folder: Folder): string => toUrlSlug(splitNumberPrefix(folder.name).rest);
const docsOf = (entries: readonly (DocFile | Folder)[]): DocFile[] => entries.filter((e): e is DocFile => e.kind === 'doc');
const foldersOf = (entries: readonly (DocFile | Folder)[]): Folder[] => entries.filter((e): e is Folder => e.kind === 'folder');

function planParts(root: Folder): PartPlan[] {
  const parts: PartPlan[] = [];
  const rootDocs = docsOf(root.entries);
  if (rootDocs.length > 0) {
    parts.push({ title: 'Introduction', slugBase: 'introduction', chapters: [{ title: 'Introduction', slugBase: 'introduction', docs: rootDocs }] });
  }
  for (const folder of foldersOf(root.entries)) {
    const title = folderTitle(folder);
    const slugBase = folderSlug(folder);
    const own = docsOf(folder.entries);
    const chapters: ChapterPlan[] = own.length > 0 ? [{ title, slugBase, docs: own }] : [];
    for (const sub of foldersOf(folder.entries)) chapters.push({ title: folderTitle(sub), slugBase: folderSlug(sub), docs: flattenDocs(sub) });
    parts.push({ title, slugBase, chapters });
  }
  return parts;
}

function flattenDocs(folder: Folder): DocFile[] {
  return folder.entries.flatMap((entry) => (entry.kind === 'doc' ? [entry] : flattenDocs(entry)));
}

function lessonSlugBase(doc: DocFile): string {
  const fromSlug = doc.slug
    ?.split('/')
    .filter((segment) => segment !== '')
    .pop();
  if (fromSlug) return toUrlSlug(fromSlug);
  if (INDEX_DOC.test(doc.name) && doc.id === splitNumberPrefix(stripExtension(doc.name)).rest) {
    const folder = posix.basename(posix.dirname(doc.path));
    if (folder !== '.' && folder !== '') return toUrlSlug(splitNumberPrefix(folder).rest);
  }
  return toUrlSlug(doc.id);
}

function buildLesson(
  doc: DocFile,
  slug: string,
  partLayer: string,
  goals: readonly LearningGoal[],
  linkIndex: ReadonlyMap<string, string>,
  problems: SourceProblem[],
): SourceLesson {
  const links = rewriteLessonLinks(doc.body, doc.path, linkIndex, { firstLine: doc.bodyLine });
  problems.push(...links.problems);
  const body = degradeMdx(links.markdown);
  const title = doc.fields.title ?? firstH1(body) ?? doc.sidebarLabel ?? prettifyName(doc.id);
  const markdown = tidyBody(stripDuplicateTitle(body, title));
  const layer: LayerId = doc.fields.layer ?? expandLayerRange(partLayer)?.[0] ?? 'L1';
  return {
    slug,
    title,
    type: doc.fields.type ?? 'lesson',
    layer,
    prerequisites: doc.fields.prerequisites ?? [],
    goals: doc.fields.goals ?? [...goals],
    estimatedMinutes: doc.fields.estimatedMinutes ?? estimateReadingMinutes(markdown),
    markdown,
    sourcePath: doc.path,
  };
}

/**
 * Every way a doc can be linked to: its file path; extension-less and
 * number-prefix-free forms (Docusaurus URL-relative links); the absolute file
 * path from the docs root (`/guide/intro.md`) and `@site/…`; its URL route
 * with and without the `/docs` base.
 */
function buildLinkIndex(docs: readonly { doc: DocFile; slug: string }[], docsRel: string): Map<string, string> {
  const index = new Map<string, string>();
  const add = (key: string, slug: string): void => {
    const normalized = key.length > 1 ? key.replace(/\/+$/, '') : key;
    if (!index.has(normalized)) index.set(normalized, slug);
  };
  for (const { doc, slug } of docs) add(doc.path, slug);
  for (const { doc, slug } of docs) {
    const dir = posix.dirname(doc.path);
    const fromDocsRoot = docsRel === '' ? doc.path : posix.relative(docsRel, doc.path);
    const routeDir = posix
      .dirname(fromDocsRoot)
      .split('/')
      .filter((s) => s !== '.')
      .map((s) => splitNumberPrefix(s).rest)
      .join('/');
    const strippedDir = [docsRel, routeDir].filter((s) => s !== '').join('/');
    const isIndex = INDEX_DOC.test(doc.name) && doc.id === splitNumberPrefix(stripExtension(doc.name)).rest;
    const leaf = isIndex ? '' : doc.id;
    add(posix.join(dir, doc.id), slug);
    add(posix.join(dir, stripExtension(doc.name)), slug);
    add(posix.join(strippedDir || '.', doc.id), slug);
    add(`/${fromDocsRoot}`, slug);
    add(`@site/${doc.path}`, slug);
    const route = doc.slug?.startsWith('/')
      ? doc.slug
      : `/${[routeDir, doc.slug ?? leaf].filter((s) => s !== '' && s !== undefined).join('/')}`;
    add(posix.normalize(`/docs${route}`), slug);
    add(posix.normalize(route), slug);
  }
  return index;
}

function layersUsed(parts: readonly SourcePart[]): LayerDef[] {
  const ids = new Set(parts.flatMap((part) => expandLayerRange(part.layer) ?? []));
  return [...ids].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))).map((id) => ({ id, label: `Layer ${id.slice(1)}` }));
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
async function bookMetadata(dir: string, overrides: Overrides): Promise<Omit<SourceBook, 'layers' | 'parts'>> {
  const config = await readFirst(dir, ['docusaurus.config.ts', 'docusaurus.config.js', 'docusaurus.config.mjs', 'docusaurus.config.cjs']);
  const configString = (key: string): string | undefined =>
    config === undefined ? undefined : new RegExp(`^\\s*${key}\\s*:\\s*(['"\`])(.+?)\\1`, 'm').exec(config)?.[2];
  const packageVersion = await readPackageVersion(dir);
  const title = overrides.title ?? configString('title') ?? prettifyName(basename(dir));
  return {
    slug: overrides.slug ?? (toUrlSlug(title) || 'book'),
    title,
    description: overrides.description ?? configString('tagline') ?? '',
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
