import type { LessonType } from './content';

// Reading progress and recommendations (API.md, "Progress and recommendations").
// Progress is always the token's learner: no user id appears in these paths.

export const LESSON_STATUSES = ['not_started', 'in_progress', 'completed'] as const;
export type LessonStatus = (typeof LESSON_STATUSES)[number];

/** What is stored for a lesson once the learner opened it (no row means not_started). */
export type StoredLessonStatus = Exclude<LessonStatus, 'not_started'>;

/** Limits of PUT /api/progress/lessons/{slug}/time (one heartbeat). */
export const HEARTBEAT_MIN_SECONDS = 1;
export const HEARTBEAT_MAX_SECONDS = 3600;

/** Limits of GET /api/progress/recommendations?limit= */
export const RECOMMENDATIONS_DEFAULT_LIMIT = 5;
export const RECOMMENDATIONS_MAX_LIMIT = 20;

/** GET /api/progress/lessons/{slug}, and the answer of start, complete and time. */
export interface LessonProgressDto {
  lessonSlug: string;
  status: LessonStatus;
  /** ISO date-time; null while not started. */
  startedAt: string | null;
  completedAt: string | null;
  timeSpentSeconds: number;
  /** Anchor id of the heading the learner was last at (for "continue where you left off"), or null. */
  lastSection: string | null;
}

/** Body of POST /api/progress/lessons/{slug}/start (optional: an empty body is fine). */
export interface StartLessonRequest {
  section?: string;
}

/** Body of PUT /api/progress/lessons/{slug}/time: a heartbeat. */
export interface LessonTimeRequest {
  /** Whole seconds read since the last heartbeat, 1..3600. */
  seconds: number;
  /** Anchor id of the heading the learner is at now. */
  section?: string;
}

/** "Continue where you left off": the most recently touched lesson still in progress. */
export interface ResumeDto {
  lessonSlug: string;
  title: string;
  section: string | null;
}

/** Counters shared by the book, each part and each chapter. */
export interface CompletionCounts {
  totalLessons: number;
  completedLessons: number;
  inProgressLessons: number;
  /** 0..100, rounded to one decimal. */
  completionPercentage: number;
}

export interface ChapterProgressDto extends CompletionCounts {
  number: number;
  title: string;
}

export interface PartProgressDto extends CompletionCounts {
  number: number;
  title: string;
  /** Per-chapter completion for the book page (an addition to API.md). */
  chapters: ChapterProgressDto[];
}

/** A lesson the learner opened, for the book page's check marks (an addition to API.md). */
export interface LessonStatusDto {
  lessonSlug: string;
  status: StoredLessonStatus;
}

/** GET /api/progress: totals over the current book's lessons only. */
export interface ProgressSummaryDto extends CompletionCounts {
  totalTimeSpentSeconds: number;
  resume: ResumeDto | null;
  parts: PartProgressDto[];
  /** Every lesson of the book the learner started or completed, in reading order. */
  lessons: LessonStatusDto[];
}

export interface RecommendedLessonDto {
  slug: string;
  title: string;
  /** The book's layer id; null when the book declares no layers. */
  layer: string | null;
  type: LessonType;
  estimatedMinutes: number;
}

export interface RecommendationDto {
  lesson: RecommendedLessonDto;
  chapterTitle: string;
  partTitle: string;
  /** Higher first. The hundreds are the tier: 3xx continue, 2xx open now, 1xx later for this learner. */
  score: number;
  /** Why it was chosen, in plain words; never empty. */
  reasons: string[];
}

/** GET /api/progress/recommendations */
export interface RecommendationsResponse {
  recommendations: RecommendationDto[];
  /** How many lessons could be recommended now (before `limit`). */
  total: number;
}
