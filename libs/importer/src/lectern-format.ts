import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { LEARNING_GOALS } from '@lectern/api-types';
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
import { expandLayerRange, isLayerId, LAYER_RANGE, readLessonFields, textValue, type LessonFields } from './lesson-fields';
import { parseMarkdown, type ParsedMarkdown } from '@lectern/markdown';
import { AssetCollector } from './assets';
import { estimateReadingMinutes, lessonBody, readFrontMatter, titleHeading } from './lesson-text';
import { prettifyName, toUrlSlug } from './naming';
import { formatProblems } from './validate-book';
import { formatYamlPath, isRecord, parseYaml, type YamlPath } from './yaml-source';

/**
 * Lectern's own book format: a `book.yaml` (or `book.yml`) manifest at the
 * root of the folder, and one Markdown file per lesson.
 *
 * Manifest: `slug`, `title` and `parts` are required; `description` (default
 * '') , `version` (default 1.0.0) and `layers` (default: the layers the parts
 * name, labelled "Layer n") are optional. A part has `title`, `layer` (`L1` or
 * a range `L2-L3`) and `chapters`, and optionally `number` (default: its
 * place), `slug` (default: from the title), `weeks`, `transitionCheck`. A
 * chapter has a global `number` (unique, ascending through the book), `title`,
 * `lessons`, optional `slug` and `prerequisites` (chapter numbers). A lesson
 * entry has `slug` and `file` (relative to the manifest), optionally `title`,
 * `type`, `layer`, `goals`, `prerequisites` (lesson slugs), `estimatedMinutes`.
 *
 * The lesson file's front matter may set the same optional fields, and wins
 * over the manifest; `slug` and `file` belong to the manifest only. Defaults:
 * title from the front matter, else the manifest, else the file's first
 * heading; layer from the lesson, else its part's (the first layer of a range
 * such as `L2-L3`); goals all five; type `lesson`; estimatedMinutes from the
 * text (200 prose words a minute, 10 code lines a minute, at least 1).
 *
 * Each lesson file is read once into the shared syntax tree
 * (@lectern/markdown) and printed back through the same transform as a
 * Docusaurus doc (lesson-text.ts): front matter dropped, a leading H1 that
 * repeats the title dropped, links to other lessons rewritten to
 * `/lessons/<slug>`, images and linked files beside the lessons taken into the
 * content store (a missing one is reported with its line).
 *
 * A malformed manifest throws a BookSourceError naming every problem and its
 * line. A lesson whose file is missing or whose front matter is broken is
 * reported as a SourceProblem and skipped; prerequisites naming a skipped
 * lesson are dropped (and reported), everything else still imports.
 */

export const MANIFEST_FILES = ['book.yaml', 'book.yml'] as const;

export interface ReadFormatResult {
  book: SourceBook;
  problems: SourceProblem[];
}

interface ManifestLesson {
  slug: string;
  file: string;
  line?: number;
  fields: LessonFields;
}

interface ManifestChapter extends Omit<SourceChapter, 'lessons'> {
  lessons: ManifestLesson[];
}

interface ManifestPart extends Omit<SourcePart, 'chapters' | 'layer'> {
  /** Required in book.yaml. */
  layer: string;
  chapters: ManifestChapter[];
}

export interface Manifest extends Omit<SourceBook, 'parts'> {
  parts: ManifestPart[];
}

/** Reads a Lectern-format book from `dir`, whose manifest is `manifestName`. */
export async function readLecternBook(dir: string, manifestName: string): Promise<ReadFormatResult> {
  const manifestText = await readFile(join(dir, manifestName), 'utf8');
  const { manifest, warnings } = parseManifest(manifestText, manifestName);
  const problems: SourceProblem[] = [...warnings];

  const entries = manifest.parts.flatMap((part) => part.chapters.flatMap((chapter) => chapter.lessons.map((lesson) => ({ part, lesson }))));
  const loaded = await Promise.all(entries.map(async ({ lesson }) => loadLessonFile(dir, lesson, manifestName, problems)));
  const files = new Map<ManifestLesson, LoadedLesson>();
  entries.forEach(({ lesson }, i) => {
    const file = loaded[i];
    if (file) files.set(lesson, file);
  });

  const linkIndex = new Map([...files.keys()].map((lesson) => [lesson.file, lesson.slug]));
  const loadedSlugs = new Set([...files.keys()].map((lesson) => lesson.slug));
  const skipped = new Set(entries.map(({ lesson }) => lesson.slug).filter((slug) => !loadedSlugs.has(slug)));

  // Images and linked files beside the lessons (or, written `/img/x.png`, from the book folder) go into the content store.
  const assets = new AssetCollector(dir, ['.']);
  const parts: SourcePart[] = manifest.parts.map((part) => ({
    ...part,
    chapters: part.chapters.map((chapter) => ({
      ...chapter,
      lessons: chapter.lessons.flatMap((lesson) => {
        const file = files.get(lesson);
        return file ? [buildLesson(part, lesson, file, linkIndex, assets, skipped, problems)] : [];
      }),
    })),
  }));
  return { book: { ...manifest, parts, assets: [...assets.assets.values()] }, problems };
}

interface LoadedLesson {
  /** The file's syntax tree (front matter included: its lines are the file's). */
  parsed: ParsedMarkdown;
  fields: LessonFields;
}

/** Reads one lesson file and its front matter; on any problem, reports it and returns undefined (the lesson is skipped). */
async function loadLessonFile(
  dir: string,
  lesson: ManifestLesson,
  manifestName: string,
  problems: SourceProblem[],
): Promise<LoadedLesson | undefined> {
  const listed = `listed in ${manifestName}${lesson.line !== undefined ? ` line ${lesson.line}` : ''} as "${lesson.slug}"`;
  let text: string;
  try {
    text = await readFile(join(dir, lesson.file), 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'lesson file not found' : `lesson file cannot be read (${String(error)})`;
    problems.push({ path: lesson.file, message: `${reason} (${listed}); the lesson is skipped` });
    return undefined;
  }
  const parsed = parseMarkdown(text, { mdx: /\.mdx$/i.test(lesson.file) });
  for (const problem of parsed.problems) problems.push({ path: lesson.file, line: problem.line, message: problem.message });
  const front = readFrontMatter(parsed);
  if (!front.ok) {
    problems.push({ path: lesson.file, line: front.line, message: `${front.message}; the lesson is skipped` });
    return undefined;
  }
  const fieldProblems: SourceProblem[] = [];
  const fields = readLessonFields(front.data, (key, message) =>
    fieldProblems.push({ path: lesson.file, line: front.lineOfKey(key), message: `front matter: ${message}; the lesson is skipped` }),
  );
  if (fieldProblems.length > 0) {
    problems.push(...fieldProblems);
    return undefined;
  }
  const ownSlug = textValue(front.data.slug);
  if (ownSlug !== undefined && ownSlug !== lesson.slug) {
    problems.push({
      path: lesson.file,
      line: front.lineOfKey('slug'),
      message: `front matter slug "${ownSlug}" is ignored: the slug comes from ${manifestName} ("${lesson.slug}")`,
    });
  }
  return { parsed, fields };
}

function buildLesson(
  part: ManifestPart,
  entry: ManifestLesson,
  file: LoadedLesson,
  linkIndex: ReadonlyMap<string, string>,
  assets: AssetCollector,
  skipped: ReadonlySet<string>,
  problems: SourceProblem[],
): SourceLesson {
  const fields: LessonFields = { ...entry.fields, ...file.fields };
  const title = fields.title ?? titleHeading(file.parsed.root) ?? prettifyName(entry.slug);
  const markdown = lessonBody(file.parsed, title, { path: entry.file, links: linkIndex, assets, problems });

  const prerequisites = (fields.prerequisites ?? []).filter((slug) => {
    if (!skipped.has(slug)) return true;
    problems.push({ path: entry.file, message: `prerequisite "${slug}" is dropped: that lesson was skipped` });
    return false;
  });
  return {
    slug: entry.slug,
    title,
    type: fields.type ?? 'lesson',
    layer: fields.layer ?? defaultLayer(part.layer),
    prerequisites,
    goals: fields.goals ?? [...LEARNING_GOALS],
    estimatedMinutes: fields.estimatedMinutes ?? estimateReadingMinutes(file.parsed.root),
    markdown,
    sourcePath: entry.file,
  };
}

/** A lesson without its own layer gets its part's, or the first of the part's range. */
function defaultLayer(partLayer: string): LayerId {
  const first = expandLayerRange(partLayer)?.[0];
  return first ?? 'L1';
}

// ---------------------------------------------------------------------------
// The manifest

/**
 * Parses and checks book.yaml. Every problem (YAML syntax, a missing required
 * field, a wrong type, a duplicate number or slug) is collected with its line
 * and thrown together as one BookSourceError. Unknown fields are warnings.
 */
export function parseManifest(text: string, fileName = 'book.yaml'): { manifest: Manifest; warnings: SourceProblem[] } {
  const parsed = parseYaml(text);
  if (!parsed.ok) {
    const problems = parsed.problems.map((p) => ({ path: fileName, line: p.line, message: p.message }));
    throw new BookSourceError(`${fileName} is not valid YAML:\n${formatProblems(problems)}`, problems);
  }
  const check = new ManifestChecker(fileName, parsed.lineOf);
  const manifest = readManifest(parsed.value, check);
  if (check.problems.length > 0 || !manifest) {
    throw new BookSourceError(`${fileName} is invalid:\n${formatProblems(check.problems)}`, check.problems);
  }
  return { manifest, warnings: check.warnings };
}

const BOOK_KEYS = ['slug', 'title', 'description', 'version', 'layers', 'glossary', 'parts'];
const PART_KEYS = ['number', 'slug', 'title', 'layer', 'weeks', 'transitionCheck', 'chapters'];
const CHAPTER_KEYS = ['number', 'slug', 'title', 'prerequisites', 'lessons'];
const LESSON_KEYS = ['slug', 'file', 'title', 'type', 'layer', 'goals', 'prerequisites', 'estimatedMinutes'];

class ManifestChecker {
  readonly problems: SourceProblem[] = [];
  readonly warnings: SourceProblem[] = [];

  constructor(
    private readonly file: string,
    readonly lineOf: (path: YamlPath) => number | undefined,
  ) {}

  fail(path: YamlPath, message: string): void {
    this.problems.push({ path: this.file, line: this.lineOf(path), message: path.length > 0 ? `${formatYamlPath(path)}: ${message}` : message });
  }

  mapping(value: unknown, path: YamlPath, allowedKeys: readonly string[]): Record<string, unknown> | undefined {
    if (!isRecord(value)) {
      this.fail(path, 'must be a mapping of "key: value" fields');
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!allowedKeys.includes(key)) {
        this.warnings.push({
          path: this.file,
          line: this.lineOf([...path, key]),
          message: `${formatYamlPath([...path, key])}: unknown field "${key}" is ignored`,
        });
      }
    }
    return value;
  }

  list(value: unknown, path: YamlPath): unknown[] | undefined {
    if (Array.isArray(value)) return value;
    this.fail(path, value === undefined || value === null ? 'missing required list' : 'must be a list');
    return undefined;
  }

  text(obj: Record<string, unknown>, key: string, path: YamlPath, required: boolean): string | undefined {
    const value = obj[key];
    if (value === undefined || value === null) {
      if (required) this.fail(path, `missing required field "${key}"`);
      return undefined;
    }
    const text = textValue(value);
    if (text === undefined || text === '') this.fail([...path, key], `"${key}" must be a non-empty string`);
    return text || undefined;
  }

  integer(obj: Record<string, unknown>, key: string, path: YamlPath, required: boolean): number | undefined {
    const value = obj[key];
    if (value === undefined || value === null) {
      if (required) this.fail(path, `missing required field "${key}"`);
      return undefined;
    }
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
    this.fail([...path, key], `"${key}" must be a whole number above 0 (got ${JSON.stringify(value)})`);
    return undefined;
  }
}

function readManifest(root: unknown, check: ManifestChecker): Manifest | undefined {
  const book = check.mapping(root, [], BOOK_KEYS);
  if (!book) return undefined;
  const slug = check.text(book, 'slug', [], true);
  const title = check.text(book, 'title', [], true);
  const description = check.text(book, 'description', [], false) ?? '';
  const version = check.text(book, 'version', [], false) ?? '1.0.0';
  const rawParts = check.list(book.parts, ['parts']);
  if (rawParts?.length === 0) check.fail(['parts'], 'the book needs at least one part');
  const parts = (rawParts ?? []).flatMap((raw, i) => {
    const part = readPart(raw, ['parts', i], i, check);
    return part ? [part] : [];
  });
  const layers = book.layers === undefined ? layersFromParts(parts) : readLayers(book.layers, check);

  checkUniqueNumbers(
    parts.map((p, i) => ({ number: p.number, path: ['parts', i, 'number'] })),
    'part',
    check,
  );
  checkUniqueNumbers(
    parts.flatMap((p, i) => p.chapters.map((c, j) => ({ number: c.number, path: ['parts', i, 'chapters', j, 'number'] }))),
    'chapter',
    check,
  );
  const seen = new Map<string, number | undefined>();
  parts.forEach((p, i) =>
    p.chapters.forEach((c, j) =>
      c.lessons.forEach((lesson, k) => {
        if (seen.has(lesson.slug)) {
          const first = seen.get(lesson.slug);
          check.fail(['parts', i, 'chapters', j, 'lessons', k, 'slug'], `lesson slug "${lesson.slug}" is already used${first ? ` on line ${first}` : ''}`);
        } else {
          seen.set(lesson.slug, lesson.line);
        }
      }),
    ),
  );
  if (slug === undefined || title === undefined || !rawParts) return undefined;
  let glossary: string[] | undefined;
  if (book.glossary !== undefined) {
    if (Array.isArray(book.glossary) && book.glossary.every((t) => typeof t === 'string' && t.trim() !== '')) glossary = book.glossary.map((t: string) => t.trim());
    else check.fail(['glossary'], '"glossary" must be a list of terms (strings)');
  }
  return { slug, title, description, version, layers, ...(glossary && { glossary }), parts };
}

function readLayers(value: unknown, check: ManifestChecker): LayerDef[] {
  const list = check.list(value, ['layers']) ?? [];
  return list.flatMap((raw, i) => {
    const layer = check.mapping(raw, ['layers', i], ['id', 'label']);
    if (!layer) return [];
    const id = check.text(layer, 'id', ['layers', i], true);
    const label = check.text(layer, 'label', ['layers', i], true);
    if (id !== undefined && !isLayerId(id)) check.fail(['layers', i, 'id'], `layer id "${id}" must look like L1, L2, …`);
    return id !== undefined && isLayerId(id) && label !== undefined ? [{ id, label }] : [];
  });
}

/** Without a `layers` list: every layer the parts name, in order, labelled "Layer n". */
function layersFromParts(parts: readonly ManifestPart[]): LayerDef[] {
  const ids = new Set(parts.flatMap((p) => expandLayerRange(p.layer) ?? []));
  return [...ids].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))).map((id) => ({ id, label: `Layer ${id.slice(1)}` }));
}

function readPart(raw: unknown, path: YamlPath, index: number, check: ManifestChecker): ManifestPart | undefined {
  const part = check.mapping(raw, path, PART_KEYS);
  if (!part) return undefined;
  const number = check.integer(part, 'number', path, false) ?? index + 1;
  const title = check.text(part, 'title', path, true);
  const slug = check.text(part, 'slug', path, false) ?? toUrlSlug(title ?? '');
  const layer = check.text(part, 'layer', path, true);
  if (layer !== undefined && !expandLayerRange(layer)) {
    check.fail([...path, 'layer'], `"layer" must be a layer (L2) or an ascending range (L2-L3), got "${layer}"`);
  }
  const weeks = check.text(part, 'weeks', path, false);
  const transitionCheck = check.text(part, 'transitionCheck', path, false);
  const chapters = (check.list(part.chapters, [...path, 'chapters']) ?? []).flatMap((rawChapter, i) => {
    const chapter = readChapter(rawChapter, [...path, 'chapters', i], i, check);
    return chapter ? [chapter] : [];
  });
  if (title === undefined || layer === undefined || !LAYER_RANGE.test(layer)) return undefined;
  return { number, slug, title, layer, ...(weeks !== undefined && { weeks }), ...(transitionCheck !== undefined && { transitionCheck }), chapters };
}

function readChapter(raw: unknown, path: YamlPath, index: number, check: ManifestChecker): ManifestChapter | undefined {
  const chapter = check.mapping(raw, path, CHAPTER_KEYS);
  if (!chapter) return undefined;
  const number = check.integer(chapter, 'number', path, true);
  const title = check.text(chapter, 'title', path, true);
  const slug = check.text(chapter, 'slug', path, false) ?? toUrlSlug(title ?? '');
  let prerequisites: number[] = [];
  if (chapter.prerequisites !== undefined && chapter.prerequisites !== null) {
    const list = chapter.prerequisites;
    if (Array.isArray(list) && list.every((n): n is number => typeof n === 'number' && Number.isInteger(n))) prerequisites = list;
    else check.fail([...path, 'prerequisites'], '"prerequisites" must be a list of chapter numbers');
  }
  const lessons = (check.list(chapter.lessons, [...path, 'lessons']) ?? []).flatMap((rawLesson, i) => {
    const lesson = readManifestLesson(rawLesson, [...path, 'lessons', i], check);
    return lesson ? [lesson] : [];
  });
  if (number === undefined || title === undefined) return undefined;
  return { number, localNumber: index + 1, slug, title, prerequisites, lessons };
}

function readManifestLesson(raw: unknown, path: YamlPath, check: ManifestChecker): ManifestLesson | undefined {
  const lesson = check.mapping(raw, path, LESSON_KEYS);
  if (!lesson) return undefined;
  const slug = check.text(lesson, 'slug', path, true);
  const file = check.text(lesson, 'file', path, true);
  const fields = readLessonFields(lesson, (key, message) => check.fail([...path, key], message));
  if (file !== undefined) {
    const normalized = posix.normalize(file);
    if (posix.isAbsolute(normalized) || normalized.startsWith('../')) {
      check.fail([...path, 'file'], `"file" must be a path inside the book folder, got "${file}"`);
      return undefined;
    }
    if (slug !== undefined) return { slug, file: normalized, line: check.lineOf(path), fields };
  }
  return undefined;
}

function checkUniqueNumbers(items: readonly { number: number; path: YamlPath }[], what: string, check: ManifestChecker): void {
  let previous = 0;
  const seen = new Set<number>();
  for (const { number, path } of items) {
    if (seen.has(number)) check.fail(path, `${what} number ${number} is used twice`);
    else if (number < previous) check.fail(path, `${what} ${number} comes after ${what} ${previous}: ${what} numbers must ascend`);
    seen.add(number);
    previous = Math.max(previous, number);
  }
}
