import { DAY_SECONDS, defineQueue } from '@lectern/infra';

/** Imports a book folder (`content sync`, the admin endpoint). */
export interface ContentSyncPayload {
  /** Absolute path of the book folder to import. */
  sourceDir: string;
  requestedBy: 'cli' | 'admin';
}

/** The `content` queue: book imports, one at a time. */
export const CONTENT_QUEUE = defineQueue<{ sync: ContentSyncPayload }>('content', {
  attempts: 3,
  backoffMs: 5_000,
  lockDurationMs: 5 * 60_000,
  concurrency: 1,
  keepCompleted: { ageSeconds: 7 * DAY_SECONDS, count: 500 },
  keepFailed: { ageSeconds: 30 * DAY_SECONDS, count: 1_000 },
  maxStalledCount: 2,
  callsLlm: false,
});
