import type { LearningGoal } from './onboarding';

export type LessonType = 'lesson' | 'lab' | 'summary';

export interface LayerDto {
  id: string;
  label: string;
}

export interface LessonSummaryDto {
  slug: string;
  title: string;
  position: number;
  type: LessonType;
  /** null when the book declares no layers. */
  layer: string | null;
  estimatedMinutes: number;
}

/** A level deeper than the chapter (a Docusaurus category inside a chapter's category), at any depth. */
export interface LessonGroupDto {
  title: string;
  /** Slugs of the lessons directly in this group, in reading order. */
  lessons: string[];
  groups: LessonGroupDto[];
}

export interface ChapterDto {
  number: number;
  localNumber: number;
  slug: string;
  title: string;
  partNumber: number;
  prerequisites: number[];
  /** Slug of the chapter's own overview page (its first lesson), linked from its title; null when it has none. */
  overview: string | null;
  /** Every lesson of the chapter, in reading order (those in groups too). */
  lessons: LessonSummaryDto[];
  /** Nested groups inside the chapter ([] for a chapter without deeper levels); their lessons are also in `lessons`. */
  groups: LessonGroupDto[];
}

export interface PartDto {
  number: number;
  slug: string;
  title: string;
  /** Not a part of the source (a book without part folders, top-level docs): show no part heading. */
  implicit: boolean;
  /** Slug of the part's own overview page, linked from its title; null when it has none. */
  overview: string | null;
  /** A layer or a range of layers; null when the book declares no layers. */
  layer: string | null;
  weeks: string | null;
  transitionCheck: string | null;
  chapters: ChapterDto[];
}

export interface BookDto {
  slug: string;
  title: string;
  description: string;
  version: string;
  /** [] when the book declares no layers: no layer badges then. */
  layers: LayerDto[];
  /** Terms a rewrite keeps as written (e.g. in English in an Urdu rewrite). */
  glossary: string[];
  parts: PartDto[];
}

export interface PartSummaryDto {
  number: number;
  slug: string;
  title: string;
  /** null when the book declares no layers. */
  layer: string | null;
  chapterCount: number;
  lessonCount: number;
}

export interface LessonLinkDto {
  slug: string;
  title: string;
}

export interface HeadingDto {
  level: number;
  text: string;
  id: string;
}

export interface LessonDto {
  slug: string;
  title: string;
  type: LessonType;
  /** null when the book declares no layers. */
  layer: string | null;
  partNumber: number;
  partTitle: string;
  chapterNumber: number;
  chapterTitle: string;
  prerequisites: string[];
  goals: LearningGoal[];
  estimatedMinutes: number;
  contentHash: string;
  /** The lesson's Markdown at a content-addressed URL (`/api/content/text/{contentHash}.md`): immutable, cacheable for a year. */
  contentUrl: string;
  /** The lesson's Markdown at its stable URL (`/lessons/{slug}.md`): always the current text. */
  markdownUrl: string;
  headings: HeadingDto[];
  previous: LessonLinkDto | null;
  next: LessonLinkDto | null;
}

export interface ContentSyncAccepted {
  jobId: string;
  statusUrl: string;
}
