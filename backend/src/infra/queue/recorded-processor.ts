import { Logger } from '@nestjs/common';
import { WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Repository } from 'typeorm';
import type { JobRunEntity } from './job-run.entity';

/**
 * Base of every processor: runs `handle` and records the job's state in
 * PostgreSQL when it starts and when it ends for good (completed, or failed
 * after its last attempt). Throw to retry; throw UnrecoverableError for what
 * retrying cannot fix.
 */
export abstract class RecordedProcessor extends WorkerHost {
  protected readonly logger = new Logger(this.constructor.name);

  protected constructor(private readonly runs: Repository<JobRunEntity>) {
    super();
  }

  protected abstract handle(job: Job): Promise<unknown>;

  async process(job: Job): Promise<unknown> {
    const queue = job.queueName;
    const base = { queue, jobId: String(job.id), name: job.name, enqueuedAt: new Date(job.timestamp) };
    await this.record({ ...base, state: 'active', startedAt: new Date(), attemptsMade: job.attemptsMade, failedReason: null });
    try {
      const result = await this.handle(job);
      await this.record({
        ...base,
        state: 'completed',
        progress: 100,
        attemptsMade: job.attemptsMade + 1,
        result: result ?? null,
        finishedAt: new Date(),
      });
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const final = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.logger.warn(
        `${queue}/${job.name} ${String(job.id)} attempt ${job.attemptsMade + 1} failed${final ? ' for good' : ', will retry'}: ${message}`,
      );
      await this.record({
        ...base,
        state: final ? 'failed' : 'queued',
        attemptsMade: job.attemptsMade + 1,
        failedReason: message,
        finishedAt: final ? new Date() : null,
      });
      throw error;
    }
  }

  private async record(row: Partial<JobRunEntity> & Pick<JobRunEntity, 'queue' | 'jobId' | 'name'>): Promise<void> {
    try {
      await this.runs.upsert(row as Parameters<Repository<JobRunEntity>['upsert']>[0], { conflictPaths: ['queue', 'jobId'] });
    } catch (error) {
      // The job's outcome matters more than its record: never fail a job because the record failed.
      this.logger.warn(`Could not record job ${row.queue}/${row.jobId}: ${String(error)}`);
    }
  }
}
