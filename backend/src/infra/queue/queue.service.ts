import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import { InjectRepository } from '@nestjs/typeorm';
import type { Job, JobsOptions, Queue } from 'bullmq';
import { Repository } from 'typeorm';
import { DomainError } from '../errors/domain-error';
import { JobRunEntity } from './job-run.entity';
import { foldState, type JobStatus } from './job-status';
import type { JobName, JobPayload, QueueDefinition } from './queue-definition';

export class QueueUnavailableError extends DomainError {
  constructor(what: string) {
    super(503, 'queue_unavailable', `The job queue is unavailable (${what}); try again shortly`);
  }
}

async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new QueueUnavailableError(`${what} timed out`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface EnqueueOptions {
  /** A deterministic id: requests for the same work join one job. */
  jobId?: string;
  /** Drop the add while a job with this id is waiting or running (BullMQ deduplication). */
  deduplicationId?: string;
  priority?: number;
}

/** Typed enqueueing and job status for every registered queue (typed by its QueueDefinition). */
@Injectable()
export class QueueService {
  private readonly logger = new Logger(QueueService.name);

  constructor(
    private readonly moduleRef: ModuleRef,
    @InjectRepository(JobRunEntity) private readonly runs: Repository<JobRunEntity>,
  ) {}

  /** The BullMQ queue of a definition (or a name, for generic tooling such as Bull Board and /metrics). */
  queue(queue: QueueDefinition | string): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(typeof queue === 'string' ? queue : queue.name), { strict: false });
  }

  async enqueue<D extends QueueDefinition, J extends JobName<D>>(
    definition: D,
    jobName: J,
    payload: JobPayload<D, J>,
    options: EnqueueOptions = {},
  ): Promise<Job> {
    const queueName = definition.name;
    const opts: JobsOptions = {
      ...(options.jobId ? { jobId: options.jobId } : {}),
      ...(options.deduplicationId ? { deduplication: { id: options.deduplicationId } } : {}),
      ...(options.priority ? { priority: options.priority } : {}),
    };
    let job: Job;
    try {
      job = await within(2_000, 'adding a job', this.queue(definition).add(jobName, payload, opts));
    } catch (error) {
      if (error instanceof QueueUnavailableError) throw error;
      this.logger.warn(`Could not enqueue ${queueName}/${jobName}: ${String(error)}`);
      throw new QueueUnavailableError(error instanceof Error ? error.message : String(error));
    }
    await this.runs
      .createQueryBuilder()
      .insert()
      .values({ queue: queueName, jobId: String(job.id), name: jobName, state: 'queued', enqueuedAt: new Date(job.timestamp) })
      .orIgnore()
      .execute();
    return job;
  }

  /**
   * Adds a job under a deterministic id, joining the job already waiting or
   * running under that id. A finished job under the id (completed, or failed
   * for good) is replaced, so asking again after a failure or after its
   * result was dropped starts fresh work.
   */
  async enqueueUnique<D extends QueueDefinition, J extends JobName<D>>(
    definition: D,
    jobName: J,
    payload: JobPayload<D, J>,
    id: string,
  ): Promise<Job> {
    const queueName = definition.name;
    const queue = this.queue(definition);
    try {
      const existing = await within(2_000, 'reading a job', queue.getJob(id));
      if (existing) {
        const state = await within(1_000, 'reading a job state', existing.getState());
        if (state !== 'completed' && state !== 'failed') return existing;
        // Another request may have replaced it already; then the add below joins theirs.
        await within(2_000, 'removing a finished job', existing.remove()).catch(() => undefined);
      }
    } catch (error) {
      if (error instanceof QueueUnavailableError) throw error;
      throw new QueueUnavailableError(error instanceof Error ? error.message : String(error));
    }
    await this.runs.delete({ queue: queueName, jobId: id });
    return this.enqueue(definition, jobName, payload, { jobId: id });
  }

  /**
   * A job's status: live from Redis while BullMQ has it, else its last state
   * kept in PostgreSQL (after retention removed it, or Redis was flushed).
   */
  async status<R = unknown>(definition: QueueDefinition, id: string): Promise<JobStatus<R> | null> {
    const queueName = definition.name;
    // Job ids are ours (numbers or derived ids): anything else names no job.
    if (!/^[A-Za-z0-9_-]{1,200}$/.test(id)) return null;
    let job: Job | undefined;
    let bullState = 'unknown';
    try {
      // The job and its state are two reads: a job that finishes between them reads as
      // completed (or failed) with the snapshot of before, i.e. no result, no reason. Read
      // again until the snapshot has finished too (or the job was replaced or removed).
      for (let read = 0; read < 5; read++) {
        job = await within(1_000, 'reading a job', this.queue(definition).getJob(id));
        if (!job) break;
        bullState = await within(1_000, 'reading a job state', job.getState()).catch(() => 'unknown');
        if ((bullState !== 'completed' && bullState !== 'failed') || job.finishedOn) break;
      }
    } catch (error) {
      job = undefined;
      this.logger.warn(`Job status from Redis failed, using PostgreSQL: ${String(error)}`);
    }
    if (job) {
      const state = foldState(bullState);
      return {
        jobId: String(job.id),
        queue: queueName,
        name: job.name,
        state,
        progress: state === 'completed' ? 100 : typeof job.progress === 'number' ? Math.round(job.progress) : 0,
        attemptsMade: job.attemptsMade,
        failedReason: state === 'failed' ? (job.failedReason ?? null) : null,
        enqueuedAt: new Date(job.timestamp).toISOString(),
        startedAt: job.processedOn ? new Date(job.processedOn).toISOString() : null,
        finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
        result: state === 'completed' ? ((job.returnvalue as R) ?? null) : null,
      };
    }
    const row = await this.runs.findOneBy({ queue: queueName, jobId: id });
    if (!row) return null;
    return {
      jobId: row.jobId,
      queue: row.queue,
      name: row.name,
      state: row.state,
      progress: row.progress,
      attemptsMade: row.attemptsMade,
      failedReason: row.failedReason,
      enqueuedAt: row.enqueuedAt?.toISOString() ?? null,
      startedAt: row.startedAt?.toISOString() ?? null,
      finishedAt: row.finishedAt?.toISOString() ?? null,
      result: (row.result as R) ?? null,
    };
  }
}
