import { DEFAULT_RETENTION, defineQueue, type AnyJobPayload } from '@lectern/infra';

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

/** The `personalize` queue: rewrites, and the hourly purge of stale ones. */
export const PERSONALIZE_QUEUE = defineQueue<{
  rewrite: PersonalizePayload;
  /** Deletes rewrites of lesson texts that changed longer ago than the grace period (repeatable). */
  'purge-stale': Record<string, never>;
}>('personalize', {
  attempts: 3,
  backoffMs: 2_000,
  // A streamed rewrite of a long lesson can take minutes; the lock is renewed while the worker lives,
  // and a dead worker's job is taken over once its lock expires.
  lockDurationMs: 15_000,
  concurrency: 4,
  maxStalledCount: 2,
  callsLlm: true,
  ...DEFAULT_RETENTION,
});

export type PersonalizeJobPayload = AnyJobPayload<typeof PERSONALIZE_QUEUE>;
