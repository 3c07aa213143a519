import type { ModuleRef } from '@nestjs/core';
import type { Job } from 'bullmq';
import type { Repository } from 'typeorm';
import type { JobRunEntity } from './job-run.entity';
import { defineQueue, DEFAULT_RETENTION } from './queue-definition';
import { QueueService } from './queue.service';

const REWRITES = defineQueue<{ rewrite: { lessonSlug: string } }>('rewrites', {
  attempts: 3,
  backoffMs: 1_000,
  lockDurationMs: 15_000,
  concurrency: 1,
  maxStalledCount: 2,
  callsLlm: false,
  ...DEFAULT_RETENTION,
});

/**
 * A queue whose job finishes between the status read of the job and the read
 * of its state: the interleaving a loaded machine produces.
 */
function finishingBetweenReads(outcome: 'completed' | 'failed') {
  const running = { id: 'rewrite-1', name: 'rewrite', timestamp: 1, attemptsMade: 0, progress: 40, processedOn: 2 };
  const finished =
    outcome === 'completed'
      ? { ...running, attemptsMade: 1, progress: 90, finishedOn: 3, returnvalue: { content: 'the rewrite' } }
      : { ...running, attemptsMade: 3, finishedOn: 3, failedReason: 'HTTP 500' };
  let reads = 0;
  const snapshot = (fields: object) => ({ ...fields, getState: async () => outcome }) as unknown as Job;
  const queue = {
    // The first read sees the running job; by the time its state is read, it has finished.
    getJob: async () => snapshot(reads++ === 0 ? running : finished),
  };
  const moduleRef = { get: () => queue } as unknown as ModuleRef;
  const runs = { findOneBy: async () => null } as unknown as Repository<JobRunEntity>;
  return { service: new QueueService(moduleRef, runs), reads: () => reads };
}

describe('QueueService.status', () => {
  it('a job that completes between the two reads is reported with its result, never completed-with-no-result', async () => {
    const { service, reads } = finishingBetweenReads('completed');
    const status = await service.status(REWRITES, 'rewrite-1');
    expect(status).toMatchObject({ state: 'completed', progress: 100, finishedAt: new Date(3).toISOString() });
    expect(status?.result).toEqual({ content: 'the rewrite' });
    expect(reads()).toBe(2);
  });

  it('a job that fails between the two reads is reported with its reason and attempts', async () => {
    const { service } = finishingBetweenReads('failed');
    const status = await service.status(REWRITES, 'rewrite-1');
    expect(status).toMatchObject({ state: 'failed', failedReason: 'HTTP 500', attemptsMade: 3 });
  });
});
