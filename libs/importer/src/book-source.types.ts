import type { LearningGoal } from '@lectern/api-types';
import type { SourceAsset } from './assets';

/**
 * A book as read from a folder, before it touches the database: the output of
 * every book-source reader (Lectern's own `book.yaml` format, a Docusaurus
 * docs tree). Sync compares this with what is stored.
 */

export type LayerId = `L${number}`;
export type LessonType = 'lesson' | 'lab' | 'summary';

export interface LayerDef {
  id: LayerId;
  label: string;
}

export interface SourceLesson {
  slug: string;
  title: string;
  type: LessonType;
  /** One layer id (a part spanning L2-L3 gives each lesson one of them); null when the book declares no layers. */
  layer: LayerId | null;
  /** Lesson slugs this lesson needs first. */
  prerequisites: string[];
  goals: LearningGoal[];
  estimatedMinutes: number;
  /** The lesson body as Lectern stores and serves it: Markdown, no front matter, links rewritten. */
  markdown: string;
  /** Path of the file it came from, relative to the book folder (for messages). */
  sourcePath: string;
  /** Labels of the nested groups (categories deeper than the chapter) it sits in, outermost first. */
  groups?: string[];
}

export interface SourceChapter {
  /** Global chapter number, 1-based, unique in the book. */
  number: number;
  /** Number within its part, 1-based. */
  localNumber: number;
  slug: string;
  title: string;
  /** Global numbers of the chapters this one needs first. */
  prerequisites: number[];
  /** Slug of the chapter's own overview page (its index page), first among its lessons. */
  overview?: string;
  lessons: SourceLesson[];
}

export interface SourcePart {
  number: number;
  slug: string;
  title: string;
  /** `L1`, or a range `L2-L3`; null when the book declares no layers. */
  layer: string | null;
  /** Not a part of the source (top-level docs, a book without part folders): the reader does not show its title. */
  implicit?: boolean;
  /** Slug of the part's own overview page. */
  overview?: string;
  weeks?: string;
  transitionCheck?: string;
  chapters: SourceChapter[];
}

export interface SourceBook {
  slug: string;
  title: string;
  description: string;
  version: string;
  layers: LayerDef[];
  /** Terms a rewrite keeps as written (e.g. in English in an Urdu rewrite). */
  glossary?: string[];
  parts: SourcePart[];
  /** Images and files the lessons refer to (by their SHA-256). */
  assets?: SourceAsset[];
}

/** A problem in one file; the file is skipped, the rest of the book still imports. */
export interface SourceProblem {
  path: string;
  line?: number;
  message: string;
}

export interface ReadBookResult {
  format: 'lectern' | 'docusaurus';
  book: SourceBook;
  problems: SourceProblem[];
}

/** A problem with the book as a whole (a prerequisite cycle, a missing reference): nothing is imported. */
export class BookSourceError extends Error {
  constructor(
    message: string,
    readonly problems: SourceProblem[] = [],
  ) {
    super(message);
    this.name = 'BookSourceError';
  }
}
