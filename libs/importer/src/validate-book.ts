import { BookSourceError, type SourceBook, type SourceProblem } from './book-source.types';
import { expandLayerRange, isLearningGoal, LAYER_ID, LESSON_TYPES } from './lesson-fields';
import { URL_SAFE_SLUG } from './naming';

/**
 * Whole-book checks, run on every book a reader returns (and reusable by any
 * code holding a SourceBook): references resolve, prerequisite graphs have no
 * cycle, slugs are unique and URL-safe, layers and goals are known values.
 * Pure: no I/O, the book is not changed.
 */

export interface ValidateBookOptions {
  /** What book-level problems name as their path: the manifest, or the docs folder (default `book`). */
  bookPath?: string;
}

/** Every problem with the book (empty when it can be imported). */
export function validateBook(book: SourceBook, options: ValidateBookOptions = {}): SourceProblem[] {
  const bookPath = options.bookPath ?? 'book';
  const problems: SourceProblem[] = [];
  const bookProblem = (message: string): void => void problems.push({ path: bookPath, message });

  if (!URL_SAFE_SLUG.test(book.slug)) bookProblem(`book slug "${book.slug}" is not URL-safe (lowercase letters, digits, single dashes)`);
  if (book.title.trim() === '') bookProblem('the book has no title');

  const layerIds = new Set<string>();
  for (const layer of book.layers) {
    if (!LAYER_ID.test(layer.id)) bookProblem(`layer id "${layer.id}" must look like L1, L2, …`);
    if (layerIds.has(layer.id)) bookProblem(`layer ${layer.id} is defined twice`);
    layerIds.add(layer.id);
  }
  // A book without layers is fine (a Docusaurus book that declares none): its parts and lessons then have none either.

  checkParts(book, layerIds, bookProblem);
  checkChapters(book, bookProblem);
  checkLessons(book, layerIds, problems);

  if (book.parts.every((part) => part.chapters.every((chapter) => chapter.lessons.length === 0))) {
    bookProblem('the book has no lessons');
  }
  return problems;
}

/** Throws a BookSourceError listing every problem, if there is any. */
export function assertValidBook(book: SourceBook, options: ValidateBookOptions = {}): void {
  const problems = validateBook(book, options);
  if (problems.length > 0) {
    const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
    throw new BookSourceError(`Book "${book.slug}" cannot be imported (${count}):\n${formatProblems(problems)}`, problems);
  }
}

/** `path:line: message`, one per line, indented for error messages. */
export function formatProblems(problems: readonly SourceProblem[]): string {
  return problems.map((p) => `  - ${p.path}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`).join('\n');
}

type Sink = (message: string) => void;

function checkParts(book: SourceBook, layerIds: ReadonlySet<string>, problem: Sink): void {
  const numbers = new Set<number>();
  const slugs = new Set<string>();
  for (const part of book.parts) {
    const name = `part ${part.number} (${part.slug})`;
    if (numbers.has(part.number)) problem(`part number ${part.number} is used twice`);
    numbers.add(part.number);
    if (!URL_SAFE_SLUG.test(part.slug)) problem(`${name}: slug "${part.slug}" is not URL-safe`);
    else if (slugs.has(part.slug)) problem(`part slug "${part.slug}" is used twice`);
    slugs.add(part.slug);
    if (part.layer === null) {
      if (layerIds.size > 0) problem(`${name}: has no layer, but the book declares layers (${[...layerIds].join(', ')})`);
      continue;
    }
    const range = expandLayerRange(part.layer);
    if (!range) problem(`${name}: layer "${part.layer}" must be a layer (L2) or a range (L2-L3)`);
    else {
      const unknown = range.filter((id) => !layerIds.has(id));
      if (unknown.length > 0) problem(`${name}: layer ${unknown.join(', ')} is not one of the book's layers (${[...layerIds].join(', ')})`);
    }
  }
}

function checkChapters(book: SourceBook, problem: Sink): void {
  const chapters = book.parts.flatMap((part) => part.chapters);
  const numbers = new Set<number>();
  const slugs = new Set<string>();
  let previous = 0;
  for (const part of book.parts) {
    part.chapters.forEach((chapter, i) => {
      const name = `chapter ${chapter.number} (${chapter.slug})`;
      if (!Number.isInteger(chapter.number) || chapter.number < 1) problem(`${name}: chapter numbers must be whole numbers from 1`);
      if (numbers.has(chapter.number)) problem(`chapter number ${chapter.number} is used twice`);
      else if (chapter.number <= previous) problem(`${name} comes after chapter ${previous}: chapter numbers must ascend in reading order`);
      numbers.add(chapter.number);
      previous = Math.max(previous, chapter.number);
      if (chapter.localNumber !== i + 1) problem(`${name}: localNumber is ${chapter.localNumber}, expected ${i + 1} (its place in part ${part.number})`);
      if (!URL_SAFE_SLUG.test(chapter.slug)) problem(`${name}: slug "${chapter.slug}" is not URL-safe`);
      else if (slugs.has(chapter.slug)) problem(`chapter slug "${chapter.slug}" is used twice`);
      slugs.add(chapter.slug);
    });
  }
  for (const chapter of chapters) {
    for (const needed of chapter.prerequisites) {
      if (!numbers.has(needed)) problem(`chapter ${chapter.number} (${chapter.slug}) needs chapter ${needed}, which does not exist`);
    }
  }
  const byNumber = new Map(chapters.map((c) => [c.number, c]));
  const cycles = findCycles(
    chapters.map((c) => c.number),
    (n) => (byNumber.get(n)?.prerequisites ?? []).filter((p) => byNumber.has(p)),
  );
  for (const cycle of cycles) problem(`chapter prerequisites form a cycle: ${cycle.join(' → ')}`);
}

function checkLessons(book: SourceBook, layerIds: ReadonlySet<string>, problems: SourceProblem[]): void {
  const lessons = book.parts.flatMap((part) => part.chapters.flatMap((chapter) => chapter.lessons.map((lesson) => ({ part, lesson }))));
  const firstPath = new Map<string, string>();
  for (const { part, lesson } of lessons) {
    const problem = (message: string): void => void problems.push({ path: lesson.sourcePath, message: `lesson "${lesson.slug}": ${message}` });
    if (!URL_SAFE_SLUG.test(lesson.slug)) problem('slug is not URL-safe (lowercase letters, digits, single dashes)');
    const other = firstPath.get(lesson.slug);
    if (other !== undefined) problem(`slug is already used by ${other}`);
    else firstPath.set(lesson.slug, lesson.sourcePath);
    if (lesson.title.trim() === '') problem('has no title');
    if (!LESSON_TYPES.includes(lesson.type)) problem(`type "${lesson.type}" is not one of ${LESSON_TYPES.join(', ')}`);
    if (lesson.layer === null) {
      if (layerIds.size > 0) problem(`has no layer, but the book declares layers (${[...layerIds].join(', ')})`);
    } else if (!layerIds.has(lesson.layer)) problem(`layer ${lesson.layer} is not one of the book's layers (${[...layerIds].join(', ')})`);
    else {
      const range = part.layer === null ? undefined : expandLayerRange(part.layer);
      if (range && !range.includes(lesson.layer)) problem(`layer ${lesson.layer} is outside its part's layers (${part.layer})`);
    }
    if (lesson.goals.length === 0) problem('has no goals');
    const unknownGoals = lesson.goals.filter((g) => !isLearningGoal(g));
    if (unknownGoals.length > 0) problem(`unknown goal ${unknownGoals.join(', ')}`);
    if (!Number.isInteger(lesson.estimatedMinutes) || lesson.estimatedMinutes < 1) problem('estimatedMinutes must be a whole number above 0');
  }
  const bySlug = new Map(lessons.map(({ lesson }) => [lesson.slug, lesson]));
  for (const { lesson } of lessons) {
    for (const needed of lesson.prerequisites) {
      if (!bySlug.has(needed)) {
        problems.push({ path: lesson.sourcePath, message: `lesson "${lesson.slug}" needs lesson "${needed}", which does not exist` });
      }
    }
  }
  const cycles = findCycles([...bySlug.keys()], (slug) => (bySlug.get(slug)?.prerequisites ?? []).filter((p) => bySlug.has(p)));
  for (const cycle of cycles) {
    problems.push({ path: bySlug.get(cycle[0])?.sourcePath ?? 'book', message: `lesson prerequisites form a cycle: ${cycle.join(' → ')}` });
  }
}

/**
 * Every cycle a depth-first walk meets, each as a closed path
 * (`[4, 5, 4]`: 4 needs 5, 5 needs 4), each reported once.
 */
export function findCycles<T>(nodes: readonly T[], next: (node: T) => readonly T[]): T[][] {
  const state = new Map<T, 'active' | 'done'>();
  const stack: T[] = [];
  const cycles: T[][] = [];
  const seen = new Set<string>();
  const visit = (node: T): void => {
    state.set(node, 'active');
    stack.push(node);
    for (const target of next(node)) {
      const targetState = state.get(target);
      if (targetState === undefined) visit(target);
      else if (targetState === 'active') {
        const loop = stack.slice(stack.indexOf(target));
        const key = canonicalLoop(loop.map(String));
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...loop, target]);
        }
      }
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of nodes) if (!state.has(node)) visit(node);
  return cycles;
}

/** The same loop entered at any point gives the same key. */
function canonicalLoop(loop: readonly string[]): string {
  const rotations = loop.map((_, i) => [...loop.slice(i), ...loop.slice(0, i)].join('\u0000'));
  return rotations.sort()[0];
}
