/** Tutor ("Ask the book"): threads of questions answered from the book, with citations. */

export const TUTOR_CONTENT_MAX_LENGTH = 2000;
export const TUTOR_SELECTION_MAX_LENGTH = 4000;
export const TUTOR_ACTIONS = ['ask', 'explain', 'summarize', 'translate'] as const;
export type TutorAction = (typeof TUTOR_ACTIONS)[number];
export type TutorMessageRole = 'user' | 'assistant';
export type TutorMessageStatus = 'queued' | 'active' | 'completed' | 'failed';

/** A section of the book an answer cites: `[n]` in the answer refers to the citation with this `n`. */
export interface TutorCitation {
  n: number;
  lessonSlug: string;
  lessonTitle: string;
  heading: string;
  /** The heading's anchor id (`/lessons/<slug>#<anchor>`), '' for the lesson's introduction. */
  anchor: string;
  /** Plain text of the section's start (not HTML). */
  snippet: string;
}

export interface TutorMessage {
  id: string;
  role: TutorMessageRole;
  content: string;
  status: TutorMessageStatus;
  citations: TutorCitation[];
  createdAt: string;
}

/** POST /api/tutor/threads */
export interface CreateTutorThreadRequest {
  lessonSlug?: string;
}

export interface TutorThread {
  id: string;
  title: string;
  lessonSlug: string | null;
  createdAt: string;
  updatedAt: string;
}

/** GET /api/tutor/threads (one row) */
export interface TutorThreadSummary {
  id: string;
  title: string;
  lessonSlug: string | null;
  updatedAt: string;
  messageCount: number;
}

/** GET /api/tutor/threads/{id} */
export interface TutorThreadDetail {
  id: string;
  title: string;
  lessonSlug: string | null;
  messages: TutorMessage[];
}

export interface TutorSelection {
  lessonSlug: string;
  /** ≤ 4000 characters. */
  text: string;
  anchor?: string;
}

/** POST /api/tutor/threads/{id}/messages */
export interface PostTutorMessageRequest {
  /** 1..2000 characters. */
  content: string;
  action?: TutorAction;
  selection?: TutorSelection;
}

export interface PostTutorMessageResponse {
  userMessage: TutorMessage;
  assistantMessage: { id: string; status: 'queued' };
  jobId: string;
  streamUrl: string;
}

/** Events of GET /api/tutor/messages/{id}/stream, in order: citations, delta…, then done or failed. */
export interface TutorStreamEvents {
  citations: { citations: TutorCitation[] };
  /** The next piece of the answer (a late subscriber first gets every piece so far). */
  delta: { text: string };
  /** A retried attempt starts again: drop the text so far. */
  reset: Record<string, never>;
  done: { message: TutorMessage };
  failed: { reason: string };
}
