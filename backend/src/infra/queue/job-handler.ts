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

/** The handler class for every queue: a queue without one does not compile (the worker's composition root uses this). */
export type JobHandlers = { readonly [Q in QueueName]: new (...args: never[]) => JobHandler };

/** Handler classes for some queues: a test registers only the queues it needs. */
export type SomeJobHandlers = Partial<JobHandlers>;

/** The queues of the catalogue that `handlers` leaves without a handler. */
export function queuesWithoutHandler(handlers: SomeJobHandlers, queues: readonly QueueName[]): QueueName[] {
  return queues.filter((q) => !handlers[q]);
}

export const JOB_HANDLERS = Symbol('JOB_HANDLERS');
