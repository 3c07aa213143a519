import type { Type } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { AnyJobPayload, QueueDefinition } from './queue-definition';

/**
 * What a queue's jobs run. One handler per queue; it switches on `job.name`.
 * Throw to retry (with the queue's backoff); throw UnrecoverableError for
 * what retrying cannot fix. Handlers must be idempotent (a job may run again
 * after a worker died mid-way). `P` is the union of the queue's payloads
 * (`AnyJobPayload<typeof MY_QUEUE>`).
 */
export interface JobHandler<P = unknown> {
  handle(job: Job<P>): Promise<unknown>;
}

/** A queue and the handler class that runs its jobs (`WorkerRunnerModule.forRoot([...])`). */
export interface JobBinding {
  readonly queue: QueueDefinition;
  readonly handler: Type<JobHandler<never>>;
}

/** Binds a queue to its handler class (whose payload type must be the queue's). */
export function jobBinding<D extends QueueDefinition>(queue: D, handler: Type<JobHandler<AnyJobPayload<D>>>): JobBinding {
  return { queue, handler };
}

/** The names of `queues` that no binding handles. */
export function queuesWithoutHandler(bindings: readonly JobBinding[], queues: readonly string[]): string[] {
  const handled = new Set(bindings.map((b) => b.queue.name));
  return queues.filter((q) => !handled.has(q));
}

export const JOB_HANDLERS = Symbol('JOB_HANDLERS');
