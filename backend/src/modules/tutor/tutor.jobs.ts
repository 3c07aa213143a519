import { DEFAULT_RETENTION, defineQueue } from '@lectern/infra';

/** One tutor answer: the assistant message to write (its thread, question and learner are read from PostgreSQL). */
export interface TutorAnswerPayload {
  messageId: string;
}

/** The `tutor` queue: a learner is waiting, so retry soon, and not for long (an answer is short). */
export const TUTOR_QUEUE = defineQueue<{ answer: TutorAnswerPayload }>('tutor', {
  attempts: 3,
  backoffMs: 1_000,
  lockDurationMs: 15_000,
  concurrency: 8,
  maxStalledCount: 2,
  callsLlm: true,
  ...DEFAULT_RETENTION,
});
