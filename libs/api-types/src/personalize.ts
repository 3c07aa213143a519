/** A rewrite that exists: served at once. */
export interface PersonalizeReady {
  status: 'ready';
  lessonSlug: string;
  content: string;
  /** The same rewrite at a content-addressed URL (`/api/personalize/rewrites/{id}/{sha256}.md`): immutable, cacheable for a year. */
  contentUrl: string;
  cached: boolean;
  contentHash: string;
  preferencesHash: string;
  generatedAt: string;
  model: string;
  promptVersion: number;
}

/** A rewrite being written in the background: poll statusUrl. */
export interface PersonalizeQueued {
  status: 'queued';
  jobId: string;
  statusUrl: string;
}

export type PersonalizeResponse = PersonalizeReady | PersonalizeQueued;

export interface PersonalizeJobStatus {
  jobId: string;
  state: 'queued' | 'active' | 'completed' | 'failed';
  progress: number;
  attemptsMade: number;
  failedReason: string | null;
  enqueuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  result: PersonalizeReady | null;
}

/** How a learner reads lessons: the book's text, or rewritten for them. */
export const READER_VIEWS = ['original', 'personalized'] as const;
export type ReaderView = (typeof READER_VIEWS)[number];

/** GET/PUT `/api/user/reader-view` (kept beside the preferences, outside their hash). */
export interface ReaderViewDto {
  view: ReaderView;
}

/** Events of GET `/api/personalize/jobs/{jobId}/stream` (`text/event-stream`). */
export type PersonalizeStreamEvent =
  | { event: 'progress'; data: { progress: number } }
  /** More of the draft, as the model writes it. */
  | { event: 'delta'; data: { text: string } }
  /** The writer started over (a retry): drop the draft so far. */
  | { event: 'restart'; data: Record<string, never> }
  | { event: 'done'; data: { result: PersonalizeReady } }
  /** A reason written for the learner. */
  | { event: 'failed'; data: { reason: string } };

export const FEEDBACK_RATINGS = ['up', 'down'] as const;
export type FeedbackRating = (typeof FEEDBACK_RATINGS)[number];
export const FEEDBACK_REASONS = ['inaccurate', 'too_simple', 'too_hard', 'wrong_language', 'lost_content', 'formatting', 'other'] as const;
export type FeedbackReason = (typeof FEEDBACK_REASONS)[number];
export const FEEDBACK_COMMENT_MAX = 500;

/** POST `/api/personalize/feedback`. */
export interface PersonalizeFeedbackRequest {
  lessonSlug: string;
  rating: FeedbackRating;
  reason?: FeedbackReason;
  comment?: string;
}

/** One row of GET `/api/admin/personalize/feedback`. */
export interface PersonalizeFeedbackSummary {
  lessonSlug: string;
  promptVersion: number;
  ups: number;
  downs: number;
  reasons: Partial<Record<FeedbackReason, number>>;
}
