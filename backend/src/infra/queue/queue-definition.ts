/**
 * The generic part of a BullMQ queue: its settings and its typed name. Each
 * domain declares its own queue(s) and payload types in `<domain>.jobs.ts`
 * with `defineQueue`, and registers them with `QueueModule.register(...)`;
 * infrastructure knows no domain's queue.
 *
 * Payloads carry ids, paths and hashes, never documents. Job ids must not
 * contain ':' (BullMQ rejects it).
 */

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

/** Payload type of every job of one queue, by job name. */
export type JobPayloadMap = Record<string, unknown>;

/**
 * One queue: its name, settings and (as a type only) its jobs' payloads.
 * `enqueue(queue, jobName, payload)` and `JobHandler<JobOf<queue>>` are typed from it.
 */
export interface QueueDefinition<Jobs extends JobPayloadMap = JobPayloadMap> {
  readonly name: string;
  readonly settings: QueueSettings;
  /** Never set: carries the payload types. */
  readonly jobs?: Jobs;
}

export type JobsOf<D extends QueueDefinition> = D extends QueueDefinition<infer Jobs> ? Jobs : never;
export type JobName<D extends QueueDefinition> = keyof JobsOf<D> & string;
export type JobPayload<D extends QueueDefinition, J extends JobName<D>> = JobsOf<D>[J];
/** The union of a queue's payloads (what its handler receives in `job.data`). */
export type AnyJobPayload<D extends QueueDefinition> = JobsOf<D>[JobName<D>];

const QUEUE_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** Declares a queue: `defineQueue<{ sync: ContentSyncPayload }>('content', { ...settings })`. */
export function defineQueue<Jobs extends JobPayloadMap>(name: string, settings: QueueSettings): QueueDefinition<Jobs> {
  if (!QUEUE_NAME.test(name)) throw new Error(`Queue name ${JSON.stringify(name)} must be 1-40 lower-case letters, digits or -`);
  return Object.freeze({ name, settings: Object.freeze({ ...settings }) });
}

export const DAY_SECONDS = 86_400;

/** Retention most queues use: a day of completed jobs, a week of failed ones. */
export const DEFAULT_RETENTION: Pick<QueueSettings, 'keepCompleted' | 'keepFailed'> = {
  keepCompleted: { ageSeconds: 1 * DAY_SECONDS, count: 2_000 },
  keepFailed: { ageSeconds: 7 * DAY_SECONDS, count: 5_000 },
};
