import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { JOB_HANDLERS, type JobHandler } from './job-handler';
import { JobRunEntity } from './job-run.entity';
import type { QueueDefinition } from './queue-definition';
import { bullConnection } from './redis-connection';
import { MetricsService } from '../metrics/metrics.service';

/** A queue and its handler instance, as the runner receives them. */
export interface BoundHandler {
  queue: QueueDefinition;
  handler: JobHandler;
}

/** Worker settings of a queue: its definition's, with the provider rate limit for LLM queues. */
export function workerOptionsFor(queue: QueueDefinition, config: AppConfig): Omit<WorkerOptions, 'connection'> {
  const q = queue.settings;
  return {
    prefix: config.QUEUE_PREFIX,
    concurrency: q.concurrency,
    lockDuration: q.lockDurationMs,
    stalledInterval: Math.max(1_000, Math.floor(q.lockDurationMs / 2)),
    maxStalledCount: q.maxStalledCount,
    ...(q.callsLlm ? { limiter: { max: config.LLM_REQUESTS_PER_MINUTE, duration: 60_000 } } : {}),
  };
}

/**
 * Runs one BullMQ Worker per queue given a handler (WorkerRunnerModule), and
 * records every job's state in PostgreSQL when it starts and when it ends for
 * good. (The worker's composition root checks that every queue has one.) On shutdown the
 * workers finish their current jobs (or hand them back) before the process ends.
 */
@Injectable()
export class WorkerRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerRunner.name);
  private readonly workers: Worker[] = [];

  constructor(
    private readonly config: AppConfig,
    @Inject(JOB_HANDLERS) private readonly handlers: BoundHandler[],
    @InjectRepository(JobRunEntity) private readonly runs: Repository<JobRunEntity>,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    const queues = this.handlers.map((h) => h.queue.name);
    for (const { queue, handler } of this.handlers) {
      const name = queue.name;
      const worker = new Worker(name, (job) => this.run(handler, job), {
        connection: bullConnection(this.config.REDIS_URL, 'worker'),
        ...workerOptionsFor(queue, this.config),
      });
      worker.on('error', (error) => this.logger.warn(`Worker ${name}: ${error.message}`));
      this.workers.push(worker);
    }
    this.logger.log(`Processing queues: ${queues.join(', ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }

  private async run(handler: JobHandler, job: Job): Promise<unknown> {
    const base = { queue: job.queueName, jobId: String(job.id), name: job.name, enqueuedAt: new Date(job.timestamp) };
    await this.record({ ...base, state: 'active', startedAt: new Date(), attemptsMade: job.attemptsMade, failedReason: null });
    const timer = this.metrics.jobDuration.startTimer({ queue: job.queueName, name: job.name });
    try {
      const result = await handler.handle(job);
      timer({ outcome: 'completed' });
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
      timer({ outcome: 'failed' });
      const message = error instanceof Error ? error.message : String(error);
      const final = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.logger.warn(
        `${job.queueName}/${job.name} ${String(job.id)} attempt ${job.attemptsMade + 1} failed${final ? ' for good' : ', will retry'}: ${message}`,
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
