import { Processor } from '@nestjs/bullmq';
import { InjectRepository } from '@nestjs/typeorm';
import { JobRunEntity, RecordedProcessor, workerOptions, type ContentSyncPayload } from '@lectern/infra';
import { UnrecoverableError, type Job } from 'bullmq';
import { Repository } from 'typeorm';
import { BookSourceError } from '../source/book-source.types';
import { ContentSyncService } from './content-sync.service';
import type { SyncSummary } from './sync-plan';

/** Runs `content sync` jobs in the worker, reporting progress to BullMQ. */
@Processor('content', workerOptions('content'))
export class ContentSyncProcessor extends RecordedProcessor {
  constructor(
    private readonly sync: ContentSyncService,
    @InjectRepository(JobRunEntity) runs: Repository<JobRunEntity>,
  ) {
    super(runs);
  }

  protected async handle(job: Job): Promise<SyncSummary> {
    switch (job.name) {
      case 'sync': {
        const payload = job.data as ContentSyncPayload;
        try {
          return await this.sync.sync(payload.sourceDir, (done, total) => job.updateProgress(Math.round((done / Math.max(total, 1)) * 100)));
        } catch (error) {
          // A broken book will not fix itself on retry.
          if (error instanceof BookSourceError) throw new UnrecoverableError(error.message);
          throw error;
        }
      }
      default:
        throw new UnrecoverableError(`The content queue has no job named ${job.name}`);
    }
  }
}
