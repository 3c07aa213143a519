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
  layer: string;
  estimatedMinutes: number;
}

export interface ChapterDto {
  number: number;
  localNumber: number;
  slug: string;
  title: string;
  partNumber: number;
  prerequisites: number[];
  lessons: LessonSummaryDto[];
}

export interface PartDto {
  number: number;
  slug: string;
  title: string;
  layer: string;
  weeks: string | null;
  transitionCheck: string | null;
  chapters: ChapterDto[];
}

export interface BookDto {
  slug: string;
  title: string;
  description: string;
  version: string;
  layers: LayerDto[];
  parts: PartDto[];
}

export interface PartSummaryDto {
  number: number;
  slug: string;
  title: string;
  layer: string;
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
  layer: string;
  partNumber: number;
  partTitle: string;
  chapterNumber: number;
  chapterTitle: string;
  prerequisites: string[];
  goals: LearningGoal[];
  estimatedMinutes: number;
  contentHash: string;
  headings: HeadingDto[];
  previous: LessonLinkDto | null;
  next: LessonLinkDto | null;
}

export interface ContentSyncAccepted {
  jobId: string;
  statusUrl: string;
}
