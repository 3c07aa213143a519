/**
 * Every BullMQ queue, declared once: its jobs and their payload types, and
 * every setting a queue needs. A queue added here without a setting, or a
 * job without a payload type, does not compile; the worker module must give
 * each queue a processor (also checked at compile time, see worker.ts).
 *
 * Payloads carry ids, paths and hashes, never documents. Job ids must not
 * contain ':' (BullMQ rejects it).
 */

export interface ContentSyncPayload {
  /** Absolute path of the book folder to import. */
  sourceDir: string;
  requestedBy: 'cli' | 'admin';
}

/** One rewrite: the full cache key (the job id is derived from it). */
export interface PersonalizePayload {
  lessonSlug: string;
  contentHash: string;
  preferencesHash: string;
  promptVersion: number;
  model: string;
  /** '' or absent: the row shared by every learner with these answers; else one learner's own regeneration. */
  variant?: string;
}

/** Embeds the search chunks of one lesson that have no vector for the current embedding model. */
export interface EmbedLessonPayload {
  lessonSlug: string;
  /** The lesson text the chunks were cut from (part of the job id). */
  contentHash: string;
}

/** One tutor answer: the assistant message to write (its thread, question and learner are read from PostgreSQL). */
export interface TutorAnswerPayload {
  messageId: string;
}

/** Payload type of every job, by queue and job name. */
export interface JobPayloads {
  content: { sync: ContentSyncPayload };
  personalize: {
    rewrite: PersonalizePayload;
    /** Deletes rewrites of lesson texts that changed longer ago than the grace period (repeatable). */
    'purge-stale': Record<string, never>;
  };
  index: {
    'embed-lesson': EmbedLessonPayload;
    /** Embeds every chunk lacking a vector for the current model (after a model change or `search reindex`), then prunes vectors nothing uses. */
    'reembed-all': Record<string, never>;
  };
  tutor: { answer: TutorAnswerPayload };
}

export type QueueName = keyof JobPayloads;
export type JobName<Q extends QueueName> = keyof JobPayloads[Q] & string;
export type JobPayload<Q extends QueueName, J extends JobName<Q>> = JobPayloads[Q][J];

export interface QueueSettings {
  /** Tries in all, the first included. */
  attempts: number;
  /** First retry delay; doubles each time (exponential backoff). */
  backoffMs: number;
  /** How long a worker holds a job before another may take it over (a dead worker's job is picked up again after this). */
  lockDurationMs: number;
  /** Jobs one worker process runs at once. */
  concurrency: number;
  /** Completed and failed jobs kept in Redis (their final state is kept in PostgreSQL regardless). */
  keepCompleted: { ageSeconds: number; count: number };
  keepFailed: { ageSeconds: number; count: number };
  /** Stalled-job checks: how many times a job may stall before it fails. */
  maxStalledCount: number;
  /** Jobs call the LLM: the worker applies the provider rate limit (LLM_REQUESTS_PER_MINUTE). */
  callsLlm: boolean;
}

const DAY = 86_400;

export const QUEUES: { readonly [Q in QueueName]: QueueSettings } = {
  content: {
    attempts: 3,
    backoffMs: 5_000,
    lockDurationMs: 5 * 60_000,
    concurrency: 1,
    keepCompleted: { ageSeconds: 7 * DAY, count: 500 },
    keepFailed: { ageSeconds: 30 * DAY, count: 1_000 },
    maxStalledCount: 2,
    callsLlm: false,
  },
  personalize: {
    attempts: 3,
    backoffMs: 2_000,
    // A streamed rewrite of a long lesson can take minutes; the lock is renewed while the worker lives,
    // and a dead worker's job is taken over once its lock expires.
    lockDurationMs: 15_000,
    concurrency: 4,
    keepCompleted: { ageSeconds: 1 * DAY, count: 2_000 },
    keepFailed: { ageSeconds: 7 * DAY, count: 5_000 },
    maxStalledCount: 2,
    callsLlm: true,
  },
  index: {
    attempts: 5,
    backoffMs: 5_000,
    // A re-embedding of the whole book runs for minutes; the lock is renewed while the worker lives.
    lockDurationMs: 60_000,
    concurrency: 2,
    keepCompleted: { ageSeconds: 1 * DAY, count: 2_000 },
    keepFailed: { ageSeconds: 7 * DAY, count: 5_000 },
    maxStalledCount: 2,
    callsLlm: true,
  },
  tutor: {
    // A learner is waiting: retry soon, and not for long (an answer is short).
    attempts: 3,
    backoffMs: 1_000,
    lockDurationMs: 15_000,
    concurrency: 8,
    keepCompleted: { ageSeconds: 1 * DAY, count: 2_000 },
    keepFailed: { ageSeconds: 7 * DAY, count: 5_000 },
    maxStalledCount: 2,
    callsLlm: true,
  },
};

export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];
