import type { Job } from 'bullmq';
import type { QueueName } from './queue-catalogue';

/**
 * What a queue's jobs run. One handler per queue; it switches on `job.name`.
 * Throw to retry (with the queue's backoff); throw UnrecoverableError for
 * what retrying cannot fix. Handlers must be idempotent (a job may run again
 * after a worker died mid-way).
 */
export interface JobHandler {
  handle(job: Job): Promise<unknown>;
}

/** The handler class for every queue: a queue without one does not compile. */
export type JobHandlers = { readonly [Q in QueueName]: new (...args: never[]) => JobHandler };

export const JOB_HANDLERS = Symbol('JOB_HANDLERS');
