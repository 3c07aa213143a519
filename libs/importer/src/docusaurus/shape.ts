import type { PlannedCategory, PlannedDoc, PlannedItem } from './plan';

/**
 * The Docusaurus tree (any depth) as Lectern's parts → chapters → lessons,
 * with deeper categories kept as nested groups inside a chapter. Pure.
 *
 * - A book whose top-level categories hold categories: each top-level
 *   category is a part, its categories are chapters, deeper ones are groups.
 *   Top-level docs between them form an unnamed part (`implicit`) of one-doc
 *   chapters, so no doc moves and no chapter number shifts.
 * - A book whose categories hold only docs (or a flat book): one unnamed part;
 *   each category is a chapter, each top-level doc a chapter of its own.
 * - A doc directly in a part is a chapter of its own (the sidebar shows it at
 *   that level), titled by its label.
 * - A category's overview page (index.md, README.md, <folder>/<folder>.md, or
 *   its `link`) is the first lesson of its chapter; a part's overview page is
 *   a chapter of its own, first in the part; both are linked from the title.
 */

export interface ShapedGroup {
  title: string;
  /** Lessons (by doc path) and sub-groups, in reading order. */
  overview?: string;
  items: ({ kind: 'doc'; doc: PlannedDoc } | ({ kind: 'group' } & ShapedGroup))[];
}

export interface ShapedChapter {
  title: string;
  /** The folder name the slug comes from ('' when the chapter is a single doc). */
  slugSource: string;
  /** Path of the overview doc, when the category has one. */
  overview?: PlannedDoc;
  /** Docs in reading order, each with the labels of the groups it sits in (outermost first). */
  lessons: { doc: PlannedDoc; groups: string[] }[];
}

export interface ShapedPart {
  title: string;
  slugSource: string;
  /** No part in the source: top-level docs, or a book without part-level folders. The reader does not show its title. */
  implicit: boolean;
  overview?: PlannedDoc;
  chapters: ShapedChapter[];
}

const depth = (item: PlannedItem): number => (item.kind === 'doc' ? 0 : 1 + Math.max(0, ...item.items.map(depth)));

export function shapeBook(items: readonly PlannedItem[], bookTitle: string): ShapedPart[] {
  const deep = items.some((item) => item.kind === 'category' && item.items.some((child) => child.kind === 'category'));
  if (!deep) {
    return [{ title: bookTitle, slugSource: '', implicit: true, chapters: items.map(chapterOf) }];
  }
  const parts: ShapedPart[] = [];
  let loose: ShapedPart | undefined;
  for (const item of items) {
    if (item.kind === 'doc') {
      if (!loose) {
        loose = { title: item.label, slugSource: '', implicit: true, chapters: [] };
        parts.push(loose);
      }
      loose.chapters.push(chapterOf(item));
      continue;
    }
    loose = undefined;
    const chapters: ShapedChapter[] = [];
    if (item.overview) chapters.push({ title: item.overview.label, slugSource: '', lessons: [{ doc: item.overview, groups: [] }] });
    chapters.push(...item.items.map(chapterOf));
    parts.push({ title: item.label, slugSource: item.path, implicit: false, ...(item.overview && { overview: item.overview }), chapters });
  }
  return parts;
}

function chapterOf(item: PlannedItem): ShapedChapter {
  if (item.kind === 'doc') return { title: item.label, slugSource: '', lessons: [{ doc: item, groups: [] }] };
  const lessons: { doc: PlannedDoc; groups: string[] }[] = [];
  if (item.overview) lessons.push({ doc: item.overview, groups: [] });
  collect(item.items, [], lessons);
  return { title: item.label, slugSource: item.path, ...(item.overview && { overview: item.overview }), lessons };
}

function collect(items: readonly PlannedItem[], groups: string[], out: { doc: PlannedDoc; groups: string[] }[]): void {
  for (const item of items) {
    if (item.kind === 'doc') out.push({ doc: item, groups });
    else {
      const inner = [...groups, item.label];
      if (item.overview) out.push({ doc: item.overview, groups: inner });
      collect(item.items, inner, out);
    }
  }
}

export { depth as treeDepth };
export type { PlannedCategory };
